/**
 * Signed-off reports, exports and the rebuild: a frozen report keeps its
 * figures; a rebuild of the reporting schema from the start of the topic
 * reproduces it exactly; a later correction shows as a visible amendment.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, kafkaClient, serviceToken } from '../support/helpers';
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
      `SELECT count(*)::int AS missing FROM casework.outbox o JOIN casework.cases c ON c.id = o.case_id
        WHERE c.opened_at >= $1 AND NOT EXISTS (SELECT 1 FROM reporting.processed_events p WHERE p.event_id = o.event_id)`,
      [since],
    );
    return r.rows[0].missing === 0;
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
    const producer = kafkaClient(e.KAFKA_BROKERS).producer();
    await producer.connect();
    await producer.send({ topic: e.caseEventsTopic, messages: [toKafkaRecord(event)] });
    await producer.disconnect();
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
    const res = await http('POST', reports('/frozen'), { groupBy: 'department', from: since, note: '2026年11月考评' });
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
