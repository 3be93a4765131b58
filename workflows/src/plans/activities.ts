/**
 * The activity interface the plan-item workflow calls. Types only: the
 * implementation lives in services/case-worker (its casework data module).
 */
import type { PlanItemEventInput } from '@minqing/shared/domain';

export interface PlanActivities {
  /**
   * Write the plan item's event (outbox). Idempotent by the event id (the item
   * and its revision): a retry changes nothing.
   */
  recordPlanItemEvent(input: PlanItemEventInput): Promise<{ inserted: boolean }>;
}
