/**
 * The activity interface the case workflow calls. Types only: the
 * implementations live in services/case-worker (factory over injected deps).
 */
import type { CaseWorkflowInput } from '@minqing/shared/domain';

export interface CaseActivities {
  /**
   * Write the case row, its first timeline entry and the `opened` outbox row in
   * one transaction. Idempotent by (case id, step): a retry changes nothing.
   */
  recordCaseOpened(input: CaseWorkflowInput): Promise<{ inserted: boolean }>;
}
