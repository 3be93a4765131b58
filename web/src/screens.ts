/**
 * Which role may use which console screen, and the header's links: one table.
 * The roles come from the same shared tables the API's routes declare
 * (shared/src/domain/access.ts, audit.ts, report-access.ts), so a screen is
 * offered to exactly the roles whose calls the API answers. A screen a role may
 * not use renders NotAllowed before it mounts, so none of its calls fire
 * (App.tsx's `screen()` asks `screenAllows`). A screen not listed here is open to
 * every signed-in role. Pure data: the browser tests read it too.
 */
import { DASHBOARD_ROLES, MANAGER_ROLES, STAFF_ROLES, type StaffRole } from '@minqing/shared/access';
import { AUDIT_READER_ROLES } from '@minqing/shared/audit';
import { REPORT_OPERATIONS, ROSTER_OPERATIONS } from '@minqing/shared/console-access';
import { HOT_TOPIC_OPERATIONS } from '@minqing/shared/hot-topics';
import { INSPECTION_OPERATIONS } from '@minqing/shared/inspection';
import { SESSION_OPERATIONS } from '@minqing/shared/market-days';
import { PLAN_OPERATIONS } from '@minqing/shared/plans';

export interface ScreenRule {
  /** who may use the screen */
  roles: readonly StaffRole[];
  /** the header link's i18n key; none: reached from other screens */
  nav?: string;
}

const ADMIN: readonly StaffRole[] = ['admin'];

/**
 * Path → rule, in the header's order. A key ending in '/' is a prefix
 * ('/cases/' covers '/cases/<id>'), like App.tsx's loaders.
 */
export const SCREENS: Readonly<Record<string, ScreenRule>> = {
  '/intake': { roles: ['hall_staff', 'admin'], nav: 'nav.intake' },
  '/inbox': { roles: ['cadre', ...MANAGER_ROLES], nav: 'nav.inbox' },
  '/households': { roles: ['cadre'], nav: 'nav.households' },
  // the public-condition ledger (民情台帐): every role reads what its links let it (shared ledger.ts); '/ledger/' covers a household's and a village's page
  '/ledger': { roles: STAFF_ROLES, nav: 'nav.ledger' },
  '/ledger/': { roles: STAFF_ROLES },
  '/queue': { roles: MANAGER_ROLES, nav: 'nav.queue' },
  '/dashboard': { roles: DASHBOARD_ROLES, nav: 'nav.dashboard' },
  '/definitions': { roles: DASHBOARD_ROLES },
  // issue 13: hot topics and this month's topic (每月一题), reached from the dashboard; taking one up is the township leadership's (HOT_TOPIC_OPERATIONS)
  '/hot-topics': { roles: HOT_TOPIC_OPERATIONS.listHotTopics },
  // issue 13: 四帮四促 by period and area, for the dashboard roles (the reporting operation it calls)
  '/four-helps': { roles: REPORT_OPERATIONS.fourHelpsReport, nav: 'nav.fourHelps' },
  // issue 11: evaluation screens gated by the reporting operations they call, roster and policy by theirs
  '/duty': { roles: REPORT_OPERATIONS.dutyFigures, nav: 'nav.duty' },
  '/appraisals': { roles: REPORT_OPERATIONS.listAppraisals, nav: 'nav.appraisals' },
  '/composite': { roles: REPORT_OPERATIONS.compositeScores, nav: 'nav.composite' },
  // issue 13: 一听二看三查 inspections (entered by the assessment group, read by the township-wide roles) and the evaluation sheet (评先选优)
  '/inspections': { roles: INSPECTION_OPERATIONS.listInspections, nav: 'nav.inspections' },
  '/evaluation': { roles: REPORT_OPERATIONS.evaluationSheet, nav: 'nav.evaluation' },
  '/sessions': { roles: STAFF_ROLES, nav: 'nav.sessions' },
  // issue 13: plans (片区工作计划, 年度服务计划) — every role reads what its scope allows (PLAN_OPERATIONS); '/plans/' covers a plan's page
  '/plans': { roles: PLAN_OPERATIONS.listPlans, nav: 'nav.plans' },
  '/plans/': { roles: PLAN_OPERATIONS.getPlan },
  // issue 13: the month's market-day report (attendance, cases), reached from /sessions; for those who judge duty (SESSION_OPERATIONS)
  '/sessions/report': { roles: SESSION_OPERATIONS.sessionMonthReport },
  '/roster': { roles: ROSTER_OPERATIONS.directoryRuleCheck, nav: 'nav.roster' },
  '/sla-policy': { roles: MANAGER_ROLES, nav: 'nav.slaPolicy' },
  '/accounts': { roles: ADMIN, nav: 'nav.accounts' },
  '/open311-keys': { roles: ADMIN, nav: 'nav.open311Keys' },
  '/audit': { roles: AUDIT_READER_ROLES, nav: 'nav.audit' },
  '/cases/': { roles: STAFF_ROLES },
  '/notifications': { roles: STAFF_ROLES },
  '/account': { roles: STAFF_ROLES },
};

/** The rule of the screen at `pathname`, if the table lists one. */
export function screenRule(pathname: string): ScreenRule | undefined {
  for (const [route, rule] of Object.entries(SCREENS)) {
    if (route.endsWith('/') ? pathname.startsWith(route) : pathname === route) return rule;
  }
  return undefined;
}

/** Whether `role` may use the screen at `pathname` (an unlisted screen: yes). */
export const screenAllows = (pathname: string, role: StaffRole): boolean => screenRule(pathname)?.roles.includes(role) ?? true;

/** The header's links for a role, in the table's order. */
export const navFor = (role: StaffRole): { to: string; key: string }[] =>
  Object.entries(SCREENS).flatMap(([to, rule]) => (rule.nav && rule.roles.includes(role) ? [{ to, key: rule.nav }] : []));
