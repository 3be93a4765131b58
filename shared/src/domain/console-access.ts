/**
 * Who may use the roster (三联 directory) administration operations — one
 * table for the case API, which declares these roles on its routes (refused at
 * the front door before a body is read), and for the console, which shows a
 * screen or a part of it only to the roles its operations allow. The reporting
 * operations have their own table (./report-access); it is re-exported here so
 * the console derives every evaluation screen from the same place.
 */
import { DASHBOARD_ROLES, type StaffRole } from './access';

export { REPORT_OPERATIONS, type ReportOperation } from './report-access';
export { APPRAISER_GROUPS } from './figures';
export { workingMinutesPerDay } from './calendar';

/** Roster operation (its operationId) → roles that may use it. Imports and whole-roster exports carry phones and ID tails. */
export const ROSTER_OPERATIONS = {
  importDirectory: ['admin'],
  importDirectoryCsv: ['admin'],
  exportDirectory: ['admin'],
  exportDirectoryCsv: ['admin'],
  directoryRuleCheck: DASHBOARD_ROLES,
  setHouseholdLinks: ['admin'],
  setVillageLinks: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type RosterOperation = keyof typeof ROSTER_OPERATIONS;

/**
 * The SLA policy: new cases start under the current version (each running case
 * keeps the copy it started with). Every signed-in role may read it (getSlaPolicy:
 * a case's deadlines are no secret); administrators publish a new version.
 */
export const POLICY_OPERATIONS = {
  publishSlaPolicy: ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

/** What the roster holds, in import order; each is imported and exported as one CSV (importDirectoryCsv, exportDirectoryCsv). */
export const ROSTER_ENTITIES = ['areas', 'departments', 'villages', 'cadres', 'households', 'servicePoints', 'sessions', 'routingRules'] as const;
export type RosterEntity = (typeof ROSTER_ENTITIES)[number];

/** The plan's rules (三联) the roster rule check (directoryRuleCheck) lists violations of; the console words each. */
export const ROSTER_RULES = ['leader-links', 'key-households', 'village-department', 'household-unlinked', 'link-outside-department', 'department-head'] as const;
export type RosterRule = (typeof ROSTER_RULES)[number];

/** Whether `role` may use an operation of one of the tables above. */
export function mayUse(table: Readonly<Record<string, readonly StaffRole[]>>, op: string, role: StaffRole | undefined): boolean {
  return !!role && (table[op] ?? []).includes(role);
}
