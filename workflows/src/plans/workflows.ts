/**
 * A plan item's revision (domain/plans.ts) reaches the event stream the way
 * every other event does, through the case-worker's one outbox writer: the case
 * API stores the revision in its own schema (`directory`, which it owns) and
 * starts this workflow (Workflow ID = `plan-item:<item id>:r<revision>`, see
 * planItemWorkflowId); the worker's activity writes the event. Nothing to
 * decide here: the workflow is the durable hand-over.
 *
 * Deterministic: no I/O, no clocks; everything comes in with the input.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { PlanItemEventInput } from '@minqing/shared/domain';
import type { PlanActivities } from './activities';

const { recordPlanItemEvent } = proxyActivities<PlanActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function planItemWorkflow(input: PlanItemEventInput): Promise<{ eventId: string; revision: number }> {
  await recordPlanItemEvent(input);
  return { eventId: input.eventId, revision: input.data.revision };
}
