/**
 * The activity interface the work-record workflow calls. Types only: the
 * implementation lives in services/case-worker (its casework data module).
 */
import type { WorkRecordInput } from '@minqing/shared/domain';

export interface WorkActivities {
  /**
   * Write the work record and its event (outbox) in one transaction.
   * Idempotent by the record id: a retry changes nothing.
   */
  recordWorkRecord(input: WorkRecordInput): Promise<{ inserted: boolean }>;
}
