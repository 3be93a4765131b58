import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { fastifyOptions } from './app';
import { NotFoundError, registerProblemHandlers } from './problem';

async function app() {
  const a = Fastify({ ...fastifyOptions({ service: 'test', logLevel: 'silent' }) });
  registerProblemHandlers(a);
  a.post('/things', { schema: { body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 2 } } } } }, async () => ({ ok: true }));
  a.get('/missing', async () => {
    throw new NotFoundError('thing', '42');
  });
  a.get('/boom', async () => {
    throw new Error('secret connection string postgres://user:pw@db');
  });
  await a.ready();
  return a;
}

describe('problem documents (RFC 9457)', () => {
  it('validation errors name each field, with a code and its params for a client to word', async () => {
    const res = await (await app()).inject({ method: 'POST', url: '/things', payload: { name: 'x', extra: true } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().errors).toEqual([
      { field: 'body/extra', message: 'is not an allowed property', code: 'unknown_property', params: {} },
      { field: 'body/name', message: 'must NOT have fewer than 2 characters', code: 'too_short', params: { min: 2 } },
    ]);
    const missing = await (await app()).inject({ method: 'POST', url: '/things', payload: {} });
    expect(missing.json().errors).toEqual([{ field: 'body/name', message: "must have required property 'name'", code: 'required', params: {} }]);
  });

  it('typed domain errors keep their status and type', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/missing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ type: 'urn:minqing:problem:not-found', detail: 'thing 42 does not exist' });
  });

  it('unexpected errors are a 500 that leaks nothing', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/postgres|secret|Error:|\.ts/);
    expect(res.json().type).toBe('urn:minqing:problem:internal-error');
  });

  it('unknown routes are a 404 problem', async () => {
    const res = await (await app()).inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
