/**
 * Who may use which reporting operation, and which groups, cases and duty rows
 * of the figures a manager below the township sees (issue 15). Pure, one rule
 * for both services: the reporting service enforces it on every request from
 * the principal its service token carries (so reaching its port by mistake
 * leaks nothing), and the case API checks the same table before it calls.
 *
 * Figures below the township are limited to the manager's department or area;
 * exports, composite scores, appraisals and signed-off reports are for the
 * township leadership, the assessment group and administrators; only the
 * assessment group and administrators sign off reports and enter appraisals;
 * only administrators rebuild the projections.
 */
import { DASHBOARD_ROLES, STAFF_ROLES, TOWNSHIP_WIDE_ROLES, type Principal, type StaffRole } from './access';
import type { GroupBy } from './figures';

/** What a service token says about the signed-in person: enough to decide scope and to name the actor. */
export type ScopePrincipal = Pick<Principal, 'username' | 'role' | 'cadreCode' | 'departmentCode' | 'areaCodes'>;

/** Roles that sign off reports and enter democratic appraisal scores. */
export const SIGN_OFF_ROLES: readonly StaffRole[] = ['assessment', 'admin'];

/** Reporting operation (its operationId in both OpenAPI documents) → roles that may use it. */
export const REPORT_OPERATIONS = {
  reportSummary: DASHBOARD_ROLES,
  reportFigures: DASHBOARD_ROLES,
  figureCases: DASHBOARD_ROLES,
  listFigureDefinitions: DASHBOARD_ROLES,
  // everyone: the managers their scope (dutyVisible), every other role its own row — a cadre checks their own grassroots days
  dutyFigures: STAFF_ROLES,
  // 四帮四促 by period and area: the managers their department's or areas' (summaryFacts), the township-wide roles all
  fourHelpsReport: DASHBOARD_ROLES,
  fourHelpsCases: DASHBOARD_ROLES,
  // plan figures (片区工作计划, 年度服务计划; issue 13): a department head their department's plan, an area leader their areas', the township-wide roles all
  planFigures: DASHBOARD_ROLES,
  exportFigures: TOWNSHIP_WIDE_ROLES,
  compositeScores: TOWNSHIP_WIDE_ROLES,
  listAppraisals: TOWNSHIP_WIDE_ROLES,
  enterAppraisal: SIGN_OFF_ROLES,
  listFrozenReports: TOWNSHIP_WIDE_ROLES,
  getFrozenReport: TOWNSHIP_WIDE_ROLES,
  exportFrozenReport: TOWNSHIP_WIDE_ROLES,
  freezeReport: SIGN_OFF_ROLES,
  listDeadLetters: TOWNSHIP_WIDE_ROLES,
  rebuildStatus: TOWNSHIP_WIDE_ROLES,
  rebuildReports: ['admin'],
  // the evaluation sheet per period (评先选优, issue 13): read by the township-wide roles, signed off by the assessment group
  evaluationSheet: TOWNSHIP_WIDE_ROLES,
  listEvaluationSheets: TOWNSHIP_WIDE_ROLES,
  getEvaluationSheet: TOWNSHIP_WIDE_ROLES,
  exportEvaluationSheet: TOWNSHIP_WIDE_ROLES,
  signEvaluationSheet: SIGN_OFF_ROLES,
} as const satisfies Record<string, readonly StaffRole[]>;
export type ReportOperation = keyof typeof REPORT_OPERATIONS;
export const REPORT_OPERATION_IDS = Object.keys(REPORT_OPERATIONS) as ReportOperation[];

export type ScopeDecision<T> = { ok: true; value: T } | { ok: false; reason: string };
const allow = <T>(value: T): ScopeDecision<T> => ({ ok: true, value });
const deny = (reason: string): ScopeDecision<never> => ({ ok: false, reason });

/** null when `p` may use `op`, else why not. */
export function reportOperationRefusal(p: Pick<ScopePrincipal, 'role'>, op: ReportOperation): string | null {
  const roles: readonly StaffRole[] = REPORT_OPERATIONS[op];
  if (roles.includes(p.role)) return null;
  return `${op} is for ${roles.join(', ')}; not for the role ${p.role}`;
}

/** The directory links that decide which groups a manager below the township sees. */
export interface ScopeLinks {
  /** villages linked to the principal's department (村-部门 link) */
  departmentVillages: readonly string[];
  /** cadres of the principal's department */
  departmentCadres: readonly string[];
  /** villages in the areas the principal leads */
  areaVillages: readonly string[];
}

/** Whether `figureGroups` needs the principal's links for this grouping (so callers look them up only then). */
export function needsScopeLinks(p: Pick<ScopePrincipal, 'role'>, groupBy: GroupBy): boolean {
  return !TOWNSHIP_WIDE_ROLES.includes(p.role) && (groupBy === 'village' || groupBy === 'cadre');
}

/**
 * The group keys of the figures (and their drill-downs) `p` may see when
 * grouped by `groupBy`: null = every group. A department head sees their
 * department, its linked villages and its cadres; an area leader their areas
 * and the villages in them; other groupings are refused.
 */
export function figureGroups(p: ScopePrincipal, groupBy: GroupBy, links: ScopeLinks): ScopeDecision<ReadonlySet<string> | null> {
  if (TOWNSHIP_WIDE_ROLES.includes(p.role)) return allow(null);
  if (!DASHBOARD_ROLES.includes(p.role)) return deny(`the figures are not for the role ${p.role}`);
  if (p.role === 'department_head' && p.departmentCode) {
    if (groupBy === 'department') return allow(new Set([p.departmentCode]));
    if (groupBy === 'village') return allow(new Set(links.departmentVillages));
    if (groupBy === 'cadre') return allow(new Set(links.departmentCadres));
  }
  if (p.role === 'area_leader' && p.areaCodes.length) {
    if (groupBy === 'area') return allow(new Set(p.areaCodes));
    if (groupBy === 'village') return allow(new Set(links.areaVillages));
  }
  return deny(`figures grouped by ${groupBy} are outside your role (${p.role}) and links`);
}

/** Which cases a summary counts: null = all; else those of a department or of some areas. */
export type FactFilter = { departmentCode: string } | { areaCodes: string[] } | null;

export function summaryFacts(p: ScopePrincipal): ScopeDecision<FactFilter> {
  if (TOWNSHIP_WIDE_ROLES.includes(p.role)) return allow(null);
  if (p.role === 'department_head' && p.departmentCode) return allow({ departmentCode: p.departmentCode });
  if (p.role === 'area_leader' && p.areaCodes.length) return allow({ areaCodes: [...p.areaCodes] });
  return deny(`the summary is outside your role (${p.role}) and links`);
}

/**
 * Duty figures (履职) of which cadres: all for the township-wide roles, a
 * department head's own department's cadres; everyone sees their own row (an
 * area leader has no cadres of their own, a cadre checks their own days at the
 * grassroots).
 */
export function dutyVisible(p: ScopePrincipal, row: { cadreCode?: string; departmentCode: string | null }): boolean {
  if (TOWNSHIP_WIDE_ROLES.includes(p.role)) return true;
  if (p.role === 'department_head' && p.departmentCode !== null && row.departmentCode === p.departmentCode) return true;
  return p.cadreCode !== null && row.cadreCode !== undefined && row.cadreCode === p.cadreCode;
}

/** Whether `p` sees only their own duty row (so reporting reads that row alone). */
export const dutyOwnOnly = (p: ScopePrincipal): boolean => !TOWNSHIP_WIDE_ROLES.includes(p.role) && p.role !== 'department_head';
