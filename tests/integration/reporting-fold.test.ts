/**
 * The reporting projection applies a chunk of events set-based: folded in memory
 * per case, written with one statement per table (ReportRepository.apply). On a
 * database of its own (the reporting schema migrated afresh, plus a rebuild's
 * shadow copy as a second projection): a chunk bringing every case's events
 * shuffled and twice gives exactly the rows that applying each event alone, in
 * order, gives; a redelivered event changes nothing and counts as a duplicate;
 * a stale event never overwrites where a case stands.
 */
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildEvent, createPool, eventIdFor, inTransaction, migrate, type CloudEvent, type EventDataOf, type EventType, type LifecycleEventType, type Pool,
} from '@minqing/shared';
import { PROJECTION_TABLES } from '../../services/reporting/src/projection';
import { LIVE_SCHEMA, SHADOW_SCHEMA, ShadowProjection } from '../../services/reporting/src/rebuild';
import { ReportRepository, type EventPosition } from '../../services/reporting/src/report.repository';
import { env } from '../support/helpers';

const MIGRATIONS = fileURLToPath(new URL('../../services/reporting/migrations', import.meta.url));
const database = `fold_${Date.now().toString(36)}`;
let server: pg.Client;
let pool: Pool;
let repository: ReportRepository;

beforeAll(async () => {
  server = new pg.Client({ connectionString: env().DATABASE_URL });
  await server.connect();
  await server.query(`CREATE DATABASE "${database}"`);
  const url = new URL(env().DATABASE_URL);
  url.pathname = `/${database}`;
  await migrate({ databaseUrl: url.toString(), dir: MIGRATIONS, schema: LIVE_SCHEMA });
  pool = createPool(url.toString());
  repository = new ReportRepository(pool);
});
afterAll(async () => {
  await pool?.end();
  await server?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await server?.end();
});

type Delivery = { event: CloudEvent; pos: EventPosition };

/** One chunk, in one transaction, into `schema` (what EventConsumer does). */
const applyChunk = (schema: string, chunk: Delivery[]) =>
  inTransaction(pool, async (tx) => {
    await tx.query(`SELECT set_config('search_path', $1, true)`, [schema]);
    return repository.apply(tx, chunk);
  });

/** Every row of every projection table of `schema` (processed_at, the time of the transaction, left out). */
async function rows(schema: string) {
  const out = {} as Record<(typeof PROJECTION_TABLES)[number], unknown[]>;
  for (const t of PROJECTION_TABLES) {
    const { rows: r } = await pool.query(`SELECT to_jsonb(x) - 'processed_at' AS r FROM ${schema}.${t} x ORDER BY 1`);
    out[t] = r.map((x) => x.r);
  }
  return out;
}

let seed = 12;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/** A case's whole history as the case worker publishes it: opened, then each move with its seq. */
function history(): CloudEvent[] {
  const caseId = randomUUID();
  const t0 = Date.parse('2026-11-02T01:00:00.000Z') + Math.floor(rand() * 1e9);
  let seq = 1;
  let level = 0;
  let reopens = 0;
  let assignee = pick(['c1', 'c2']);
  const village = pick(['v1', 'v2', null]);
  const category = pick(['policy_question', 'livelihood_difficulty'] as const);
  const at = () => new Date(t0 + seq * 3_600_000 + 123).toISOString();
  const events: CloudEvent[] = [buildEvent({
    id: eventIdFor(caseId, 'opened'), source: '/test', type: 'org.minqing.case.opened.v1', subject: caseId, time: at(),
    data: { caseId, trackingCode: `MQ-${caseId.slice(0, 8)}`, category, priority: 'normal', channel: 'hall', servicePointCode: null, villageCode: village, householdCode: null, openedAt: at(), openedBy: null },
  })];
  const move = <T extends LifecycleEventType>(type: T, status: string, extra: Partial<EventDataOf<T>>) => {
    seq++;
    events.push(buildEvent({
      id: eventIdFor(caseId, `${seq}:${type}`), source: '/test', type, subject: caseId, time: at(),
      data: {
        caseId, seq, at: at(), actor: null, status, category, priority: 'normal', assigneeCode: assignee, departmentCode: `d-${assignee}`, areaCode: 'a1',
        // an event may not name the village (the case's own then counts)
        villageCode: rand() < 0.3 ? null : village, escalationLevel: level, slaPolicyVersion: 'sla-2026.1', ...extra,
      } as never,
    }));
  };
  move('org.minqing.case.routed.v1', 'assigned', { rule: 'village', reason: 'test', dueAt: at() });
  if (rand() < 0.3) {
    move('org.minqing.case.returned.v1', 'returned', { reasonCode: 'not_ours', note: '', returnsCount: 1 });
    move('org.minqing.case.return_reviewed.v1', 'assigned', { decision: 'reassign', note: '' });
    const from = assignee;
    assignee = assignee === 'c1' ? 'c2' : 'c1';
    move('org.minqing.case.reassigned.v1', 'assigned', { fromAssigneeCode: from, note: '' });
  }
  if (rand() < 0.3) {
    level = 1 + Math.floor(rand() * 3);
    move('org.minqing.case.reminder_sent.v1', 'assigned', { phase: 'sign_for', fraction: 0.8, dueAt: at(), notifiedCode: assignee });
    move('org.minqing.case.escalated.v1', 'assigned', { phase: 'sign_for', level, escalatedToCode: 'head', dueAt: at() });
  }
  if (rand() < 0.15) {
    move('org.minqing.case.withdrawn.v1', 'withdrawn', { reason: 'resolved elsewhere' });
    return events;
  }
  move('org.minqing.case.accepted.v1', 'accepted', { dueAt: at(), onTime: rand() < 0.7, businessMinutesToAccept: Math.floor(rand() * 500) });
  move('org.minqing.case.work_started.v1', 'in_progress', {});
  for (let round = 0; round < 3; round++) {
    move('org.minqing.case.resolved.v1', 'resolved', { dueAt: at(), onTime: rand() < 0.6, businessMinutesToResolve: Math.floor(rand() * 5000), reopenCount: reopens });
    if (rand() < 0.2) return events; // still waiting for its callback
    const satisfaction = pick(['satisfied', 'basically_satisfied', 'dissatisfied'] as const);
    move('org.minqing.case.follow_up_recorded.v1', 'followed_up', { satisfaction, method: 'call', onTime: true });
    if (round === 2 || rand() < 0.6) {
      move('org.minqing.case.closed.v1', 'closed', { satisfaction });
      return events;
    }
    reopens++;
    move('org.minqing.case.reopened.v1', 'in_progress', { reason: 'not solved', reopenCount: reopens });
  }
  return events;
}

/** A cadre's work record (履职). */
function workRecord(type: Extract<EventType, `org.minqing.work.${string}`>): CloudEvent {
  const recordId = randomUUID();
  const base = { recordId, cadreCode: pick(['c1', 'c2']), departmentCode: 'd-c1', villageCode: pick(['v1', null]), date: '2026-11-20', role: null, recordedAt: '2026-11-20T08:00:00.000Z' };
  const household = { householdCode: 'hh1', linkedHousehold: rand() < 0.5, keyHousehold: rand() < 0.5, caseId: null };
  // the six roles' work (issue 13): a holiday visit, with every field of the activity event (null where the kind has none)
  const activity = {
    ...base, villageCode: 'v1', kind: 'holiday_visit', role: 'service_attendant', ...household,
    participants: null, copies: null, durationMinutes: null, holiday: 'spring_festival', topic: null, focus: null, outcome: null,
  };
  return buildEvent({
    id: randomUUID(), source: '/test', type, subject: recordId, partitionkey: base.cadreCode, time: base.recordedAt,
    data: (type === 'org.minqing.work.diary_entry_added.v1' ? base : type === 'org.minqing.work.activity_logged.v1' ? activity : { ...base, ...household }) as never,
  });
}

/** A cadre's attendance at a market-day session (双定, issue 13): a later record for the same day corrects an earlier one. */
function attendance(): CloudEvent {
  const attendanceId = randomUUID();
  const absent = rand() < 0.3;
  const data = {
    attendanceId, sessionCode: 'market-wulan', villageCode: 'v1', date: pick(['2026-11-18', '2026-11-25']), cadreCode: pick(['c1', 'c2']), departmentCode: 'd-c1',
    status: absent ? 'absent' : 'arrived', reason: absent ? 'sick_leave' : null, recordedBy: 'c1', onBehalf: false, recordedAt: '2026-11-25T02:00:00.000Z',
  };
  return buildEvent({ id: attendanceId, source: '/test', type: 'org.minqing.work.session_attendance_recorded.v1', subject: attendanceId, partitionkey: `cadre:${data.cadreCode}`, time: data.recordedAt, data: data as never });
}

/** An inspection of a cadre by the assessment group (一听二看三查, issue 13). */
function inspection(): CloudEvent {
  const inspectionId = randomUUID();
  const data = {
    inspectionId, cadreCode: pick(['c1', 'c2']), departmentCode: 'd-c1', date: '2026-11-24', listenScore: 90, lookScore: 80, checkScore: 85, score: 85, grade: 'good',
    ledgerRecordsReviewed: 2, diaryEntriesReviewed: 1, householdsChecked: 1, recordedAt: '2026-11-24T03:00:00.000Z',
  };
  return buildEvent({ id: inspectionId, source: '/test', type: 'org.minqing.inspection.recorded.v1', subject: inspectionId, partitionkey: `cadre:${data.cadreCode}`, time: data.recordedAt, data: data as never });
}

/** A revision of a plan item (片区工作计划 / 年度服务计划, issue 13): the item as it stands after it. */
function planItem(revision: number): CloudEvent {
  const itemId = randomUUID();
  const planId = randomUUID();
  const data = {
    planId, planKind: 'department', year: 2026, areaCode: null, departmentCode: 'd-c1', itemId, revision, change: revision === 1 ? 'created' : 'progress',
    status: revision === 1 ? 'planned' : 'done', previousStatus: revision === 1 ? null : 'planned', ownerCode: pick(['c1', 'c2']), ownerDepartmentCode: 'd-c1',
    dueDate: '2026-11-30', doneOn: revision === 1 ? null : '2026-11-24', villageCodes: ['v1'], actorCode: 'c1', at: '2026-11-24T03:00:00.000Z',
  };
  const id = randomUUID();
  return buildEvent({ id, source: '/test', type: 'org.minqing.plan.item_changed.v1', subject: itemId, partitionkey: `plan:${planId}`, time: data.at, data: data as never });
}

describe('the set-based projection of a chunk', () => {
  const histories = Array.from({ length: 60 }, history);
  const works = (['org.minqing.work.visit_logged.v1', 'org.minqing.work.diary_entry_added.v1', 'org.minqing.work.household_file_updated.v1', 'org.minqing.work.activity_logged.v1'] as const).map(workRecord);
  // The topic's order: the cases' events interleaved, each case's in its own order; every event at its own offset.
  const inOrder: Delivery[] = [];
  for (let i = 0; histories.some((h) => i < h.length); i++) for (const h of histories) if (h[i]) inOrder.push({ event: h[i]!, pos: { topic: 'case-events', partition: 0, offset: String(inOrder.length) } });
  for (const event of works) inOrder.push({ event, pos: { topic: 'case-events', partition: 0, offset: String(inOrder.length) } });
  for (let i = 0; i < 4; i++) inOrder.push({ event: attendance(), pos: { topic: 'case-events', partition: 0, offset: String(inOrder.length) } });
  for (let i = 0; i < 3; i++) inOrder.push({ event: inspection(), pos: { topic: 'case-events', partition: 0, offset: String(inOrder.length) } });
  for (let i = 1; i <= 2; i++) inOrder.push({ event: planItem(i), pos: { topic: 'case-events', partition: 0, offset: String(inOrder.length) } });

  it('gives from a chunk of every event shuffled and delivered twice the rows of each event applied alone, in order', async () => {
    expect(inOrder.length).toBeGreaterThan(400);
    for (const d of inOrder) expect(await applyChunk(LIVE_SCHEMA, [d])).toEqual({ applied: 1, duplicates: 0 });
    const expected = await rows(LIVE_SCHEMA);
    expect(expected.case_facts).toHaveLength(60);
    expect(expected.escalations.length + expected.callbacks.length + expected.work_facts.length).toBeGreaterThan(20);
    expect(expected.attendance_facts).toHaveLength(4);
    expect(expected.inspection_facts).toHaveLength(3);
    expect(expected.plan_facts).toHaveLength(2);

    await new ShadowProjection(pool).create();
    const twice = [...inOrder, ...inOrder];
    for (let i = twice.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [twice[i], twice[j]] = [twice[j]!, twice[i]!];
    }
    expect(await applyChunk(SHADOW_SCHEMA, twice)).toEqual({ applied: inOrder.length, duplicates: inOrder.length });
    expect(await rows(SHADOW_SCHEMA)).toEqual(expected);

    // Delivered again, in chunks: nothing changes, every event is a duplicate.
    for (let i = 0; i < twice.length; i += 200) {
      const chunk = twice.slice(i, i + 200);
      expect(await applyChunk(SHADOW_SCHEMA, chunk)).toEqual({ applied: 0, duplicates: chunk.length });
    }
    expect(await rows(SHADOW_SCHEMA)).toEqual(expected);
    await new ShadowProjection(pool).discard();
  });

  it('never lets a stale event overwrite where a case stands, while what only it adds still counts', async () => {
    const of = (h: CloudEvent[], type: EventType) => h.find((e) => e.type === type);
    let h = history();
    while (!of(h, 'org.minqing.case.resolved.v1')) h = history();
    const [opened, routed, accepted, resolved] = (['org.minqing.case.opened.v1', 'org.minqing.case.routed.v1', 'org.minqing.case.accepted.v1', 'org.minqing.case.resolved.v1'] as const).map((t) => of(h, t));
    const caseId = opened!.subject;
    const pos = (offset: number): EventPosition => ({ topic: 'case-events', partition: 1, offset: String(offset) });
    // accepted and resolved first; routed (seq 2) arrives after them, in a later chunk.
    expect(await applyChunk(LIVE_SCHEMA, [{ event: opened!, pos: pos(0) }, { event: accepted!, pos: pos(1) }, { event: resolved!, pos: pos(2) }])).toEqual({ applied: 3, duplicates: 0 });
    expect(await applyChunk(LIVE_SCHEMA, [{ event: routed!, pos: pos(3) }, { event: resolved!, pos: pos(4) }])).toEqual({ applied: 1, duplicates: 1 });
    const { rows: [row] } = await pool.query('SELECT status, last_seq, routed_at, resolved_at FROM reporting.case_facts WHERE case_id = $1', [caseId]);
    const r = resolved!.data as EventDataOf<'org.minqing.case.resolved.v1'>;
    expect(row).toEqual({ status: 'resolved', last_seq: r.seq, routed_at: new Date((routed!.data as { at: string }).at), resolved_at: new Date(r.at) });
    const { rows: positions } = await pool.query('SELECT kafka_offset::int AS offset FROM reporting.processed_events WHERE case_id = $1 AND kafka_partition = 1 ORDER BY 1', [caseId]);
    expect(positions.map((p) => p.offset)).toEqual([0, 1, 2, 3]);
  });
});
