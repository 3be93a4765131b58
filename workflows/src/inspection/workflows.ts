/**
 * An inspection by the assessment group (一听二看三查) takes the path of a
 * work record: the case API checks it against the directory and starts this
 * workflow (Workflow ID = `inspection:<id>`, see inspectionWorkflowId) and waits
 * for it; the worker's activity writes the row and its event in one
 * transaction. Nothing to decide here: the workflow is the durable hand-over.
 *
 * Deterministic: no I/O, no clocks; everything comes in with the input.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { InspectionGrade, InspectionInput } from '@minqing/shared/domain';
import type { InspectionActivities } from './activities';

const { recordInspection } = proxyActivities<InspectionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function inspectionWorkflow(input: InspectionInput): Promise<{ id: string; score: number; grade: InspectionGrade }> {
  await recordInspection(input);
  return { id: input.inspectionId, score: input.score, grade: input.grade };
}
