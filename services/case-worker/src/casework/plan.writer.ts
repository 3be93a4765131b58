/**
 * Writes a plan item revision's event (domain/plans.ts). The plan and its items
 * live in the case API's own schema (`directory`), which stores the revision
 * before it starts planItemWorkflow; this process is the one outbox writer, so
 * the event is written here. The event id is derived from the item and its
 * revision, so a retried activity inserts nothing twice. Keyed by the plan
 * (`plan:<id>`); no case.
 */
import { PLAN_ITEM_CHANGED_EVENT, type PlanItemEventInput, type PoolClient } from '@minqing/shared';
import { appendEvent, type OutboxTarget } from './outbox';

export async function insertPlanItemEvent(client: PoolClient, target: OutboxTarget, input: PlanItemEventInput): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM casework.outbox WHERE event_id = $1', [input.eventId]);
  if (rows.length > 0) return false; // written by an earlier attempt
  await appendEvent(client, target, {
    id: input.eventId,
    type: PLAN_ITEM_CHANGED_EVENT,
    subject: input.data.itemId,
    partitionkey: `plan:${input.data.planId}`,
    caseId: null,
    time: input.data.at,
    data: input.data,
  });
  return true;
}
