/**
 * Every state and side move of a case through the real stack: HTTP → Temporal
 * Update (validated by the workflow) → activity → PostgreSQL read model,
 * timeline and outbox. Invalid moves are refused with 400/401/403/409 problem
 * documents and change nothing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { caseBody, env, eventually, http } from '../support/helpers';
import { saveHistory } from '../support/histories';
import { testCodec, testTemporalClient } from '../support/temporal';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`lc${Date.now().toString(36)}`);
let db: pg.Client;
let temporal: Client;
/** histories to record (RECORD_HISTORIES=1) for the replay test: name → case id */
const record = new Map<string, string>();

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  temporal = await testTemporalClient(e);
});
afterAll(async () => {
  for (const [name, id] of record) await saveHistory(temporal, name, id, testCodec(e));
  await temporal?.connection.close();
  await db?.end();
});

const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
const move = (id: string, path: string, actor: string, body: unknown = {}) => http('POST', api(`/cases/${id}/${path}`), body, as(actor));
const getCase = async (id: string) => (await http('GET', api(`/cases/${id}`))).json;
const timelineKinds = async (id: string) => (await http('GET', api(`/cases/${id}/timeline`))).json.items.map((i: { kind: string }) => i.kind);
const outboxTypes = async (id: string) =>
  (await db.query('SELECT event_type FROM casework.outbox WHERE case_id = $1 ORDER BY id', [id])).rows.map((r) => r.event_type.replace(/^org\.minqing\.case\.|\.v1$/g, ''));

/** Open a case and wait until routing has assigned it. */
async function openAssigned(overrides: Record<string, unknown> = {}) {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, ...overrides }), as(t.hall));
  expect(res.status).toBe(201);
  const id = res.json.id as string;
  return eventually(async () => {
    const c = await getCase(id);
    return c?.status === 'assigned' ? c : undefined;
  }, `case ${id} to be routed`);
}

describe('the main path', () => {
  it('routes to the household’s cadre, and goes accept → start → resolve → follow-up → close', async () => {
    const c = await openAssigned({ title: `主路径 ${t.run}` });
    expect(c).toMatchObject({ assigneeCode: t.cadre1, departmentCode: t.dept, areaCode: t.area, phase: 'sign_for', escalationLevel: 0 });
    expect(c.routing).toMatchObject({ rule: 'household' });
    expect(Date.parse(c.dueAt)).toBeGreaterThan(Date.now());

    const inbox = (await http('GET', api(`/tasks?cadre=${t.cadre1}`))).json;
    expect(inbox.new.map((i: { id: string }) => i.id)).toContain(c.id);

    expect((await move(c.id, 'accept', t.cadre1)).json).toMatchObject({ status: 'accepted', clock: { phase: 'resolve' } });
    expect((await move(c.id, 'start', t.cadre1)).json.status).toBe('in_progress');
    expect((await move(c.id, 'resolve', t.cadre1, { reply: '已协调民政办发放取暖煤500公斤。' })).json).toMatchObject({ status: 'resolved', clock: { phase: 'follow_up' } });
    expect((await move(c.id, 'follow-up', t.hall, { satisfaction: 'satisfied', method: 'call', note: '电话回访，群众满意' })).json).toMatchObject({ status: 'followed_up', satisfaction: 'satisfied' });
    expect((await move(c.id, 'close', t.hall, { note: '' })).json.status).toBe('closed');

    const final = await getCase(c.id);
    expect(final).toMatchObject({ status: 'closed', satisfaction: 'satisfied', resolutionReply: '已协调民政办发放取暖煤500公斤。' });
    expect(await timelineKinds(c.id)).toEqual(['opened', 'routed', 'accepted', 'work_started', 'resolved', 'follow_up_recorded', 'closed']);
    expect(await outboxTypes(c.id)).toEqual(['opened', 'routed', 'accepted', 'work_started', 'resolved', 'follow_up_recorded', 'closed']);
    const timeline = (await http('GET', api(`/cases/${c.id}/timeline`))).json.items;
    expect(timeline.find((i: { kind: string }) => i.kind === 'accepted').actor).toBe(t.cadre1);

    record.set('main-path-closed', c.id);
    // A finished case takes no more moves.
    const after = await move(c.id, 'reopen', t.hall, { reason: 'x' });
    expect(after.status).toBe(409);
  });
});

describe('invalid moves are refused and change nothing', () => {
  it('resolve before accept is 409, a stranger is 403, no session is 401, an unknown token is 401, a bad body is 400', async () => {
    const c = await openAssigned({ title: `非法操作 ${t.run}` });
    const before = await timelineKinds(c.id);

    const early = await move(c.id, 'resolve', t.cadre1, { reply: '答复' });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(early.json).toMatchObject({ type: 'urn:minqing:problem:transition-not-allowed', move: 'resolveCase' });
    expect(early.json.detail).toMatch(/assigned/);

    const stranger = await move(c.id, 'accept', t.cadre2);
    expect(stranger.status).toBe(403);
    expect(stranger.json.type).toBe('urn:minqing:problem:forbidden');

    const anonymous = await http('POST', api(`/cases/${c.id}/accept`), {}, { authorization: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.type).toBe('urn:minqing:problem:unauthenticated');
    expect((await move(c.id, 'accept', 'nobody-at-all')).status).toBe(401);
    const bad = await move(c.id, 'return', t.cadre1, { reasonCode: 'bored', note: '' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((x: { field: string }) => x.field).sort()).toEqual(['body/note', 'body/reasonCode']);
    const missing = await move('00000000-0000-4000-8000-00000000abcd', 'accept', t.cadre1);
    expect(missing.status).toBe(404);

    expect(await timelineKinds(c.id)).toEqual(before);
    expect((await getCase(c.id)).status).toBe('assigned');
  });

  it('the follow-up cannot be made by the cadre who handled the case', async () => {
    const c = await openAssigned({ title: `回访独立 ${t.run}` });
    await move(c.id, 'accept', t.cadre1);
    await move(c.id, 'resolve', t.cadre1, { reply: '已处理' });
    const own = await move(c.id, 'follow-up', t.cadre1, { satisfaction: 'satisfied', method: 'call', note: '' });
    expect(own.status).toBe(403);
    expect(own.json.detail).toMatch(/someone other than/);
  });
});

describe('side moves', () => {
  it('return (退单) is reviewed by the department head, rerouted, and capped', async () => {
    const c = await openAssigned({ title: `退单 ${t.run}` });
    const returned = await move(c.id, 'return', t.cadre1, { reasonCode: 'wrong_area', note: '不属于本村' });
    expect(returned.json).toMatchObject({ status: 'returned', returnsCount: 1 });
    // The decision waits in the head's own inbox (only they read their decisions).
    expect((await http('GET', api('/tasks'), undefined, { 'x-actor': t.head })).json.decisions.map((i: { id: string }) => i.id)).toContain(c.id);
    expect((await move(c.id, 'return-review', t.cadre2, { decision: 'force_dispatch', note: 'x' })).status).toBe(403);
    const rerouted = await move(c.id, 'return-review', t.head, { decision: 'reroute', assigneeCode: t.cadre2, note: '改派陈永明' });
    expect(rerouted.json).toMatchObject({ status: 'assigned', assigneeCode: t.cadre2 });
    await move(c.id, 'return', t.cadre2, { reasonCode: 'not_our_duty', note: '非本人职责' });
    await move(c.id, 'return-review', t.head, { decision: 'force_dispatch', note: '必须办理' });
    const capped = await move(c.id, 'return', t.cadre2, { reasonCode: 'other', note: '再退' });
    expect(capped.status).toBe(409);
    expect(capped.json.detail).toMatch(/cap 2/);
    expect((await getCase(c.id)).returnsCount).toBe(2);
    record.set('returned-rerouted-capped', c.id);
  });

  it('reassign, wait on the resident and resume, forward upstream and the answer, extension asked and decided, supervision', async () => {
    const c = await openAssigned({ title: `综合 ${t.run}`, category: 'proxy_matter' });
    expect((await move(c.id, 'reassign', t.cadre1, { assigneeCode: t.cadre2, note: 'x' })).status).toBe(403);
    const nobody = await move(c.id, 'reassign', t.head, { assigneeCode: `ghost-${t.run}`, note: 'x' });
    expect(nobody.status).toBe(422);
    expect(nobody.json.errors[0].field).toBe('body/assigneeCode');
    expect((await move(c.id, 'reassign', t.head, { assigneeCode: t.cadre2, note: '工作量调整' })).json.assigneeCode).toBe(t.cadre2);
    await move(c.id, 'accept', t.cadre2);

    const waiting = await move(c.id, 'wait-on-resident', t.cadre2, { note: '等待补充户口本' });
    expect(waiting.json).toMatchObject({ status: 'waiting_on_resident', clock: { paused: true, dueAt: null } });
    expect((await getCase(c.id)).paused).toBe(true);
    expect((await move(c.id, 'resume', t.cadre2, { note: '材料齐全' })).json).toMatchObject({ status: 'in_progress', clock: { paused: false } });

    expect((await move(c.id, 'forward-upstream', t.cadre2, { authority: '旗残联', note: '代办残疾证换证' })).json.status).toBe('forwarded_upstream');
    expect((await move(c.id, 'upstream-answer', t.cadre2, { outcome: 'approved', note: '已换发' })).json.status).toBe('in_progress');

    const dueBefore = (await getCase(c.id)).dueAt;
    expect((await move(c.id, 'extensions', t.cadre2, { minutes: 450, reason: '需上级审批' })).json.pendingExtension).toMatchObject({ minutes: 450 });
    // The read model has it by the time the move answers (the console shows it from the case).
    expect((await getCase(c.id)).pendingExtension).toMatchObject({ minutes: 450, reason: '需上级审批', requestedBy: t.cadre2 });
    expect((await move(c.id, 'extensions/decision', t.cadre2, { approve: true, note: 'x' })).status).toBe(403);
    const decided = await move(c.id, 'extensions/decision', t.head, { approve: true, note: '同意延期一个工作日' });
    expect((await getCase(c.id)).pendingExtension).toBeNull();
    expect(decided.json.pendingExtension).toBeNull();
    expect(Date.parse(decided.json.clock.dueAt)).toBeGreaterThan(Date.parse(dueBefore));

    expect((await move(c.id, 'supervise', t.leader, { note: '请加快办理' })).status).toBe(200);
    expect(await timelineKinds(c.id)).toEqual([
      'opened', 'routed', 'reassigned', 'accepted', 'waiting_on_resident', 'resumed', 'forwarded_upstream', 'upstream_answered',
      'extension_requested', 'extension_decided', 'supervised',
    ]);
    record.set('side-moves', c.id);
  });

  it('a dissatisfied follow-up reopens the case with a fresh resolution clock', async () => {
    const c = await openAssigned({ title: `重办 ${t.run}` });
    await move(c.id, 'accept', t.cadre1);
    await move(c.id, 'resolve', t.cadre1, { reply: '已答复' });
    await move(c.id, 'follow-up', t.hall, { satisfaction: 'dissatisfied', method: 'visit', note: '问题未解决' });
    expect((await move(c.id, 'close', t.hall, { note: '' })).status).toBe(403); // a manager must decide to close it unsatisfied
    const reopened = await move(c.id, 'reopen', t.hall, { reason: '群众不满意，重新办理' });
    expect(reopened.json).toMatchObject({ status: 'in_progress', reopenCount: 1, satisfaction: null, clock: { phase: 'resolve' } });
    record.set('dissatisfied-reopened', c.id);
  });

  it('merge, withdraw and reject end a case; nothing moves after', async () => {
    const target = await openAssigned({ title: `合并目标 ${t.run}` });
    const dup = await openAssigned({ title: `重复件 ${t.run}`, householdCode: t.household2 });
    expect((await move(dup.id, 'merge', t.hall, { intoCaseId: '00000000-0000-4000-8000-0000000000ff', note: 'x' })).status).toBe(422);
    expect((await move(dup.id, 'merge', t.hall, { intoCaseId: target.id, note: '同一诉求' })).json).toMatchObject({ status: 'merged', mergedInto: target.id });
    const w = await openAssigned({ title: `撤回 ${t.run}` });
    expect((await move(w.id, 'withdraw', t.hall, { reason: '群众撤回' })).json.status).toBe('withdrawn');
    const r = await openAssigned({ title: `不予受理 ${t.run}` });
    expect((await move(r.id, 'reject', t.hall, { reasonCode: 'out_of_scope', note: 'x' })).status).toBe(403);
    expect((await move(r.id, 'reject', t.head, { reasonCode: 'out_of_scope', note: '不属于乡镇职权' })).json.status).toBe('rejected');
    record.set('merged', dup.id).set('withdrawn', w.id).set('rejected', r.id);
    // Each by its own assignee (the duplicate is household 2's, linked to cadre 2).
    for (const [id, assignee] of [[dup.id, t.cadre2], [w.id, t.cadre1], [r.id, t.cadre1]] as const) {
      expect((await move(id, 'accept', assignee)).status).toBe(409);
    }
  });
});

describe('routing', () => {
  it('a category rule overrides the links: disputes go to the judicial office', async () => {
    const c = await openAssigned({ title: `纠纷 ${t.run}`, category: 'dispute_mediation' });
    expect(c).toMatchObject({ departmentCode: t.judicial, assigneeCode: t.judge, routing: { rule: 'category' } });
  });

  it('a village without a household goes to its linked department’s least-loaded cadre', async () => {
    const c = await openAssigned({ title: `村级 ${t.run}`, householdCode: undefined, villageCode: t.otherVillage });
    expect(c.routing.rule).toBe('village');
    expect(c.departmentCode).toBe(t.dept);
    expect([t.cadre1, t.cadre2]).toContain(c.assigneeCode);
  });

  it('an unknown village falls back to the township queue with no assignee', async () => {
    const c = await openAssigned({ title: `兜底 ${t.run}`, householdCode: undefined, villageCode: `nowhere-${t.run}` });
    expect(c).toMatchObject({ assigneeCode: null, routing: { rule: 'fallback' } });
    record.set('fallback-queue', c.id);
  });
});

describe('duplicate intake', () => {
  it('the same household, category and text twice opens one case', async () => {
    const body = caseBody({ villageCode: t.village, householdCode: t.household2, title: `重复诉求 ${t.run}`, description: '路灯不亮，夜间出行不便。' });
    const first = await http('POST', api('/cases'), body, as(t.hall));
    const second = await http('POST', api('/cases'), { ...body, description: '路灯不亮 夜间出行不便' }, as(t.hall));
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ id: first.json.id, duplicate: true });
  });
});

describe('queues and search', () => {
  it('the department’s escalation queue and the case search list its open cases', async () => {
    const c = await openAssigned({ title: `队列 ${t.run}` });
    const queue = (await http('GET', api(`/escalations?scope=department&code=${t.dept}`))).json.items;
    expect(queue.map((i: { id: string }) => i.id)).toContain(c.id);
    for (let k = 1; k < queue.length; k++) {
      const [a, b] = [queue[k - 1], queue[k]];
      expect(a.escalationLevel > b.escalationLevel || (a.escalationLevel === b.escalationLevel && (a.paused === b.paused ? a.dueAt <= b.dueAt : !a.paused))).toBe(true);
    }
    const found = (await http('GET', api(`/cases?assignee=${t.cadre1}&status=assigned`))).json;
    expect(found.items.map((i: { id: string }) => i.id)).toContain(c.id);
    expect(found.items.every((i: { status: string; assigneeCode: string }) => i.status === 'assigned' && i.assigneeCode === t.cadre1)).toBe(true);
    expect((await http('GET', api(`/cases?q=${c.trackingCode}`))).json.items.map((i: { id: string }) => i.id)).toEqual([c.id]);
    expect((await http('GET', api('/escalations?scope=area'))).status).toBe(400);
  });

  it('Temporal visibility answers queue queries by the case search attributes', async () => {
    const c = await openAssigned({ title: `可见性 ${t.run}` });
    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const w of temporal.workflow.list({ query: `MinqingAssignee = '${t.cadre1}' AND MinqingCaseStatus = 'assigned' AND MinqingArea = '${t.area}'` })) found.push(w.workflowId);
      return found.includes(c.id) ? found : undefined;
    }, 'the case to be visible by its search attributes');
    expect(ids).toContain(c.id);
  });

  it('the SLA policy new cases start under is published, and each case records its version', async () => {
    const { policy, calendar } = (await http('GET', api('/sla-policy'))).json;
    expect(policy.version).toMatch(/^sla-/);
    expect(calendar.utcOffsetMinutes).toBe(480);
    const c = await openAssigned({ title: `策略版本 ${t.run}` });
    expect(c.slaPolicyVersion).toBe(policy.version);
  });

  it('the OpenAPI document names every lifecycle operation', async () => {
    const doc = (await http('GET', `${e.apiUrl}/openapi.json`)).json;
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    expect(ops).toEqual(expect.arrayContaining([
      'openCase', 'getCase', 'listCases', 'caseTimeline', 'listTasks', 'acceptCase', 'returnCase', 'reassignCase', 'startWork',
      'waitOnResident', 'forwardUpstream', 'resolveCase', 'recordFollowUp', 'reopenCase', 'mergeCase', 'withdrawCase', 'closeCase',
      'requestExtension', 'decideExtension', 'escalationQueue',
    ]));
  });
});
