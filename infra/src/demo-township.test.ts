import { describe, expect, it } from 'vitest';
import { generateTownship, DEMO_CODES } from './demo-township';

describe('the demo township', () => {
  const doc = generateTownship();

  it('is deterministic', () => {
    expect(generateTownship()).toEqual(doc);
    expect(generateTownship(1)).not.toEqual(doc);
  });

  it('looks like the plan: 2 communities and 6 villages in 4 areas, 10 departments, ~100 cadres, 8 leaders, 10,000 households', () => {
    expect(doc.villages.filter((v) => v.kind === 'community').map((v) => v.name).sort()).toEqual(['三段地社区', '乌兰社区']);
    expect(doc.villages.filter((v) => v.kind === 'gachaa')).toHaveLength(6);
    expect(doc.areas).toHaveLength(4);
    expect(doc.departments).toHaveLength(10);
    expect(doc.cadres.length).toBeGreaterThanOrEqual(90);
    expect(doc.cadres.length).toBeLessThanOrEqual(110);
    expect(doc.cadres.filter((c) => c.role === 'area_leader' || c.role === 'township_leader')).toHaveLength(8);
    expect(doc.households).toHaveLength(10_000);
    const key = doc.households.filter((h) => h.isKey).length / 10_000;
    expect(key).toBeGreaterThan(0.06);
    expect(key).toBeLessThan(0.12);
    expect(doc.routingRules.find((r) => r.category === 'dispute_mediation')?.departmentCode).toBe('judicial');
    expect(doc.servicePoints.map((p) => p.code)).toContain(DEMO_CODES.hall);
  });

  it('keeps the plan’s rules: leaders link 2–3 villages, every linked cadre has ≥3 key households, every household has a cadre', () => {
    for (const a of doc.areas) {
      const n = doc.villages.filter((v) => v.areaCode === a.code).length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(3);
    }
    const keys = new Map<string, number>();
    for (const h of doc.households) {
      expect(h.cadreCode).not.toBeNull();
      if (h.isKey) keys.set(h.cadreCode!, (keys.get(h.cadreCode!) ?? 0) + 1);
    }
    for (const cadre of new Set(doc.households.map((h) => h.cadreCode!))) expect(keys.get(cadre) ?? 0).toBeGreaterThanOrEqual(3);
  });

  it('names read as Chinese names', () => {
    for (const h of doc.households.slice(0, 200)) expect(h.headName).toMatch(/^[\u4e00-\u9fa5]{2,5}$/);
  });
});
