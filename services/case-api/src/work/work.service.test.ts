/**
 * Logging a work record: the checks against the directory, the workflow input
 * (with the household's links), the wait, and retries with an Idempotency-Key —
 * with a hand-written fake of the Temporal client (unit level; the integration
 * tests use the real server and worker).
 */
import { describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  DEFAULT_CALENDAR, DependencyUnavailableError, deriveWorkRecordId, DomainError, IdempotencyKeyReusedError, workRecordWorkflowId,
  type WorkRecordInput, type WorkRecordResult,
} from '@minqing/shared';
import { WorkService, type WorkRecordBody } from './work.service';
import type { HouseholdLinks, WorkRepository } from './work.repository';

class FakeTemporal {
  started = new Map<string, { type: string; input: WorkRecordInput; memo: Record<string, unknown>; taskQueue: string }>();
  /** the worker: answers with the workflow's result unless it is "away" */
  workerAway = false;
  unavailable = false;
  private result(id: string): Promise<WorkRecordResult> {
    if (this.workerAway) return new Promise(() => undefined);
    const { input } = this.started.get(id)!;
    return Promise.resolve({ id: input.recordId, kind: input.kind, date: input.date });
  }
  workflow = {
    start: async (type: string, opts: { workflowId: string; taskQueue: string; args: [WorkRecordInput]; memo: Record<string, unknown> }) => {
      if (this.unavailable) throw Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: 14 });
      if (this.started.has(opts.workflowId)) throw new WorkflowExecutionAlreadyStartedError('already started', opts.workflowId, type);
      this.started.set(opts.workflowId, { type, input: opts.args[0], memo: opts.memo, taskQueue: opts.taskQueue });
      return { result: () => this.result(opts.workflowId) };
    },
    getHandle: (id: string) => ({
      describe: async () => ({ memo: this.started.get(id)?.memo }),
      result: () => this.result(id),
    }),
  };
}

const households: Record<string, HouseholdLinks> = {
  'HH-linked-key': { villageCode: 'V1', cadreCode: 'C1', isKey: true },
  'HH-other': { villageCode: 'V2', cadreCode: 'C9', isKey: false },
};
const repository = {
  household: async (code: string) => households[code] ?? null,
  cadreDepartment: async (code: string) => (code === 'C1' ? 'D1' : null),
  villageExists: async (code: string) => ['V1', 'V2', 'V3'].includes(code),
  list: async () => ({ items: [], nextCursor: null }),
} as unknown as WorkRepository;

const actor = { code: 'C1', role: 'staff' };
// 2026-11-20 23:30 in the township (UTC+8) is still 15:30 UTC: "today" is the 20th locally.
const now = new Date('2026-11-20T15:30:00Z');

function service(fake = new FakeTemporal(), opts: { waitMs?: number } = {}) {
  return { fake, svc: new WorkService({ temporal: fake as unknown as Client, taskQueue: 'q', repository, calendar: DEFAULT_CALENDAR, now: () => now, ...opts }) };
}

const visit: WorkRecordBody = { kind: 'visit', date: '2026-11-20', householdCode: 'HH-linked-key', role: 'investigator', note: '入户走访' };

async function problem(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

describe('WorkService.log', () => {
  it('starts workRecordWorkflow with the record and the directory facts, and answers with its result', async () => {
    const { fake, svc } = service();
    const { record, created } = await svc.log(actor, visit);
    expect(created).toBe(true);
    expect(record).toMatchObject({ kind: 'visit', date: '2026-11-20' });
    const started = fake.started.get(workRecordWorkflowId(record.id))!;
    expect(started.type).toBe('workRecordWorkflow');
    expect(started.taskQueue).toBe('q');
    expect(started.input).toEqual({
      recordId: record.id, cadreCode: 'C1', departmentCode: 'D1', kind: 'visit', date: '2026-11-20', householdCode: 'HH-linked-key',
      villageCode: 'V1', caseId: null, role: 'investigator', note: '入户走访', recordedAt: now.toISOString(), household: { linked: true, key: true },
    });
  });

  it("takes the household's village over the one given, and flags a household linked to someone else", async () => {
    const { fake, svc } = service();
    const { record } = await svc.log(actor, { ...visit, householdCode: 'HH-other', villageCode: 'V1' });
    expect(fake.started.get(workRecordWorkflowId(record.id))!.input).toMatchObject({ villageCode: 'V2', household: { linked: false, key: false } });
  });

  it('a diary entry needs no household; the given village is kept', async () => {
    const { fake, svc } = service();
    const { record } = await svc.log({ code: 'C7', role: 'staff' }, { kind: 'diary', date: '2026-11-19', villageCode: 'V3', note: '民情日记' });
    // issue 13: the role is the kind's (the diary is 调查员 work), no longer left empty
    expect(fake.started.get(workRecordWorkflowId(record.id))!.input).toMatchObject({ householdCode: null, villageCode: 'V3', departmentCode: null, household: null, role: 'investigator' });
  });

  it("refuses a date after today in the township's calendar, a visit without a household, an unknown household", async () => {
    const { fake, svc } = service();
    expect((await problem(svc.log(actor, { ...visit, date: '2026-11-21' }))).extensions).toMatchObject({ errors: [{ field: 'body/date' }] });
    expect((await problem(svc.log(actor, { ...visit, householdCode: undefined }))).extensions).toMatchObject({ errors: [{ field: 'body/householdCode' }] });
    const unknown = await problem(svc.log(actor, { ...visit, householdCode: 'nope' }));
    expect(unknown.status).toBe(422);
    expect(unknown.message).toContain('nope does not exist');
    expect(fake.started.size).toBe(0);
  });

  it("the six roles' kinds (issue 13): the kind's role and its own fields go to the workflow", async () => {
    const { fake, svc } = service();
    const { record } = await svc.log(actor, { kind: 'cleanup_day', date: '2026-11-20', villageCode: 'V1', place: '背街小巷', participants: 25, note: '清扫' });
    expect(fake.started.get(workRecordWorkflowId(record.id))!.input).toMatchObject({
      kind: 'cleanup_day', role: 'civility_officer', villageCode: 'V1', householdCode: null, household: null, details: { place: '背街小巷', participants: 25 },
    });
    const holiday = await svc.log(actor, { kind: 'holiday_visit', date: '2026-11-20', householdCode: 'HH-linked-key', holiday: 'new_year', note: '慰问' });
    expect(fake.started.get(workRecordWorkflowId(holiday.record.id))!.input).toMatchObject({ role: 'service_attendant', villageCode: 'V1', household: { linked: true, key: true }, details: { holiday: 'new_year' } });
  });

  it('refuses a record wrong for its kind with one 422 naming every field and its code, before anything starts', async () => {
    const { fake, svc } = service();
    const wrong = await problem(svc.log(actor, { kind: 'cleanup_day', date: '2026-11-19', place: '背街小巷', holiday: 'new_year', role: 'mediator', note: '清扫' }));
    expect(wrong.status).toBe(422);
    expect((wrong.extensions.errors as { field: string; code: string }[]).map((e) => `${e.field}:${e.code}`).sort()).toEqual([
      'body/date:wrong_weekday', 'body/holiday:unknown_property', 'body/participants:required', 'body/role:not_allowed', 'body/villageCode:required',
    ]);
    const nowhere = await problem(svc.log(actor, { kind: 'mediation', date: '2026-11-20', villageCode: 'V404', participants: 2, outcome: 'settled', note: '调解' }));
    expect(nowhere.extensions).toMatchObject({ errors: [{ field: 'body/villageCode', code: 'invalid' }] });
    expect(fake.started.size).toBe(0);
  });

  it('a retry with the same Idempotency-Key replays the first record; another body with that key is a 422', async () => {
    const { fake, svc } = service();
    const first = await svc.log(actor, visit, { idempotencyKey: 'visit-0001' });
    expect(first.record.id).toBe(deriveWorkRecordId('C1', 'visit-0001'));
    const again = await svc.log(actor, { ...visit }, { idempotencyKey: 'visit-0001' });
    expect(again).toEqual({ record: first.record, created: false });
    await expect(svc.log(actor, { ...visit, note: 'other' }, { idempotencyKey: 'visit-0001' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(fake.started.size).toBe(1);
  });

  it('answers 503 when the worker does not store the record in time, and when Temporal is unreachable', async () => {
    const away = new FakeTemporal();
    away.workerAway = true;
    await expect(service(away, { waitMs: 20 }).svc.log(actor, visit)).rejects.toBeInstanceOf(DependencyUnavailableError);
    const down = new FakeTemporal();
    down.unavailable = true;
    await expect(service(down).svc.log(actor, visit)).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
