/**
 * Plans (issue 13) through the real stack: an area leader's 片区 work plan and a
 * department's annual service plan, one per area or department per year; items
 * with villages of the plan's, an owner (of the department for its plan) and a
 * due date; who may make, read, edit and record progress (the shared table and
 * the plan's own rule, identity from the session); the status moves and the
 * reason to drop; a change from a stale revision refused; lists searchable and
 * paged; every revision in the item's history and as its event on the topic
 * (valid against the catalogue, codes only); and reporting's plan figures and
 * the owners' duty lines equal an independent SQL recomputation over the case
 * API's own items.
 */
import pg from 'pg';
import Ajv from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SCHEMAS, PLAN_ITEM_CHANGED_EVENT } from '@minqing/shared';
import { env, eventually, firstSignIn, http, TEST_STAFF_INITIAL_PASSWORD } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { expectedPlanDuty, expectedPlanFigures } from '../support/plans';

const e = env();
const t = township(`pl${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (cadre: string) => ({ 'x-actor': cadre });
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));
const shift = (days: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const assessor = `assess-${t.run}`;
let db: pg.Client;
let assessment: Record<string, string>;
let areaPlan: { id: string };
let deptPlan: { id: string };

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  expect((await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: TEST_STAFF_INITIAL_PASSWORD })).status).toBe(201);
  assessment = { authorization: `Bearer ${await firstSignIn(assessor, TEST_STAFF_INITIAL_PASSWORD)}` };
}, 60_000);
afterAll(async () => db?.end());

const codes = (res: { json: any }) => (res.json.errors ?? []).map((x: { field: string; code: string }) => `${x.field}:${x.code}`).sort();

describe('making plans', () => {
  it('the area leader makes the area plan, the department head the department plan, once a year each', async () => {
    const made = await http('POST', api('/plans'), { kind: 'area', year: YEAR, areaCode: t.area }, as(t.leader));
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({ kind: 'area', year: YEAR, areaCode: t.area, departmentCode: null, editable: true, createdBy: t.leader, counts: { total: 0 } });
    expect(made.json.villageCodes.sort()).toEqual([t.village, t.otherVillage].sort());
    expect(made.json.title).toContain(String(YEAR));
    areaPlan = made.json;
    const again = await http('POST', api('/plans'), { kind: 'area', year: YEAR, areaCode: t.area }, as(t.leader));
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'plan_exists', params: { year: YEAR, code: t.area } });

    const dept = await http('POST', api('/plans'), { kind: 'department', year: YEAR, departmentCode: t.dept, title: '社会事务办年度服务计划' }, as(t.head));
    expect(dept.status, dept.text).toBe(201);
    deptPlan = dept.json;
  });

  it('refuses anyone else, a plan without its area, and an unknown area', async () => {
    expect((await http('POST', api('/plans'), { kind: 'area', year: YEAR, areaCode: t.area }, as(t.cadre1))).status).toBe(403); // the role table
    expect((await http('POST', api('/plans'), { kind: 'area', year: YEAR + 1, areaCode: t.area }, as(t.head))).status).toBe(403); // not their area
    expect((await http('POST', api('/plans'), { kind: 'department', year: YEAR, departmentCode: t.judicial }, as(t.head))).status).toBe(403);
    expect((await http('POST', api('/plans'), { kind: 'area', year: YEAR }, assessment)).status).toBe(403);
    const scopeless = await http('POST', api('/plans'), { kind: 'area', year: YEAR + 1 }, as(t.leader));
    expect(scopeless.status).toBe(400);
    expect(codes(scopeless)).toEqual(['body/areaCode:plan_scope_required']);
    const unknown = await http('POST', api('/plans'), { kind: 'area', year: YEAR + 1, areaCode: 'no-such-area' });
    expect(unknown.status).toBe(422);
    expect((await http('POST', api('/plans'), { kind: 'area', year: 1999, areaCode: t.area }, as(t.leader))).status).toBe(400);
  });
});

describe('items and their progress', () => {
  const item = (over: Record<string, unknown> = {}) => ({ title: '推进肉羊养殖合作社建设', villageCodes: [t.village], ownerCode: t.cadre1, dueDate: shift(10), ...over });
  const items: Record<string, { id: string; revision: number }> = {};

  it('the plan owner adds items; terms outside the plan are refused naming the field', async () => {
    for (const [name, over] of [
      ['onTime', { dueDate: shift(10) }],
      ['late', { dueDate: shift(-30), title: '开展矛盾纠纷集中排查' }],
      ['overdue', { dueDate: shift(-5), ownerCode: t.cadre2, title: '组织走访慰问' }],
      ['dropped', { dueDate: shift(-60), title: '建设村级活动场所' }],
      ['open', { dueDate: shift(40), villageCodes: [], title: '完善便民服务站代办制度' }],
    ] as const) {
      const res = await http('POST', api(`/plans/${areaPlan.id}/items`), item(over), as(t.leader));
      expect(res.status, res.text).toBe(201);
      expect(res.json).toMatchObject({ status: 'planned', revision: 1, mayEdit: true, mayProgress: true });
      items[name] = res.json;
    }
    const outside = await http('POST', api(`/plans/${areaPlan.id}/items`), item({ villageCodes: ['no-such-village'], ownerCode: 'no-such-cadre' }), as(t.leader));
    expect(outside.status).toBe(422);
    expect(codes(outside)).toEqual(['body/ownerCode:plan_owner_unknown', 'body/villageCodes:plan_village_outside']);
    const otherDept = await http('POST', api(`/plans/${deptPlan.id}/items`), item({ ownerCode: t.judge }), as(t.head));
    expect(codes(otherDept)).toEqual(['body/ownerCode:plan_owner_outside_department']);
    const blank = await http('POST', api(`/plans/${areaPlan.id}/items`), item({ title: '', dueDate: '2026-13-40' }), as(t.leader));
    expect(blank.status).toBe(400);
    // a cadre does not add items (the role table); a department head not to an area plan, which they do not even read (404, not told)
    expect((await http('POST', api(`/plans/${areaPlan.id}/items`), item(), as(t.cadre1))).status).toBe(403);
    expect((await http('POST', api(`/plans/${areaPlan.id}/items`), item(), as(t.head))).status).toBe(404);
    expect((await http('POST', api(`/plans/${deptPlan.id}/items`), item(), as(t.leader))).status).toBe(403);
    const dept = await http('POST', api(`/plans/${deptPlan.id}/items`), item({ ownerCode: t.cadre2, dueDate: shift(-3), title: '开展政策宣讲进村入户' }), as(t.head));
    expect(dept.status, dept.text).toBe(201);
  });

  it('the owner records progress; the moves, the reason to drop and stale revisions are checked', async () => {
    const progress = (name: string, body: Record<string, unknown>, who = t.cadre1) => http('POST', api(`/plans/${areaPlan.id}/items/${items[name]!.id}/progress`), { baseRevision: items[name]!.revision, ...body }, as(who));
    const step = async (name: string, body: Record<string, unknown>, who = t.cadre1) => {
      const res = await progress(name, body, who);
      expect(res.status, res.text).toBe(200);
      items[name] = res.json;
      return res.json;
    };
    expect(await step('onTime', { status: 'in_progress', note: '已召开两委会研究' })).toMatchObject({ status: 'in_progress', revision: 2, lastNote: '已召开两委会研究' });
    expect(await step('onTime', { status: 'done', note: '已完成' })).toMatchObject({ status: 'done', doneOn: TODAY, overdue: false });
    expect(await step('late', { status: 'done' })).toMatchObject({ status: 'done', doneOn: TODAY });
    // someone else's item: another cadre may not, the area leader (the plan's owner) may
    expect((await progress('overdue', { status: 'in_progress' })).status).toBe(403);
    expect(await step('overdue', { status: 'in_progress', note: '协调中' }, t.cadre2)).toMatchObject({ status: 'in_progress', overdue: true });
    const noReason = await progress('dropped', { status: 'dropped' }, t.leader);
    expect(noReason.status).toBe(400);
    expect(codes(noReason)).toEqual(['body/note:plan_reason_required']);
    expect(await step('dropped', { status: 'dropped', note: '政策调整，不再实施' }, t.leader)).toMatchObject({ status: 'dropped', dropReason: '政策调整，不再实施' });
    const back = await progress('onTime', { status: 'planned' });
    expect(back.status).toBe(409);
    expect(back.json).toMatchObject({ code: 'plan_move_not_allowed', params: { from: 'done', to: 'planned' } });
    const stale = await http('POST', api(`/plans/${areaPlan.id}/items/${items.onTime!.id}/progress`), { baseRevision: 1, note: '补充说明' }, as(t.cadre1));
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'plan_item_changed', params: { current: 3, base: 1 } });
    const empty = await progress('open', {}, t.leader);
    expect(empty.status).toBe(400);
    // the plan's owner edits the terms, from the current revision
    const edited = await http('PATCH', api(`/plans/${areaPlan.id}/items/${items.open!.id}`), { baseRevision: 1, dueDate: shift(45), ownerCode: t.cadre2 }, as(t.leader));
    expect(edited.status, edited.text).toBe(200);
    expect(edited.json).toMatchObject({ dueDate: shift(45), ownerCode: t.cadre2, status: 'planned', revision: 2 });
    expect((await http('PATCH', api(`/plans/${areaPlan.id}/items/${items.open!.id}`), { baseRevision: 2, title: '改' }, as(t.cadre2))).status).toBe(403);
  });

  it("keeps every revision: who, when, the status before and after, the note", async () => {
    const h = await http('GET', api(`/plans/${areaPlan.id}/items/${items.onTime!.id}/history?limit=2`), undefined, assessment);
    expect(h.status).toBe(200);
    expect(h.json.total).toBe(3);
    expect(h.json.items.map((r: { revision: number }) => r.revision)).toEqual([3, 2]);
    expect(h.json.items[0]).toMatchObject({ change: 'progress', previousStatus: 'in_progress', status: 'done', note: '已完成', by: { username: t.cadre1, name: '李海燕' } });
    const rest = await http('GET', api(`/plans/${areaPlan.id}/items/${items.onTime!.id}/history?limit=2&cursor=${h.json.nextCursor}`), undefined, assessment);
    expect(rest.json.items).toEqual([expect.objectContaining({ revision: 1, change: 'created', by: expect.objectContaining({ username: t.leader }) })]);
    expect(rest.json.nextCursor).toBeNull();
  });
});

describe('reading plans', () => {
  it('each reads what their scope allows; the assessment group and township leaders all', async () => {
    const seen = async (who: Record<string, string>) => (await http('GET', api(`/plans?year=${YEAR}&limit=100&q=${encodeURIComponent(t.run)}`), undefined, who)).json;
    // q matches the area and department codes of this run
    expect((await seen(assessment)).items.map((p: { id: string }) => p.id).sort()).toEqual([areaPlan.id, deptPlan.id].sort());
    expect((await seen(as(t.township))).total).toBe(2);
    // the department's cadres read its plan, and the area plan they own items in
    expect((await seen(as(t.cadre1))).total).toBe(2);
    // the judicial cadre owns nothing and is of another department
    expect((await seen(as(t.judge))).total).toBe(0);
    expect((await http('GET', api(`/plans/${areaPlan.id}`), undefined, as(t.judge))).status).toBe(404);
    expect((await http('GET', api(`/plans/${areaPlan.id}/items`), undefined, as(t.judge))).status).toBe(404);
    const plan = (await http('GET', api(`/plans/${areaPlan.id}`), undefined, assessment)).json;
    expect(plan).toMatchObject({ editable: false, counts: { total: 5, done: 2, inProgress: 1, planned: 1, dropped: 1, overdue: 1, doneLate: 1 } });
  });

  it('items are searchable, filtered and paged', async () => {
    const page1 = (await http('GET', api(`/plans/${areaPlan.id}/items?limit=2`), undefined, assessment)).json;
    expect(page1.total).toBe(5);
    expect(page1.items).toHaveLength(2);
    const page2 = (await http('GET', api(`/plans/${areaPlan.id}/items?limit=2&cursor=${page1.nextCursor}`), undefined, assessment)).json;
    const page3 = (await http('GET', api(`/plans/${areaPlan.id}/items?limit=2&cursor=${page2.nextCursor}`), undefined, assessment)).json;
    expect(page3.nextCursor).toBeNull();
    expect(new Set([...page1.items, ...page2.items, ...page3.items].map((i: { id: string }) => i.id)).size).toBe(5);
    // by due date
    const dues = [...page1.items, ...page2.items, ...page3.items].map((i: { dueDate: string }) => i.dueDate);
    expect(dues).toEqual([...dues].sort());
    expect((await http('GET', api(`/plans/${areaPlan.id}/items?overdue=true`), undefined, assessment)).json.items.map((i: { title: string }) => i.title)).toEqual(['组织走访慰问']);
    expect((await http('GET', api(`/plans/${areaPlan.id}/items?q=${encodeURIComponent('纠纷')}`), undefined, assessment)).json.total).toBe(1);
    expect((await http('GET', api(`/plans/${areaPlan.id}/items?status=done&owner=${t.cadre1}`), undefined, assessment)).json.total).toBe(2);
    // a cursor of another list or other filters is refused
    const foreign = await http('GET', api(`/plans/${areaPlan.id}/items?limit=2&status=done&cursor=${page1.nextCursor}`), undefined, assessment);
    expect(foreign.status).toBe(400);
    expect((await http('GET', api(`/plans/${areaPlan.id}/items?limit=500`), undefined, assessment)).status).toBe(400);
  });
});

describe('events and figures', () => {
  it('every revision is its event on the outbox, valid against the catalogue, codes only', async () => {
    const { rows } = await db.query(`SELECT event FROM casework.outbox WHERE event_type = $1 AND event->'data'->>'planId' = $2`, [PLAN_ITEM_CHANGED_EVENT, areaPlan.id]);
    const revisions = (await db.query(`SELECT count(*)::int AS n FROM directory.plan_item_revisions r JOIN directory.plan_items i ON i.id = r.item_id WHERE i.plan_id = $1`, [areaPlan.id])).rows[0].n;
    expect(rows).toHaveLength(revisions);
    const ajv = new Ajv({ allErrors: true });
    ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin)(ajv);
    const validate = ajv.compile(JSON.parse(JSON.stringify(EVENT_SCHEMAS[PLAN_ITEM_CHANGED_EVENT])));
    for (const { event } of rows) {
      expect(validate(event.data), ajv.errorsText(validate.errors)).toBe(true);
      expect(event.partitionkey).toBe(`plan:${areaPlan.id}`);
      expect(JSON.stringify(event.data)).not.toMatch(/[\u4e00-\u9fff]/); // no title, no note
    }
  });

  it("reporting's plan figures and the owners' duty lines equal the recomputation from the items", async () => {
    const ids = [areaPlan.id, deptPlan.id];
    const revisions = (await db.query(`SELECT count(*)::int AS n FROM directory.plan_item_revisions r JOIN directory.plan_items i ON i.id = r.item_id WHERE i.plan_id = ANY($1::uuid[])`, [ids])).rows[0].n;
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM reporting.plan_facts WHERE plan_id = ANY($1::uuid[])', [ids])).rows[0].n === revisions, 'reporting to project every plan revision', 90_000);
    // a window around today holding every due date of this run, whatever the day of the year
    const first = shift(-90);
    const last = shift(90);
    const expected = await expectedPlanFigures(db, ids, first, last, TODAY);
    const figures = await http('GET', api(`/reports/plans?from=${first}&to=${last}`), undefined, assessment);
    expect(figures.status, figures.text).toBe(200);
    const mine = figures.json.items.filter((r: { planId: string }) => ids.includes(r.planId)).sort((a: { planId: string }, b: { planId: string }) => a.planId.localeCompare(b.planId));
    expect(mine.map(({ planId, due, doneOnTime, doneLate, overdue, open, dropped }: Record<string, unknown>) => ({ planId, due, doneOnTime, doneLate, overdue, open, dropped }))).toEqual(expected);
    expect(mine.find((r: { planId: string }) => r.planId === areaPlan.id)).toMatchObject({ kind: 'area', areaCode: t.area, due: 5, doneOnTime: 1, doneLate: 1, overdue: 1, dropped: 1, completionRate: 0.5 });
    // scope: the department head their department's plan, the area leader their area's
    const head = (await http('GET', api(`/reports/plans?from=${first}&to=${last}`), undefined, as(t.head))).json.items.map((r: { planId: string }) => r.planId);
    expect(head).toEqual([deptPlan.id]);
    const leader = (await http('GET', api(`/reports/plans?from=${first}&to=${last}`), undefined, as(t.leader))).json.items.map((r: { planId: string }) => r.planId);
    expect(leader).toEqual([areaPlan.id]);
    expect((await http('GET', api(`/reports/plans?from=${first}&to=${last}`), undefined, as(t.cadre1))).status).toBe(403);
    expect((await http('GET', api(`/reports/plans?from=${last}&to=${first}`), undefined, assessment)).status).toBe(400);

    const year = { first: `${YEAR}-01-01`, last: `${YEAR}-12-31` };
    for (const owner of [t.cadre1, t.cadre2]) {
      const duty = await http('GET', api(`/reports/duty?period=${YEAR}&cadre=${owner}`), undefined, assessment);
      expect(duty.status, duty.text).toBe(200);
      const row = duty.json.items.find((r: { cadreCode: string }) => r.cadreCode === owner);
      expect(row.plans, owner).toEqual(await expectedPlanDuty(db, owner, year.first, year.last, TODAY));
    }
    const own = (await http('GET', api(`/reports/duty?period=${YEAR}`), undefined, as(t.cadre1))).json.items;
    // a cadre sees their own line: the two items they marked done today
    expect(own).toEqual([expect.objectContaining({ cadreCode: t.cadre1, plans: expect.objectContaining({ done: 2 }) })]);
  });
});
