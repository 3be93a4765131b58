/**
 * The audit trail's vocabulary: what is recorded (one code per kind of action)
 * and who may read it. The case API writes directory.audit_events; the console
 * offers these codes as a filter. Entries carry codes only, never residents'
 * names, phones, ID-number tails or addresses.
 */
import type { StaffRole } from './access';

export const AUDIT_ACTIONS = [
  'auth.sign_in',
  'auth.sign_out',
  'auth.password_change',
  'account.create',
  'account.update',
  'account.role_change',
  'account.password_reset',
  'account.disable',
  'account.enable',
  'account.unlock',
  'directory.import',
  'directory.export',
  'directory.links',
  'sla_policy.publish',
  'case.open',
  'case.move',
  'case.read',
  'household.read',
  'household.search',
  'report.export',
  'report.freeze',
  'report.rebuild',
  'report.appraisal',
  // notifications (issue 14): a resident's opt-out / opt-in (tracking page or hall staff), quiet hours set by an administrator
  'notification.opt_out',
  'notification.opt_in',
  'notification.settings',
  'open311_key.create',
  'open311_key.revoke',
  // Open311 GeoReport v2 (issue 14): a key's reads of its own requests, and a call with a key that is unknown or revoked
  'open311.read',
  'open311.key_refused',
  // the public-condition ledger (民情台帐): reading a household's record or its history (personal data), saving a version, a search's results, an export
  'ledger.read',
  'ledger.update',
  'ledger.search',
  'ledger.export',
  // hot topics (issue 13): a month's topic taken up (每月一题), or changed with a reason
  'monthly_topic.take_up',
  // 四帮四促 (issue 13): a case's tags set or changed after intake
  'case.helps_set',
  // inspections (issue 13): the assessment group recorded an inspection of a cadre (一听二看三查)
  'inspection.record',
  // market-day sessions (issue 13): the month's report exported (cadres' names and attendance)
  'sessions.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What an entry is about. */
export const AUDIT_SUBJECT_TYPES = ['account', 'case', 'household', 'directory', 'report', 'open311_key', 'sla_policy', 'village', 'monthly_topic', 'inspection', 'session'] as const;
export type AuditSubjectType = (typeof AUDIT_SUBJECT_TYPES)[number];

/** Who reads the audit trail: administrators and the assessment group. */
export const AUDIT_READER_ROLES: readonly StaffRole[] = ['admin', 'assessment'];

/** The actor of an action on the residents' tracking page. */
export const AUDIT_RESIDENT_ACTOR = 'resident';

/** The actor (and its role column) of what a third-party app does with an Open311 API key: `open311:<key id>`. */
export const AUDIT_OPEN311_ROLE = 'open311';
export const open311Actor = (keyId: string): string => `${AUDIT_OPEN311_ROLE}:${keyId}`;
