/** The demo spreads its cases over every service point and market-day session (issue 11), the same way on every run. */
import { describe, expect, it } from 'vitest';
import { GRASSROOTS_DAYS_PER_WEEK, grassrootsDaysByWeek, ruleWeeks, WORK_KIND_NAMES, workRecordFieldErrors, type WorkKind } from '@minqing/shared/work-kinds';
import { demoPosts, demoWorkPlan } from './demo';
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

describe('demo work records (issue 13)', () => {
  const township = generateTownship();
  // a Thursday: the week is under way
  const plan = demoWorkPlan(township, '2026-12-03');

  it('are of every kind of every role, right for their kind, and none in the future', () => {
    expect(new Set(plan.map((r) => r.body.kind))).toEqual(new Set(WORK_KIND_NAMES));
    for (const r of plan) {
      expect(workRecordFieldErrors(r.body as Parameters<typeof workRecordFieldErrors>[0]), r.key).toEqual([]);
      expect(String(r.body.date) <= '2026-12-03', r.key).toBe(true);
    }
    expect(new Set(plan.map((r) => r.key)).size).toBe(plan.length);
  });

  it('has some cadres meeting the grassroots-days rule in every finished week and some missing it', () => {
    const weeks = ruleWeeks('2026-11-01', '2026-11-30'); // four finished weeks
    const byCadre = new Map<string, { kind: WorkKind; date: string }[]>();
    for (const r of plan) byCadre.set(r.cadre, [...(byCadre.get(r.cadre) ?? []), { kind: r.body.kind as WorkKind, date: String(r.body.date) }]);
    const days = [...byCadre.values()].map((records) => grassrootsDaysByWeek(records, weeks));
    const meeting = days.filter((d) => d.every((n) => n >= GRASSROOTS_DAYS_PER_WEEK)).length;
    const missing = days.filter((d) => d.some((n) => n < GRASSROOTS_DAYS_PER_WEEK)).length;
    expect(meeting).toBeGreaterThanOrEqual(6);
    expect(missing).toBeGreaterThanOrEqual(3);
  });

  it('is deterministic', () => {
    expect(demoWorkPlan(generateTownship(), '2026-12-03')).toEqual(plan);
  });
});
