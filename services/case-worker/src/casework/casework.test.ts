/**
 * The casework data module against a fake database client (unit level; the
 * integration tests run it against PostgreSQL): every write sends its event
 * through the one outbox writer with the same ids, keys and case links as
 * before, and a retried write inserts nothing twice.
 */
import { describe, expect, it } from 'vitest';
import { eventIdFor, validateEventData, type CaseWorkflowInput, type PoolClient, type WorkRecordInput } from '@minqing/shared';
import type { TransitionRecord } from '@minqing/workflows';
import { applyTransition, openedStatement, transitionStatement } from './case.writer';
import { insertWorkRecord } from './work-record.writer';
import { insertCaseHelps } from './case-helps.writer';

interface Query {
  sql: string;
  params: unknown[];
}

/** Records queries; a first INSERT … ON CONFLICT DO NOTHING of a key inserts, a repeat does not. */
class FakeClient {
  queries: Query[] = [];
  private keys = new Set<string>();

  async query(sql: string, params: unknown[] = []) {
    this.queries.push({ sql, params });
    const table = /INSERT INTO (casework\.\w+)/.exec(sql)?.[1];
    if (table && /ON CONFLICT/.test(sql)) {
      const key = `${table}:${table === 'casework.case_timeline' ? `${params[0]}:${params[2]}` : params[0]}`;
      if (this.keys.has(key)) return { rowCount: 0, rows: [] };
      this.keys.add(key);
    }
    return { rowCount: 1, rows: [] };
  }

  outbox(): Query[] {
    return this.queries.filter((q) => q.sql.includes('casework.outbox'));
  }

  get asClient(): PoolClient {
    return this as unknown as PoolClient;
  }
}

const target = { source: '/minqing/case-worker', topic: 'case-events', schemaBaseUrl: 'https://minqing.example' };
const caseId = '6f1c1c1e-6a53-4d55-9f0b-2f4c3a1d9e01';
const recordId = '0b7e2c44-1f0a-4a51-8d0e-6c1f2b3a4d5e';
const at = '2026-11-20T02:00:00.000Z';

const opened: CaseWorkflowInput = {
  caseId,
  trackingCode: 'MQ-7K3F-9Q2D',
  requestHash: 'h',
  openedAt: at,
  openedBy: 'hall-01',
  request: { category: 'policy_question', priority: 'normal', channel: 'hall', title: 't', description: 'd', resident: { name: '王桂兰', phone: '13800000000' }, villageCode: 'V1', householdCode: 'HH-1' },
};

const accepted: TransitionRecord = {
  caseId,
  seq: 3,
  step: '3:accepted',
  kind: 'accepted',
  at,
  actor: { code: 'C1', role: 'staff' },
  eventType: 'org.minqing.case.accepted.v1',
  eventData: {
    caseId, seq: 3, at, actor: { code: 'C1', role: 'staff' }, status: 'accepted', category: 'policy_question', priority: 'normal',
    assigneeCode: 'C1', departmentCode: 'D1', areaCode: 'A1', villageCode: 'V1', escalationLevel: 0, slaPolicyVersion: 'p1',
    dueAt: at, onTime: true, businessMinutesToAccept: 10,
  },
  readModel: { status: 'accepted', acceptedAt: at },
  details: {},
};

const visit: WorkRecordInput = {
  recordId,
  cadreCode: 'C1',
  departmentCode: 'D1',
  kind: 'visit',
  date: '2026-11-20',
  householdCode: 'HH-1',
  villageCode: 'V1',
  caseId: null,
  role: 'investigator',
  note: '入户走访',
  recordedAt: at,
  household: { linked: true, key: false },
};

describe('the outbox writer, through each casework write', () => {
  it('case opened: one statement writing the case, its first timeline entry, and case.opened with the (case, "opened") id, keyed by the case', () => {
    const { text, values } = openedStatement(target, opened);
    expect([...text.matchAll(/INSERT INTO (casework\.\w+)/g)].map((m) => m[1])).toEqual(['casework.cases', 'casework.case_timeline', 'casework.outbox']);
    const event = values.find((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && 'specversion' in v)!;
    expect(event).toMatchObject({ specversion: '1.0', id: eventIdFor(caseId, 'opened'), type: 'org.minqing.case.opened.v1', source: '/minqing/case-worker', subject: caseId, partitionkey: caseId, time: at });
    expect(values).toContain('case-events');
    // ce_dataschema: where the schema of its data is served, under the configured public base URL
    expect(event.dataschema).toBe('https://minqing.example/api/v1/events/schemas/org.minqing.case.opened.v1');
    expect(JSON.stringify(event)).not.toContain('王桂兰'); // no personal data in events
    expect(validateEventData(event.type as string, event.data)).toBeNull();
    // idempotency against PostgreSQL itself: tests/integration/casework-writes.test.ts
  });

  it('a transition: one statement writing the timeline entry, the read model and its event with the (case, step) id', () => {
    const { text, values } = transitionStatement(target, accepted);
    expect(text).toMatch(/^WITH entry AS \(\s*INSERT INTO casework\.case_timeline/);
    expect(text).toContain('UPDATE casework.cases SET');
    expect(text).toContain('INSERT INTO casework.outbox');
    // the read model's columns take the patch's values
    const set = (column: string) => values[Number(new RegExp(`${column} = \\$(\\d+)`).exec(text)![1]) - 1];
    expect({ status: set('status'), acceptedAt: set('accepted_at') }).toEqual({ status: 'accepted', acceptedAt: at });
    const event = values.find((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && 'specversion' in v)!;
    expect(event).toMatchObject({ id: eventIdFor(caseId, '3:accepted'), type: 'org.minqing.case.accepted.v1', subject: caseId, partitionkey: caseId });
    expect(values).toContain('case-events');
    // idempotency and atomicity against PostgreSQL itself: tests/integration/casework-writes.test.ts
  });

  it('refuses an event whose data does not match its schema, before anything reaches the outbox', async () => {
    const db = new FakeClient();
    const bad = { ...accepted, eventData: { ...accepted.eventData, onTime: 'yes' } };
    await expect(applyTransition(db.asClient, target, bad)).rejects.toThrow(/refusing to build invalid org\.minqing\.case\.accepted\.v1/);
    expect(db.outbox()).toHaveLength(0);
  });

  it('a work record: the row and its event, id = record id, keyed by the cadre, no case', async () => {
    const db = new FakeClient();
    expect(await insertWorkRecord(db.asClient, target, visit)).toBe(true);
    expect(db.queries[0]!.sql).toContain('INSERT INTO casework.work_records');
    expect(db.queries[0]!.params).toEqual([recordId, 'C1', 'visit', '2026-11-20', 'HH-1', 'V1', null, 'investigator', '入户走访', at, '{}', []]);
    const [eventId, outboxCaseId, , type, event] = db.outbox()[0]!.params as [string, string | null, string, string, Record<string, unknown>];
    expect({ eventId, outboxCaseId, type }).toEqual({ eventId: recordId, outboxCaseId: null, type: 'org.minqing.work.visit_logged.v1' });
    expect(event).toMatchObject({ id: recordId, subject: recordId, partitionkey: 'cadre:C1', time: at });
    expect(event.data).toEqual({
      recordId, cadreCode: 'C1', departmentCode: 'D1', villageCode: 'V1', date: '2026-11-20', role: 'investigator', recordedAt: at,
      householdCode: 'HH-1', linkedHousehold: true, keyHousehold: false, caseId: null,
    });

    expect(await insertWorkRecord(db.asClient, target, visit)).toBe(false);
    expect(db.outbox()).toHaveLength(1);
  });

  it('a holiday visit (服务员, issue 13): its details in the row, the activity event with its kind and role, the free text kept out', async () => {
    const db = new FakeClient();
    const holiday: WorkRecordInput = { ...visit, kind: 'holiday_visit', role: 'service_attendant', details: { holiday: 'spring_festival' } };
    expect(await insertWorkRecord(db.asClient, target, holiday)).toBe(true);
    expect(db.queries[0]!.params.at(-2)).toBe('{"holiday":"spring_festival"}');
    const [, , , type, event] = db.outbox()[0]!.params as [string, null, string, string, { data: Record<string, unknown> }];
    expect(type).toBe('org.minqing.work.activity_logged.v1');
    expect(event.data).toMatchObject({ kind: 'holiday_visit', role: 'service_attendant', householdCode: 'HH-1', linkedHousehold: true, holiday: 'spring_festival', participants: null });
    expect(event.data).not.toHaveProperty('place');
    expect(validateEventData(type, event.data)).toBeNull();
    expect(JSON.stringify(event)).not.toContain('入户走访'); // the note stays with the record
  });

  it('a diary entry carries no household fields, even when it names a household', async () => {
    const db = new FakeClient();
    await insertWorkRecord(db.asClient, target, { ...visit, kind: 'diary', role: null });
    const [, , , type, event] = db.outbox()[0]!.params as [string, null, string, string, { data: Record<string, unknown> }];
    expect(type).toBe('org.minqing.work.diary_entry_added.v1');
    expect(Object.keys(event.data).sort()).toEqual(['cadreCode', 'date', 'departmentCode', 'recordId', 'recordedAt', 'role', 'villageCode']);
  });

  // 四帮四促 (issue 13)
  it('a case opened with 四帮四促 tags: their revision 1 in the same statement, and the tags in case.opened', () => {
    const tagged: CaseWorkflowInput = { ...opened, request: { ...opened.request, helps: ['practical_problems', 'policy_understanding'] } };
    const { text, values } = openedStatement(target, tagged);
    expect(text).toContain('INSERT INTO casework.case_helps');
    expect(values).toContainEqual(eventIdFor(caseId, 'helps:1'));
    expect(values).toContainEqual(['policy_understanding', 'practical_problems']);
    const eventOf = (vs: unknown[]) => vs.find((v): v is { type: string; data: Record<string, unknown> } => typeof v === 'object' && v !== null && 'specversion' in v)!;
    expect(eventOf(values).data.helps).toEqual(['policy_understanding', 'practical_problems']);
    expect(validateEventData(eventOf(values).type, eventOf(values).data)).toBeNull();
    // without tags: no revision, no `helps` in the event (as before)
    const plain = openedStatement(target, opened);
    expect(plain.text).not.toContain('casework.case_helps');
    expect(eventOf(plain.values).data).not.toHaveProperty('helps');
  });

  it('a change of a case\'s tags: the revision and case.helps_tagged (id = change id, keyed by the case); a retry writes nothing', async () => {
    const db = new FakeClient();
    const change = { changeId: recordId, caseId, revision: 2, helps: ['dispute_resolution' as const], actor: { code: 'C1', role: 'staff' }, at };
    expect(await insertCaseHelps(db.asClient, target, change)).toBe('inserted');
    const [eventId, outboxCaseId, , type, event] = db.outbox()[0]!.params as [string, string, string, string, { data: Record<string, unknown>; partitionkey: string }];
    expect({ eventId, outboxCaseId, type }).toEqual({ eventId: recordId, outboxCaseId: caseId, type: 'org.minqing.case.helps_tagged.v1' });
    expect(event.partitionkey).toBe(caseId);
    expect(event.data).toEqual({ caseId, revision: 2, helps: ['dispute_resolution'], actor: { code: 'C1', role: 'staff' }, at });
    expect(validateEventData(type, event.data)).toBeNull();
    expect(await insertCaseHelps(db.asClient, target, change)).toBe('recorded');
    expect(db.outbox()).toHaveLength(1);
  });

  it('a work record with tags: in the row and in its event; without, the event is as before', async () => {
    const db = new FakeClient();
    expect(await insertWorkRecord(db.asClient, target, { ...visit, helps: ['practical_problems'] })).toBe(true);
    expect(db.queries[0]!.params.at(-1)).toEqual(['practical_problems']);
    const [, , , type, event] = db.outbox()[0]!.params as [string, null, string, string, { data: Record<string, unknown> }];
    expect(event.data.helps).toEqual(['practical_problems']);
    expect(validateEventData(type, event.data)).toBeNull();
  });
});
