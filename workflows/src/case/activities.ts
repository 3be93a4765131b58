/**
 * The activity interface the case workflow calls. Types only: the
 * implementations live in services/case-worker (factory over injected deps).
 */
import type { CaseWorkflowInput, LifecycleEventType, RoutingDecision } from '@minqing/shared/domain';
import type { Actor } from './messages';

/** Read-model columns a move may set (camelCase of casework.cases columns). */
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

export interface TransitionRecord {
  caseId: string;
  seq: number;
  /** business key of the move: unique per case, makes the activity idempotent */
  step: string;
  kind: string;
  at: string;
  actor: Actor | null;
  eventType: LifecycleEventType;
  eventData: Record<string, unknown>;
  readModel: ReadModelPatch;
  details: Record<string, unknown>;
}

export interface Notification {
  caseId: string;
  toCode: string | null;
  kind: 'assigned' | 'reminder' | 'escalation' | 'extension_request' | 'return_review';
  message: string;
}

export interface CaseActivities {
  /**
   * Write the case row, its first timeline entry and the `opened` outbox row in
   * one transaction. Idempotent by (case id, step): a retry changes nothing.
   */
  recordCaseOpened(input: CaseWorkflowInput): Promise<{ inserted: boolean }>;
  /** Route through the three links (三联); reads the directory. */
  routeCase(args: { caseId: string; category: string; villageCode: string | null; householdCode: string | null }): Promise<RoutingDecision>;
  /** One move: read model + timeline entry + outbox event, one transaction, idempotent by step. */
  recordTransition(t: TransitionRecord): Promise<{ inserted: boolean }>;
  /** Tell a person about a case (assignment, reminder, escalation). */
  notify(n: Notification): Promise<void>;
}
