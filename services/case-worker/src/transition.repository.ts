/**
 * One lifecycle move in one transaction: the timeline entry (whose unique
 * (case_id, step) makes the move idempotent), the read-model update, and the
 * outbox event. A retried activity finds its step recorded and changes nothing.
 */
import { buildEvent, eventIdFor, type EventType, type PoolClient } from '@minqing/shared';
import type { ReadModelPatch, TransitionRecord } from '@minqing/workflows';

const COLUMNS: Record<keyof ReadModelPatch, string> = {
  status: 'status',
  assigneeCode: 'assignee_code',
  departmentCode: 'department_code',
  areaCode: 'area_code',
  routingRule: 'routing_rule',
  routingReason: 'routing_reason',
  escalateL1Code: 'escalate_l1_code',
  escalateL2Code: 'escalate_l2_code',
  escalateL3Code: 'escalate_l3_code',
  escalationLevel: 'escalation_level',
  phase: 'phase',
  phaseStartedAt: 'phase_started_at',
  dueAt: 'due_at',
  paused: 'paused',
  slaPolicyVersion: 'sla_policy_version',
  acceptedAt: 'accepted_at',
  resolvedAt: 'resolved_at',
  followedUpAt: 'followed_up_at',
  closedAt: 'closed_at',
  satisfaction: 'satisfaction',
  resolutionReply: 'resolution_reply',
  returnsCount: 'returns_count',
  reopenCount: 'reopen_count',
  mergedInto: 'merged_into',
  pendingExtension: 'pending_extension',
};

export async function applyTransition(client: PoolClient, t: TransitionRecord, source: string, topic: string): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO casework.case_timeline (case_id, seq, step, kind, actor, at, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [t.caseId, t.seq, t.step, t.kind, t.actor?.code ?? null, t.at, t.details],
  );
  if (inserted.rowCount === 0) return false;

  const sets: string[] = ['updated_at = $2', 'revision = revision + 1'];
  const values: unknown[] = [t.caseId, t.at];
  for (const [key, value] of Object.entries(t.readModel) as [keyof ReadModelPatch, unknown][]) {
    const column = COLUMNS[key];
    if (!column || value === undefined) continue;
    values.push(key === 'pendingExtension' && value !== null ? JSON.stringify(value) : value);
    sets.push(`${column} = $${values.length}`);
  }
  const updated = await client.query(`UPDATE casework.cases SET ${sets.join(', ')} WHERE id = $1`, values);
  if (updated.rowCount !== 1) throw new Error(`case ${t.caseId} is not in the read model`);

  const event = buildEvent({
    id: eventIdFor(t.caseId, t.step),
    source,
    type: t.eventType as EventType,
    subject: t.caseId,
    time: t.at,
    data: t.eventData as never,
  });
  await client.query(
    `INSERT INTO casework.outbox (event_id, case_id, topic, event_type, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
    [event.id, t.caseId, topic, event.type, event],
  );
  return true;
}
