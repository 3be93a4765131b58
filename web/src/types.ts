/** Shapes of the case API's answers, as the console uses them. */
export const ROLES = ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'assessment', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const MANAGER_ROLES: readonly Role[] = ['department_head', 'area_leader', 'township_leader', 'admin'];
export const isManager = (role: Role | undefined): boolean => !!role && MANAGER_ROLES.includes(role);
export const canSeeDashboard = (role: Role | undefined): boolean => isManager(role) || role === 'assessment';

export interface ServicePoint {
  code: string;
  name: string;
  kind: 'hall' | 'social_hall' | 'station';
}

export interface Me {
  username: string;
  name: string;
  role: Role;
  cadreCode: string | null;
  cadreRole?: string | null;
  departmentCode: string | null;
  areaCodes: string[];
  servicePoint: ServicePoint | null;
  channel: 'hall' | 'station' | 'market_day' | null;
  expiresAt: string;
}

export const CATEGORIES = [
  'policy_question',
  'development_guidance',
  'livelihood_difficulty',
  'dispute_mediation',
  'proxy_matter',
  'environment_civility',
  'care_visit',
  'other',
] as const;
export const PRIORITIES = ['normal', 'urgent'] as const;
export const STATUSES = [
  'submitted', 'assigned', 'returned', 'accepted', 'in_progress', 'waiting_on_resident', 'forwarded_upstream',
  'resolved', 'followed_up', 'closed', 'withdrawn', 'rejected', 'merged',
] as const;
export const TERMINAL_STATUSES = ['closed', 'withdrawn', 'rejected', 'merged'];
export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export const FOLLOW_UP_METHODS = ['call', 'visit', 'in_person'] as const;
export const RETURN_REASONS = ['wrong_area', 'not_our_duty', 'insufficient_information', 'duplicate', 'other'] as const;
export const REJECT_REASONS = ['out_of_scope', 'illegal_request', 'already_handled', 'other'] as const;

export interface CaseListItem {
  id: string;
  trackingCode: string;
  status: string;
  category: string;
  priority: string;
  title: string;
  villageCode: string | null;
  areaCode: string | null;
  departmentCode: string | null;
  assigneeCode: string | null;
  escalationLevel: number;
  phase: string | null;
  dueAt: string | null;
  paused: boolean;
  openedAt: string;
  updatedAt: string;
}

export interface CaseDetail extends Omit<CaseListItem, 'areaCode'> {
  areaCode?: string | null;
  channel: string;
  servicePointCode: string | null;
  description: string;
  householdCode: string | null;
  routing: { rule: string; reason: string } | null;
  satisfaction: string | null;
  resolutionReply: string | null;
  returnsCount: number;
  reopenCount: number;
  mergedInto: string | null;
  slaPolicyVersion: string;
  resident: { name: string; phone: string } | null;
  pendingExtension?: PendingExtension | null;
}

export interface PendingExtension {
  phase: string;
  minutes: number;
  reason: string;
  requestedBy: string;
}

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

export interface Household {
  code: string;
  villageCode: string;
  headName: string;
  phone: string | null;
  idTail: string | null;
  address: string | null;
  members: number;
  isKey: boolean;
  isVulnerable: boolean;
  cadreCode: string | null;
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

export interface TrackResult {
  trackingCode: string;
  status: string;
  category: string;
  openedAt: string;
  expectedReplyBy: string | null;
  steps: { kind: string; at: string }[];
  reply: string | null;
  canRate: boolean;
  satisfaction: string | null;
}

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
