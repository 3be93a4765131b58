/**
 * The edge's input rules with a bare app built like the services': the
 * unsafe-text net under the schemas, the text pattern's message, strict
 * timestamps and periods in Ajv, and the responses added to the document.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { Text } from '../domain/text';
import { fastifyOptions, registerOpenApi } from './app';
import { registerProblemHandlers } from './problem';

async function app() {
  const a = Fastify({ ...fastifyOptions({ service: 'test', logLevel: 'silent' }) });
  registerProblemHandlers(a);
  await registerOpenApi(a, { title: 't', version: '1', description: 'd' });
  // No schema at all: only the net stands between this handler and the database.
  a.post('/loose/:code', async () => ({ ok: true }));
  a.get('/typed', {
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { q: Text({ maxLength: 10 }), at: { type: 'string', format: 'date-time' }, period: { type: 'string', format: 'period' } } },
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
    },
  }, async () => ({ ok: true }));
  a.get('/open', { config: { public: true }, schema: {} }, async () => ({ ok: true }));
  await a.ready();
  return a;
}

const fields = (res: { json(): { errors: { field: string }[] } }) => res.json().errors.map((e) => e.field);

describe('unsafe text is a 400 naming the field, with or without a schema', () => {
  it('in a body, a path parameter and a query string', async () => {
    const a = await app();
    const body = await a.inject({ method: 'POST', url: '/loose/ok', payload: { a: { b: ['x', 'y\u0000'] } } });
    expect(body.statusCode).toBe(400);
    expect(fields(body)).toEqual(['body/a/b/1']);
    const param = await a.inject({ method: 'POST', url: '/loose/a%00b', payload: {} });
    expect(fields(param)).toEqual(['params/code']);
    const query = await a.inject({ method: 'GET', url: '/typed?q=%00' });
    expect(query.statusCode).toBe(400);
    expect(fields(query)).toEqual(['querystring/q']);
    const lone = await a.inject({ method: 'POST', url: '/loose/ok', headers: { 'content-type': 'application/json' }, payload: '{"note":"\\udc00"}' });
    expect(fields(lone)).toEqual(['body/note']);
    expect((await a.inject({ method: 'POST', url: '/loose/ok', payload: { note: '𠮷😀 王桂兰' } })).statusCode).toBe(200);
  });
});

describe('strict formats at the edge', () => {
  it.each([
    ['at=2026-11-01T00:00:00%2B20:47', 400],
    ['at=2026-02-30T00:00:00Z', 400],
    ['at=2026-11-01T00:00:00%2B08:00', 200],
    ['period=9999-Q4', 400],
    ['period=2026-02-29', 400],
    ['period=2028-02-29', 200],
    ['period=2026-W53', 200],
  ])('%s → %i', async (query, status) => {
    expect((await (await app()).inject({ method: 'GET', url: `/typed?${query}` })).statusCode).toBe(status);
  });
});

describe('the OpenAPI document lists what the edge answers', () => {
  it('400 everywhere, 401/403 unless public, 413/415 where a body is read, a 200 where none was said', async () => {
    const doc = (await (await app()).inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/typed']!.get!.responses).sort()).toEqual(['200', '400', '401', '403']);
    expect(Object.keys(doc.paths['/open']!.get!.responses).sort()).toEqual(['200', '400']);
    expect(Object.keys(doc.paths['/loose/{code}']!.post!.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415']);
  });
});
