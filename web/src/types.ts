/**
 * Shapes of the case API's answers, as the console uses them. The vocabulary,
 * the roles and the case shapes come from shared/ (one place for the API, the
 * workflow and the console); the lists are plain values, imported at run time.
 */
import { DASHBOARD_ROLES, MANAGER_ROLES, STAFF_ROLES, type Principal, type StaffRole } from '@minqing/shared/access';
import type { CaseListItem, CaseView, Household, PublicCaseView } from '@minqing/shared/domain';

export {
  CASE_CATEGORIES as CATEGORIES,
  CASE_STATUSES as STATUSES,
  FOLLOW_UP_METHODS,
  CASE_PRIORITIES as PRIORITIES,
  REJECT_REASON_CODES as REJECT_REASONS,
  RETURN_REASON_CODES as RETURN_REASONS,
  SATISFACTIONS,
} from '@minqing/shared/vocabulary';
export type { CaseListItem, Household };

export const ROLES = STAFF_ROLES;
export type Role = StaffRole;
export { MANAGER_ROLES };
export const isManager = (role: Role | undefined): boolean => !!role && MANAGER_ROLES.includes(role);
export const canSeeDashboard = (role: Role | undefined): boolean => !!role && DASHBOARD_ROLES.includes(role);

export type ServicePoint = NonNullable<Principal['servicePoint']>;
/** The signed-in staff member (GET /api/v1/auth/session). */
export type Me = Principal;


export type CaseDetail = CaseView;

export type PendingExtension = NonNullable<CaseView['pendingExtension']>;

export interface MoveResult {
  status: string;
  assigneeCode: string | null;
  escalationLevel: number;
  clock: { phase: string; dueAt: string | null; paused: boolean } | null;
  pendingExtension: PendingExtension | null;
  satisfaction: string | null;
}

export interface TimelineItem {
  seq: number;
  kind: string;
  actor: string | null;
  at: string;
  details: unknown;
}


export interface Tasks {
  new: CaseListItem[];
  dueSoon: CaseListItem[];
  overdue: CaseListItem[];
  inProgress: CaseListItem[];
  decisions: CaseListItem[];
}

export interface CreatedCase {
  id: string;
  trackingCode: string;
  status: string;
  openedAt: string;
  expectedReplyBy: string | null;
  duplicate?: boolean | unknown;
}

/** The residents' tracking page's answer (the case API's public projection). */
export type TrackResult = PublicCaseView;

export interface Rate {
  numerator: number;
  denominator: number;
  value: number | null;
}

export const RATE_NAMES = ['signFor', 'onTimeSignFor', 'resolution', 'onTimeResolution', 'satisfaction', 'returns', 'reopens'] as const;
export type RateName = (typeof RATE_NAMES)[number];
/** The count behind each rate's numerator: what a drill-down lists. */
export const RATE_FIGURE: Record<RateName, string> = {
  signFor: 'accepted',
  onTimeSignFor: 'acceptedOnTime',
  resolution: 'resolved',
  onTimeResolution: 'resolvedOnTime',
  satisfaction: 'rated',
  returns: 'returned',
  reopens: 'reopened',
};

export interface FigureGroup {
  key: string;
  counts: Record<string, number>;
  rates: Record<RateName, Rate>;
  escalations?: { level1: number; level2: number; level3: number };
  minutesToAccept?: { median: number | null; p90: number | null };
  minutesToResolve?: { median: number | null; p90: number | null };
}

export interface FiguresResponse {
  groups: FigureGroup[];
  definitionsVersion?: string;
}

export interface DrilldownItem {
  caseId: string;
  trackingCode: string;
  category: string;
  status: string;
  openedAt: string;
  /** for a count of callbacks (回访): one item per callback, when it was recorded */
  callbackAt?: string;
  /** the case's title (the case API adds it) */
  title?: string;
}

export interface Department {
  code: string;
  name: string;
  headCode: string | null;
}
export interface Area {
  code: string;
  name: string;
  leaderCode: string | null;
}
export interface Village {
  code: string;
  name: string;
  kind: string;
  areaCode: string;
  departmentCode: string;
}
export interface Cadre {
  code: string;
  name: string;
  role: string;
  departmentCode: string | null;
  phone: string | null;
}

/** Where hall staff take cases in: the channel an account presets on the intake screen. */
export const INTAKE_CHANNELS = ['hall', 'station', 'market_day'] as const;
export type IntakeChannel = (typeof INTAKE_CHANNELS)[number];

/** A staff account (GET /api/v1/accounts, administrators). */
export interface Account {
  username: string;
  cadreCode: string | null;
  name: string;
  role: Role;
  servicePointCode: string | null;
  channel: IntakeChannel | null;
  /** kept, but cannot sign in; its sessions ended when it was disabled */
  disabled: boolean;
  /** the password was set by an administrator and must be changed at the next sign-in */
  mustChangePassword: boolean;
  /** locked after too many failed sign-ins until then; null when not locked */
  lockedUntil: string | null;
}
