import { describe, expect, it } from 'vitest';
import { canSeeCase, staffRoleFor, type CaseScopeFacts, type Principal } from './access';

const principal = (over: Partial<Principal>): Principal => ({
  username: 'u', name: 'U', role: 'cadre', cadreCode: 'c1', cadreRole: 'staff', departmentCode: 'civil', areaCodes: [], servicePoint: null, channel: null,
  expiresAt: '2026-12-01T00:00:00Z', ...over,
});
const caseOf = (over: Partial<CaseScopeFacts>): CaseScopeFacts => ({
  departmentCode: 'civil', areaCode: 'east', assigneeCode: 'c2', servicePointCode: 'hall-main', openedBy: 'hall-01', householdCadreCode: 'c3', ...over,
});

describe('who sees a case', () => {
  it('a cadre: cases assigned to them and those of their linked households, nothing else of the department', () => {
    const me = principal({});
    expect(canSeeCase(me, caseOf({ assigneeCode: 'c1' }))).toBe(true);
    expect(canSeeCase(me, caseOf({ householdCadreCode: 'c1' }))).toBe(true);
    expect(canSeeCase(me, caseOf({}))).toBe(false);
  });

  it('a department head: the department; an area leader: the area', () => {
    expect(canSeeCase(principal({ role: 'department_head', departmentCode: 'civil' }), caseOf({}))).toBe(true);
    expect(canSeeCase(principal({ role: 'department_head', departmentCode: 'judicial' }), caseOf({}))).toBe(false);
    expect(canSeeCase(principal({ role: 'area_leader', areaCodes: ['east', 'west'] }), caseOf({}))).toBe(true);
    expect(canSeeCase(principal({ role: 'area_leader', areaCodes: ['west'] }), caseOf({}))).toBe(false);
  });

  it('hall staff: cases opened at their service point or by themselves', () => {
    const hall = principal({ role: 'hall_staff', cadreCode: 'hall-01', servicePoint: { code: 'station-wulan', name: 'S', kind: 'station' } });
    expect(canSeeCase(hall, caseOf({ servicePointCode: 'station-wulan', openedBy: 'hall-09' }))).toBe(true);
    expect(canSeeCase(hall, caseOf({ servicePointCode: 'hall-main', openedBy: 'hall-01' }))).toBe(true);
    expect(canSeeCase(hall, caseOf({ servicePointCode: 'hall-main', openedBy: 'hall-02' }))).toBe(false);
  });

  it('the township leadership, the assessment group and administrators see all', () => {
    for (const role of ['township_leader', 'assessment', 'admin'] as const) expect(canSeeCase(principal({ role, cadreCode: null }), caseOf({}))).toBe(true);
  });

  it('roster roles map onto console roles', () => {
    expect(['staff', 'village_official', 'trainee'].map((r) => staffRoleFor(r as never))).toEqual(['cadre', 'cadre', 'cadre']);
    expect(staffRoleFor('department_head')).toBe('department_head');
    expect(staffRoleFor('hall_staff')).toBe('hall_staff');
  });
});
