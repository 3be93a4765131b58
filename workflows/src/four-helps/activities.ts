/**
 * The activity interface the case-helps workflow calls. Types only: the
 * implementation lives in services/case-worker (its casework data module).
 */
import type { CaseHelpsInput } from '@minqing/shared/domain';

export interface CaseHelpsActivities {
  /**
   * Write one revision of a case's 四帮四促 tags and its event (outbox) in one
   * transaction. Idempotent by the change id; `conflict` when another change
   * took that revision first (nothing written).
   */
  recordCaseHelps(input: CaseHelpsInput): Promise<{ inserted: boolean; conflict: boolean }>;
}
