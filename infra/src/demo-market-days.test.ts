import { describe, expect, it } from 'vitest';
import { ATTENDANCE_WINDOW } from '@minqing/shared/market-days';
import { demoAttendance } from './demo-market-days';
import { generateTownship } from './demo-township';

describe('demo market-day attendance', () => {
  const township = generateTownship();
  const plan = demoAttendance(township, '2026-12-03');

  it("covers every rostered cadre of both sessions' last four weeks, today's market day left to the cadres", () => {
    for (const s of township.sessions) {
      const days = [...new Set(plan.filter((a) => a.session === s.code).map((a) => a.date))];
      expect(days.length).toBeGreaterThanOrEqual(3);
      expect(days.every((d) => d < '2026-12-03' && d >= '2026-11-05')).toBe(true);
      for (const d of days) expect(plan.filter((a) => a.session === s.code && a.date === d).map((a) => a.cadre).sort()).toEqual([...s.dutyCadreCodes].sort());
    }
  });

  it('has some absences, each with its reason, and records by the cadres themselves only within their window', () => {
    const absent = plan.filter((a) => a.status === 'absent');
    expect(absent.length).toBeGreaterThan(0);
    expect(absent.every((a) => a.reason)).toBe(true);
    expect(plan.filter((a) => a.status === 'arrived').every((a) => !a.reason)).toBe(true);
    const late = (d: string) => (Date.parse('2026-12-03T00:00:00Z') - Date.parse(`${d}T00:00:00Z`)) / 86_400_000;
    expect(plan.filter((a) => a.by === 'self').every((a) => late(a.date) <= ATTENDANCE_WINDOW.selfDays)).toBe(true);
    expect(plan.filter((a) => a.by === 'assessor').every((a) => late(a.date) <= ATTENDANCE_WINDOW.onBehalfDays)).toBe(true);
  });
});
