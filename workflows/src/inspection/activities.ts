/**
 * The activity interface the inspection workflow calls. Types only: the
 * implementation lives in services/case-worker (its casework data module).
 */
import type { InspectionInput } from '@minqing/shared/domain';

export interface InspectionActivities {
  /**
   * Write the inspection record and its event (outbox) in one transaction.
   * Idempotent by the inspection id: a retry changes nothing.
   */
  recordInspection(input: InspectionInput): Promise<{ inserted: boolean }>;
}
