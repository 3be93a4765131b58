import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { RecordInspectionBody } from '@minqing/shared';
import { generateTownship } from './demo-township';
import { demoInspections, previousQuarter } from './demo-inspections';

describe('the demo inspections', () => {
  it('the previous quarter of a date', () => {
    expect(previousQuarter('2026-12-03')).toEqual({ period: '2026-Q3', first: '2026-07-01' });
    expect(previousQuarter('2027-02-10')).toEqual({ period: '2026-Q4', first: '2026-10-01' });
  });

  it('inspect a share of the linked cadres, in the previous quarter and this month, never in the future, each a valid body', () => {
    const township = generateTownship(20261127, { households: 600 });
    const plan = demoInspections(township, '2026-12-03');
    const cadres = new Set(plan.map((p) => p.body.cadreCode));
    expect(cadres.size).toBeGreaterThan(3);
    expect(plan.filter((p) => p.body.date < '2026-10-01').length).toBe(cadres.size);
    expect(plan.some((p) => p.body.date.startsWith('2026-12'))).toBe(true);
    for (const p of plan) {
      expect(p.body.date <= '2026-12-03').toBe(true);
      expect(Value.Check(RecordInspectionBody, p.body)).toBe(true);
      const own = township.households.filter((h) => h.cadreCode === p.body.cadreCode).map((h) => h.code);
      expect(p.body.check.households.every((h) => own.includes(h))).toBe(true);
    }
    expect(new Set(plan.map((p) => p.key)).size).toBe(plan.length);
  });
});
