/**
 * The event contract is published and holds (issue 10): cases run through
 * their lifecycles via the real API, then every message on the run's topic is
 * read from Kafka, the schema its `ce_dataschema` names is fetched over HTTP
 * (as any consumer would, without a credential), and the message's data is
 * validated against it with an independent JSON Schema validator (Ajv).
 */
import pg from 'pg';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, header, http, readAll, type KafkaMessage } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`es${Date.now().toString(36)}`);
/** the producer of the product's events (the case-worker's EVENT_SOURCE) */
const WORKER_SOURCE = e.serviceEnv.EVENT_SOURCE ?? '/minqing/case-worker';
/** the public base the run's services were given; empty when the tests run against external services */
const BASE = e.serviceEnv.EVENT_SCHEMA_BASE_URL ?? '';
let db: pg.Client;
const caseIds: string[] = [];

const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const move = async (id: string, path: string, actor: string, body: unknown = {}) => {
  const res = await http('POST', api(`/cases/${id}/${path}`), body, { 'x-actor': actor });
  expect(res.status, `${path} on ${id}: ${res.text}`).toBeLessThan(300);
  return res.json;
};

async function openAssigned(title: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title, ...overrides }), { 'x-actor': t.hall });
  expect(res.status).toBe(201);
  const id = res.json.id as string;
  caseIds.push(id);
  await eventually(async () => (await http('GET', api(`/cases/${id}`))).json?.status === 'assigned', `case ${id} to be routed`);
  return id;
}

/** Every message on the topic up to where it ends now. */
const readTopic = (topic: string): Promise<KafkaMessage[]> => readAll(e.KAFKA_BROKERS, topic);

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  // Main path: accept → start → resolve → satisfied callback → close.
  const main = await openAssigned(`契约 主路径 ${t.run}`);
  await move(main, 'accept', t.cadre1);
  await move(main, 'start', t.cadre1);
  await move(main, 'resolve', t.cadre1, { reply: '已答复' });
  await move(main, 'follow-up', t.hall, { satisfaction: 'satisfied', method: 'call', note: '满意' });
  await move(main, 'close', t.hall, { note: '' });
  // Dissatisfied callback, reopened, resolved again, re-rated, closed.
  const again = await openAssigned(`契约 重办 ${t.run}`);
  await move(again, 'accept', t.cadre1);
  await move(again, 'resolve', t.cadre1, { reply: '已答复' });
  await move(again, 'follow-up', t.hall, { satisfaction: 'dissatisfied', method: 'visit', note: '未解决' });
  await move(again, 'reopen', t.hall, { reason: '群众不满意，重新办理' });
  await move(again, 'resolve', t.cadre1, { reply: '已再次办理' });
  await move(again, 'follow-up', t.hall, { satisfaction: 'satisfied', method: 'call', note: '满意' });
  await move(again, 'close', t.hall, { note: '' });
  // Reassigned, paused for the resident, forwarded upstream, extension, supervision.
  const side = await openAssigned(`契约 综合 ${t.run}`, { category: 'proxy_matter' });
  await move(side, 'reassign', t.head, { assigneeCode: t.cadre2, note: '工作量调整' });
  await move(side, 'accept', t.cadre2);
  await move(side, 'wait-on-resident', t.cadre2, { note: '等待补充材料' });
  await move(side, 'resume', t.cadre2, { note: '材料齐全' });
  await move(side, 'forward-upstream', t.cadre2, { authority: '旗残联', note: '代办' });
  await move(side, 'upstream-answer', t.cadre2, { outcome: 'approved', note: '已办' });
  await move(side, 'extensions', t.cadre2, { minutes: 450, reason: '需上级审批' });
  await move(side, 'extensions/decision', t.head, { approve: true, note: '同意' });
  await move(side, 'supervise', t.leader, { note: '请加快办理' });
  // Ended without an answer.
  await move(await openAssigned(`契约 撤回 ${t.run}`), 'withdraw', t.hall, { reason: '群众撤回' });
  await move(await openAssigned(`契约 不予受理 ${t.run}`), 'reject', t.head, { reasonCode: 'out_of_scope', note: '不属于乡镇职权' });
  // A cadre's work record.
  const visit = await http('POST', api('/work-records'), { kind: 'visit', date: '2026-11-20', householdCode: t.household, note: '走访' }, { 'x-actor': t.cadre1 });
  expect(visit.status).toBeLessThan(300);
  // Everything committed is on the topic.
  await eventually(async () => (await db.query('SELECT 1 FROM casework.outbox WHERE published_at IS NULL LIMIT 1')).rowCount === 0, 'the outbox relay to publish every event', 60_000);
}, 240_000);
afterAll(async () => db?.end());

describe('published event schemas', () => {
  it('every message on the topic names its schema by a URL that resolves, and its data is valid against it', async () => {
    const messages = await readTopic(e.caseEventsTopic);
    // The events of this file's cases are all there.
    const ours = (await db.query<{ event_id: string; event_type: string }>('SELECT event_id, event_type FROM casework.outbox WHERE case_id = ANY($1)', [caseIds])).rows;
    const onTopic = new Set(messages.map((m) => header(m, 'ce_id')));
    expect(ours.filter((r) => !onTopic.has(r.event_id))).toEqual([]);
    expect(new Set(ours.map((r) => r.event_type.replace(/^org\.minqing\.case\.|\.v1$/g, '')))).toEqual(
      new Set(['opened', 'routed', 'accepted', 'work_started', 'resolved', 'follow_up_recorded', 'reopened', 'closed', 'reassigned', 'waiting_on_resident', 'resumed',
        'forwarded_upstream', 'upstream_answered', 'extension_requested', 'extension_decided', 'supervised', 'withdrawn', 'rejected']),
    );

    // Other test files write fixtures straight onto the run's topic (a deliberately
    // broken message for the dead-letter test, a hand-made escalation): not the
    // product's events. Every event the case-worker published is checked.
    const published = messages.filter((m) => header(m, 'ce_source') === WORKER_SOURCE);
    expect(published.length).toBeGreaterThanOrEqual(ours.length + 1); // + the work record
    expect(published.map((m) => header(m, 'ce_type'))).toContain('org.minqing.work.visit_logged.v1');

    const ajv = new Ajv({ allErrors: true });
    // ajv-formats is CommonJS: under Node's ESM loader the plugin is the module itself or its `default`.
    const addFormats = ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin);
    addFormats(ajv);
    const validators = new Map<string, ValidateFunction>();
    const problems: string[] = [];
    for (const m of published) {
      const type = header(m, 'ce_type')!;
      const url = header(m, 'ce_dataschema');
      const where = `${type} ${header(m, 'ce_id')}`;
      if (!url || !/^https?:\/\//.test(url)) {
        problems.push(`${where}: ce_dataschema ${JSON.stringify(url)} is not a URL`);
        continue;
      }
      if (BASE) expect(url).toBe(`${BASE}/api/v1/events/schemas/${type}`);
      if (!validators.has(url)) {
        const res = await fetch(url); // no credential: the contract is public
        expect(res.status, `GET ${url}`).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
        const schema = (await res.json()) as { $id: string; title: string };
        expect(schema.$id).toBe(url);
        expect(schema.title).toBe(type);
        validators.set(url, ajv.compile(schema));
      }
      const validate = validators.get(url)!;
      const data: unknown = JSON.parse(m.value!.toString());
      if (!validate(data)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
    // The check can fail: data a schema forbids is refused.
    const opened = [...validators.entries()].find(([u]) => u.endsWith('/org.minqing.case.opened.v1'))![1];
    const someOpened = published.find((m) => header(m, 'ce_type') === 'org.minqing.case.opened.v1')!;
    expect(opened({ ...JSON.parse(someOpened.value!.toString()), residentPhone: '13912345678' })).toBe(false);
  });

  it('lists every schema and the AsyncAPI document, on the case API and on reporting alike, without a credential', async () => {
    const list = await http('GET', api('/events/schemas'), undefined, { authorization: '' });
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(list.json.items.length);
    expect(list.json.items.map((i: { type: string }) => i.type)).toEqual(expect.arrayContaining(['org.minqing.case.opened.v1', 'org.minqing.case.closed.v1', 'org.minqing.work.visit_logged.v1']));
    for (const { type, schema } of list.json.items as { type: string; schema: string }[]) {
      const fromApi = await http('GET', schema, undefined, { authorization: '' });
      expect(fromApi.status, schema).toBe(200);
      expect(fromApi.json.title).toBe(type);
      // reporting serves the same document at the same path
      const fromReporting = await http('GET', `${e.reportingUrl}/api/v1/events/schemas/${type}`, undefined, { authorization: '' });
      expect(fromReporting.status).toBe(200);
      expect(fromReporting.json).toEqual(fromApi.json);
    }
    expect((await http('GET', api('/events/schemas/org.minqing.case.exploded.v1'), undefined, { authorization: '' })).json).toMatchObject({ status: 404, type: 'urn:minqing:problem:not-found' });
    for (const origin of [e.apiUrl, e.reportingUrl]) {
      const doc = await http('GET', `${origin}/asyncapi.json`, undefined, { authorization: '' });
      expect(doc.status).toBe(200);
      expect(doc.json).toMatchObject({ asyncapi: '3.0.0', channels: { caseEvents: { address: e.caseEventsTopic }, deadLetters: { address: e.dlqTopic } } });
      expect(Object.keys(doc.json.channels.caseEvents.messages).sort()).toEqual(list.json.items.map((i: { type: string }) => i.type).sort());
    }
  });
});
