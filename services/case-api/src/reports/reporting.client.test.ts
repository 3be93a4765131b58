/**
 * The case API's reporting client against a stand-in reporting server (plain
 * node:http): each call carries a fresh service token naming the signed-in
 * person for reporting's audience; reporting's refusals come back as the same
 * problem; an unreachable reporting, a failing one, or one that refuses our
 * credential is a 503.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CASE_API_ISSUER, DomainError, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenSigner, ServiceTokenVerifier, type Principal,
} from '@minqing/shared';
import { ReportingClient } from './reporting.client';

const SECRET = parseServiceTokenSecrets('case-api-client-unit-test-secret-0123456789');
const head: Principal = {
  username: 'head-shehui', name: '张建国', role: 'department_head', cadreCode: 'c-head', cadreRole: 'department_head', departmentCode: 'shehui',
  areaCodes: [], servicePoint: null, channel: null, expiresAt: '2026-11-20T18:00:00Z',
};

/** What the stand-in answers next, and what it saw. */
let answer: { status: number; body: unknown; type?: string } = { status: 200, body: {} };
const seen: { method: string; url: string; authorization: string | undefined; body: string }[] = [];
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (url = baseUrl) => new ReportingClient({ baseUrl: url, signer: new ServiceTokenSigner({ secrets: SECRET, issuer: CASE_API_ISSUER }), timeoutMs: 2_000 });

async function failure(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('the call succeeded');
}

describe('ReportingClient', () => {
  it('sends a fresh service token that names the signed-in person, for reporting', async () => {
    answer = { status: 200, body: { groups: [] } };
    await client().figures(head, { groupBy: 'department', from: '2026-11-01T00:00:00Z' });
    const last = seen.at(-1)!;
    expect(last.url).toBe('/api/v1/reports/figures?groupBy=department&from=2026-11-01T00%3A00%3A00Z');
    const verifier = new ServiceTokenVerifier({ secrets: SECRET, audience: REPORTING_AUDIENCE, issuers: [CASE_API_ISSUER] });
    const call = await verifier.verify(last.authorization?.replace(/^Bearer /, ''));
    expect(call).toMatchObject({ issuer: CASE_API_ISSUER, principal: { username: 'head-shehui', role: 'department_head', cadreCode: 'c-head', departmentCode: 'shehui', areaCodes: [] } });
    await client().figures(head, { groupBy: 'department' });
    expect(seen.at(-1)!.authorization).not.toBe(last.authorization); // one token per call
  });

  it('posts bodies as JSON and passes the created report back', async () => {
    answer = { status: 201, body: { id: 'f1', signedBy: 'assess-01' } };
    expect(await client().freeze(head, { groupBy: 'department', note: 'n' })).toEqual({ id: 'f1', signedBy: 'assess-01' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/v1/reports/frozen', body: '{"groupBy":"department","note":"n"}' });
  });

  it('passes reporting\'s refusals on as the same problem', async () => {
    answer = { status: 403, type: 'application/problem+json', body: { type: 'urn:minqing:problem:forbidden', title: 'Forbidden', status: 403, detail: 'group sifa is outside your role and links' } };
    const err = await failure(client().figureCases(head, { groupBy: 'department', key: 'sifa', figure: 'cases', limit: 10, offset: 0 }));
    expect([err.status, err.problemType, err.message]).toEqual([403, 'urn:minqing:problem:forbidden', 'group sifa is outside your role and links']);
  });

  it('passes a refused sign-off on with its code and params, for the console to word', async () => {
    const params = { startedAt: '2026-12-02T08:00:00.000Z', phase: 'catching_up', applied: 10, target: 40 };
    answer = { status: 409, type: 'application/problem+json', body: { type: 'urn:minqing:problem:rebuild-running', title: 'The figures are being rebuilt', status: 409, detail: 'wait', code: 'rebuild_running', params } };
    const err = await failure(client().freeze(head, { groupBy: 'department', note: 'n' }));
    expect([err.status, err.problemType, err.extensions]).toEqual([409, 'urn:minqing:problem:rebuild-running', { code: 'rebuild_running', params }]);
  });

  it.each([
    ['refuses our credential (secrets differ)', { status: 401, type: 'application/problem+json', body: { type: 'urn:minqing:problem:unauthenticated', title: 'Service token required', status: 401 } }],
    ['fails', { status: 500, type: 'application/problem+json', body: { type: 'urn:minqing:problem:internal-error', title: 'Internal error', status: 500 } }],
    ['answers something that is not a problem', { status: 502, type: 'text/html', body: '<html>bad gateway</html>' }],
  ])('is a 503 when reporting %s', async (_what, given) => {
    answer = given;
    const err = await failure(client().summary(head, {}));
    expect([err.status, err.problemType]).toEqual([503, 'urn:minqing:problem:dependency-unavailable']);
  });

  it('is a 503 when reporting cannot be reached', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failure(client(url).summary(head, {}));
    expect(err.status).toBe(503);
  });

  it('is a 503 without a signing secret, and calls nothing', async () => {
    const before = seen.length;
    const err = await failure(new ReportingClient({ baseUrl, signer: null }).summary(head, {}));
    expect(err.status).toBe(503);
    expect(seen.length).toBe(before);
  });

  it('downloads exports as they came, with their file name', async () => {
    answer = { status: 200, type: 'text/csv; charset=utf-8', body: '# meta\nkey,cases\n' };
    const file = await client().exportFigures(head, { groupBy: 'department', format: 'csv' });
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.body.toString()).toBe('# meta\nkey,cases\n');
  });
});
