/**
 * The activity interface the case workflow calls. Types only: the
 * implementations live in services/case-worker (factory over injected deps).
 */
import type { CaseWorkflowInput, Notification, RoutingDecision, TransitionRecord } from '@minqing/shared/domain';

export type { Notification, ReadModelPatch, TransitionRecord } from '@minqing/shared/domain';

export interface CaseActivities {
  /**
   * Write the case row, its first timeline entry and the `opened` outbox row in
   * one transaction. Idempotent by (case id, step): a retry changes nothing.
   */
  recordCaseOpened(input: CaseWorkflowInput): Promise<{ inserted: boolean }>;
  /** Route through the three links (三联); reads the directory. */
  routeCase(args: { caseId: string; category: string; villageCode: string | null; householdCode: string | null }): Promise<RoutingDecision>;
  /** One step: read model + timeline entry + outbox event, one transaction, idempotent by step. */
  recordTransition(t: TransitionRecord): Promise<{ inserted: boolean }>;
  /** Tell a person about a case (assignment, reminder, escalation). */
  notify(n: Notification): Promise<void>;
}
