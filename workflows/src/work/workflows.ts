/**
 * A cadre's work record (履职) takes the same path as every other casework
 * event: the case API validates it against the directory and starts this
 * workflow (Workflow ID = `work-record:<record id>`, see workRecordWorkflowId)
 * and waits for it; the worker's activity writes the row and its event in one
 * transaction. There is nothing to wait for or decide here — the workflow is
 * the durable hand-over: once started, the record is written even if the
 * worker or the database is away for a while.
 *
 * Deterministic: no I/O, no clocks; everything comes in with the input.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { WorkRecordInput, WorkRecordResult } from '@minqing/shared/domain';
import type { WorkActivities } from './activities';

const { recordWorkRecord } = proxyActivities<WorkActivities>({
  startToCloseTimeout: '30 seconds',
  // As for case steps: the database may be briefly away; retry without a cap, backing off to once a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function workRecordWorkflow(input: WorkRecordInput): Promise<WorkRecordResult> {
  await recordWorkRecord(input);
  return { id: input.recordId, kind: input.kind, date: input.date };
}
