/**
 * The demo's 40 cases fill the hot topics screen (每月一题, issue 13): run
 * through the case API's own clustering (jieba keywords), they make the
 * recurring issues a township officer would name — heating coal, village roads,
 * 低保, rubbish, grazing land, meat sheep — while keeping five cases per category.
 */
import { describe, expect, it } from 'vitest';
import { CASE_CATEGORIES, type CaseCategory } from '@minqing/shared/vocabulary';
import { clusterTopics } from '../../services/case-api/src/hot-topics/cluster';
import { jiebaTerms } from '../../services/case-api/src/hot-topics/terms';
import { demoRequest } from './demo';

describe('demo cases for the hot topics', () => {
  const requests = Array.from({ length: 40 }, (_, i) => demoRequest(i));

  it('keep five cases of every category, every text different', () => {
    for (const c of CASE_CATEGORIES) expect(requests.filter((r) => r.category === c), c).toHaveLength(5);
    expect(new Set(requests.map((r) => r.title)).size).toBe(40);
  });

  it('make recurring issues of several categories, the biggest first', () => {
    const terms = jiebaTerms();
    const topics = clusterTopics(
      requests.map((r, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        category: r.category as CaseCategory,
        villageCode: null,
        householdCode: `h${i}`,
        openedAt: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
        terms: terms.terms(r.title, r.description),
      })),
    );
    const lead = topics.map((t) => [t.category, t.keywords[0], t.cases.length]);
    expect(topics.length).toBeGreaterThanOrEqual(8);
    expect(lead[0]).toEqual(['livelihood_difficulty', '取暖', 4]);
    for (const [category, keyword] of [['other', '道路'], ['policy_question', '低保'], ['environment_civility', '垃圾'], ['dispute_mediation', '草场'], ['development_guidance', '肉羊']]) {
      expect(lead, `${category} ${keyword}`).toContainEqual([category, keyword, 3]);
    }
  });
});
