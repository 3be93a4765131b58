/**
 * The reporting app's front door and scope without a stack: the real app with
 * a fake pool (canned rows by SQL), called through `inject` with service
 * tokens. The integration test tests/e2e/reporting-auth.test.ts does the same
 * against the running service.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  CASE_API_ISSUER, FIGURE_NAMES, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenSigner, ServiceTokenVerifier, type Pool, type ScopePrincipal,
} from '@minqing/shared';
import { buildApp } from './app';
import type { RebuildControl } from './routes/frozen.routes';

const SECRET = 'reporting-unit-test-secret-0123456789abcdef';
const FORGED = 'a-secret-reporting-never-heard-of-0123456789';
const UUID = '6f1c9a2e-8d4b-4c1a-9f3e-2b7d5a0c1e4f';

const head: ScopePrincipal = { username: 'head-shehui', role: 'department_head', cadreCode: 'c-head-shehui', departmentCode: 'shehui', areaCodes: [] };
const assessor: ScopePrincipal = { username: 'assess-01', role: 'assessment', cadreCode: null, departmentCode: null, areaCodes: [] };
const admin: ScopePrincipal = { username: 'admin', role: 'admin', cadreCode: null, departmentCode: null, areaCodes: [] };

const zeroCounts = Object.fromEntries(FIGURE_NAMES.map((n) => [n, 0]));
const group = (grp: string) => ({ grp, ...zeroCounts, cases: 1, accept_p50: null, accept_p90: null, resolve_p50: null, resolve_p90: null, esc1: 0, esc2: 0, esc3: 0 });

/** What the fake database was asked to write. */
const writes: { sql: string; params: unknown[] }[] = [];

const pool = {
  async query(sql: string, params: unknown[] = []) {
    if (/^\s*(INSERT|UPDATE|DELETE|TRUNCATE)/i.test(sql)) writes.push({ sql, params });
    if (sql.includes('FROM directory.villages WHERE department_code')) return { rows: [{ code: 'wulan' }], rowCount: 1 };
    if (sql.includes('FROM directory.cadres WHERE department_code')) return { rows: [{ code: 'c-shehui-1' }], rowCount: 1 };
    if (sql.includes('FROM f GROUP BY grp')) return { rows: [group('shehui'), group('sifa'), group('wulan'), group('sanduandi')], rowCount: 4 };
    if (sql.includes('FROM reporting.work_facts')) {
      const row = (cadre: string, dept: string) => ({ cadre_code: cadre, department_code: dept, days: 1, visits: 0, visits_linked: 0, visits_key: 0, households: 0, diary: 0, files: 0, weeks_ok: 0 });
      return { rows: [row('c-shehui-1', 'shehui'), row('c-sifa-1', 'sifa')], rowCount: 2 };
    }
    if (sql.includes('INSERT INTO reporting.frozen_reports')) {
      const [id, groupBy, , , , version, groups, note, signedBy] = params as string[];
      return { rows: [{ id, group_by: groupBy, period_from: null, period_to: null, category: null, definitions_version: version, groups: JSON.parse(groups!), note, signed_by: signedBy, frozen_at: new Date() }], rowCount: 1 };
    }
    return { rows: [], rowCount: 0 };
  },
} as unknown as Pool;

const rebuildsStartedBy: string[] = [];
let rebuildState: ReturnType<RebuildControl['status']> = { state: 'idle', phase: null, startedAt: null, finishedAt: null, error: null, startedBy: null, progress: null };
const rebuild: RebuildControl = {
  status: () => rebuildState,
  start: async (by) => {
    rebuildsStartedBy.push(by);
  },
};

let app: FastifyInstance;
const sign = (p: ScopePrincipal, secret = SECRET, audience = REPORTING_AUDIENCE) =>
  new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(secret), issuer: CASE_API_ISSUER }).sign(audience, p);
const call = async (method: 'GET' | 'POST', url: string, as: ScopePrincipal | string | null, payload?: unknown) => {
  const token = as === null ? undefined : typeof as === 'string' ? as : await sign(as);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return payload === undefined ? app.inject({ method, url, headers }) : app.inject({ method, url, headers, payload: payload as object });
};

beforeAll(async () => {
  const verifier = new ServiceTokenVerifier({ secrets: parseServiceTokenSecrets(SECRET), audience: REPORTING_AUDIENCE, issuers: [CASE_API_ISSUER] });
  app = await buildApp({ pool, verifier, logLevel: 'silent', rebuild, eventContract: { baseUrl: 'https://minqing.example/gov', topic: 'case-events', dlqTopic: 'case-events.dlq' } });
  await app.ready();
});
afterAll(async () => app.close());

/** Every operation of the app's own OpenAPI document, with example path params. */
async function operations(): Promise<{ method: 'GET' | 'POST'; url: string; operationId: string }[]> {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { operationId: string }>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase() as 'GET' | 'POST', url: path.replace('{id}', UUID), operationId: op.operationId })),
  );
}

describe('reporting front door', () => {
  it('keeps health and the OpenAPI document open', async () => {
    expect((await call('GET', '/healthz', null)).statusCode).toBe(200);
    expect((await call('GET', '/readyz', null)).statusCode).toBe(200);
    const doc = await call('GET', '/openapi.json', null);
    expect(doc.statusCode).toBe(200);
    // …and the document says every operation needs the service token.
    expect(doc.json().components.securitySchemes.serviceToken).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.json().security).toEqual([{ serviceToken: [] }]);
  });

  it('serves the event contract without a token: the schemas events name in ce_dataschema, their list and the AsyncAPI document', async () => {
    const list = await call('GET', '/api/v1/events/schemas', null);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toContainEqual({ type: 'org.minqing.case.opened.v1', schema: 'https://minqing.example/gov/api/v1/events/schemas/org.minqing.case.opened.v1' });
    const schema = await call('GET', '/api/v1/events/schemas/org.minqing.case.opened.v1', null);
    expect(schema.statusCode).toBe(200);
    expect(schema.headers['content-type']).toContain('application/schema+json');
    expect(schema.json()).toMatchObject({ $id: 'https://minqing.example/gov/api/v1/events/schemas/org.minqing.case.opened.v1', type: 'object', additionalProperties: false });
    const unknown = await call('GET', '/api/v1/events/schemas/org.minqing.case.exploded.v1', null);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().type).toBe('urn:minqing:problem:not-found');
    const asyncapi = await call('GET', '/asyncapi.json', null);
    expect(asyncapi.statusCode).toBe(200);
    expect(asyncapi.json()).toMatchObject({ asyncapi: '3.0.0', channels: { caseEvents: { address: 'case-events' }, deadLetters: { address: 'case-events.dlq' } } });
    // Not an operation of the OpenAPI document (it would have to answer 401 there).
    expect((await operations()).map((o) => o.url).filter((u) => u.includes('events'))).toEqual([]);
  });

  it('answers 401 (problem+json) to every operation without a token, or with a forged, expired or misaddressed one', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThanOrEqual(15);
    const expired = await new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(SECRET), issuer: CASE_API_ISSUER, now: () => new Date(Date.now() - 10 * 60_000) }).sign(REPORTING_AUDIENCE, admin);
    const credentials = { none: null, forged: await sign(admin, FORGED), expired, otherAudience: await sign(admin, SECRET, 'minqing-case-worker'), garbage: 'x.y.z' };
    for (const { method, url, operationId } of ops) {
      for (const [what, token] of Object.entries(credentials)) {
        const res = await call(method, url, token, method === 'POST' ? {} : undefined);
        expect(res.statusCode, `${operationId} with ${what} credentials`).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().type).toBe('urn:minqing:problem:unauthenticated');
      }
    }
  });

  it('answers 401 to an unknown path without a token (no route list for strangers), 404 with one', async () => {
    expect((await call('GET', '/api/v1/reports/nothing-here', null)).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/reports/nothing-here', admin)).statusCode).toBe(404);
  });
});

describe('reporting scope', () => {
  it('gives a department head only their department\'s groups and drill-downs', async () => {
    const byDept = await call('GET', '/api/v1/reports/figures?groupBy=department', head);
    expect(byDept.statusCode).toBe(200);
    expect(byDept.json().groups.map((g: { key: string }) => g.key)).toEqual(['shehui']);
    const byVillage = await call('GET', '/api/v1/reports/figures?groupBy=village', head);
    expect(byVillage.json().groups.map((g: { key: string }) => g.key)).toEqual(['wulan']);
    expect((await call('GET', '/api/v1/reports/figures?groupBy=township', head)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/reports/figures/cases?groupBy=department&key=sifa&figure=cases', head)).statusCode).toBe(403);
    expect((await call('GET', '/api/v1/reports/figures/cases?groupBy=department&key=shehui&figure=cases', head)).statusCode).toBe(200);
    const all = await call('GET', '/api/v1/reports/figures?groupBy=department', assessor);
    expect(all.json().groups.map((g: { key: string }) => g.key)).toEqual(['shehui', 'sifa', 'wulan', 'sanduandi']);
  });

  it('gives a department head their own cadres\' duty rows only', async () => {
    const res = await call('GET', '/api/v1/reports/duty?period=2026-11', head);
    expect(res.json().items.map((i: { cadreCode: string }) => i.cadreCode)).toEqual(['c-shehui-1']);
  });

  it.each([
    ['GET', '/api/v1/reports/figures/export?groupBy=department&format=csv'],
    ['GET', '/api/v1/reports/composite?period=2026-Q4'],
    ['GET', '/api/v1/reports/frozen'],
    ['GET', `/api/v1/reports/frozen/${UUID}`],
    ['GET', `/api/v1/reports/frozen/${UUID}/export?format=csv`],
    ['POST', '/api/v1/reports/frozen'],
    ['POST', '/api/v1/reports/appraisals'],
    ['POST', '/api/v1/reports/rebuild'],
  ] as const)('refuses a department head %s %s (403)', async (method, url) => {
    expect((await call(method, url, head, method === 'POST' ? {} : undefined)).statusCode).toBe(403);
  });
});

describe('reporting actors come from the token', () => {
  it('signs a frozen report as the principal and refuses a signedBy in the body', async () => {
    const forged = await call('POST', '/api/v1/reports/frozen', assessor, { groupBy: 'department', note: '11月考评', signedBy: 'someone-else' });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().errors).toContainEqual(expect.objectContaining({ field: 'body/signedBy', code: 'unknown_property', message: 'is not an allowed property' }));
    const res = await call('POST', '/api/v1/reports/frozen', assessor, { groupBy: 'department', note: '11月考评' });
    expect(res.statusCode).toBe(201);
    expect(res.json().signedBy).toBe('assess-01');
  });

  it('records an appraisal as entered by the principal', async () => {
    const body = { period: '2026-Q4', subjectType: 'cadre', subjectCode: 'c-shehui-1', appraiserGroup: 'leaders', score: 88 };
    expect((await call('POST', '/api/v1/reports/appraisals', assessor, { ...body, enteredBy: 'someone-else' })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/reports/appraisals', assessor, body)).statusCode).toBe(204);
    const insert = writes.find((w) => w.sql.includes('INSERT INTO reporting.appraisals'));
    expect(insert?.params.at(-1)).toBe('assess-01');
  });

  it('starts a rebuild for an administrator only, naming them', async () => {
    expect((await call('POST', '/api/v1/reports/rebuild', assessor)).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/reports/rebuild', admin)).statusCode).toBe(202);
    expect(rebuildsStartedBy).toEqual(['admin']);
  });
});

describe('while the figures are being rebuilt', () => {
  it('refuses a sign-off with a translatable 409 problem, and a second rebuild', async () => {
    const startedAt = new Date().toISOString();
    rebuildState = { state: 'rebuilding', phase: 'catching_up', startedAt, finishedAt: null, error: null, startedBy: 'admin', progress: { applied: 10, target: 40 } };
    try {
      const frozen = await call('POST', '/api/v1/reports/frozen', assessor, { groupBy: 'department', note: '11月考评' });
      expect(frozen.statusCode).toBe(409);
      expect(frozen.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(frozen.json()).toMatchObject({
        type: 'urn:minqing:problem:rebuild-running', status: 409, code: 'rebuild_running', params: { startedAt, phase: 'catching_up', applied: 10, target: 40 },
      });
      expect((await call('POST', '/api/v1/reports/rebuild', admin)).json()).toMatchObject({ status: 409, code: 'rebuild_running' });
      expect((await call('GET', '/api/v1/reports/rebuild', assessor)).json()).toEqual(rebuildState);
    } finally {
      rebuildState = { state: 'idle', phase: null, startedAt: null, finishedAt: null, error: null, startedBy: null, progress: null };
    }
    expect((await call('POST', '/api/v1/reports/frozen', assessor, { groupBy: 'department', note: '11月考评' })).statusCode).toBe(201);
  });
});
