import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { fastifyOptions } from './http/app';
import { loggableUrl, loggerOptions } from './logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino(loggerOptions('test', 'info'), stream), text: () => lines.join('') };
}

describe('loggableUrl', () => {
  it('keeps paths and code-like filters, masks every other value', () => {
    expect(loggableUrl('/api/v1/cases')).toBe('/api/v1/cases');
    expect(loggableUrl('/api/v1/cases?status=submitted&limit=20&q=%E7%8E%8B%E6%A1%82%E5%85%B0')).toBe('/api/v1/cases?status=submitted&limit=20&q=[redacted]');
    expect(loggableUrl('/x?phone=13912345678&idTail=1234')).toBe('/x?phone=[redacted]&idTail=[redacted]');
    // a parameter name that is not a plain identifier may itself be personal data
    expect(loggableUrl('/x?%E7%8E%8B%E6%A1%82%E5%85%B0=1&13912345678')).toBe('/x?[redacted]=[redacted]&[redacted]');
  });
});

describe('log redaction', () => {
  it('censors residents, personal fields, bodies and credentials at any depth used', () => {
    const { logger, text } = capture();
    logger.info({
      resident: { name: '哨兵名', phone: '13900001111' },
      input: { request: { resident: { name: '哨兵名' } }, headName: '哨兵名', idTail: '9911' },
      req: { headers: { authorization: 'Bearer secret-token', cookie: 'minqing_session=secret-cookie' }, body: { q: '哨兵名' } },
      err: { message: 'duplicate key', detail: 'Key (phone)=(13900001111) already exists.' },
    }, 'hello');
    const out = text();
    for (const secret of ['哨兵名', '13900001111', '9911', 'secret-token', 'secret-cookie']) expect(out).not.toContain(secret);
    expect(out).toContain('hello');
    expect(out).toContain('duplicate key');
  });

  it("Fastify's request log line masks the query string and carries no headers", async () => {
    const { logger, text } = capture();
    const app = Fastify(fastifyOptions({ service: 'test', logLevel: 'info', logger }));
    app.get('/households', async () => ({ ok: true }));
    await app.inject({
      method: 'GET',
      url: '/households?q=%E5%93%A8%E5%85%B5%E5%90%8D&limit=8',
      headers: { authorization: 'Bearer secret-token', cookie: 'minqing_session=secret-cookie' },
    });
    await app.close();
    const out = text();
    expect(out).toContain('"url":"/households?q=[redacted]&limit=8"');
    for (const secret of ['%E5%93%A8', '哨兵名', 'secret-token', 'secret-cookie']) expect(out).not.toContain(secret);
  });
});
