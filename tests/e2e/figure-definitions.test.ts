/**
 * The figure definitions as versioned choices (issue 10): cases reopened and
 * re-rated keep every callback (回访) in the satisfaction rate under the
 * current definitions (figures-2026.2), a case reopened and not yet answered
 * again stays in the reopen rate, a case withdrawn after sign-for stays in the
 * resolution denominator; the previous definitions (figures-2026.1) still
 * compute the old way, and a report signed off with them is re-checked with
 * them, so the change of definitions is no amendment. The definitions are
 * published through the case API for the dashboard roles.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http , reportingCaughtUp } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`fd${Date.now().toString(36)}`);
const reports = (p: string) => `${e.reportingUrl}/api/v1/reports${p}`;
let db: pg.Client;
let since: string;
let until: string;
const ids: Record<'rerated' | 'reopened' | 'basically' | 'withdrawn', string> = { rerated: '', reopened: '', basically: '', withdrawn: '' };

async function move(id: string, path: string, actor: string, body: unknown = {}) {
  const r = await http('POST', `${e.apiUrl}/api/v1/cases/${id}/${path}`, body, { 'x-actor': actor });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
}

async function open(i: number): Promise<string> {
  const opened = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ villageCode: t.village, householdCode: t.household, title: `口径 ${t.run} ${i}` }), { 'x-actor': t.hall });
  const id = opened.json.id as string;
  await eventually(async () => (await http('GET', `${e.apiUrl}/api/v1/cases/${id}`)).json?.status === 'assigned', 'routed');
  return id;
}

const period = () => `from=${encodeURIComponent(since)}&to=${encodeURIComponent(until)}`;
async function deptFigures(version?: string) {
  const res = await http('GET', reports(`/figures?groupBy=department&${period()}${version ? `&definitions=${version}` : ''}`));
  expect(res.status).toBe(200);
  return { version: res.json.definitionsVersion as string, group: res.json.groups.find((g: { key: string }) => g.key === t.dept) };
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  since = new Date().toISOString();
  // Answered, called back dissatisfied, reopened, answered again, called back satisfied.
  ids.rerated = await open(1);
  await move(ids.rerated, 'accept', t.cadre1);
  await move(ids.rerated, 'resolve', t.cadre1, { reply: '已答复' });
  await move(ids.rerated, 'follow-up', t.hall, { satisfaction: 'dissatisfied', method: 'call', note: '' });
  await move(ids.rerated, 'reopen', t.hall, { reason: '不满意' });
  await move(ids.rerated, 'resolve', t.cadre1, { reply: '再次答复' });
  await move(ids.rerated, 'follow-up', t.hall, { satisfaction: 'satisfied', method: 'visit', note: '' });
  await move(ids.rerated, 'close', t.hall, { note: '' });
  // Answered, called back dissatisfied, reopened, not answered again yet.
  ids.reopened = await open(2);
  await move(ids.reopened, 'accept', t.cadre1);
  await move(ids.reopened, 'resolve', t.cadre1, { reply: '已答复' });
  await move(ids.reopened, 'follow-up', t.hall, { satisfaction: 'dissatisfied', method: 'call', note: '' });
  await move(ids.reopened, 'reopen', t.hall, { reason: '不满意' });
  // Answered, called back basically satisfied, closed.
  ids.basically = await open(3);
  await move(ids.basically, 'accept', t.cadre1);
  await move(ids.basically, 'resolve', t.cadre1, { reply: '已答复' });
  await move(ids.basically, 'follow-up', t.hall, { satisfaction: 'basically_satisfied', method: 'call', note: '' });
  await move(ids.basically, 'close', t.hall, { note: '' });
  // Signed for, then withdrawn at the resident's request.
  ids.withdrawn = await open(4);
  await move(ids.withdrawn, 'accept', t.cadre1);
  await move(ids.withdrawn, 'withdraw', t.hall, { reason: '居民撤回' });
  await reportingCaughtUp(db, since, 60_000);
  until = new Date().toISOString();
}, 300_000);
afterAll(async () => db?.end());

describe('figures-2026.2 (current)', () => {
  it('counts both callbacks of a re-rated case, keeps the reopened-unanswered case in the reopen rate and the withdrawn one in the resolution denominator', async () => {
    const { version, group } = await deptFigures();
    expect(version).toBe('figures-2026.2');
    expect(group.counts).toEqual({
      cases: 4, eligible: 4, accepted: 4, acceptedOnTime: 4, resolved: 2, resolvedOnTime: 2, everResolved: 3,
      rated: 4, satisfied: 1, basicallySatisfied: 1, dissatisfied: 2, returned: 0, reopened: 2,
    });
    expect(group.rates.satisfaction).toEqual({ numerator: 1.9, denominator: 4, value: 0.475 });
    expect(group.rates.reopens).toEqual({ numerator: 2, denominator: 3, value: 0.6667 });
    expect(group.rates.resolution).toEqual({ numerator: 2, denominator: 4, value: 0.5 }); // the withdrawn case counts, unresolved
  });

  it('the drill-down lists each callback: the re-rated case twice, with when each was recorded', async () => {
    const res = await http('GET', reports(`/figures/cases?groupBy=department&key=${encodeURIComponent(t.dept)}&figure=rated&${period()}`));
    expect(res.status).toBe(200);
    expect(res.json.total).toBe(4);
    const rerated = res.json.items.filter((i: { caseId: string }) => i.caseId === ids.rerated);
    expect(rerated).toHaveLength(2);
    expect(new Date(rerated[0].callbackAt).getTime()).toBeLessThan(new Date(rerated[1].callbackAt).getTime());
    const dissatisfied = await http('GET', reports(`/figures/cases?groupBy=department&key=${encodeURIComponent(t.dept)}&figure=dissatisfied&${period()}`));
    expect(dissatisfied.json.items.map((i: { caseId: string }) => i.caseId).sort()).toEqual([ids.rerated, ids.reopened].sort());
  });

  it('each callback counts for the cadre the case was with when it was recorded', async () => {
    const res = await http('GET', reports(`/figures?groupBy=cadre&${period()}`));
    const cadre = res.json.groups.find((g: { key: string }) => g.key === t.cadre1);
    expect(cadre.counts).toMatchObject({ rated: 4, dissatisfied: 2 });
  });
});

describe('figures-2026.1 (previous), still computable', () => {
  it('counts each case once with its latest answer and the reopen rate over the cases resolved now', async () => {
    const { version, group } = await deptFigures('figures-2026.1');
    expect(version).toBe('figures-2026.1');
    expect(group.counts).toEqual({
      cases: 4, eligible: 4, accepted: 4, acceptedOnTime: 4, resolved: 2, resolvedOnTime: 2,
      rated: 2, satisfied: 1, basicallySatisfied: 1, dissatisfied: 0, returned: 0, reopened: 1,
    });
    expect(group.rates.satisfaction).toEqual({ numerator: 1.9, denominator: 2, value: 0.95 });
    expect(group.rates.reopens).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
    // a count that version does not give is refused in a drill-down, not answered empty
    const res = await http('GET', reports(`/figures/cases?groupBy=department&key=${encodeURIComponent(t.dept)}&figure=everResolved&definitions=figures-2026.1&${period()}`));
    expect(res.status).toBe(400);
  });
});

describe('signed-off reports keep their definitions', () => {
  /** A report as it was signed off before the current definitions, with the figures of that version. */
  async function signedOffWith(version: string, groups: unknown): Promise<string> {
    const { rows } = await db.query(
      `INSERT INTO reporting.frozen_reports (id, group_by, period_from, period_to, category, definitions_version, groups, note, signed_by)
       VALUES (gen_random_uuid(), 'department', $1, $2, NULL, $3, $4, '2026年11月考评（旧口径）', 'assess-old') RETURNING id`,
      [since, until, version, JSON.stringify(groups)],
    );
    return rows[0].id;
  }

  it('a new sign-off records the current version and reads back unamended', async () => {
    const res = await http('POST', reports('/frozen'), { groupBy: 'department', from: since, to: until, note: '2026年12月考评' });
    expect(res.status).toBe(201);
    expect(res.json.definitionsVersion).toBe('figures-2026.2');
    const read = (await http('GET', reports(`/frozen/${res.json.id}`))).json;
    expect(read.amendment).toMatchObject({ amended: false, changes: [] });
    expect(read.groups.find((g: { key: string }) => g.key === t.dept).counts.rated).toBe(4);
  });

  it('a report signed off with figures-2026.1 is re-checked with figures-2026.1: no spurious amendment', async () => {
    const v1 = await http('GET', reports(`/figures?groupBy=department&${period()}&definitions=figures-2026.1`));
    const id = await signedOffWith('figures-2026.1', v1.json.groups);
    const read = (await http('GET', reports(`/frozen/${id}`))).json;
    expect(read.definitionsVersion).toBe('figures-2026.1');
    expect(read.amendment).toMatchObject({ amended: false, changes: [] });
    const ours = read.groups.find((g: { key: string }) => g.key === t.dept);
    expect(ours.counts.rated).toBe(2);
    expect(ours.counts).not.toHaveProperty('everResolved');
  });

  it('the same figures labelled with the current version would show the new definitions as changes (the version decides)', async () => {
    const v1 = await http('GET', reports(`/figures?groupBy=department&${period()}&definitions=figures-2026.1`));
    const id = await signedOffWith('figures-2026.2', v1.json.groups);
    const read = (await http('GET', reports(`/frozen/${id}`))).json;
    expect(read.amendment.amended).toBe(true);
    expect(read.amendment.changes).toEqual(expect.arrayContaining([
      { key: t.dept, path: 'counts.rated', frozen: 2, current: 4 },
      { key: t.dept, path: 'counts.everResolved', frozen: null, current: 3 },
    ]));
  });
});

describe('the definitions, published', () => {
  it('through the case API: every version, which is current, each rate as numerator/denominator and the choices as codes', async () => {
    const res = await http('GET', `${e.apiUrl}/api/v1/reports/definitions`);
    expect(res.status).toBe(200);
    expect(res.json.current).toBe('figures-2026.2');
    expect(res.json.items.map((d: { version: string }) => d.version)).toEqual(['figures-2026.1', 'figures-2026.2']);
    const [v1, v2] = res.json.items;
    expect(v2.rates).toContainEqual({ name: 'reopens', numerator: 'reopened', denominator: 'everResolved' });
    expect(v1.rates).toContainEqual({ name: 'reopens', numerator: 'reopened', denominator: 'resolved' });
    expect(v2.counts).toContainEqual({ name: 'rated', rule: 'rated_every_callback', unit: 'callback' });
    for (const d of [v1, v2]) expect(d.choices.map((c: { code: string }) => c.code)).toContain('withdrawn_after_sign_for_stays');
    expect(v2.choices.map((c: { code: string }) => c.code)).toContain('satisfaction_every_callback');
  });

  it('not for a cadre', async () => {
    const res = await http('GET', `${e.apiUrl}/api/v1/reports/definitions`, undefined, { 'x-actor': t.cadre1 });
    expect(res.status).toBe(403);
  });
});
