/**
 * Attribution follows the case (shared/src/domain/attribution.ts): managers
 * reroute returned cases and reassign cases across departments through the
 * real API; the case page then shows the new cadre's department, the new
 * department's head manages it (and the old one no longer does), and in the
 * reporting service's figures — for every grouping it offers and several
 * periods — each department's totals are the sum of its cadres' and each area's
 * the sum of its villages', figure by figure.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP_BY, type GroupBy } from '@minqing/shared';
import { caseBody, env, eventually, http , reportingCaughtUp } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`at${Date.now().toString(36)}`);
/** a second cadre of the judicial office, so the office has more than one cadre to add up */
const judge2 = t.code('cadre-judicial-2');
let db: pg.Client;
let since: string;
/** opened_at of the case in the middle of the run: splits the run into two periods */
let middle: string;

const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (actor: string) => ({ 'x-actor': actor });
async function move(id: string, path: string, actor: string, body: unknown = {}) {
  const r = await http('POST', api(`/cases/${id}/${path}`), body, as(actor));
  if (r.status !== 200) throw new Error(`${path} by ${actor}: ${r.status} ${r.text}`);
  return r.json;
}
const getCase = async (id: string, actor?: string) => http('GET', api(`/cases/${id}`), undefined, actor ? as(actor) : {});

async function open(i: number, overrides: Record<string, unknown>): Promise<string> {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, title: `归属 ${t.run} ${i}`, ...overrides }), { ...as(t.hall), 'idempotency-key': `at-${t.run}-${i}` });
  expect(res.status).toBe(201);
  const id = res.json.id as string;
  await eventually(async () => (await getCase(id)).json?.status === 'assigned', `case ${id} to be routed`);
  return id;
}

/** Answer the case as `cadre` and take it through the call back (回访) and the close. */
async function answer(id: string, cadre: string, satisfaction: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | null) {
  await move(id, 'accept', cadre);
  await move(id, 'resolve', cadre, { reply: '已答复' });
  if (!satisfaction) return;
  await move(id, 'follow-up', t.hall, { satisfaction, method: 'call', note: '' });
  if (satisfaction === 'dissatisfied') {
    await move(id, 'reopen', t.hall, { reason: '不满意，重新办理' });
    await move(id, 'resolve', cadre, { reply: '再次答复' });
    await move(id, 'follow-up', t.hall, { satisfaction: 'basically_satisfied', method: 'visit', note: '' });
  }
  await move(id, 'close', t.hall, { note: '' });
}

/** The lifecycles: each reroutes or reassigns across departments, or stays, in a different way. */
const SCENARIOS: ((i: number, category: string) => Promise<void>)[] = [
  // returned by the civil cadre, rerouted by the civil head to the judicial office
  async (i, category) => {
    const id = await open(i, { householdCode: t.household, category });
    await move(id, 'return', t.cadre1, { reasonCode: 'wrong_area', note: '不属于本部门' });
    await move(id, 'return-review', t.head, { decision: 'reroute', assigneeCode: t.judge, note: '改派司法所' });
    await answer(id, t.judge, 'satisfied');
  },
  // reassigned by the civil head to the judicial office before anyone signed for it
  async (i, category) => {
    const id = await open(i, { householdCode: t.household2, category });
    await move(id, 'reassign', t.head, { assigneeCode: judge2, note: '工作调整' });
    await answer(id, judge2, 'dissatisfied');
  },
  // a dispute routed to the judicial office, reassigned by its head to a civil cadre after sign-for
  async (i) => {
    const id = await open(i, { category: 'dispute_mediation', villageCode: t.otherVillage });
    const judge = (await getCase(id)).json.assigneeCode as string;
    await move(id, 'accept', judge);
    await move(id, 'reassign', t.judicialHead, { assigneeCode: t.cadre2, note: '交社会事务办' });
    await answer(id, t.cadre2, 'basically_satisfied');
  },
  // there and back: to the judicial office, whose head sends it back to the civil cadre
  async (i, category) => {
    const id = await open(i, { householdCode: t.household, category });
    await move(id, 'reassign', t.head, { assigneeCode: t.judge, note: '改派' });
    await move(id, 'reassign', t.judicialHead, { assigneeCode: t.cadre1, note: '退回原部门' });
    await answer(id, t.cadre1, null);
  },
  // rerouted to the judicial office and left unsigned there
  async (i, category) => {
    const id = await open(i, { householdCode: t.household2, category });
    await move(id, 'return', t.cadre2, { reasonCode: 'not_our_duty', note: '非本部门职责' });
    await move(id, 'return-review', t.head, { decision: 'reroute', assigneeCode: judge2, note: '改派' });
  },
  // given to the area leader, who has no department: it leaves every department
  async (i, category) => {
    const id = await open(i, { householdCode: t.household, category });
    await move(id, 'reassign', t.head, { assigneeCode: t.leader, note: '片区领导亲自办理' });
    await answer(id, t.leader, 'satisfied');
  },
  // stays where routing put it (the village's department, least-loaded cadre)
  async (i, category) => {
    const id = await open(i, { villageCode: t.otherVillage, category });
    const cadre = (await getCase(id)).json.assigneeCode as string;
    await answer(id, cadre, i % 2 ? 'satisfied' : 'dissatisfied');
  },
  // rerouted within the department, then withdrawn
  async (i, category) => {
    const id = await open(i, { householdCode: t.household, category });
    await move(id, 'return', t.cadre1, { reasonCode: 'wrong_area', note: '退回' });
    await move(id, 'return-review', t.head, { decision: 'reroute', assigneeCode: t.cadre2, note: '改派' });
    await move(id, 'withdraw', t.hall, { reason: '群众撤回' });
  },
];
const CATEGORIES = ['livelihood_difficulty', 'policy_question'] as const;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.cadres (code, name, role, department_code) VALUES ($1, '周明', 'staff', $2)`, [judge2, t.judicial]);
  since = new Date().toISOString();
  let i = 0;
  for (const category of CATEGORIES) {
    for (const run of SCENARIOS) await run(i++, category);
    if (category === CATEGORIES[0]) middle = new Date().toISOString();
  }
  await allApplied();
}, 600_000);
afterAll(async () => db?.end());

/** Everything this run's cases emitted is on Kafka, and the reporting consumer has applied it. */
async function allApplied() {
  await reportingCaughtUp(db, since);
}

describe('a case rerouted to another department', () => {
  it('shows the new department on the case page, and its head — not the old one — manages it', async () => {
    const id = await open(1000, { householdCode: t.household2 });
    await move(id, 'return', t.cadre2, { reasonCode: 'wrong_area', note: '不属于本部门' });
    const before = (await getCase(id)).json;
    expect(before).toMatchObject({ departmentCode: t.dept, areaCode: t.area, villageCode: t.village, escalation: { departmentHead: t.head } });

    const rerouted = await move(id, 'return-review', t.head, { decision: 'reroute', assigneeCode: t.judge, note: '改派司法所' });
    expect(rerouted).toMatchObject({ assigneeCode: t.judge, routing: { departmentCode: t.judicial, rule: 'household' } });
    const after = (await getCase(id)).json;
    // the department follows the cadre; the area and the village stay the resident's; so does the record of why it was first routed
    expect(after).toMatchObject({
      assigneeCode: t.judge, departmentCode: t.judicial, areaCode: t.area, villageCode: t.village,
      routing: { rule: 'household' },
      // level 3 stays whom routing chose (the test database holds other runs' townships too, so not necessarily t.township)
      escalation: { departmentHead: t.judicialHead, areaLeader: t.leader, township: before.escalation.township },
    });
    // the judicial office's head supervises it and sees it; the civil head no longer does
    expect((await http('POST', api(`/cases/${id}/supervise`), { note: '请司法所办理' }, as(t.judicialHead))).status).toBe(200);
    expect((await getCase(id, t.judicialHead)).status).toBe(200);
    expect((await http('POST', api(`/cases/${id}/supervise`), { note: 'x' }, as(t.head))).status).toBe(403);
    expect((await getCase(id, t.head)).status).toBe(403);

    // its events say so too: every event after the reroute carries the judicial office
    await move(id, 'accept', t.judge);
    const rows = (await db.query(`SELECT event_type, event->'data' AS data FROM casework.outbox WHERE case_id = $1 ORDER BY id`, [id]))
      .rows.map((r) => ({ type: (r.event_type as string).replace(/^org\.minqing\.case\.|\.v1$/g, ''), data: r.data as Record<string, unknown> }));
    const departments = rows.filter((r) => r.type !== 'opened').map((r) => [r.type, r.data.departmentCode, r.data.assigneeCode]);
    expect(departments).toEqual([
      ['routed', t.dept, t.cadre2],
      ['returned', t.dept, t.cadre2],
      ['return_reviewed', t.judicial, t.judge],
      ['supervised', t.judicial, t.judge],
      ['accepted', t.judicial, t.judge],
    ]);
  });
});

type Group = { key: string; counts: Record<string, number>; rates: Record<string, { numerator: number; denominator: number }>; escalations: Record<string, number> };

/** Every additive number of a group: each count, each rate's numerator and denominator, escalations by level. */
function additive(g: Group): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(g.counts)) out[`counts.${k}`] = v;
  for (const [k, r] of Object.entries(g.rates)) {
    out[`rates.${k}.numerator`] = r.numerator;
    out[`rates.${k}.denominator`] = r.denominator;
  }
  for (const [k, v] of Object.entries(g.escalations)) out[`escalations.${k}`] = v;
  return out;
}

/** The sum of `groups`' additive numbers, over the names `like` has (an empty sum is all zeros). */
function sum(groups: Group[], like: Record<string, number>): Record<string, number> {
  const out = Object.fromEntries(Object.keys(like).map((k) => [k, 0]));
  for (const g of groups) for (const [k, v] of Object.entries(additive(g))) out[k] = (out[k] ?? 0) + v;
  // weighted satisfaction numerators are tenths: compare at that precision
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}
const rounded = (x: Record<string, number>) => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Math.round(v * 10) / 10]));

async function figures(groupBy: GroupBy, period: Record<string, string>): Promise<Group[]> {
  const qs = new URLSearchParams({ groupBy, ...period }).toString();
  const res = await http('GET', `${e.reportingUrl}/api/v1/reports/figures?${qs}`);
  expect(res.status, res.text).toBe(200);
  return res.json.groups as Group[];
}

describe('department totals are the sum of their cadres’', () => {
  it('for every grouping the reporting API offers, every period and category, figure by figure', async () => {
    await allApplied(); // the case the test above rerouted too
    const cadreDept = new Map<string, string | null>(
      (await db.query('SELECT code, department_code FROM directory.cadres WHERE code LIKE $1', [`%-${t.run}`])).rows.map((r) => [r.code, r.department_code]),
    );
    const villageArea = new Map<string, string>(
      (await db.query('SELECT code, area_code FROM directory.villages WHERE code LIKE $1', [`%-${t.run}`])).rows.map((r) => [r.code, r.area_code]),
    );
    const day = since.slice(0, 10);
    const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();
    const month = `${since.slice(0, 7)}-01T00:00:00Z`;
    const nextMonth = new Date(Date.UTC(Number(since.slice(0, 4)), Number(since.slice(5, 7)), 1)).toISOString();
    /** `own`: only this run's cases are in it (it starts when they do), so groups of other rosters cannot be in it either */
    const periods: { name: string; q: Record<string, string>; own: boolean }[] = [
      { name: 'the whole run', q: { from: since }, own: true },
      { name: 'its first half', q: { from: since, to: middle }, own: true },
      { name: 'its second half', q: { from: middle }, own: true },
      { name: 'the day', q: { from: `${day}T00:00:00Z`, to: nextDay }, own: false },
      { name: 'the month', q: { from: month, to: nextMonth }, own: false },
      ...[...CATEGORIES, 'dispute_mediation'].map((category) => ({ name: `the run, ${category}`, q: { from: since, category }, own: true })),
    ];
    let crossChecked = 0;
    for (const p of periods) {
      const by = Object.fromEntries(await Promise.all(GROUP_BY.map(async (g) => [g, await figures(g, p.q)] as const))) as Record<GroupBy, Group[]>;
      const cadres = by.cadre.filter((g) => cadreDept.has(g.key));
      expect(cadres.length, `${p.name}: cadres of this run`).toBeGreaterThan(0);

      for (const dept of [t.dept, t.judicial]) {
        const group = by.department.find((g) => g.key === dept);
        const mine = cadres.filter((g) => cadreDept.get(g.key) === dept);
        if (!group) {
          expect(mine, `${p.name}: ${dept} has no figures, so none of its cadres may`).toEqual([]);
          continue;
        }
        expect({ period: p.name, dept, ...rounded(additive(group)) }).toEqual({ period: p.name, dept, ...sum(mine, additive(group)) });
        crossChecked++;
      }
      const area = by.area.find((g) => g.key === t.area);
      if (area) {
        const villages = by.village.filter((g) => villageArea.get(g.key) === t.area);
        expect({ period: p.name, area: t.area, ...rounded(additive(area)) }).toEqual({ period: p.name, area: t.area, ...sum(villages, additive(area)) });
      }
      if (p.own) {
        // Only this run's cases: the township is the sum of every department's (the area leader's cases under none),
        // of every cadre's, of every area's and of every village's; no case is left without a cadre.
        const [town] = by.township;
        expect(town).toBeDefined();
        expect(by.cadre.map((g) => g.key)).not.toContain('(unassigned)');
        for (const g of ['department', 'cadre', 'area', 'village'] as const) {
          expect({ period: p.name, g, ...rounded(additive(town!)) }).toEqual({ period: p.name, g, ...sum(by[g], additive(town!)) });
        }
        const none = by.department.find((g) => g.key === '(none)');
        const leader = by.cadre.find((g) => g.key === t.leader);
        expect(none?.counts.cases ?? 0, `${p.name}: the area leader's cases count under no department`).toBe(leader?.counts.cases ?? 0);
      }
    }
    // the judicial office got cases only by reroute and reassignment, plus the disputes: it has figures to check
    expect(crossChecked).toBeGreaterThanOrEqual(periods.length);
  });

  it('a department’s cases are exactly its cadres’ cases, drill-down by drill-down', async () => {
    const ids = async (groupBy: GroupBy, key: string) => {
      const res = await http('GET', `${e.reportingUrl}/api/v1/reports/figures/cases?${new URLSearchParams({ groupBy, key, figure: 'cases', from: since, limit: '1000', offset: '0' })}`);
      expect(res.status, res.text).toBe(200);
      expect(res.json.items.length).toBe(res.json.total);
      return (res.json.items as { caseId: string }[]).map((i) => i.caseId);
    };
    const judicial = await ids('department', t.judicial);
    const ofItsCadres = [...(await ids('cadre', t.judge)), ...(await ids('cadre', judge2))];
    expect(judicial.length).toBeGreaterThan(0);
    expect([...judicial].sort()).toEqual([...ofItsCadres].sort());
    const civil = await ids('department', t.dept);
    const civilCadres = [...(await ids('cadre', t.cadre1)), ...(await ids('cadre', t.cadre2))];
    expect([...civil].sort()).toEqual([...civilCadres].sort());
  });
});
