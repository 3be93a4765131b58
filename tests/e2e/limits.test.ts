/**
 * The limiters hold across API processes and restarts: a second case-API
 * process is started next to the test stack's (the way infra/src/services.ts
 * starts one, on another port, same database), and the sign-in lock-out, the
 * sign-in rate limit and the tracking page's budget are one budget for both.
 * Clients are told apart by their source address (127.0.0.2, 127.0.0.3, … are
 * loopback too), so "another client" is really another client to the API.
 */
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launch, repoRoot, SERVICE_ENTRIES, waitHealthy, type Managed } from '@minqing/infra';
import { caseBody, env, eventually, http as call } from '../support/helpers';

const e = env();
const run = `lm${Date.now().toString(36)}`;
let second: Managed | null = null;
let secondUrl = '';

async function startSecondApi(): Promise<void> {
  const port = await freePort();
  secondUrl = `http://127.0.0.1:${port}`;
  second = launch({
    name: 'case-api-2',
    command: process.execPath,
    argv: ['--import', 'tsx', path.join(repoRoot, SERVICE_ENTRIES['case-api'])],
    cwd: repoRoot,
    env: { ...process.env, ...e.serviceEnv, API_PORT: String(port) },
    logFile: path.join(e.logDir, 'case-api-2.log'),
    pidFile: path.join(e.logDir, 'case-api-2.pid'),
  });
  await waitHealthy(second, async () => {
    const r = await fetch(`${secondUrl}/readyz`);
    if (r.status !== 200) throw new Error(String(r.status));
  }, { timeoutMs: 120_000, what: 'the second case API' });
}

/** A POST from a given source address (another client, as far as the API can tell). */
function postFrom(from: string, baseUrl: string, p: string, body: unknown): Promise<{ status: number; json: any; headers: http.IncomingHttpHeaders }> {
  const url = new URL(`/api/v1${p}`, baseUrl);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: from, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

describe.runIf(e.ownStack)('limiters shared by two API processes', () => {
  const apis = () => [e.apiUrl, secondUrl];
  beforeAll(async () => {
    await startSecondApi();
  });
  afterAll(async () => {
    await second?.stop(20_000);
  });

  it('one sign-in lock-out: five wrong passwords on each process lock the name on both, and a restart does not clear it', async () => {
    const user = `shared-lock-${run}`;
    expect((await call('PUT', `${e.apiUrl}/api/v1/accounts/${user}`, { role: 'assessment', name: '测试', password: 'right-pass-1', mustChangePassword: false })).status).toBe(201);
    for (let i = 0; i < 10; i++) {
      const r = await postFrom('127.0.0.1', apis()[i % 2]!, '/auth/session', { username: user, password: `wrong-${i}` });
      expect(r.status, `try ${i} on API ${(i % 2) + 1}`).toBe(401);
    }
    for (const base of apis()) {
      const r = await postFrom('127.0.0.1', base, '/auth/session', { username: user, password: 'right-pass-1' });
      expect(r.status, base).toBe(429);
      expect(r.json.type).toBe('urn:minqing:problem:account-locked');
    }
    // The second process restarts: the lock is in the database, not in its memory.
    await second!.stop(20_000);
    await startSecondApi();
    expect((await postFrom('127.0.0.1', secondUrl, '/auth/session', { username: user, password: 'right-pass-1' })).json.type).toBe('urn:minqing:problem:account-locked');
    // An administrator's unlock on one process opens the other.
    expect((await call('POST', `${secondUrl}/api/v1/accounts/${user}/unlock`, {}, { authorization: `Bearer ${e.adminToken}` })).status).toBe(200);
    expect((await postFrom('127.0.0.1', e.apiUrl, '/auth/session', { username: user, password: 'right-pass-1' })).status).toBe(200);
  });

  it('one sign-in rate limit per client and name: twenty tries a minute across both processes, then 429 on either', async () => {
    const name = `hammer-${run}`;
    const types: string[] = [];
    for (let i = 0; i < 20; i++) types.push((await postFrom('127.0.0.4', apis()[i % 2]!, '/auth/session', { username: name, password: `wrong-${i}` })).json.type);
    // (After ten failures the name is locked: those tries are refused as locked, and still count.)
    expect(types.slice(0, 10).every((x) => x === 'urn:minqing:problem:sign-in-failed')).toBe(true);
    expect(types.slice(10).every((x) => x === 'urn:minqing:problem:account-locked')).toBe(true);
    for (const base of apis()) {
      const r = await postFrom('127.0.0.4', base, '/auth/session', { username: name, password: 'wrong' });
      expect(r.status).toBe(429);
      expect(r.json.type, base).toBe('urn:minqing:problem:too-many-requests');
    }
  });

  it('one tracking-code budget: wrong digits on both processes hold that client back for that code, never the resident on another device', async () => {
    const phone = `138${String(Date.now()).slice(-8)}`;
    const opened = await call('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ resident: { name: '测试', phone }, title: `限流 ${run}` }));
    expect(opened.status, opened.text).toBe(201);
    const code = opened.json.trackingCode as string;
    const right = phone.slice(-4);
    const wrong = right === '0000' ? '1111' : '0000';
    await eventually(async () => (await postFrom('127.0.0.9', e.apiUrl, '/public/track', { trackingCode: code, phoneTail: right })).status === 200, 'the case on the tracking page');

    const answers: number[] = [];
    for (let i = 0; i < 5; i++) answers.push((await postFrom('127.0.0.2', apis()[i % 2]!, '/public/track', { trackingCode: code, phoneTail: wrong })).status);
    expect(answers).toEqual([404, 404, 404, 404, 404]);
    for (const base of apis()) {
      const held = await postFrom('127.0.0.2', base, '/public/track', { trackingCode: code, phoneTail: right });
      expect(held.status, base).toBe(429);
      expect(Number(held.headers['retry-after'])).toBeGreaterThan(60);
    }
    // The resident, on their own phone, with the right digits: in, on either process.
    for (const base of apis()) expect((await postFrom('127.0.0.3', base, '/public/track', { trackingCode: code, phoneTail: right })).status, base).toBe(200);
  });

  it('an unknown code gets the same answers as wrong digits, and is held back the same way', async () => {
    const phone = `139${String(Date.now()).slice(-8)}`;
    const opened = await call('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ resident: { name: '测试', phone }, title: `限流二 ${run}` }));
    const real = opened.json.trackingCode as string;
    const wrong = phone.slice(-4) === '0000' ? '1111' : '0000';
    const unknown = 'MQ-ZZZZ-ZZZZ' === real ? 'MQ-YYYY-YYYY' : 'MQ-ZZZZ-ZZZZ';
    const seen = async (from: string, trackingCode: string) => {
      const out: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await postFrom(from, apis()[i % 2]!, '/public/track', { trackingCode, phoneTail: wrong });
        out.push(`${r.status} ${r.json.type} ${r.json.detail}`);
      }
      return out;
    };
    const forReal = await seen('127.0.0.5', real);
    expect(forReal.filter((a) => a.startsWith('404'))).toHaveLength(5);
    expect(forReal[5]).toMatch(/^429 /);
    expect(await seen('127.0.0.6', unknown)).toEqual(forReal);
  });
});
