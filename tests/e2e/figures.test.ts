/**
 * An independent check of the evaluation figures: cases with seeded random
 * lifecycles go through the real stack; the figures the reporting service
 * computes from the event stream must equal what plain SQL over the case
 * service's own tables says (written here, separately from the reporting code).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http , reportingCaughtUp } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { kindRule, WORK_KIND_NAMES } from '@minqing/shared';
import { expectedDuty, workBody } from '../support/work';

const e = env();
const t = township(`fg${Date.now().toString(36)}`);
/** a few thousand by default, as the evaluation issue asks; FIGURES_CASES=120 for a quick local run */
const N = Number(process.env.FIGURES_CASES ?? 2000);
let db: pg.Client;
let since: string;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
async function move(id: string, path: string, actor: string, body: unknown = {}) {
  const r = await http('POST', api(`/cases/${id}/${path}`), body, { 'x-actor': actor });
  if (r.status !== 200) throw new Error(`${path} by ${actor}: ${r.status} ${r.text}`);
  return r.json;
}

async function runCase(i: number, rand: () => number) {
  const household = rand() < 0.5 ? t.household : t.household2;
  const opened = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: household, title: `核对 ${t.run} ${i}`, category: rand() < 0.5 ? 'livelihood_difficulty' : 'policy_question' }), { 'x-actor': t.hall, 'idempotency-key': `fg-${t.run}-${i}` });
  const id = opened.json.id as string;
  const c = await eventually(async () => {
    const x = (await http('GET', api(`/cases/${id}`))).json;
    return x?.status === 'assigned' ? x : undefined;
  }, 'routed');
  let assignee: string = c.assigneeCode;
  const r = rand();
  if (r < 0.1) return; // left unaccepted
  if (r < 0.15) return void (await move(id, 'withdraw', t.hall, { reason: '撤回' }));
  if (r < 0.2) return void (await move(id, 'reject', t.head, { reasonCode: 'out_of_scope', note: '不予受理' }));
  if (r < 0.3) {
    await move(id, 'return', assignee, { reasonCode: 'wrong_area', note: '退回' });
    const other = assignee === t.cadre1 ? t.cadre2 : t.cadre1;
    await move(id, 'return-review', t.head, { decision: 'reroute', assigneeCode: other, note: '改派' });
    assignee = other;
  }
  await move(id, 'accept', assignee);
  if (rand() < 0.15) return; // accepted, not resolved
  if (rand() < 0.5) await move(id, 'start', assignee);
  await move(id, 'resolve', assignee, { reply: '已答复' });
  if (rand() < 0.15) return; // waiting for the call back
  const s = rand();
  const satisfaction = s < 0.6 ? 'satisfied' : s < 0.85 ? 'basically_satisfied' : 'dissatisfied';
  await move(id, 'follow-up', t.hall, { satisfaction, method: 'call', note: '' });
  if (satisfaction === 'dissatisfied' && rand() < 0.6) {
    await move(id, 'reopen', t.hall, { reason: '不满意' });
    if (rand() < 0.5) {
      await move(id, 'resolve', assignee, { reply: '再次答复' });
      await move(id, 'follow-up', t.hall, { satisfaction: 'satisfied', method: 'visit', note: '' });
      await move(id, 'close', t.hall, { note: '' });
    }
    return;
  }
  if (satisfaction !== 'dissatisfied') await move(id, 'close', t.hall, { note: '' });
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  since = new Date().toISOString();
  const rand = rng(20261127);
  const seeds = Array.from({ length: N }, () => Math.floor(rand() * 2 ** 31));
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < N) {
      const i = next++;
      await runCase(i, rng(seeds[i]!));
    }
  }));
  // Everything these cases emitted is on Kafka, and the reporting consumer has applied it.
  await reportingCaughtUp(db, since);
}, 1_200_000);
afterAll(async () => db?.end());

/**
 * The expected figures, from the case service's tables only, under either
 * version of the definitions: figures-2026.2 (current) counts every callback
 * (each follow-up on the timeline) as a rating and the reopen rate over every
 * case ever resolved; figures-2026.1 took each case's latest answer (none once
 * reopened) and the cases resolved now. Callbacks are grouped with their case:
 * these lifecycles never move a case after a callback, so the attribution when
 * the callback was recorded is the case's.
 */
async function expected(groupColumn: 'assignee_code' | 'department_code', version: 'figures-2026.1' | 'figures-2026.2' = 'figures-2026.2') {
  const { rows } = await db.query(
    `WITH c AS (
       SELECT k.*,
         EXISTS (SELECT 1 FROM casework.case_timeline t WHERE t.case_id = k.id AND t.kind = 'routed') AS routed,
         (SELECT (t.details->>'onTime')::boolean FROM casework.case_timeline t WHERE t.case_id = k.id AND t.kind = 'accepted' ORDER BY t.seq LIMIT 1) AS first_accept_on_time,
         (SELECT (t.details->>'businessMinutesToAccept')::int FROM casework.case_timeline t WHERE t.case_id = k.id AND t.kind = 'accepted' ORDER BY t.seq LIMIT 1) AS first_accept_minutes,
         (SELECT (t.details->>'onTime')::boolean FROM casework.case_timeline t WHERE t.case_id = k.id AND t.kind = 'resolved' ORDER BY t.seq DESC LIMIT 1) AS last_resolve_on_time,
         EXISTS (SELECT 1 FROM casework.case_timeline t WHERE t.case_id = k.id AND t.kind = 'resolved') AS ever_resolved,
         ARRAY(SELECT t.details->>'satisfaction' FROM casework.case_timeline t WHERE t.case_id = k.id AND t.kind = 'follow_up_recorded' ORDER BY t.seq) AS callbacks
       FROM casework.cases k WHERE k.opened_at >= $1 AND k.department_code = $2
     )
     SELECT ${groupColumn} AS grp, id, status, accepted_at, resolved_at, satisfaction, returns_count, reopen_count, routed,
            first_accept_on_time, first_accept_minutes, last_resolve_on_time, ever_resolved, callbacks
       FROM c`,
    [since, t.dept],
  );
  const groups = new Map<string, any[]>();
  for (const r of rows) groups.set(r.grp, [...(groups.get(r.grp) ?? []), r]);
  const out: Record<string, any> = {};
  for (const [key, list] of groups) {
    const eligible = list.filter((r) => r.routed && !(['withdrawn', 'rejected', 'merged'].includes(r.status) && !r.accepted_at));
    const count = (xs: any[], f: (r: any) => boolean) => xs.filter(f).length;
    // v2: every callback is a rating; v1: each case's latest answer, cleared by a reopen (the case's satisfaction column)
    const answers: string[] = version === 'figures-2026.2' ? list.flatMap((r) => r.callbacks) : list.filter((r) => r.satisfaction).map((r) => r.satisfaction);
    const rated = answers.length;
    const satisfied = answers.filter((a) => a === 'satisfied').length;
    const basically = answers.filter((a) => a === 'basically_satisfied').length;
    const resolved = count(eligible, (r) => r.resolved_at);
    const everResolved = count(eligible, (r) => r.ever_resolved);
    const minutes = list.map((r) => r.first_accept_minutes).filter((m) => m !== null).sort((a, b) => a - b);
    const disc = (xs: number[], p: number) => (xs.length ? xs[Math.max(0, Math.ceil(p * xs.length) - 1)] : null);
    out[key] = {
      cases: list.length,
      eligible: eligible.length,
      accepted: count(eligible, (r) => r.accepted_at),
      acceptedOnTime: count(eligible, (r) => r.first_accept_on_time === true),
      resolved,
      resolvedOnTime: count(eligible, (r) => r.resolved_at && r.last_resolve_on_time === true),
      ...(version === 'figures-2026.2' ? { everResolved } : {}),
      rated,
      satisfied,
      basicallySatisfied: basically,
      dissatisfied: answers.filter((a) => a === 'dissatisfied').length,
      returned: count(eligible, (r) => r.returns_count > 0),
      reopened: version === 'figures-2026.2' ? count(eligible, (r) => r.ever_resolved && r.reopen_count > 0) : count(list, (r) => r.resolved_at && r.reopen_count > 0),
      satisfactionValue: rated ? Math.round(((satisfied + 0.9 * basically) / rated) * 10_000) / 10_000 : null,
      reopenValue: version === 'figures-2026.2'
        ? (everResolved ? Math.round((count(eligible, (r) => r.ever_resolved && r.reopen_count > 0) / everResolved) * 10_000) / 10_000 : null)
        : (resolved ? Math.round((count(list, (r) => r.resolved_at && r.reopen_count > 0) / resolved) * 10_000) / 10_000 : null),
      acceptMedian: disc(minutes, 0.5),
      acceptP90: disc(minutes, 0.9),
    };
  }
  return out;
}

async function reported(groupBy: 'cadre' | 'department', version?: 'figures-2026.1') {
  const res = await http('GET', `${e.reportingUrl}/api/v1/reports/figures?groupBy=${groupBy}&from=${encodeURIComponent(since)}${version ? `&definitions=${version}` : ''}`);
  expect(res.status).toBe(200);
  expect(res.json.definitionsVersion).toBe(version ?? 'figures-2026.2');
  return res.json.groups as any[];
}

describe(`evaluation figures over ${N} random lifecycles`, () => {
  it.each(['figures-2026.2', 'figures-2026.1'] as const)('per cadre and per department, every count, rate and median equals the independent SQL (%s)', async (version) => {
    for (const [groupBy, column] of [['cadre', 'assignee_code'], ['department', 'department_code']] as const) {
      const want = await expected(column, version);
      const got = Object.fromEntries((await reported(groupBy, version === 'figures-2026.1' ? version : undefined)).filter((g) => g.key in want).map((g) => [g.key, g]));
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const [key, w] of Object.entries(want)) {
        const g = got[key];
        const { satisfactionValue, reopenValue, acceptMedian, acceptP90, ...counts } = w;
        for (const [name, value] of Object.entries(counts)) expect({ key, name, value: g.counts[name] }).toEqual({ key, name, value });
        // exactly the counts of that version (figures-2026.1 has no everResolved)
        expect(Object.keys(g.counts).sort()).toEqual(Object.keys(counts).sort());
        expect({ key, satisfaction: g.rates.satisfaction.value }).toEqual({ key, satisfaction: satisfactionValue });
        expect({ key, reopens: g.rates.reopens.value }).toEqual({ key, reopens: reopenValue });
        expect({ key, median: g.minutesToAccept.median, p90: g.minutesToAccept.p90 }).toEqual({ key, median: acceptMedian, p90: acceptP90 });
      }
    }
  });

  it('each count drills down to exactly the cases behind it', async () => {
    const [dept] = (await reported('department')).filter((g) => g.key === t.dept);
    // case counts list each case once; callback counts (rated, dissatisfied) one item per callback
    for (const [figure, perCallback] of [['accepted', false], ['resolved', false], ['everResolved', false], ['reopened', false], ['returned', false], ['rated', true], ['dissatisfied', true]] as const) {
      const url = dept.links.cases.replace('{figure}', figure);
      const ids = new Set<string>();
      let items = 0;
      for (let offset = 0; ; offset += 1000) {
        const res = await http('GET', `${e.reportingUrl}${url}&limit=1000&offset=${offset}`);
        expect(res.status).toBe(200);
        expect(res.json.total).toBe(dept.counts[figure]);
        for (const i of res.json.items) {
          ids.add(perCallback ? `${i.caseId}/${i.callbackAt}` : i.caseId);
          expect(Boolean(i.callbackAt)).toBe(perCallback);
        }
        items += res.json.items.length;
        if (res.json.items.length < 1000) break;
      }
      expect({ figure, items, distinct: ids.size }).toEqual({ figure, items: dept.counts[figure], distinct: dept.counts[figure] });
    }
  });
});

/**
 * Duty figures (履职) over random work records of every kind of the six roles
 * (issue 13): two cadres log seeded random records over September and October
 * 2026 through the API; per role and kind, days at the grassroots and the
 * grassroots-days rule week by week, what reporting computes from the events
 * equals plain SQL over the case-worker's records (tests/support/work.ts).
 */
describe('duty figures over random work records of every role', () => {
  const W = Number(process.env.FIGURES_WORK_RECORDS ?? 240);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const ids: string[] = [];

  beforeAll(async () => {
    const rand = rng(20261203);
    const pick = (n: number) => Math.floor(rand() * n);
    const start = Date.UTC(2026, 8, 1); // 1 September 2026
    const bodies = Array.from({ length: W }, (_, i) => {
      const cadre = rand() < 0.6 ? t.cadre1 : t.cadre2;
      let kind = WORK_KIND_NAMES[pick(WORK_KIND_NAMES.length)]!;
      let date = new Date(start + pick(61) * 86_400_000).toISOString().slice(0, 10);
      const weekday = kindRule(kind).weekday;
      if (weekday !== undefined) {
        // the kind's own weekday of that week
        const d = new Date(`${date}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + weekday - 1);
        date = d.toISOString().slice(0, 10);
        if (date < '2026-09-01') kind = 'visit';
      }
      return { cadre, key: `fgw-${t.run}-${i}`, body: workBody(kind, { date, household: cadre === t.cadre1 ? t.household : t.household2, village: t.village }, pick) };
    });
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < bodies.length) {
        const { cadre, key, body } = bodies[next++]!;
        const res = await http('POST', api('/work-records'), body, { 'x-actor': cadre, 'idempotency-key': key });
        if (res.status !== 201) throw new Error(`work record ${key}: ${res.status} ${res.text}`);
        ids.push(res.json.id);
      }
    }));
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM reporting.work_facts WHERE event_id = ANY($1::uuid[])', [ids])).rows[0].n === ids.length, 'reporting to apply every work record', 120_000);
  }, 600_000);

  it.each(['2026-09', '2026-10', '2026-W40', '2026-10-09'])('per cadre, per role and kind, and week by week, equal the independent SQL (%s)', async (period) => {
    const res = await http('GET', `${e.reportingUrl}/api/v1/reports/duty?period=${period}`);
    expect(res.status).toBe(200);
    const { first, last } = res.json as { first: string; last: string };
    for (const cadre of [t.cadre1, t.cadre2]) {
      const row = res.json.items.find((r: { cadreCode: string }) => r.cadreCode === cadre);
      const want = await expectedDuty(db, cadre, first, last, today);
      expect({
        cadre, byKind: row.byKind, byRole: row.byRole, grassrootsDays: row.grassrootsDays, grassrootsWeeks: row.grassrootsWeeks,
        weeksMeetingPlan: row.weeksMeetingPlan, weeksMissingPlan: row.weeksMissingPlan, daysWithWork: row.daysWithWork,
      }).toEqual({ cadre, ...want });
    }
  });
});
