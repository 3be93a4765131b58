/**
 * The demo township: deterministic, shaped like the plan, valid for import
 * and clean under the directory's own rule check (the case-api's pure
 * functions, so this cannot drift from what the API reports).
 */
import { describe, expect, it } from 'vitest';
import { checkRoster, DirectoryService, rosterFacts, type DirectoryStore } from '../../services/case-api/src/directory/directory.service';
import { generateTownship, DEMO_CODES, hallStaffCode } from './demo-township';

/** Fake store (unit-test fake): nothing stored yet, so every reference must resolve inside the document. */
const emptyStore = { existingCodes: async () => ({ areas: new Set<string>(), departments: new Set<string>(), villages: new Set<string>(), cadres: new Set<string>() }) } as unknown as DirectoryStore;

describe('the demo township', () => {
  const doc = generateTownship();

  it('is deterministic: the same seed gives the same document, another seed another one', () => {
    expect(generateTownship()).toEqual(doc);
    expect(generateTownship(20261127, { households: 10_000 })).toEqual(doc);
    const other = generateTownship(1);
    expect(other).not.toEqual(doc);
    // Codes do not depend on the seed, names do.
    expect(other.households.map((h) => h.code)).toEqual(doc.households.map((h) => h.code));
    expect(other.cadres.map((c) => c.code)).toEqual(doc.cadres.map((c) => c.code));
  });

  it('looks like the plan: 2 communities and 6 gachaa in 4 areas, 10 departments, ~100 cadres, leaders, 10,000 households', () => {
    expect(doc.villages.filter((v) => v.kind === 'community').map((v) => [v.code, v.name])).toEqual([['wulan', '乌兰社区'], ['sanduandi', '三段地社区']]);
    const gachaa = doc.villages.filter((v) => v.kind === 'gachaa');
    expect(gachaa).toHaveLength(6);
    for (const v of gachaa) expect(v.name).toMatch(/嘎查$/);
    expect(doc.areas).toHaveLength(4);
    expect(doc.departments).toHaveLength(10);
    expect(doc.departments.find((d) => d.code === 'judicial')?.name).toBe('司法所');
    expect(doc.cadres.length).toBeGreaterThanOrEqual(90);
    expect(doc.cadres.length).toBeLessThanOrEqual(110);
    const role = (r: string) => doc.cadres.filter((c) => c.role === r).map((c) => c.code);
    expect(role('township_leader')).toEqual(['leader-secretary', 'leader-mayor']);
    expect(role('area_leader').sort()).toEqual(Object.values(DEMO_CODES.areaLeaders).sort());
    expect(doc.areas.map((a) => a.leaderCode).sort()).toEqual(role('area_leader').sort());
    for (const d of doc.departments) expect(doc.cadres.find((c) => c.code === d.headCode)).toMatchObject({ role: 'department_head', departmentCode: d.code });
    expect(role('hall_staff')).toContain(hallStaffCode);

    expect(doc.households).toHaveLength(10_000);
    const share = (f: (h: (typeof doc.households)[number]) => boolean) => doc.households.filter(f).length / doc.households.length;
    expect(share((h) => h.isKey)).toBeGreaterThan(0.06);
    expect(share((h) => h.isKey)).toBeLessThan(0.1);
    expect(share((h) => h.isVulnerable)).toBeGreaterThan(0.045);
    expect(share((h) => h.isVulnerable)).toBeLessThan(0.075);

    expect(doc.routingRules.find((r) => r.category === 'dispute_mediation')?.departmentCode).toBe('judicial');
    expect(doc.servicePoints.map((p) => [p.code, p.kind, p.villageCode])).toEqual([
      ['hall-main', 'hall', null],
      ['social-hall', 'social_hall', null],
      ['station-wulan', 'station', 'wulan'],
      ['station-sanduandi', 'station', 'sanduandi'],
    ]);
    expect(doc.sessions.map((s) => s.villageCode)).toEqual(['wulan', 'sanduandi']);
    for (const s of doc.sessions) expect(s.dutyCadreCodes.length).toBeGreaterThanOrEqual(3);
  });

  it('links every household to a cadre of its village’s department', () => {
    const dept = new Map(doc.villages.map((v) => [v.code, v.departmentCode]));
    const cadreDept = new Map(doc.cadres.map((c) => [c.code, c.departmentCode]));
    for (const h of doc.households) expect(cadreDept.get(h.cadreCode!)).toBe(dept.get(h.villageCode));
  });

  it('breaks none of the plan’s rules (the directory rule check finds nothing), at any size', () => {
    expect(checkRoster(rosterFacts(doc))).toEqual([]);
    for (const n of [0, 24, 300, 2_000]) expect(checkRoster(rosterFacts(generateTownship(7, { households: n }))), `${n} households`).toEqual([]);
    expect(generateTownship(7, { households: 300 }).households).toHaveLength(300);
    expect(() => generateTownship(7, { households: 10 })).toThrow(RangeError);
  });

  it('passes import validation row by row (schemas and references)', async () => {
    const svc = new DirectoryService(emptyStore);
    expect(await svc.validate(doc)).toEqual([]);
    expect(await svc.validate(generateTownship(7, { households: 300 }))).toEqual([]);
  });

  it('reads like real data: Chinese names, 11-digit mobiles, ID tails, addresses', () => {
    for (const h of doc.households.slice(0, 500)) {
      expect(h.headName).toMatch(/^[\u4e00-\u9fa5]{2,5}$/);
      if (h.phone) expect(h.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(h.idTail).toMatch(/^\d{3}[\dX]$/);
      expect(h.address!.startsWith(doc.villages.find((v) => v.code === h.villageCode)!.name)).toBe(true);
    }
    // Both Han and Mongolian given names occur.
    expect(doc.households.some((h) => /巴特尔|其木格|斯琴|乌云|宝音/.test(h.headName))).toBe(true);
    expect(new Set(doc.households.map((h) => h.headName)).size).toBeGreaterThan(1_000);
  });
});
