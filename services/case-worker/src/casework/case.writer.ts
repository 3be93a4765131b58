/**
 * Writes of the case read model: the opened case, and each lifecycle step —
 * the row, its timeline entry and its event, inside the caller's transaction.
 * The timeline's unique (case_id, step) and the case's primary key make both
 * idempotent: a retried activity finds its step recorded and changes nothing.
 */
import { EventType, eventIdFor, normaliseHelps, type CaseWorkflowInput, type PoolClient } from '@minqing/shared';
import type { ReadModelPatch, TransitionRecord } from '@minqing/workflows';
import { appendEvent, type OutboxTarget } from './outbox';

export async function insertOpenedCase(client: PoolClient, target: OutboxTarget, input: CaseWorkflowInput): Promise<boolean> {
  const r = input.request;
  const inserted = await client.query(
    `INSERT INTO casework.cases (id, tracking_code, status, category, priority, channel, service_point_code,
       title, description, resident_name, resident_phone, village_code, household_code, request_hash,
       opened_by, opened_at, updated_at, dedupe_hash, resident_email, resident_language)
     VALUES ($1,$2,'submitted',$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15,$16,$17,$18)
     ON CONFLICT (id) DO NOTHING`,
    [
      input.caseId, input.trackingCode, r.category, r.priority, r.channel, r.servicePointCode ?? null,
      r.title, r.description, r.resident.name, r.resident.phone ?? null, r.villageCode ?? null, r.householdCode ?? null,
      input.requestHash, input.openedBy, input.openedAt, input.dedupeHash ?? null,
      // how the notifier reaches the resident (services/case-worker/src/notify); absent in cases opened before issue 14
      r.resident.email ?? null, r.resident.language ?? null,
    ],
  );
  if (inserted.rowCount === 0) return false; // an earlier attempt committed everything already
  await client.query(
    `INSERT INTO casework.case_timeline (case_id, seq, step, kind, actor, at, details)
     VALUES ($1, 1, 'opened', 'opened', $2, $3, $4)`,
    [input.caseId, input.openedBy, input.openedAt, { channel: r.channel, servicePointCode: r.servicePointCode ?? null }],
  );
  // 四帮四促 tags given at intake: the tags' revision 1 (later changes: case-helps.writer.ts)
  const helps = normaliseHelps(r.helps);
  if (helps.length) {
    await client.query(
      `INSERT INTO casework.case_helps (change_id, case_id, revision, helps, actor, actor_role, at) VALUES ($1, $2, 1, $3, $4, NULL, $5)`,
      [eventIdFor(input.caseId, 'helps:1'), input.caseId, helps, input.openedBy, input.openedAt],
    );
  }
  await appendEvent(client, target, {
    id: eventIdFor(input.caseId, 'opened'),
    type: EventType.caseOpenedV1,
    subject: input.caseId,
    caseId: input.caseId,
    time: input.openedAt,
    // No resident name or phone: events carry codes only.
    data: {
      caseId: input.caseId,
      trackingCode: input.trackingCode,
      category: r.category,
      priority: r.priority,
      channel: r.channel,
      servicePointCode: r.servicePointCode ?? null,
      villageCode: r.villageCode ?? null,
      householdCode: r.householdCode ?? null,
      openedAt: input.openedAt,
      openedBy: input.openedBy,
      ...(helps.length ? { helps } : {}),
    },
  });
  return true;
}

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

/** One lifecycle move: the timeline entry first (its unique step is the idempotency key), the read model, the event. */
export async function applyTransition(client: PoolClient, target: OutboxTarget, t: TransitionRecord): Promise<boolean> {
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

  await appendEvent(client, target, {
    id: eventIdFor(t.caseId, t.step),
    type: t.eventType as EventType,
    subject: t.caseId,
    caseId: t.caseId,
    time: t.at,
    data: t.eventData as never,
  });
  return true;
}
