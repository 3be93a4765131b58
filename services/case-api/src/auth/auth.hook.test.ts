/**
 * The front door without a stack: a Fastify app with the service's own options
 * and the sign-in hook, requested over real HTTP with the raw request targets a
 * client can send (light-my-request would normalise dot segments first). Every
 * spelling the router matches gets the canonical route's answer; every other
 * spelling is a 404; roles and params checks refuse before the body is parsed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastifyOptions, ForbiddenError, registerProblemHandlers, type Principal } from '@minqing/shared';
import { installAuth, principalOf } from './auth.hook';
import type { AuthService } from './auth.service';

const who = (role: Principal['role']): Principal => ({
  username: role, name: role, role, cadreCode: null, cadreRole: null, departmentCode: null, areaCodes: [], servicePoint: null, channel: null, expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
});
const TOKENS: Record<string, Principal> = { 'head-token': who('department_head'), 'admin-token': who('admin') };
const auth = { principal: async (token: string | undefined) => (token ? TOKENS[token] ?? null : null) } as unknown as AuthService;

let app: FastifyInstance;
let port: number;
let parsedBodies = 0;

beforeAll(async () => {
  app = Fastify(fastifyOptions({ service: 'test', logLevel: 'silent' }));
  registerProblemHandlers(app);
  installAuth(app, auth);
  // Counts every body the app parses: a refused caller's body must never get here.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    parsedBodies++;
    done(null, JSON.parse(String(body || '{}')));
  });
  app.get('/api/v1/sla-policy', async () => ({ policy: 'ok' }));
  app.post('/api/v1/auth/session', { config: { public: true } }, async () => ({ signedIn: true }));
  app.post('/api/v1/directory/import', { config: { roles: ['admin'] } }, async (request) => ({ imported: request.body }));
  app.get('/api/v1/cases/:id', {
    config: {
      authorize: (request) => {
        if ((request.params as { id: string }).id !== 'mine') throw new ForbiddenError('not yours');
      },
    },
  }, async (request) => ({ id: (request.params as { id: string }).id, by: principalOf(request).username }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await app?.close();
});

/** A request with the request target exactly as given (no client-side normalisation). */
function send(method: string, target: string, opts: { token?: string; body?: string } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('authorisation on the matched route, never the raw URL', () => {
  const variants = (base: string) => [
    base,
    base.replace('/api/', '/%61pi/'),
    base.replace('/api/', '/%61%70%69/'),
    base.replace('sla-policy', 'sla%2Dpolicy'),
    `http://evil.example${base}`,
    `//${base.slice(1)}`,
    base.replace('/v1/', '//v1/'),
    base.replace('/v1/', '/v1/./'),
    base.replace('/v1/', '/v1/x/../'),
    base.replace('/v1/', '/v1/%2e/'),
    base.replace('/v1/', '/v1/x/%2e%2e/'),
    base.replace('/api/', '/API/'),
    base.replace('sla-policy', 'SLA-policy'),
    `${base}/`,
    `${base};x=1`,
  ];

  it('without a session: 401 for every spelling the router matches, 404 for the others, never 200', async () => {
    for (const target of variants('/api/v1/sla-policy')) {
      const res = await send('GET', target);
      expect([401, 404], target).toContain(res.status);
    }
    expect((await send('GET', '/%61pi/v1/sla-policy')).status).toBe(401);
    expect((await send('GET', 'http://evil.example/api/v1/sla-policy')).status).toBe(401);
    expect((await send('GET', '/api/v1/sla-policy', { token: 'head-token' })).status).toBe(200);
  });

  it('with a session the matched spellings answer exactly as the canonical path', async () => {
    for (const target of variants('/api/v1/sla-policy')) {
      const res = await send('GET', target, { token: 'head-token' });
      expect([200, 404], target).toContain(res.status);
      if (res.status === 200) expect(JSON.parse(res.body)).toEqual({ policy: 'ok' });
    }
  });

  it('params are decoded before the route decides: an encoded id is the same id', async () => {
    expect((await send('GET', '/api/v1/cases/mine', { token: 'head-token' })).status).toBe(200);
    expect((await send('GET', '/api/v1/cases/%6Dine', { token: 'head-token' })).status).toBe(200);
    expect((await send('GET', '/api/v1/cases/other', { token: 'head-token' })).status).toBe(403);
    expect((await send('GET', '/api/v1/cases/%6Fther', { token: 'head-token' })).status).toBe(403);
    expect((await send('GET', '/api/v1/cases/mine')).status).toBe(401);
  });

  it('public routes need no session; unknown paths are 404 problems, not 401', async () => {
    expect((await send('POST', '/api/v1/auth/session', { body: '{}' })).status).toBe(200);
    expect((await send('POST', '/%61pi/v1/auth/session', { body: '{}' })).status).toBe(200);
    const missing = await send('GET', '/api/v1/no-such-thing');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).type).toBe('urn:minqing:problem:not-found');
  });

  it('a caller who may not use a route is refused before the body is parsed', async () => {
    const before = parsedBodies;
    const big = JSON.stringify({ rows: 'x'.repeat(100_000) });
    expect((await send('POST', '/api/v1/directory/import', { body: big })).status).toBe(401);
    expect((await send('POST', '/api/v1/directory/import', { token: 'head-token', body: big })).status).toBe(403);
    expect((await send('POST', '/api/v1/directory/%69mport', { token: 'head-token', body: big })).status).toBe(403);
    expect(parsedBodies).toBe(before);
    expect((await send('POST', '/api/v1/directory/import', { token: 'admin-token', body: '{"rows":1}' })).status).toBe(200);
    expect(parsedBodies).toBe(before + 1);
  });
});
