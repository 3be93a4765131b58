/**
 * Residents' personal data stays out of Temporal, Kafka and the logs (issue 15).
 *
 * A case is opened for a resident with a sentinel name and phone (strings found
 * nowhere else) and taken through its whole life to close through the API, with
 * a household search and a case search for the sentinel on the way. Then neither
 * sentinel may appear in: `temporal workflow show` without the codec (the real
 * CLI against the test stack's Temporal), the workflow's search attributes and
 * memo, any Kafka message of the case, or any log file of the test stack. With
 * the case API's codec endpoint and an administrator's session, the same CLI
 * shows the payloads in clear; without a session, or as a cadre, it does not.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { ensureTemporalCli } from '@minqing/infra';
import { readTopic } from '@minqing/shared';
import { caseBody, env, eventually, header, http, kafkaClient, tokenFor, type KafkaMessage } from '../support/helpers';
import { testTemporalClient } from '../support/temporal';
import { loadTownship, township } from '../support/township';

const run = promisify(execFile);
const e = env();
const t = township(`pii${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (actor: string) => ({ 'x-actor': actor });
const codecEndpoint = () => `${e.apiUrl}/api/v1/codec`;

// Unique to this run: a hit anywhere can only come from this case.
const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const SENTINEL_NAME = `哨兵${suffix}`;
const SENTINEL_PHONE = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
const SENTINELS = [SENTINEL_NAME, SENTINEL_PHONE];

let db: pg.Client;
let temporal: Client;
let temporalCli: string;
let caseId: string;

/** `text` and every base64 string in it, decoded (a payload in clear is base64 JSON in Temporal's JSON output). */
function withBase64Decoded(text: string): string {
  const decoded = [...text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)].map((m) => Buffer.from(m[0], 'base64').toString('utf8'));
  return [text, ...decoded].join('\n');
}

function expectNoSentinel(haystack: string, where: string): void {
  for (const s of SENTINELS) expect(haystack.includes(s), `${where} holds ${s}`).toBe(false);
}

async function workflowShow(extra: string[] = []): Promise<{ code: number; out: string }> {
  const argv = ['workflow', 'show', '--workflow-id', caseId, '--address', e.TEMPORAL_ADDRESS, '--namespace', e.TEMPORAL_NAMESPACE, ...extra];
  // No codec settings from the environment: only what the arguments say.
  const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  try {
    const r = await run(temporalCli, argv, { env: childEnv, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    return { code: 0, out: `${r.stdout}\n${r.stderr}` };
  } catch (err) {
    const x = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : 1, out: `${x.stdout ?? ''}\n${x.stderr ?? ''}` };
  }
}

/** Every message of the case (key = case id) on the case-events topic, read until its close event. */
async function caseMessages(id: string): Promise<KafkaMessage[]> {
  const isClose = (m: KafkaMessage) => m.key?.toString() === id && header(m, 'ce_type') === 'org.minqing.case.closed.v1';
  const read = await readTopic(kafkaClient(e.KAFKA_BROKERS), e.caseEventsTopic, { until: isClose, timeoutMs: 30_000 }).catch((err: Error) => {
    throw new Error(`the close event of ${id} did not arrive within 30 s (${err.message})`);
  });
  return read.filter((m) => m.key?.toString() === id);
}

/** The log files of the test stack: the three services' and Temporal's. */
function stackLogFiles(): string[] {
  const files = fs.readdirSync(e.logDir).filter((f) => f.endsWith('.log')).map((f) => path.join(e.logDir, f));
  const temporalLog = path.join(path.dirname(e.logDir), 'temporal', 'temporal.log');
  return fs.existsSync(temporalLog) ? [...files, temporalLog] : files;
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  temporal = await testTemporalClient(e);
  temporalCli = (await ensureTemporalCli()).bin;

  // ---- a resident's whole case, through the API ----
  // The hall finds the household by the resident's phone, then searches cases by name (a GET with a query string).
  expect((await http('POST', api('/directory/households/search'), { q: SENTINEL_PHONE }, as(t.hall))).status).toBe(200);
  expect((await http('GET', api(`/cases?q=${encodeURIComponent(SENTINEL_NAME)}`), undefined, as(t.hall))).status).toBe(200);
  const opened = await http('POST', api('/cases'), caseBody({
    title: `冬季取暖 ${t.run}`,
    villageCode: t.village,
    householdCode: t.household,
    resident: { name: SENTINEL_NAME, phone: SENTINEL_PHONE },
  }), as(t.hall));
  expect(opened.status).toBe(201);
  caseId = opened.json.id;
  await eventually(async () => (await http('GET', api(`/cases/${caseId}`))).json?.status === 'assigned', `case ${caseId} to be routed`);
  const move = async (p: string, actor: string, body: unknown = {}) => {
    const r = await http('POST', api(`/cases/${caseId}/${p}`), body, as(actor));
    expect(r.status, `${p}: ${r.text}`).toBe(200);
  };
  await move('accept', t.cadre1);
  await move('start', t.cadre1);
  await move('resolve', t.cadre1, { reply: '已协调民政办发放取暖煤。' });
  await move('follow-up', t.hall, { satisfaction: 'satisfied', method: 'call', note: '电话回访' });
  await move('close', t.hall, { note: '' });
  // The case is really the sentinel's (so the searches below can fail).
  const closed = (await http('GET', api(`/cases/${caseId}`))).json;
  expect(closed).toMatchObject({ status: 'closed', resident: { name: SENTINEL_NAME, phone: SENTINEL_PHONE } });
  await temporal.workflow.getHandle(caseId).result();
}, 120_000);

afterAll(async () => {
  await temporal?.connection.close();
  await db?.end();
});

describe('a resident’s name and phone, after their case went from open to close', () => {
  it('are not in `temporal workflow show` without the codec (every event in detail, and JSON)', async () => {
    const table = await workflowShow(['--detailed']);
    expect(table.code, table.out).toBe(0);
    expect(table.out).toContain('WorkflowExecutionCompleted');
    expect(table.out).toContain('binary/encrypted');
    expectNoSentinel(table.out, 'temporal workflow show --detailed');
    const json = await workflowShow(['--output', 'json']);
    expect(json.code, json.out).toBe(0);
    expect(withBase64Decoded(json.out)).toContain('binary/encrypted');
    expectNoSentinel(withBase64Decoded(json.out), 'temporal workflow show --output json');
  });

  it('are in clear through the codec endpoint, for an administrator only', async () => {
    const clear = await workflowShow(['--detailed', '--codec-endpoint', codecEndpoint(), '--codec-auth', `Bearer ${e.adminToken}`]);
    expect(clear.code, clear.out).toBe(0);
    for (const s of SENTINELS) expect(clear.out).toContain(s);

    // A cadre's session (403) or none (401): the CLI gets nothing decoded and gives up (it retries until its timeout).
    const refused = ['--detailed', '--command-timeout', '3s', '--codec-endpoint', codecEndpoint()];
    const asCadre = await workflowShow([...refused, '--codec-auth', `Bearer ${await tokenFor(t.cadre1)}`]);
    expect(asCadre.code).not.toBe(0);
    expectNoSentinel(asCadre.out, 'the CLI with a cadre’s session');
    const anonymous = await workflowShow(refused);
    expect(anonymous.code).not.toBe(0);
    expectNoSentinel(anonymous.out, 'the CLI with no session');
  });

  it('are not in the search attributes or the memo', async () => {
    const d = await temporal.workflow.getHandle(caseId).describe();
    const raw = (await temporal.workflowService.describeWorkflowExecution({ namespace: e.TEMPORAL_NAMESPACE, execution: { workflowId: caseId } })).workflowExecutionInfo;
    expect(Object.keys(d.memo ?? {}).sort()).toEqual(['openedAt', 'requestHash', 'trackingCode']);
    const attributes = JSON.stringify({ sa: d.typedSearchAttributes, legacy: d.searchAttributes, memo: d.memo });
    expect(attributes).toContain('closed'); // MinqingCaseStatus
    expectNoSentinel(attributes, 'search attributes and memo');
    expectNoSentinel(withBase64Decoded(JSON.stringify(raw, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v))), 'the raw description');
  });

  it('are not in any Kafka message of the case', async () => {
    const messages = await caseMessages(caseId);
    expect(messages.map((m) => header(m, 'ce_type'))).toContain('org.minqing.case.opened.v1');
    for (const m of messages) {
      const text = [m.key?.toString(), m.value?.toString(), ...Object.values(m.headers ?? {}).map((h) => String(h))].join('\n');
      expectNoSentinel(text, `Kafka message ${header(m, 'ce_type')}`);
    }
  });

  it('the codec endpoint decodes for township-wide staff only, and answers the Web UI’s origin with its cookie', async () => {
    // The workflow's input as Temporal stores it: encrypted.
    const history = await temporal.workflow.getHandle(caseId).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const b64 = (u: Uint8Array | null | undefined) => Buffer.from(u ?? new Uint8Array()).toString('base64');
    const stored = { metadata: Object.fromEntries(Object.entries(input.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(input.data) };
    expect(Buffer.from(stored.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    const body = { payloads: [stored] };
    const decoded = (r: { json: { payloads: { data: string }[] } }) => Buffer.from(r.json.payloads[0]!.data, 'base64').toString('utf8');

    expect((await http('POST', api('/codec/decode'), body, { authorization: '' })).status).toBe(401);
    expect((await http('POST', api('/codec/decode'), body, as(t.cadre1))).status).toBe(403);
    expect((await http('POST', api('/codec/decode'), body, as(t.head))).status).toBe(403);
    const byAdmin = await http('POST', api('/codec/decode'), body);
    expect(byAdmin.status, byAdmin.text).toBe(200);
    for (const s of SENTINELS) expect(decoded(byAdmin)).toContain(s);
    // Reading a resident's details leaves an audit entry (codes only).
    const trail = await http('GET', api(`/audit?action=case.read&subject=${caseId}`));
    expect(trail.status, trail.text).toBe(200);
    expect(trail.json.items.some((i: { actor: string; details: { via?: string } }) => i.actor === 'admin' && i.details.via === 'temporal-codec')).toBe(true);
    expectNoSentinel(trail.text, 'the audit trail');
    // encode → decode is the identity; a payload not encrypted passes as it is; a forged one is a 422.
    const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"x"').toString('base64') };
    const enc = await http('POST', api('/codec/encode'), { payloads: [plain] });
    expect(enc.status).toBe(200);
    expect(Buffer.from(enc.json.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect((await http('POST', api('/codec/decode'), enc.json)).json.payloads).toEqual([plain]);
    expect((await http('POST', api('/codec/decode'), { payloads: [plain] })).json.payloads).toEqual([plain]);
    const forged = { ...stored, data: Buffer.from('not really ciphertext at all').toString('base64') };
    expect((await http('POST', api('/codec/decode'), { payloads: [forged] })).status).toBe(422);

    // The Web UI (http://127.0.0.1:8233 by default) calls from the browser with the console's cookie.
    const ui = 'http://127.0.0.1:8233';
    const preflight = await fetch(api('/codec/decode'), {
      method: 'OPTIONS',
      headers: { origin: ui, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ui);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-namespace');
    const cookie = `minqing_session=${await tokenFor(t.township)}`;
    const fromUi = await http('POST', api('/codec/decode'), body, { authorization: '', cookie, origin: ui, 'x-namespace': e.TEMPORAL_NAMESPACE });
    expect(fromUi.status, fromUi.text).toBe(200);
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(ui);
    expect(decoded(fromUi)).toContain(SENTINEL_NAME);
    // Any other site: no CORS grant, and a cookie request is refused as cross-site.
    const evil = 'https://evil.example';
    const evilPreflight = await fetch(api('/codec/decode'), { method: 'OPTIONS', headers: { origin: evil, 'access-control-request-method': 'POST' } });
    expect(evilPreflight.headers.get('access-control-allow-origin')).toBeNull();
    const fromEvil = await http('POST', api('/codec/decode'), body, { authorization: '', cookie, origin: evil });
    expect(fromEvil.status).toBe(403);
    expect(fromEvil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.runIf(e.ownStack)('are not in any log file of the stack (services and Temporal)', async () => {
    // Wait until the logs have the whole story (the worker logs the case, the API the close).
    await eventually(async () => {
      const all = stackLogFiles().map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      return all.includes(`/api/v1/cases/${caseId}/close`) && all.includes(caseId) ? true : undefined;
    }, 'the logs to record the close');
    const files = stackLogFiles();
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(['case-api.log', 'case-worker.log', 'reporting.log']));
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expectNoSentinel(text, file);
      expectNoSentinel(decodeURIComponent(text.replace(/%(?![0-9A-Fa-f]{2})/g, '%25')), `${file} (URL-decoded)`);
    }
    // The case search's query string was logged, masked.
    const apiLog = fs.readFileSync(path.join(e.logDir, 'case-api.log'), 'utf8');
    expect(apiLog).toMatch(/"url":"\/api\/v1\/cases\?q=\[redacted\]"/);
  });
});
