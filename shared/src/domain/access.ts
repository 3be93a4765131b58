/**
 * Who may see what (issue 5): staff roles and the visibility rule for cases.
 * Pure, so the rule is unit-tested once and the SQL filter in the case API is
 * checked against it.
 */
import type { CadreRole } from './directory';

export const StaffRole = {
  hallStaff: 'hall_staff', // 大厅窗口人员
  cadre: 'cadre', // 干部 (机关干部, 大学生村官, 见习生)
  departmentHead: 'department_head', // 部门负责人
  areaLeader: 'area_leader', // 联片领导
  townshipLeader: 'township_leader', // 乡镇领导
  assessment: 'assessment', // 考核组
  admin: 'admin', // 系统管理员
} as const;
export type StaffRole = (typeof StaffRole)[keyof typeof StaffRole];
export const STAFF_ROLES = Object.values(StaffRole);

/** Roles that manage others' work: escalation queue, reassign, supervise. */
export const MANAGER_ROLES: readonly StaffRole[] = ['department_head', 'area_leader', 'township_leader', 'admin'];
/** Roles that see the evaluation dashboard. */
export const DASHBOARD_ROLES: readonly StaffRole[] = [...MANAGER_ROLES, 'assessment'];
/** Roles that see every case of the township. */
export const TOWNSHIP_WIDE_ROLES: readonly StaffRole[] = ['township_leader', 'assessment', 'admin'];

/** The console role a roster role gets by default. */
export function staffRoleFor(cadreRole: CadreRole): StaffRole {
  switch (cadreRole) {
    case 'hall_staff':
      return 'hall_staff';
    case 'department_head':
      return 'department_head';
    case 'area_leader':
      return 'area_leader';
    case 'township_leader':
      return 'township_leader';
    default:
      return 'cadre';
  }
}

/** The signed-in staff member, with the links that decide visibility. */
export interface Principal {
  username: string;
  name: string;
  role: StaffRole;
  /** the roster cadre acting; null for accounts outside the roster (assessment group, admin) */
  cadreCode: string | null;
  /** the roster role, which the workflow's rules use */
  cadreRole: CadreRole | null;
  departmentCode: string | null;
  /** areas this account leads (领导联片) */
  areaCodes: string[];
  servicePoint: { code: string; name: string; kind: string } | null;
  channel: 'hall' | 'station' | 'market_day' | null;
  expiresAt: string;
  /** an initial or administrator-set password not yet changed: the session may only change it */
  mustChangePassword?: boolean;
}

/** What about a case decides who sees it. */
export interface CaseScopeFacts {
  departmentCode: string | null;
  areaCode: string | null;
  assigneeCode: string | null;
  servicePointCode: string | null;
  openedBy: string | null;
  /** the cadre linked to the case's household (干部联户) */
  householdCadreCode: string | null;
}

/**
 * A cadre sees the cases assigned to them and those of their linked
 * households; a department head the department's; an area leader the area's;
 * hall staff the cases opened at their service point or by themselves; the
 * township leadership, the assessment group and administrators all cases.
 * Everyone sees a case assigned to them.
 */
export function canSeeCase(p: Principal, c: CaseScopeFacts): boolean {
  if (TOWNSHIP_WIDE_ROLES.includes(p.role)) return true;
  if (p.cadreCode && (c.assigneeCode === p.cadreCode || c.householdCadreCode === p.cadreCode)) return true;
  switch (p.role) {
    case 'department_head':
      return p.departmentCode !== null && c.departmentCode === p.departmentCode;
    case 'area_leader':
      return c.areaCode !== null && p.areaCodes.includes(c.areaCode);
    case 'hall_staff':
      return (p.servicePoint !== null && c.servicePointCode === p.servicePoint.code) || (p.cadreCode !== null && c.openedBy === p.cadreCode);
    default:
      return false;
  }
}
