/**
 * 四帮四促 in the demo (issue 13): most demo cases and work records carry
 * tags, every help shows up in both, and what is sent is what the API takes.
 */
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { FOUR_HELPS, FourHelpsSchema, SUGGESTED_HELP } from '@minqing/shared/four-helps';
import type { CaseCategory } from '@minqing/shared/vocabulary';
import { demoRequest, demoWorkPlan } from './demo';
import { demoCaseHelps, demoCaseRetag, demoWorkHelps } from './demo-four-helps';
import { generateTownship } from './demo-township';

describe('demo 四帮四促 tags', () => {
  const cases = Array.from({ length: 40 }, (_, i) => ({ i, category: demoRequest(i).category }));

  it('tag a good share of the demo cases at intake, with what the category suggests, every help among them', () => {
    const tagged = cases.filter(({ i, category }) => demoCaseHelps(i, category).length > 0);
    expect(tagged.length).toBeGreaterThanOrEqual(24);
    for (const { i, category } of tagged) {
      const helps = demoCaseHelps(i, category);
      expect(Value.Check(FourHelpsSchema, helps), `${i}`).toBe(true);
      const suggested = SUGGESTED_HELP[category as CaseCategory];
      if (suggested) expect(helps).toContain(suggested);
    }
    expect(new Set(tagged.flatMap(({ i, category }) => demoCaseHelps(i, category)))).toEqual(new Set(FOUR_HELPS));
  });

  it('retag some cases later with a set that differs from the intake one', () => {
    const retagged = cases.filter(({ i, category }) => demoCaseRetag(i, category) !== null);
    expect(retagged.length).toBeGreaterThanOrEqual(4);
    for (const { i, category } of retagged) {
      const next = demoCaseRetag(i, category)!;
      expect(Value.Check(FourHelpsSchema, next)).toBe(true);
      expect(next).not.toEqual(demoCaseHelps(i, category));
    }
  });

  it('tag two in three work records, every help among them', () => {
    const plan = demoWorkPlan(generateTownship(), '2026-12-03');
    const tagged = plan.filter((r) => Array.isArray(r.body.helps));
    expect(tagged.length / plan.length).toBeGreaterThan(0.5);
    expect(new Set(tagged.flatMap((r) => r.body.helps as string[]))).toEqual(new Set(FOUR_HELPS));
    expect(demoWorkHelps('mediation', 0)).toEqual(['dispute_resolution']);
  });
});
