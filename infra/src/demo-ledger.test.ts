/** The demo ledger (issue 13): every version it saves is a valid record that changes something, for households of the cadre who saves it. */
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { diffLedger, HouseholdLedgerDataSchema, ledgerErrors, normalizeLedger, VillageLedgerDataSchema } from '@minqing/shared';
import { demoLedgerPlan } from './demo-ledger';
import { generateTownship } from './demo-township';

describe('demo ledger records', () => {
  const township = generateTownship();
  const plan = demoLedgerPlan(township);
  const checks = { household: TypeCompiler.Compile(HouseholdLedgerDataSchema), village: TypeCompiler.Compile(VillageLedgerDataSchema) };

  it('files key households of their own cadres and every village, with two or three versions each', () => {
    const households = plan.filter((s) => s.kind === 'household');
    expect(households.length).toBeGreaterThanOrEqual(30);
    for (const s of households) {
      const h = township.households.find((x) => x.code === s.code)!;
      expect(h.isKey).toBe(true);
      expect(h.cadreCode).toBe(s.by);
    }
    expect(plan.filter((s) => s.kind === 'village').map((s) => s.code).sort()).toEqual(township.villages.map((v) => v.code).sort());
    for (const s of plan) expect(s.versions.length).toBeGreaterThanOrEqual(2);
  });

  it('saves only valid records, each version changing something', () => {
    for (const s of plan) {
      let before = null;
      for (const [i, v] of s.versions.entries()) {
        expect(checks[s.kind].Check(v.data), `${s.code} v${i + 1}: ${[...checks[s.kind].Errors(v.data)].map((e) => e.path).join(', ')}`).toBe(true);
        const data = normalizeLedger(v.data);
        expect(ledgerErrors(s.kind, data), `${s.code} v${i + 1}`).toEqual([]);
        expect(diffLedger(s.kind, before, data).length, `${s.code} v${i + 1}`).toBeGreaterThan(0);
        before = data;
      }
    }
  });

  it('is deterministic', () => {
    expect(demoLedgerPlan(generateTownship())).toEqual(plan);
  });
});
