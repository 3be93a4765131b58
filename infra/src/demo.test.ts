/** The demo spreads its cases over every service point and market-day session (issue 11), the same way on every run. */
import { describe, expect, it } from 'vitest';
import { demoPosts } from './demo';
import { generateTownship } from './demo-township';

describe('demo posts', () => {
  const township = generateTownship();
  const posts = demoPosts(township);

  it('open cases at every service point and every market-day session', () => {
    const places = [...township.servicePoints.map((p) => p.code), ...township.sessions.map((s) => s.code)].sort();
    expect([...new Set(posts.map((p) => p.servicePointCode))].sort()).toEqual(places);
  });

  it('take a station\'s or a session\'s cases from its own community, and a session\'s from a cadre on its duty roster', () => {
    for (const s of township.sessions) {
      const post = posts.find((p) => p.servicePointCode === s.code)!;
      expect(post.villageCode).toBe(s.villageCode);
      expect(post.channel).toBe('market_day');
      expect(s.dutyCadreCodes).toContain(post.opener);
    }
    for (const sp of township.servicePoints.filter((p) => p.kind === 'station')) {
      expect(posts.find((p) => p.servicePointCode === sp.code)!.villageCode).toBe(sp.villageCode);
    }
  });

  it('is deterministic', () => {
    expect(demoPosts(generateTownship())).toEqual(posts);
  });
});
