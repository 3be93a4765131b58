/**
 * Signed-off reports, exports and the rebuild: a frozen report keeps its
 * figures; a rebuild from the start of the topic, run while cases keep moving,
 * never shows an empty or partial projection (it is built in shadow tables and
 * swapped in once checked), refuses sign-offs while it runs, and ends with the
 * figures as before plus what the load added; a later correction shows as a
 * visible amendment.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, sendMessages, serviceToken , reportingCaughtUp } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`rb${Date.now().toString(36)}`);
const reports = (p: string) => `${e.reportingUrl}/api/v1/reports${p}`;
let db: pg.Client;
let since: string;
/** end of the signed-off period: the six cases of beforeAll are in it, the load's cases after it */
let boundary: string;
let resolvedCase: string;

async function move(id: string, path: string, actor: string, body: unknown = {}) {
  const r = await http('POST', `${e.apiUrl}/api/v1/cases/${id}/${path}`, body, { 'x-actor': actor });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
}

async function settled() {
  await reportingCaughtUp(db, since, 60_000);
}

const figures = async () => (await http('GET', reports(`/figures?groupBy=department&from=${encodeURIComponent(since)}`))).json.groups;
/** The figures of the signed-off period only (no case of the load is in it). */
const periodFigures = async () => (await http('GET', reports(`/figures?groupBy=department&from=${encodeURIComponent(since)}&to=${encodeURIComponent(boundary)}`))).json.groups;

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
  boundary = new Date().toISOString();
}, 300_000);
afterAll(async () => db?.end());

describe('escalations by level', () => {
  it('count each escalation event of the period’s cases, per level', async () => {
    const before = (await figures()).find((g: { key: string }) => g.key === t.dept).escalations;
    // An escalation as the workflow would emit it (real ones need a working day to pass; see the timer tests).
    const { buildEvent, toKafkaRecord } = await import('@minqing/shared');
    const { randomUUID } = await import('node:crypto');
    const caseRow = (await db.query('SELECT * FROM casework.cases WHERE department_code = $1 AND opened_at >= $2 LIMIT 1', [t.dept, since])).rows[0];
    const at = new Date().toISOString();
    const event = buildEvent({
      id: randomUUID(), source: '/tests', type: 'org.minqing.case.escalated.v1', subject: caseRow.id, time: at,
      data: {
        caseId: caseRow.id, seq: 1000, at, actor: null, status: caseRow.status, category: caseRow.category, priority: caseRow.priority,
        assigneeCode: caseRow.assignee_code, departmentCode: t.dept, areaCode: t.area, villageCode: t.village, escalationLevel: 2,
        slaPolicyVersion: 'sla-2026.1', phase: 'resolve', level: 2, escalatedToCode: t.leader, dueAt: at,
      } as never,
    });
    await sendMessages(e.KAFKA_BROKERS, e.caseEventsTopic, [toKafkaRecord(event)]);
    const after = await eventually(async () => {
      const g = (await figures()).find((x: { key: string }) => x.key === t.dept).escalations;
      return g.level2 === before.level2 + 1 ? g : undefined;
    }, 'the escalation to be counted');
    expect(after).toEqual({ ...before, level2: before.level2 + 1 });
  });
});

describe('signed-off reports', () => {
  let frozenId: string;

  it('freezes the figures of a period', async () => {
    const res = await http('POST', reports('/frozen'), { groupBy: 'department', from: since, to: boundary, note: '2026年11月考评' });
    expect(res.status).toBe(201);
    expect(res.json.signedBy).toBe('admin'); // the service token's principal
    frozenId = res.json.id;
    const ours = res.json.groups.find((g: { key: string }) => g.key === t.dept);
    expect(ours.counts).toMatchObject({ cases: 6, accepted: 5, resolved: 4, rated: 3, satisfied: 2, basicallySatisfied: 1 });
    expect(res.json.definitionsVersion).toMatch(/^figures-/);
  });

  it('exports figures and frozen reports as CSV and XLSX', async () => {
    const headers = { authorization: `Bearer ${await serviceToken()}` };
    const csv = await fetch(reports(`/figures/export?groupBy=department&format=csv&from=${encodeURIComponent(since)}`), { headers });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    expect(text.split('\n')[1]).toMatch(/^key,cases,eligible,accepted/);
    expect(text).toContain(`${t.dept},6,6,5,`);
    const xlsx = await fetch(reports(`/frozen/${frozenId}/export?format=xlsx`), { headers });
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK'); // an Office Open XML (zip) file
  });

  it('a rebuild under load keeps answering from the complete projection, refuses sign-offs, and swaps in the same figures plus the load', async () => {
    // The department head's view: the summary counts only our department's cases (other test files add their own).
    const head = async () => ({ authorization: `Bearer ${await serviceToken({ username: t.head, role: 'department_head', cadreCode: t.head, departmentCode: t.dept, areaCodes: [] })}` });
    /** a summary that must answer (a reader is never the one failed while the tables are swapped) */
    const answered = (r: Awaited<ReturnType<typeof http>>) => {
      expect(r.status, r.text).toBe(200);
      return r.json;
    };
    const ourSummary = async () => answered(await http('GET', reports(`/summary?from=${encodeURIComponent(since)}`), undefined, await head()));
    const townshipSummary = async () => answered(await http('GET', reports('/summary')));
    const ours = (groups: { key: string; counts: Record<string, number> }[]) => groups.find((g) => g.key === t.dept)!;
    const frozenBefore = (await http('GET', reports(`/frozen/${frozenId}`))).json;
    expect(frozenBefore.amendment).toMatchObject({ amended: false, changes: [] });
    const periodBefore = await periodFigures();
    const ourBefore = await ourSummary();
    const townshipBefore = await townshipSummary();
    expect(ourBefore.totalCases).toBe(6);

    // Load: cases keep being opened in our department until the rebuild has finished (at least 3, at most 60).
    let stopLoad = false;
    const opened: string[] = [];
    const load = (async () => {
      for (let i = 0; i < 60 && (i < 3 || !stopLoad); i++) {
        const res = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ villageCode: t.village, householdCode: t.household, title: `重建期间 ${t.run} ${i}` }), { 'x-actor': t.hall });
        if (res.status !== 201) throw new Error(`opening a case under load: ${res.status} ${res.text}`);
        opened.push(res.json.id);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();

    const started = await http('POST', reports('/rebuild'));
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({ state: 'rebuilding', startedBy: 'admin', finishedAt: null });

    // Read everything continuously until the rebuild has finished.
    const seen = { reads: 0, refused: 0, phases: new Set<string>(), maxTarget: 0 };
    // The phases as the service reports them, watched more often than one round of reads takes
    // (catching up a small topic can be over in less than a second).
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const s = (await http('GET', reports('/rebuild'))).json;
        if (s?.state !== 'rebuilding') break; // finished (or failed: the loop below says why)
        if (s.phase) seen.phases.add(s.phase);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    let lastOurs = ourBefore.totalCases;
    let status = started.json;
    while (status.state === 'rebuilding') {
      const [our, township, period, frozen] = await Promise.all([ourSummary(), townshipSummary(), periodFigures(), http('GET', reports(`/frozen/${frozenId}`))]);
      // Never empty, never partial, never a step back.
      expect(our.totalCases).toBeGreaterThanOrEqual(lastOurs);
      lastOurs = our.totalCases;
      expect(township.totalCases).toBeGreaterThanOrEqual(townshipBefore.totalCases);
      expect(township.eventsProcessed).toBeGreaterThanOrEqual(townshipBefore.eventsProcessed);
      expect(period).toEqual(periodBefore);
      expect(frozen.status).toBe(200);
      expect(frozen.json.amendment).toMatchObject({ amended: false, changes: [] });
      seen.reads++;

      // A sign-off is refused while it runs: directly, and through the case API's own route.
      const before = (await http('GET', reports('/rebuild'))).json;
      const direct = await http('POST', reports('/frozen'), { groupBy: 'department', from: since, to: boundary, note: '重建期间' });
      const viaApi = await http('POST', `${e.apiUrl}/api/v1/reports/frozen`, { groupBy: 'department', from: since, to: boundary, note: '重建期间' });
      status = (await http('GET', reports('/rebuild'))).json;
      if (before.state === 'rebuilding' && status.state === 'rebuilding') {
        expect(direct.status).toBe(409);
        expect(direct.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(direct.json).toMatchObject({ type: 'urn:minqing:problem:rebuild-running', code: 'rebuild_running', params: { startedAt: started.json.startedAt } });
        expect(viaApi.status).toBe(409);
        expect(viaApi.json).toMatchObject({ type: 'urn:minqing:problem:rebuild-running', code: 'rebuild_running', params: { startedAt: started.json.startedAt } });
        seen.refused++;
      }
      if (status.phase) seen.phases.add(status.phase);
      seen.maxTarget = Math.max(seen.maxTarget, status.progress?.target ?? 0);
      if (status.state === 'failed') throw new Error(`the rebuild failed: ${status.error}`);
      if (Date.now() - Date.parse(started.json.startedAt) > 180_000) throw new Error('the rebuild did not finish within 3 minutes');
    }
    watching = false;
    await watcher;
    stopLoad = true;
    await load;
    expect(status).toMatchObject({ state: 'idle', phase: null, error: null, startedBy: 'admin', startedAt: started.json.startedAt });
    expect(Date.parse(status.finishedAt)).toBeGreaterThan(Date.parse(status.startedAt));
    expect(status.progress.applied).toBeGreaterThanOrEqual(status.progress.target);
    expect(seen.maxTarget).toBeGreaterThan(0);
    expect(seen.reads).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.phases.has('catching_up')).toBe(true);
    // The cases of the load are fully there after it: sign some of them for, and let everything settle.
    const accepted = opened.filter((_, i) => i % 2 === 0);
    for (const id of accepted) {
      await eventually(async () => (await http('GET', `${e.apiUrl}/api/v1/cases/${id}`)).json?.status === 'assigned', 'routed');
      await move(id, 'accept', t.cadre1);
    }
    await settled();

    // After: the figures as before, plus what the load added; the frozen report unamended; sign-offs allowed again.
    expect(await periodFigures()).toEqual(periodBefore);
    expect((await ourSummary()).totalCases).toBe(ourBefore.totalCases + opened.length);
    const after = ours(await figures());
    const beforeCounts = ours(periodBefore).counts;
    expect(after.counts).toMatchObject({ cases: beforeCounts.cases! + opened.length, accepted: beforeCounts.accepted! + accepted.length });
    expect((await http('GET', reports(`/frozen/${frozenId}`))).json.amendment).toMatchObject({ amended: false, changes: [] });
    expect((await http('POST', `${e.apiUrl}/api/v1/reports/frozen`, { groupBy: 'department', from: since, to: boundary, note: '重建之后' })).status).toBe(201);

    // The swap left one set of tables, under their own names, keys and indexes, and no shadow behind.
    const schemas = await db.query(`SELECT nspname FROM pg_namespace WHERE nspname IN ('reporting_rebuild', 'reporting_retired')`);
    expect(schemas.rows).toEqual([]);
    const indexes = (await db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'reporting' AND tablename IN ('processed_events', 'case_facts')`)).rows.map((r) => r.indexname);
    expect(indexes).toEqual(expect.arrayContaining(['processed_events_pkey', 'case_facts_pkey', 'case_facts_opened_idx']));
  }, 300_000);

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
