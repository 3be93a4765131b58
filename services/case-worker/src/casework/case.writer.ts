/**
 * Writes of the case read model: the opened case, and each lifecycle step —
 * the row, its timeline entry and its event, each in one statement (atomic on
 * its own: a data-modifying WITH). The timeline's unique (case_id, step) and
 * the case's primary key make both idempotent: a retried activity finds its
 * step recorded and changes nothing.
 */
import { EventType, eventIdFor, normaliseHelps, type CaseWorkflowInput, type PoolClient } from '@minqing/shared';
import type { ReadModelPatch, TransitionRecord } from '@minqing/workflows';
import { outboxEvent, outboxInsert, type OutboxTarget } from './outbox';

/** A pool, or a client inside the caller's transaction. */
type Queryable = Pick<PoolClient, 'query'>;

/**
 * The opened case — its row, its first timeline entry, its 四帮四促 tags given at intake and
 * `case.opened` — in ONE statement (one round trip in the case's first workflow task). The case's
 * primary key is the idempotency key: the other rows are written only with a new case, so a
 * re-run changes nothing and answers false.
 */
export async function insertOpenedCase(db: Queryable, target: OutboxTarget, input: CaseWorkflowInput): Promise<boolean> {
  const { text, values } = openedStatement(target, input);
  const { rows } = await db.query<{ inserted: number }>(text, values);
  return rows[0]!.inserted === 1;
}

/** The statement of `insertOpenedCase` and its parameters; the event is built and checked first. */
export function openedStatement(target: OutboxTarget, input: CaseWorkflowInput): { text: string; values: unknown[] } {
  const r = input.request;
  const helps = normaliseHelps(r.helps);
  const event = outboxEvent(target, {
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
  const values: unknown[] = [
    input.caseId, input.trackingCode, r.category, r.priority, r.channel, r.servicePointCode ?? null,
    r.title, r.description, r.resident.name, r.resident.phone ?? null, r.villageCode ?? null, r.householdCode ?? null,
    input.requestHash, input.openedBy, input.openedAt, input.dedupeHash ?? null,
    // how the notifier reaches the resident (services/case-worker/src/notify); absent in cases opened before issue 14
    r.resident.email ?? null, r.resident.language ?? null,
  ];
  const param = (v: unknown) => `$${values.push(v)}`;
  const text = `WITH opened AS (
       INSERT INTO casework.cases (id, tracking_code, status, category, priority, channel, service_point_code,
         title, description, resident_name, resident_phone, village_code, household_code, request_hash,
         opened_by, opened_at, updated_at, dedupe_hash, resident_email, resident_language)
       VALUES ($1,$2,'submitted',$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15,$16,$17,$18)
       ON CONFLICT (id) DO NOTHING RETURNING id),
     entry AS (
       INSERT INTO casework.case_timeline (case_id, seq, step, kind, actor, at, details)
       SELECT id, 1, 'opened', 'opened', $14, $15, ${param({ channel: r.channel, servicePointCode: r.servicePointCode ?? null })} FROM opened)${
    // 四帮四促 tags given at intake: the tags' revision 1 (later changes: case-helps.writer.ts)
    helps.length
      ? `,
     helps AS (
       INSERT INTO casework.case_helps (change_id, case_id, revision, helps, actor, actor_role, at)
       SELECT ${param(eventIdFor(input.caseId, 'helps:1'))}, id, 1, ${param(helps)}, $14, NULL, $15 FROM opened)`
      : ''},
     event AS (${outboxInsert(target, event, { column: 'id' }, param, 'opened')})
   SELECT count(*)::int AS inserted FROM opened`;
  return { text, values };
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

/**
 * One lifecycle move — the timeline entry, the read model and the event — in ONE statement, so a
 * move costs the database one round trip inside the workflow task that waits for it (not BEGIN,
 * three statements and COMMIT). The timeline's unique (case_id, step) is the idempotency key: the
 * row and the event are written only with a new entry, so a re-run changes nothing and answers
 * false. The entry's foreign key to the case refuses a step of a case that is not recorded, and
 * the statement is atomic: nothing of it is written then.
 */
export async function applyTransition(db: Queryable, target: OutboxTarget, t: TransitionRecord): Promise<boolean> {
  const { text, values } = transitionStatement(target, t);
  const { rows } = await db.query<{ recorded: number; moved: number }>(text, values);
  const { recorded, moved } = rows[0]!;
  if (recorded === 1 && moved !== 1) throw new Error(`case ${t.caseId} is not in the read model`);
  return recorded === 1;
}

/** The statement of `applyTransition` and its parameters; the event is built and checked first. */
export function transitionStatement(target: OutboxTarget, t: TransitionRecord): { text: string; values: unknown[] } {
  const event = outboxEvent(target, {
    id: eventIdFor(t.caseId, t.step),
    type: t.eventType as EventType,
    subject: t.caseId,
    caseId: t.caseId,
    time: t.at,
    data: t.eventData as never,
  });
  const values: unknown[] = [t.caseId, t.at];
  const param = (v: unknown) => `$${values.push(v)}`;
  const sets: string[] = ['updated_at = $2', 'revision = revision + 1'];
  for (const [key, value] of Object.entries(t.readModel) as [keyof ReadModelPatch, unknown][]) {
    const column = COLUMNS[key];
    if (!column || value === undefined) continue;
    sets.push(`${column} = ${param(key === 'pendingExtension' && value !== null ? JSON.stringify(value) : value)}`);
  }
  const text = `WITH entry AS (
       INSERT INTO casework.case_timeline (case_id, seq, step, kind, actor, at, details)
       VALUES ($1, ${param(t.seq)}, ${param(t.step)}, ${param(t.kind)}, ${param(t.actor?.code ?? null)}, $2, ${param(t.details)})
       ON CONFLICT DO NOTHING RETURNING case_id),
     moved AS (UPDATE casework.cases SET ${sets.join(', ')} WHERE id = (SELECT case_id FROM entry) RETURNING id),
     event AS (${outboxInsert(target, event, { column: 'case_id' }, param, 'entry')})
   SELECT (SELECT count(*) FROM entry)::int AS recorded, (SELECT count(*) FROM moved)::int AS moved`;
  return { text, values };
}
