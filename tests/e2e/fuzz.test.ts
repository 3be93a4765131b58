/**
 * A property-based fuzz of both OpenAPI documents with Schemathesis (PyPI
 * `schemathesis`, installed by infra/src/schemathesis.ts into the cache): for
 * every operation it sends the boundary cases of its schema (coverage phase)
 * and generated valid and invalid requests (fuzzing phase, NUL bytes
 * included), signed in — the case API with an administrator's session, the
 * reporting API with a service token for an administrator — and checks each
 * answer: no 5xx, no status the document does not list, no answer outside its
 * schema, no undocumented content type. Bounded: a fixed seed and a fixed
 * number of examples per operation (a few thousand requests in all).
 *
 * The fuzz writes whatever it likes (roster imports, accounts, appraisals,
 * frozen reports, rebuilds), so on a stack of its own it runs against its own
 * copies of the three services: their own database, task queue and topics,
 * started here and stopped after. Pointed at running services
 * (MINQING_CASE_API_URL), it sends only reads.
 *
 * Left out, and why: `escalationChanges` is a server-sent event stream that
 * never ends (its answer cannot be read to the end); `signOut` would end the
 * fuzz's own session.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureSchemathesis, freePort, startServices, type Services } from '@minqing/infra';
import { CASE_API_ISSUER, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenSigner } from '@minqing/shared';
import { env, REPORTING_ADMIN } from '../support/helpers';

const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 12);
const NEVER_FUZZED = ['escalationChanges', 'signOut'];
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_schema_conformance'];

interface Target {
  apiUrl: string;
  reportingUrl: string;
  adminToken: string;
  /** only reads: the services are someone else's */
  readOnly: boolean;
  secrets: string;
  stop(): Promise<void>;
}

async function signInAdmin(apiUrl: string, password: string): Promise<string> {
  const res = await fetch(`${apiUrl}/api/v1/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (res.status !== 200) throw new Error(`fuzz: sign-in as admin failed: ${res.status} ${await res.text()}`);
  const { token, me } = (await res.json()) as { token: string; me: { mustChangePassword?: boolean } };
  if (me.mustChangePassword) {
    const changed = await fetch(`${apiUrl}/api/v1/auth/password`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ currentPassword: password, newPassword: 'fuzz-admin-chosen-password' }),
    });
    if (changed.status !== 204) throw new Error(`fuzz: admin could not replace the initial password: ${changed.status}`);
  }
  return token;
}

/** A small roster, so reads answer with real rows the schemas are checked against. */
const ROSTER = {
  areas: [{ code: 'fz-area', name: '东片区', leaderCode: 'fz-leader' }],
  departments: [{ code: 'fz-dept', name: '社会事务办', headCode: 'fz-head' }],
  villages: [{ code: 'fz-village', name: '乌兰', kind: 'community', areaCode: 'fz-area', departmentCode: 'fz-dept' }],
  cadres: [
    { code: 'fz-head', name: '部门负责人', role: 'department_head', departmentCode: 'fz-dept', phone: '13900000001' },
    { code: 'fz-leader', name: '联片领导', role: 'area_leader', departmentCode: null, phone: null },
    { code: 'fz-staff', name: '机关干部', role: 'staff', departmentCode: 'fz-dept', phone: '13900000002' },
  ],
  households: [
    { code: 'fz-hh-1', villageCode: 'fz-village', headName: '王桂兰', phone: '13800000001', idTail: '123X', address: '乌兰社区1号', members: 3, isKey: true, isVulnerable: false, cadreCode: 'fz-staff' },
  ],
  servicePoints: [{ code: 'fz-hall', name: '便民服务大厅', kind: 'hall', villageCode: null }],
  sessions: [],
  routingRules: [],
};

async function ownTarget(): Promise<Target> {
  const e = env();
  const run = `fz${Date.now().toString(36)}`;
  const dbUrl = new URL(e.DATABASE_URL);
  const database = `minqing_${run}`;
  const admin = new pg.Client({ connectionString: e.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  dbUrl.pathname = `/${database}`;
  const ports = { api: await freePort(), reporting: await freePort(), worker: await freePort() };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'minqing-fuzz-data-'));
  const serviceEnv = { ...e.serviceEnv };
  for (const k of ['API_PORT', 'REPORTING_PORT', 'REPORTING_URL', 'WORKER_PORT']) delete serviceEnv[k];
  let services: Services | undefined;
  const dropDatabase = async () => {
    const c = new pg.Client({ connectionString: e.DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
    await c.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    services = await startServices({
      stackEnv: { DATABASE_URL: dbUrl.toString(), KAFKA_BROKERS: e.KAFKA_BROKERS, TEMPORAL_ADDRESS: e.TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE: e.TEMPORAL_NAMESPACE },
      ports,
      logDir: path.join(e.logDir, 'fuzz'),
      dataDir,
      extraEnv: {
        ...serviceEnv,
        DATABASE_URL: dbUrl.toString(),
        TEMPORAL_TASK_QUEUE: `minqing-cases-${run}`,
        CASE_EVENTS_TOPIC: `case-events-${run}`,
        CASE_EVENTS_DLQ_TOPIC: `case-events-${run}.dlq`,
        REPORTING_GROUP_ID: `fuzz-reporting-${run}`,
        // its own notifier group too: sharing the run's group (on another topic) would take the run's partitions
        NOTIFY_GROUP_ID: `fuzz-notifier-${run}`,
        LOG_LEVEL: 'warn',
      },
    });
    const adminToken = await signInAdmin(services.apiUrl, serviceEnv.ADMIN_PASSWORD ?? e.adminPassword);
    const imported = await fetch(`${services.apiUrl}/api/v1/directory/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify(ROSTER),
    });
    if (imported.status !== 200) throw new Error(`fuzz: seeding the roster failed: ${imported.status} ${await imported.text()}`);
    const s = services;
    return {
      apiUrl: s.apiUrl,
      reportingUrl: s.reportingUrl,
      adminToken,
      readOnly: false,
      secrets: serviceEnv.SERVICE_TOKEN_SECRETS ?? '',
      stop: async () => {
        await s.stop();
        await dropDatabase();
      },
    };
  } catch (err) {
    await services?.stop();
    await dropDatabase();
    throw err;
  }
}

function givenTarget(): Target {
  const e = env();
  return { apiUrl: e.apiUrl, reportingUrl: e.reportingUrl, adminToken: e.adminToken, readOnly: true, secrets: e.serviceTokenSecrets, stop: async () => undefined };
}

interface FuzzResult {
  failures: string[];
  /** answers by status code, from the run's HAR record */
  statuses: Record<string, number>;
  /** how many operations and generated requests the run reports */
  summary: string;
}

/**
 * A crash inside the tool, not an answer of ours: CPython 3.11's `ast` module is not
 * thread-safe (gh-106905, "AST constructor recursion depth mismatch"), and Hypothesis
 * parses lambdas' source from Schemathesis's two worker threads. A run whose only
 * failures are this crash is run once more; any failure about our answers counts at once.
 */
const TOOL_CRASH = /AST constructor recursion depth mismatch/;

/** Runs Schemathesis against one document and returns every failure it reports, one line each (see TOOL_CRASH). */
async function fuzz(st: string, openapiUrl: string, opts: { authorization: string; readOnly: boolean; name: string }): Promise<FuzzResult> {
  const first = await fuzzOnce(st, openapiUrl, opts);
  if (first.failures.length === 0 || !first.failures.every((f) => TOOL_CRASH.test(f))) return first;
  process.stdout.write(`${opts.name} fuzz: the tool itself crashed (${first.failures.length}× CPython gh-106905); running it again\n`);
  return fuzzOnce(st, openapiUrl, opts);
}

async function fuzzOnce(st: string, openapiUrl: string, opts: { authorization: string; readOnly: boolean; name: string }): Promise<FuzzResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `minqing-fuzz-${opts.name}-`));
  const junit = path.join(dir, 'junit.xml');
  const har = path.join(dir, 'requests.har');
  const args = [
    'run', openapiUrl,
    '--header', `Authorization: ${opts.authorization}`,
    '--checks', CHECKS.join(','),
    '--phases', 'coverage,fuzzing',
    '--max-examples', String(EXAMPLES),
    '--seed', String(SEED),
    '--workers', '2',
    '--request-timeout', '30',
    '--suppress-health-check', 'all',
    '--generation-database', 'none',
    '--no-shrink',
    '--warnings', 'off',
    '--no-color',
    '--report', 'junit,har',
    '--report-junit-path', junit,
    '--report-har-path', har,
    ...NEVER_FUZZED.flatMap((id) => ['--exclude-operation-id', id]),
    ...(opts.readOnly ? ['--include-method', 'GET'] : []),
  ];
  const { stdout, code } = await new Promise<{ stdout: string; code: number }>((resolve) => {
    execFile(st, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 540_000, env: { ...process.env, NO_COLOR: '1' } }, (err, out, errOut) => {
      resolve({ stdout: `${out}\n${errOut}`, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
    });
  });
  fs.writeFileSync(path.join(dir, 'stdout.txt'), stdout);
  if (!fs.existsSync(junit)) throw new Error(`schemathesis wrote no report (exit ${code}):\n${stdout.slice(-4000)}`);
  const xml = fs.readFileSync(junit, 'utf8');
  const failures: string[] = [];
  for (const m of xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)) {
    for (const f of m[2]!.matchAll(/<(failure|error)\b[^>]*?(?:message="([^"]*)")?[^>]*>([\s\S]*?)<\/\1>|<(failure|error)\b[^>]*?message="([^"]*)"[^>]*\/>/g)) {
      const text = (f[3] || f[2] || f[5] || '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&#10;/g, '\n');
      failures.push(`${decodeEntities(m[1]!)}: ${text.trim().split('\n').slice(0, 12).join('\n    ')}`);
    }
  }
  const statuses: Record<string, number> = {};
  for (const entry of (JSON.parse(fs.readFileSync(har, 'utf8')) as { log: { entries: { response: { status: number } }[] } }).log.entries) {
    statuses[entry.response.status] = (statuses[entry.response.status] ?? 0) + 1;
  }
  const summary = stdout.split('\n').filter((l) => /selected|generated/i.test(l)).join('\n');
  if (code !== 0 && failures.length === 0) failures.push(`schemathesis exited ${code} without a reported failure:\n${stdout.slice(-3000)}`);
  // The record of every request is kept only when there is something to look into.
  if (failures.length === 0) fs.rmSync(dir, { recursive: true, force: true });
  return { failures, statuses, summary: `${summary}\n     answers by status: ${JSON.stringify(statuses)}${failures.length ? `\n     (requests and answers: ${dir})` : ''}` };
}

const decodeEntities = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** Every string a request may carry has a pattern, a format or an enum, and every number a maximum. */
function looseInputs(doc: any): string[] {
  const schemas = doc.components?.schemas ?? {};
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (s: any, at: string) => {
    if (!s || typeof s !== 'object' || seen.has(s)) return;
    seen.add(s);
    if (s.$ref) {
      walk(schemas[String(s.$ref).replace('#/components/schemas/', '')], at);
      return;
    }
    if (s.type === 'string' && !s.pattern && !s.format && !s.enum && s.const === undefined) out.push(`${at}: a string without pattern or format`);
    if ((s.type === 'integer' || s.type === 'number') && s.maximum === undefined) out.push(`${at}: a number without maximum`);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, `${at}/${k}`);
    for (const key of ['items', 'additionalProperties']) if (typeof s[key] === 'object') walk(s[key], `${at}/*`);
    for (const key of ['anyOf', 'oneOf', 'allOf']) for (const v of s[key] ?? []) walk(v, at);
  };
  for (const [p, methods] of Object.entries<any>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(methods)) {
      for (const param of op.parameters ?? []) walk(param.schema, `${method.toUpperCase()} ${p} ${param.in}:${param.name}`);
      for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) {
        // A CSV upload is one string by nature; the safety net in shared/src/http/problem.ts checks it.
        if (type !== 'text/csv') walk(media.schema, `${method.toUpperCase()} ${p} body`);
      }
    }
  }
  return out;
}

/**
 * The run reached the handlers, not only the front door: the credential was
 * accepted (hardly any 401s — the odd one is a generated request that drops
 * the header) and a good share of the requests were answered with success.
 */
function expectSignedInAndAnswered(statuses: Record<string, number>) {
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const ok = Object.entries(statuses).filter(([code]) => code.startsWith('2')).reduce((a, [, n]) => a + n, 0);
  expect(total).toBeGreaterThan(500);
  expect(statuses['401'] ?? 0, JSON.stringify(statuses)).toBeLessThan(total * 0.05);
  // The fuzz reaches the handlers, not only the edge's validation: a share of the requests succeed, and
  // more get past validation to an answer about the thing asked (403 not yours, 404, 409, 422). The
  // administrator it signs in as may not make the operations meant for hall staff and cadres (duplicate
  // check, candidates, moves), so 2xx alone is a smaller share as those operations grow.
  expect(ok, JSON.stringify(statuses)).toBeGreaterThan(total * 0.05);
  const pastValidation = Object.entries(statuses).filter(([code]) => !['400', '401', '415'].includes(code)).reduce((a, [, n]) => a + n, 0);
  expect(pastValidation, JSON.stringify(statuses)).toBeGreaterThan(total * 0.2);
}

describe('fuzz of both OpenAPI documents (Schemathesis)', () => {
  let st: string;
  let target: Target;
  beforeAll(async () => {
    st = await ensureSchemathesis();
    target = env().ownStack ? await ownTarget() : givenTarget();
  }, 300_000);
  afterAll(async () => target?.stop());

  it('every request string refuses NUL (a pattern, a format or an enum) and every number is bounded, in both documents', async () => {
    const docs = await Promise.all([target.apiUrl, target.reportingUrl].map(async (u) => (await fetch(`${u}/openapi.json`)).json()));
    expect(docs.flatMap(looseInputs)).toEqual([]);
  });

  it('the case API: no 5xx, no undocumented status, no answer outside its schema', async () => {
    const result = await fuzz(st, `${target.apiUrl}/openapi.json`, { authorization: `Bearer ${target.adminToken}`, readOnly: target.readOnly, name: 'case-api' });
    process.stdout.write(`case API fuzz:\n${result.summary}\n`);
    expect(result.failures).toEqual([]);
    expectSignedInAndAnswered(result.statuses);
  }, 600_000);

  it('the reporting API: no 5xx, no undocumented status, no answer outside its schema', async () => {
    // Tokens live at most five minutes (shared/src/service-token.ts); the run is shorter.
    const signer = new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(target.secrets), issuer: CASE_API_ISSUER, ttlSeconds: 290 });
    const token = await signer.sign(REPORTING_AUDIENCE, REPORTING_ADMIN);
    const result = await fuzz(st, `${target.reportingUrl}/openapi.json`, { authorization: `Bearer ${token}`, readOnly: target.readOnly, name: 'reporting' });
    process.stdout.write(`reporting API fuzz:\n${result.summary}\n`);
    expect(result.failures).toEqual([]);
    expectSignedInAndAnswered(result.statuses);
  }, 600_000);
});
