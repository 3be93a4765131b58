/**
 * Signed-off reports, exports and the rebuild: a frozen report keeps its
 * figures; a rebuild of the reporting schema from the start of the topic
 * reproduces it exactly; a later correction shows as a visible amendment.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`rb${Date.now().toString(36)}`);
const reports = (p: string) => `${e.reportingUrl}/api/v1/reports${p}`;
let db: pg.Client;
let since: string;
let resolvedCase: string;

async function move(id: string, path: string, actor: string, body: unknown = {}) {
  const r = await http('POST', `${e.apiUrl}/api/v1/cases/${id}/${path}`, body, { 'x-actor': actor });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
}

async function settled() {
  await eventually(async () => {
    const r = await db.query(
      `SELECT (SELECT count(*) FROM casework.outbox WHERE published_at IS NULL)::int AS waiting,
              (SELECT count(*) FROM casework.outbox o JOIN casework.cases c ON c.id = o.case_id WHERE c.opened_at >= $1)::int AS emitted,
              (SELECT count(*) FROM reporting.processed_events p JOIN casework.cases c ON c.id = p.case_id WHERE c.opened_at >= $1)::int AS applied`,
      [since],
    );
    return r.rows[0].waiting === 0 && r.rows[0].applied === r.rows[0].emitted;
  }, 'reporting to catch up', 60_000);
}

const figures = async () => (await http('GET', reports(`/figures?groupBy=department&from=${encodeURIComponent(since)}`))).json.groups;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  since = new Date().toISOString();
  for (let i = 0; i < 6; i++) {
    const opened = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ villageCode: t.village, householdCode: t.household, title: `冻结 ${t.run} ${i}` }), { 'x-actor': t.hall });
    const id = opened.json.id;
    await eventually(async () => (await http('GET', `${e.apiUrl}/api/v1/cases/${id}`)).json?.status === 'assigned', 'routed');
    if (i === 0) continue;
    await move(id, 'accept', t.cadre1);
    if (i === 1) continue;
    await move(id, 'resolve', t.cadre1, { reply: '已答复' });
    if (i === 2) {
      resolvedCase = id;
      continue;
    }
    await move(id, 'follow-up', t.hall, { satisfaction: i === 3 ? 'basically_satisfied' : 'satisfied', method: 'call', note: '' });
  }
  await settled();
}, 300_000);
afterAll(async () => db?.end());

describe('signed-off reports', () => {
  let frozenId: string;

  it('freezes the figures of a period', async () => {
    const res = await http('POST', reports('/frozen'), { groupBy: 'department', from: since, note: '2026年11月考评', signedBy: t.leader });
    expect(res.status).toBe(201);
    frozenId = res.json.id;
    const ours = res.json.groups.find((g: { key: string }) => g.key === t.dept);
    expect(ours.counts).toMatchObject({ cases: 6, accepted: 5, resolved: 4, rated: 3, satisfied: 2, basicallySatisfied: 1 });
    expect(res.json.definitionsVersion).toMatch(/^figures-/);
  });

  it('exports figures and frozen reports as CSV and XLSX', async () => {
    const csv = await fetch(reports(`/figures/export?groupBy=department&format=csv&from=${encodeURIComponent(since)}`));
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\n')[1]).toMatch(/^key,cases,eligible,accepted/);
    expect(text).toContain(`${t.dept},6,6,5,`);
    const xlsx = await fetch(reports(`/frozen/${frozenId}/export?format=xlsx`));
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // an Office Open XML (zip) file
  });

  it('a rebuild from the start of the topic reproduces the frozen report exactly', async () => {
    const before = await figures();
    const started = await http('POST', reports('/rebuild'));
    expect(started.status).toBe(202);
    await eventually(async () => {
      const s = (await http('GET', reports('/rebuild'))).json;
      if (s.state === 'failed') throw new Error(s.error);
      return s.state === 'idle' && s.finishedAt ? s : undefined;
    }, 'the rebuild to finish', 120_000);
    expect(await figures()).toEqual(before);
    const report = (await http('GET', reports(`/frozen/${frozenId}`))).json;
    expect(report.amendment).toMatchObject({ amended: false, changes: [] });
  });

  it('a later correction leaves the frozen figures alone and shows as an amendment', async () => {
    await move(resolvedCase, 'follow-up', t.hall, { satisfaction: 'dissatisfied', method: 'visit', note: '补充回访' });
    await settled();
    const report = (await http('GET', reports(`/frozen/${frozenId}`))).json;
    const ours = report.groups.find((g: { key: string }) => g.key === t.dept);
    expect(ours.counts.rated).toBe(3); // as signed off
    expect(report.amendment.amended).toBe(true);
    expect(report.amendment.changes).toEqual(expect.arrayContaining([
      { key: t.dept, path: 'counts.rated', frozen: 3, current: 4 },
      { key: t.dept, path: 'counts.dissatisfied', frozen: 0, current: 1 },
    ]));
  });
});
