/**
 * The opened case and each lifecycle move are recorded by one statement each
 * (services/case-worker/src/casework/case.writer.ts): against PostgreSQL itself, a re-run writes
 * nothing more, and a step of a case that is not recorded writes nothing at all. Everything runs in a transaction rolled back at the end, so no
 * row reaches the outbox (and Kafka) of the stack the other tests use.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventIdFor, type CaseWorkflowInput } from '@minqing/shared';
import type { TransitionRecord } from '@minqing/workflows';
import { applyTransition, insertOpenedCase } from '../../services/case-worker/src/casework/case.writer';
import { env } from '../support/helpers';

const target = { source: '/minqing/case-worker', topic: 'case-events', schemaBaseUrl: 'https://minqing.example' };
const at = '2026-11-20T02:00:00.000Z';

const opened = (caseId: string): CaseWorkflowInput => ({
  caseId,
  trackingCode: `MQ-T${caseId.slice(0, 3).toUpperCase()}-${caseId.slice(4, 8).toUpperCase()}`,
  requestHash: 'h',
  openedAt: at,
  openedBy: 'hall-01',
  request: { category: 'policy_question', priority: 'normal', channel: 'hall', title: 't', description: 'd', resident: { name: '王桂兰' } },
});

const accepted = (caseId: string): TransitionRecord => ({
  caseId,
  seq: 3,
  step: '3:accepted',
  kind: 'accepted',
  at,
  actor: { code: 'C1', role: 'staff' },
  eventType: 'org.minqing.case.accepted.v1',
  eventData: {
    caseId, seq: 3, at, actor: { code: 'C1', role: 'staff' }, status: 'accepted', category: 'policy_question', priority: 'normal',
    assigneeCode: 'C1', departmentCode: 'D1', areaCode: 'A1', villageCode: null, escalationLevel: 0, slaPolicyVersion: 'p1',
    dueAt: at, onTime: true, businessMinutesToAccept: 10,
  },
  readModel: { status: 'accepted', acceptedAt: at },
  details: {},
});

let db: pg.Client;
beforeAll(async () => {
  db = new pg.Client({ connectionString: env().DATABASE_URL });
  await db.connect();
  await db.query('BEGIN');
});
afterAll(async () => {
  await db.query('ROLLBACK');
  await db.end();
});

const count = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]!.n;

it('an opened case is written once: the case, its first timeline entry, its tags and case.opened', async () => {
  const caseId = randomUUID();
  const tagged = { ...opened(caseId), request: { ...opened(caseId).request, helps: ['practical_problems' as const] } };
  expect(await insertOpenedCase(db, target, tagged)).toBe(true);
  expect(await insertOpenedCase(db, target, tagged)).toBe(false);
  expect((await db.query('SELECT status, resident_name FROM casework.cases WHERE id = $1', [caseId])).rows).toEqual([{ status: 'submitted', resident_name: '王桂兰' }]);
  expect(await count(`casework.case_timeline WHERE case_id = $1 AND step = 'opened'`, [caseId])).toBe(1);
  expect((await db.query('SELECT revision, helps FROM casework.case_helps WHERE case_id = $1', [caseId])).rows).toEqual([{ revision: 1, helps: ['practical_problems'] }]);
  const events = (await db.query('SELECT event FROM casework.outbox WHERE case_id = $1', [caseId])).rows.map((r) => r.event);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ id: eventIdFor(caseId, 'opened'), type: 'org.minqing.case.opened.v1', data: { helps: ['practical_problems'] } });
  expect(JSON.stringify(events[0])).not.toContain('王桂兰');
});

it('a move is written once: the timeline entry, the read model and the event; a re-run changes nothing', async () => {
  const caseId = randomUUID();
  expect(await insertOpenedCase(db, target, opened(caseId))).toBe(true);
  expect(await applyTransition(db, target, accepted(caseId))).toBe(true);
  const revision = (await db.query('SELECT status, revision, accepted_at FROM casework.cases WHERE id = $1', [caseId])).rows[0];
  expect(revision).toMatchObject({ status: 'accepted', accepted_at: new Date(at) });

  expect(await applyTransition(db, target, accepted(caseId))).toBe(false);
  expect(await count(`casework.case_timeline WHERE case_id = $1 AND step = '3:accepted'`, [caseId])).toBe(1);
  expect(await count('casework.outbox WHERE event_id = $1 AND case_id = $2', [eventIdFor(caseId, '3:accepted'), caseId])).toBe(1);
  expect((await db.query('SELECT revision FROM casework.cases WHERE id = $1', [caseId])).rows[0].revision).toBe(revision.revision);
  const { event } = (await db.query('SELECT event FROM casework.outbox WHERE event_id = $1', [eventIdFor(caseId, '3:accepted')])).rows[0];
  expect(event).toMatchObject({ type: 'org.minqing.case.accepted.v1', subject: caseId, data: { status: 'accepted', seq: 3 } });
});

it('a step of a case that is not recorded is refused whole: no timeline entry, no event', async () => {
  const caseId = randomUUID();
  await db.query('SAVEPOINT unknown_case');
  await expect(applyTransition(db, target, accepted(caseId))).rejects.toMatchObject({ code: '23503' }); // foreign_key_violation
  await db.query('ROLLBACK TO SAVEPOINT unknown_case');
  expect(await count('casework.case_timeline WHERE case_id = $1', [caseId])).toBe(0);
  expect(await count('casework.outbox WHERE case_id = $1', [caseId])).toBe(0);
});
