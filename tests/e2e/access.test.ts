/**
 * Sign-in, roles and visibility through the real stack: sessions in cookies
 * and bearer tokens, Argon2id hashes, expiry and sign-out; a cadre cannot read
 * or move another department's case; the residents' page answers only to the
 * right tracking code and phone digits; the managers' queue is live; the
 * figures come through the case API scoped to the manager.
 */
import http2 from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`ac${Date.now().toString(36)}`);
let db: pg.Client;
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
});
afterAll(async () => {
  await db?.end();
});

async function openAssigned(overrides: Record<string, unknown> = {}) {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, ...overrides }), as(t.hall));
  expect(res.status).toBe(201);
  await eventually(async () => (await http('GET', api(`/cases/${res.json.id}`))).json?.status === 'assigned', `case ${res.json.id} to be routed`);
  return res.json as { id: string; trackingCode: string; expectedReplyBy: string };
}

describe('sign-in and sessions', () => {
  it('a wrong password is a 401 problem; the right one sets an HttpOnly SameSite cookie that works until sign-out', async () => {
    await tokenFor(t.cadre1); // creates the account
    const wrong = await http('POST', api('/auth/session'), { username: t.cadre1, password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(wrong.json.type).toBe('urn:minqing:problem:sign-in-failed');
    const unknown = await http('POST', api('/auth/session'), { username: `ghost-${t.run}`, password: 'whatever-it-is' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.detail).toBe(wrong.json.detail); // the answer does not tell who exists

    const ok = await http('POST', api('/auth/session'), { username: t.cadre1, password: 'test-staff-password' });
    expect(ok.status).toBe(200);
    expect(ok.json.me).toMatchObject({ username: t.cadre1, role: 'cadre', cadreCode: t.cadre1, departmentCode: t.dept });
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^minqing_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;

    expect((await http('GET', api('/auth/session'), undefined, { cookie, authorization: '' })).json.username).toBe(t.cadre1);
    expect((await http('DELETE', api('/auth/session'), undefined, { cookie, authorization: '' })).status).toBe(204);
    const after = await http('GET', api('/auth/session'), undefined, { cookie, authorization: '' });
    expect(after.status).toBe(401);
    expect(after.json.type).toBe('urn:minqing:problem:unauthenticated');
  });

  it('passwords are stored as Argon2id hashes, sessions as token hashes, and an expired session is refused', async () => {
    await tokenFor(t.cadre2); // creates the account
    const token = (await http('POST', api('/auth/session'), { username: t.cadre2, password: 'test-staff-password' })).json.token as string;
    const { rows } = await db.query('SELECT password_hash FROM directory.accounts WHERE username = $1', [t.cadre2]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain('test-staff-password');
    const stored = await db.query("SELECT count(*)::int AS n FROM directory.sign_in_sessions WHERE token_hash = sha256(convert_to($1, 'UTF8'))", [token]);
    expect(stored.rows[0].n).toBe(1);
    expect((await http('GET', api('/auth/session'), undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    await db.query("UPDATE directory.sign_in_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = sha256(convert_to($1, 'UTF8'))", [token]);
    expect((await http('GET', api('/auth/session'), undefined, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it('changing your password ends your other sessions, not the one you changed it in', async () => {
    // An account of its own (the assessment group's), so no other test's session ends.
    const username = `assess-${t.run}`;
    const password = 'test-assessor-password';
    expect((await http('PUT', api(`/accounts/${username}`), { role: 'assessment', name: '考核组', password })).status).toBe(201);
    const signIn = async (pw: string) => (await http('POST', api('/auth/session'), { username, password: pw })).json?.token as string | undefined;
    const here = (await signIn(password))!;
    const elsewhere = (await signIn(password))!;
    const changed = await http('PUT', api('/auth/password'), { currentPassword: password, newPassword: 'a-new-password-1' }, { authorization: `Bearer ${here}` });
    expect(changed.status).toBe(204);
    expect((await http('GET', api('/auth/session'), undefined, { authorization: `Bearer ${here}` })).status).toBe(200);
    expect((await http('GET', api('/auth/session'), undefined, { authorization: `Bearer ${elsewhere}` })).status).toBe(401);
    expect(await signIn(password)).toBeUndefined();
    const again = (await signIn('a-new-password-1'))!;
    // An administrator's reset signs the account out everywhere.
    expect((await http('PUT', api(`/accounts/${username}`), { password })).status).toBe(200);
    expect((await http('GET', api('/auth/session'), undefined, { authorization: `Bearer ${again}` })).status).toBe(401);
  });

  it('every staff endpoint needs a session; a cookie session refuses a cross-site write', async () => {
    for (const path of ['/cases', '/tasks', '/escalations', '/reports/figures?groupBy=department']) {
      const res = await http('GET', api(path), undefined, { authorization: '' });
      expect(res.status, path).toBe(401);
    }
    expect((await http('POST', api('/directory/households/search'), { q: '王' }, { authorization: '' })).status).toBe(401);
    const signIn = await http('POST', api('/auth/session'), { username: 'admin', password: e.adminPassword });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    for (const origin of ['https://evil.example', 'null']) {
      const csrf = await http('POST', api('/cases'), caseBody(), { cookie, authorization: '', origin });
      expect(csrf.status, origin).toBe(403);
    }
  });
});

describe('who sees what', () => {
  it("a cadre of another department gets 403 for the case, its timeline and its moves, and does not find it in lists", async () => {
    const c = await openAssigned({ title: `可见性 ${t.run}` });
    for (const [method, path, body] of [['GET', `/cases/${c.id}`], ['GET', `/cases/${c.id}/timeline`], ['POST', `/cases/${c.id}/accept`, {}]] as const) {
      const res = await http(method, api(path), body, as(t.judge));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.type).toBe('urn:minqing:problem:forbidden');
    }
    expect((await http('GET', api(`/cases?q=${encodeURIComponent(`可见性 ${t.run}`)}`), undefined, as(t.judge))).json.total).toBe(0);
    expect((await http('GET', api(`/cases/${c.id}`), undefined, as(t.judicialHead))).status).toBe(403);
    // The linked cadre, the department head, the area leader and the township see it.
    for (const who of [t.cadre1, t.head, t.leader, t.township, t.hall]) {
      expect((await http('GET', api(`/cases/${c.id}`), undefined, as(who))).status, who).toBe(200);
    }
    expect((await http('GET', api(`/cases?q=${encodeURIComponent(`可见性 ${t.run}`)}`), undefined, as(t.head))).json.total).toBe(1);
    // A cadre reads only their own inbox and their own households.
    expect((await http('GET', api(`/tasks?cadre=${t.cadre1}`), undefined, as(t.cadre2))).status).toBe(403);
    expect((await http('GET', api(`/directory/households/${t.household}`), undefined, as(t.cadre2))).status).toBe(403);
    const mine = (await http('POST', api('/directory/households/search'), { q: '王桂兰' }, as(t.cadre2))).json.items;
    expect(mine.every((h: { cadreCode: string }) => h.cadreCode === t.cadre2)).toBe(true);
    // Only administrators import the roster.
    expect((await http('POST', api('/directory/import'), { areas: [] }, as(t.head))).status).toBe(403);
  });

  it('the figures come through the case API: not for cadres; a department head sees only the department', async () => {
    expect((await http('GET', api('/reports/figures?groupBy=department'), undefined, as(t.cadre1))).status).toBe(403);
    const head = await http('GET', api('/reports/figures?groupBy=department'), undefined, as(t.head));
    expect(head.status).toBe(200);
    expect(head.json.groups.every((g: { key: string }) => g.key === t.dept)).toBe(true);
    expect((await http('GET', api(`/reports/figures/cases?groupBy=department&key=${t.judicial}&figure=cases`), undefined, as(t.head))).status).toBe(403);
    expect((await http('GET', api('/reports/figures?groupBy=township'), undefined, as(t.head))).status).toBe(403);
    await http('POST', api('/work-records'), { kind: 'diary', date: '2026-11-20', note: '民情日记' }, as(t.judge));
    await http('POST', api('/work-records'), { kind: 'diary', date: '2026-11-20', note: '民情日记' }, as(t.cadre1));
    const duty = await eventually(async () => {
      const all = await http('GET', api('/reports/duty?period=2026-11'), undefined, as(t.township));
      const codes = all.json.items.map((i: { cadreCode: string }) => i.cadreCode);
      return codes.includes(t.judge) && codes.includes(t.cadre1) ? all : undefined;
    }, 'both diary entries in the duty figures');
    expect(duty.status).toBe(200);
    const mine = (await http('GET', api('/reports/duty?period=2026-11'), undefined, as(t.head))).json.items.map((i: { cadreCode: string }) => i.cadreCode);
    expect(mine).toContain(t.cadre1);
    expect(mine).not.toContain(t.judge);
    const all = await http('GET', api('/reports/figures?groupBy=department'), undefined, as(t.township));
    expect(all.status).toBe(200);
    expect(all.json.groups.length).toBeGreaterThanOrEqual(head.json.groups.length);
  });
});

describe('the managers’ live queue', () => {
  it('the escalation stream says `changed` when a case moves', async () => {
    const token = await tokenFor(t.head);
    const events: string[] = [];
    const req = http2.get(api('/escalations/stream'), { headers: { authorization: `Bearer ${token}` } });
    const res = await new Promise<http2.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => events.push(...chunk.split('\n').filter((l) => l.startsWith('event: ')).map((l) => l.slice(7))));
    await eventually(async () => events.includes('ready'), 'the stream to open');
    await openAssigned({ title: `实时 ${t.run}` });
    await eventually(async () => events.includes('changed'), 'a changed event', 10_000);
    req.destroy();
    expect((await http('GET', api('/escalations/stream'), undefined, as(t.cadre1))).status).toBe(403);
  });
});

describe("the residents' page", () => {
  it('shows progress only for the right code and phone digits, reveals no names, and takes the rating', async () => {
    const c = await openAssigned({ title: `群众查询 ${t.run}` });
    expect(Date.parse(c.expectedReplyBy)).toBeGreaterThan(Date.now());
    const track = (phoneTail: string, code = c.trackingCode) => http('POST', api('/public/track'), { trackingCode: code, phoneTail }, { authorization: '' });
    const wrong = await track('0000');
    expect(wrong.status).toBe(404);
    const otherCode = await track('5678', 'MQ-0000-0000');
    expect(otherCode.status).toBe(404);
    expect(otherCode.json.detail).toBe(wrong.json.detail);

    const ok = await track('5678'); // caseBody's phone is 13912345678
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ trackingCode: c.trackingCode, status: 'assigned', canRate: false, reply: null });
    expect(ok.json.steps.map((s: { kind: string }) => s.kind)).toEqual(['opened', 'routed']);
    const body = JSON.stringify(ok.json);
    for (const secret of ['王桂兰', '13912345678', t.cadre1, t.household, c.id]) expect(body).not.toContain(secret);

    await http('POST', api(`/cases/${c.id}/accept`), {}, as(t.cadre1));
    await http('POST', api(`/cases/${c.id}/resolve`), { reply: '已协调送煤到户' }, as(t.cadre1));
    const resolved = await eventually(async () => {
      const r = await track('5678');
      return r.json.status === 'resolved' ? r : undefined;
    }, 'the resolved case on the residents\' page');
    expect(resolved.json).toMatchObject({ canRate: true, reply: '已协调送煤到户' });
    const rated = await http('POST', api('/public/track/rating'), { trackingCode: c.trackingCode, phoneTail: '5678', satisfaction: 'satisfied' }, { authorization: '' });
    expect(rated.status).toBe(200);
    expect(rated.json).toMatchObject({ status: 'followed_up', satisfaction: 'satisfied', canRate: false });
    expect((await http('POST', api('/public/track/rating'), { trackingCode: c.trackingCode, phoneTail: '5678', satisfaction: 'dissatisfied' }, { authorization: '' })).status).toBe(409);
  });

  it('too many wrong digits for one code are refused for a while', async () => {
    const c = await openAssigned({ title: `猜测 ${t.run}` });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await http('POST', api('/public/track'), { trackingCode: c.trackingCode, phoneTail: String(1000 + i) }, { authorization: '' })).status);
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Even the right digits now wait — from this client: guessing cannot go on (another device is
    // not held back, and no process of the API has its own count: tests/e2e/limits.test.ts).
    expect((await http('POST', api('/public/track'), { trackingCode: c.trackingCode, phoneTail: '5678' }, { authorization: '' })).status).toBe(429);
  });

  it('bad input is a 400 problem', async () => {
    const res = await http('POST', api('/public/track'), { trackingCode: 'hello', phoneTail: '12' }, { authorization: '' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe('the console is served by the case API', () => {
  it('its pages answer with the app; unknown paths stay 404 problems', async () => {
    for (const path of ['/', '/intake', '/track', '/cases/00000000-0000-4000-8000-000000000001']) {
      const res = await fetch(`${e.apiUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    }
    const missing = await fetch(`${e.apiUrl}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
