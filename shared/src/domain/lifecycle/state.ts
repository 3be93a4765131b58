/**
 * The case workflow's state and what one recorded step writes (timeline, read
 * model, event). Types only; shared by the workflow, its activities and callers.
 */
import type { CaseCategory, CasePriority, CaseStatus, IntakeChannel, Satisfaction } from '../vocabulary';
import type { RoutingDecision } from '../directory';
import type { LifecycleEventType } from '../../events/lifecycle';
import type { Actor } from './moves';
import type { Phase } from './statuses';

export interface ClockView {
  phase: Phase;
  dueAt: string | null;
  paused: boolean;
  startedAt: string;
}

/** What `getCaseState` answers and every move returns. */
export interface CaseWorkflowState {
  caseId: string;
  trackingCode: string;
  status: CaseStatus;
  /** whether the intake step has committed the case to the read model */
  recorded: boolean;
  requestHash: string;
  openedAt: string;
  category: CaseCategory;
  priority: CasePriority;
  channel: IntakeChannel;
  servicePointCode: string | null;
  title: string;
  description: string;
  villageCode: string | null;
  householdCode: string | null;
  /** lifecycle */
  seq: number;
  routing: RoutingDecision | null;
  assigneeCode: string | null;
  escalationLevel: number;
  clock: ClockView | null;
  slaPolicyVersion: string;
  returnsCount: number;
  /** who returned the case, why; cleared by the review */
  pendingReturn: { byCode: string; reasonCode: string; note: string } | null;
  pendingExtension: { phase: Phase; minutes: number; reason: string; requestedBy: string } | null;
  satisfaction: Satisfaction | null;
  reopenCount: number;
  mergedInto: string | null;
  lastMoveAt: string;
}

/** Read-model columns a step may set (camelCase of casework.cases columns). */
export interface ReadModelPatch {
  status?: string;
  assigneeCode?: string | null;
  departmentCode?: string | null;
  areaCode?: string | null;
  routingRule?: string | null;
  routingReason?: string | null;
  escalateL1Code?: string | null;
  escalateL2Code?: string | null;
  escalateL3Code?: string | null;
  escalationLevel?: number;
  phase?: string | null;
  phaseStartedAt?: string | null;
  dueAt?: string | null;
  paused?: boolean;
  slaPolicyVersion?: string;
  acceptedAt?: string | null;
  resolvedAt?: string | null;
  followedUpAt?: string | null;
  closedAt?: string | null;
  satisfaction?: string | null;
  resolutionReply?: string | null;
  returnsCount?: number;
  reopenCount?: number;
  mergedInto?: string | null;
  pendingExtension?: unknown;
}

/** One recorded step: timeline entry + read-model update + outbox event, one transaction. */
export interface TransitionRecord {
  caseId: string;
  seq: number;
  /** business key of the step: unique per case, makes the activity idempotent */
  step: string;
  kind: string;
  at: string;
  actor: Actor | null;
  eventType: LifecycleEventType;
  eventData: Record<string, unknown>;
  readModel: ReadModelPatch;
  details: Record<string, unknown>;
}

export type NotificationKind = 'assigned' | 'reminder' | 'escalation' | 'extension_request' | 'return_review';
export interface Notification {
  caseId: string;
  toCode: string | null;
  kind: NotificationKind;
  message: string;
}
