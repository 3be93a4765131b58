/**
 * The activity interface the market-day attendance workflow calls. Types only:
 * the implementation lives in services/case-worker (its casework data module).
 */
import type { SessionAttendanceInput } from '@minqing/shared/domain';

export interface MarketDayActivities {
  /**
   * Write the attendance record and its event (outbox) in one transaction.
   * Idempotent by the attendance id: a retry changes nothing.
   */
  recordSessionAttendance(input: SessionAttendanceInput): Promise<{ inserted: boolean }>;
}
