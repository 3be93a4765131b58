import { describe, expect, it } from 'vitest';
import { STAFF_ROLES, type StaffRole } from './access';
import { GROUP_BY } from './figures';
import {
  dutyOwnOnly, dutyVisible, figureGroups, needsScopeLinks, REPORT_OPERATION_IDS, reportOperationRefusal, summaryFacts, type ScopeLinks, type ScopePrincipal,
} from './report-access';

const principal = (role: StaffRole, extra: Partial<ScopePrincipal> = {}): ScopePrincipal => ({ username: `u-${role}`, role, cadreCode: null, departmentCode: null, areaCodes: [], ...extra });
const head = principal('department_head', { cadreCode: 'c1', departmentCode: 'shehui' });
const leader = principal('area_leader', { cadreCode: 'c2', areaCodes: ['area-east'] });
const links: ScopeLinks = { departmentVillages: ['wulan', 'sanduandi'], departmentCadres: ['c1', 'c3'], areaVillages: ['gacha-1', 'gacha-2'] };

const keys = (d: ReturnType<typeof figureGroups>) => (d.ok ? (d.value === null ? 'all' : [...d.value].sort()) : 'refused');

describe('who may use which reporting operation', () => {
  // The README's "who sees what": figures and duty for managers and the assessment group; exports,
  // composite, appraisals and signed-off reports for the township-wide roles; sign-off and appraisal
  // entry for the assessment group and administrators; rebuild for administrators.
  const expected: Record<string, StaffRole[]> = {
    reportSummary: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    reportFigures: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    figureCases: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    listFigureDefinitions: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    // issue 13: every role — a cadre (or hall staff, an area leader) sees their own row, the grassroots-days rule for themselves
    dutyFigures: ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    // issue 13: 四帮四促 by period and area, the dashboard roles (a manager their department's or areas')
    fourHelpsReport: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    fourHelpsCases: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    // issue 13: plan figures, the dashboard roles (a department head their department's plan, an area leader their areas')
    planFigures: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
    exportFigures: ['township_leader', 'assessment', 'admin'],
    compositeScores: ['township_leader', 'assessment', 'admin'],
    listAppraisals: ['township_leader', 'assessment', 'admin'],
    enterAppraisal: ['assessment', 'admin'],
    listFrozenReports: ['township_leader', 'assessment', 'admin'],
    getFrozenReport: ['township_leader', 'assessment', 'admin'],
    exportFrozenReport: ['township_leader', 'assessment', 'admin'],
    freezeReport: ['assessment', 'admin'],
    listDeadLetters: ['township_leader', 'assessment', 'admin'],
    rebuildStatus: ['township_leader', 'assessment', 'admin'],
    rebuildReports: ['admin'],
    evaluationSheet: ['township_leader', 'assessment', 'admin'],
    listEvaluationSheets: ['township_leader', 'assessment', 'admin'],
    getEvaluationSheet: ['township_leader', 'assessment', 'admin'],
    exportEvaluationSheet: ['township_leader', 'assessment', 'admin'],
    signEvaluationSheet: ['assessment', 'admin'],
  };

  it('names every operation once', () => {
    expect([...REPORT_OPERATION_IDS].sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(REPORT_OPERATION_IDS)('%s', (op) => {
    const allowed = STAFF_ROLES.filter((role) => reportOperationRefusal({ role }, op) === null);
    expect(allowed.sort()).toEqual([...expected[op]!].sort());
  });

  it('hall staff and cadres use none of them but the duty figures (their own row)', () => {
    for (const role of ['hall_staff', 'cadre'] as const) {
      for (const op of REPORT_OPERATION_IDS.filter((o) => o !== 'dutyFigures')) expect(reportOperationRefusal({ role }, op)).toMatch(new RegExp(`not for the role ${role}`));
    }
  });
});

describe('which groups of the figures a manager sees', () => {
  it('township-wide roles see every group of every grouping', () => {
    for (const role of ['township_leader', 'assessment', 'admin'] as const) {
      for (const g of GROUP_BY) expect(keys(figureGroups(principal(role), g, links))).toBe('all');
    }
  });

  it('a department head sees their department, its linked villages and its cadres, and nothing else', () => {
    expect(keys(figureGroups(head, 'department', links))).toEqual(['shehui']);
    expect(keys(figureGroups(head, 'village', links))).toEqual(['sanduandi', 'wulan']);
    expect(keys(figureGroups(head, 'cadre', links))).toEqual(['c1', 'c3']);
    expect(keys(figureGroups(head, 'township', links))).toBe('refused');
    expect(keys(figureGroups(head, 'area', links))).toBe('refused');
  });

  it('an area leader sees their areas and the villages in them, and nothing else', () => {
    expect(keys(figureGroups(leader, 'area', links))).toEqual(['area-east']);
    expect(keys(figureGroups(leader, 'village', links))).toEqual(['gacha-1', 'gacha-2']);
    for (const g of ['township', 'department', 'cadre'] as const) expect(keys(figureGroups(leader, g, links))).toBe('refused');
  });

  it('a manager without links sees nothing; a cadre or hall staff is refused', () => {
    for (const g of GROUP_BY) {
      expect(keys(figureGroups(principal('department_head'), g, links))).toBe('refused');
      expect(keys(figureGroups(principal('area_leader'), g, links))).toBe('refused');
      expect(keys(figureGroups(principal('cadre', { cadreCode: 'c1', departmentCode: 'shehui' }), g, links))).toBe('refused');
      expect(keys(figureGroups(principal('hall_staff'), g, links))).toBe('refused');
    }
  });

  it('needs the directory links only below the township, for villages and cadres', () => {
    expect(needsScopeLinks(head, 'village')).toBe(true);
    expect(needsScopeLinks(head, 'cadre')).toBe(true);
    expect(needsScopeLinks(head, 'department')).toBe(false);
    expect(needsScopeLinks(principal('assessment'), 'village')).toBe(false);
  });
});

describe('summary and duty scope', () => {
  it('a summary counts all cases for the township, a department\'s or areas\' cases below it', () => {
    expect(summaryFacts(principal('township_leader'))).toEqual({ ok: true, value: null });
    expect(summaryFacts(head)).toEqual({ ok: true, value: { departmentCode: 'shehui' } });
    expect(summaryFacts(leader)).toEqual({ ok: true, value: { areaCodes: ['area-east'] } });
    expect(summaryFacts(principal('department_head')).ok).toBe(false);
    expect(summaryFacts(principal('cadre')).ok).toBe(false);
  });

  it('duty rows: all for the township, a department head\'s own cadres, none for an area leader', () => {
    const rows = [{ departmentCode: 'shehui' }, { departmentCode: 'sifa' }, { departmentCode: null }];
    expect(rows.filter((r) => dutyVisible(principal('assessment'), r))).toHaveLength(3);
    expect(rows.filter((r) => dutyVisible(head, r))).toEqual([{ departmentCode: 'shehui' }]);
    expect(rows.filter((r) => dutyVisible(leader, r))).toEqual([]);
    expect(rows.filter((r) => dutyVisible(principal('department_head'), r))).toEqual([]);
  });

  it('duty rows: everyone sees their own row, and only their own below the township and the department', () => {
    const rows = [{ cadreCode: 'c2', departmentCode: null }, { cadreCode: 'c7', departmentCode: 'shehui' }, { cadreCode: 'c9', departmentCode: 'sifa' }];
    expect(rows.filter((r) => dutyVisible(leader, r)).map((r) => r.cadreCode)).toEqual(['c2']);
    expect(rows.filter((r) => dutyVisible(principal('cadre', { cadreCode: 'c9', departmentCode: 'sifa' }), r)).map((r) => r.cadreCode)).toEqual(['c9']);
    expect(rows.filter((r) => dutyVisible(head, r)).map((r) => r.cadreCode)).toEqual(['c7']);
    expect(rows.filter((r) => dutyVisible(principal('hall_staff'), r))).toEqual([]); // no cadre code: no row of their own
    expect([dutyOwnOnly(principal('cadre')), dutyOwnOnly(leader), dutyOwnOnly(head), dutyOwnOnly(principal('assessment'))]).toEqual([true, true, false, false]);
  });
});
