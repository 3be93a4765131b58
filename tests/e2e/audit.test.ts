/**
 * The audit trail through the real stack: each audited action is performed
 * once and leaves exactly one entry, with the right actor (from the session,
 * or the name tried at a failed sign-in), its subject as a code, and the
 * client (IP, truncated user agent). No resident's name or phone is in any
 * entry. GET /api/v1/audit filters and pages with an opaque cursor and is for
 * administrators and the assessment group only; the table refuses UPDATE,
 * DELETE and TRUNCATE.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, firstSignIn, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`au${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
let db: pg.Client;
let since: string;

interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  actorRole: string | null;
  action: string;
  outcome: string;
  subjectType: string | null;
  subject: string | null;
  clientIp: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}

/** Every entry since this file started that matches `filter`, all pages (as the administrator). */
async function entries(filter: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<AuditEvent[]> {
  const out: AuditEvent[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ ...filter, from: since, limit: '200', ...(cursor ? { cursor } : {}) });
    const res = await http('GET', api(`/audit?${q}`), undefined, headers);
    expect(res.status, res.text).toBe(200);
    out.push(...res.json.items);
    cursor = res.json.nextCursor;
    expect(res.json.hasMore).toBe(cursor !== null);
  } while (cursor);
  return out;
}

/** Exactly one entry for (action, subject), by `actor`. */
async function one(action: string, subject: string, actor: string, extra: Record<string, string> = {}): Promise<AuditEvent> {
  const found = await entries({ action, subject, ...extra });
  expect(found.map((x) => `${x.action} ${x.subject} by ${x.actor} (${x.outcome})`), `${action} ${subject}`).toEqual([`${action} ${subject} by ${actor} (${extra.outcome ?? 'success'})`]);
  return found[0]!;
}

const signIn = (username: string, password: string, headers: Record<string, string> = {}) => http('POST', api('/auth/session'), { username, password }, headers);

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  since = new Date(Date.now() - 1000).toISOString();
});
afterAll(async () => {
  await db?.end();
});

describe('the audit trail records each action once, with the right actor', () => {
  it('sign-in (success and failure), sign-out, own password change, and every kind of account change', async () => {
    const user = `clerk-${t.run}`;
    const ghost = `ghost-${t.run}`;
    expect((await http('PUT', api(`/accounts/${user}`), { role: 'assessment', name: '审计员', password: 'initial-pass-1' })).status).toBe(201);
    await one('account.create', user, 'admin');

    const first = await signIn(user, 'initial-pass-1', { 'user-agent': `audit-test/${'x'.repeat(400)}` });
    expect(first.status).toBe(200);
    const signedIn = await one('auth.sign_in', user, user);
    expect(signedIn.details).toEqual({ mustChangePassword: true });
    expect(signedIn.userAgent).toHaveLength(200);
    expect(signedIn.userAgent).toMatch(/^audit-test\//);
    expect(signedIn.clientIp).toMatch(/127\.0\.0\.1$/);
    const token = first.json.token as string;
    expect((await http('PUT', api('/auth/password'), { currentPassword: 'initial-pass-1', newPassword: 'own-pass-123' }, bearer(token))).status).toBe(204);
    await one('auth.password_change', user, user);

    // A wrong password and an unknown name: the same answer; each recorded under the name tried.
    const wrong = await signIn(user, 'not-the-password');
    const unknown = await signIn(ghost, 'not-the-password');
    expect(wrong.status).toBe(401);
    expect([unknown.status, unknown.json.type, unknown.json.detail]).toEqual([wrong.status, wrong.json.type, wrong.json.detail]);
    expect((await one('auth.sign_in', user, user, { outcome: 'failure' })).details).toEqual({ reason: 'wrong_password' });
    expect((await one('auth.sign_in', ghost, ghost, { outcome: 'failure' })).details).toEqual({ reason: 'unknown_user' });

    expect((await http('DELETE', api('/auth/session'), undefined, bearer(token))).status).toBe(204);
    await one('auth.sign_out', user, user);

    expect((await http('PUT', api(`/accounts/${user}`), { name: '审计员（改）' })).status).toBe(200);
    expect((await one('account.update', user, 'admin')).details).toEqual({ changed: ['name'] });
    expect((await http('PUT', api(`/accounts/${user}`), { role: 'township_leader' })).status).toBe(200);
    expect((await one('account.role_change', user, 'admin')).details).toEqual({ from: 'assessment', to: 'township_leader' });
    expect((await http('PUT', api(`/accounts/${user}`), { password: 'reset-pass-1' })).status).toBe(200);
    await one('account.password_reset', user, 'admin');
    expect((await http('PUT', api(`/accounts/${user}`), { disabled: true })).status).toBe(200);
    await one('account.disable', user, 'admin');
    expect((await http('PUT', api(`/accounts/${user}`), { disabled: false })).status).toBe(200);
    await one('account.enable', user, 'admin');
    // Still one update: the role change, reset, disable and enable each have their own entry.
    expect(await entries({ action: 'account.update', subject: user })).toHaveLength(1);

    // Locked at ten failures (one above, nine here); every refusal is an entry; the administrator unlocks it.
    for (let i = 0; i < 9; i++) expect((await signIn(user, `wrong-${i}`)).status).toBe(401);
    expect((await signIn(user, 'reset-pass-1')).json.type).toBe('urn:minqing:problem:account-locked');
    expect((await entries({ action: 'auth.sign_in', subject: user, outcome: 'failure' })).map((x) => x.details.reason)).toEqual(['locked', ...Array(10).fill('wrong_password')]);
    expect((await http('POST', api(`/accounts/${user}/unlock`), {})).status).toBe(200);
    await one('account.unlock', user, 'admin');
  });

  it('roster import and export', async () => {
    const areas = (await http('GET', api('/directory/areas'))).json.items as { code: string }[];
    const area = areas.find((a) => a.code === t.area)!;
    const imported = await http('POST', api('/directory/import'), { areas: [area] });
    expect(imported.status, imported.text).toBe(200);
    expect((await one('directory.import', 'document', 'admin')).details).toMatchObject({ imported: { areas: 1 } });
    expect((await http('GET', api('/directory/csv/areas'))).status).toBe(200);
    expect((await one('directory.export', 'areas', 'admin')).details).toEqual({ format: 'csv' });
  });

  it('a case opened, moved and read; a household read and searched — and no resident name or phone in any entry', async () => {
    const name = `哨兵${t.run}`;
    const phone = `137${String(Date.now()).slice(-8)}`;
    const opened = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, resident: { name, phone }, title: `审计 ${t.run}` }), as(t.hall));
    expect(opened.status, opened.text).toBe(201);
    const id = opened.json.id as string;
    expect((await one('case.open', id, t.hall)).details).toMatchObject({ trackingCode: opened.json.trackingCode, householdCode: t.household });
    await eventually(async () => (await http('GET', api(`/cases/${id}`), undefined, as(t.cadre1))).json?.status === 'assigned', 'routing');

    const accepted = await http('POST', api(`/cases/${id}/accept`), {}, as(t.cadre1));
    expect(accepted.status, accepted.text).toBe(200);
    expect((await one('case.move', id, t.cadre1)).details).toMatchObject({ move: 'acceptCase', status: 'accepted' });

    const read = await http('GET', api(`/cases/${id}`), undefined, { ...as(t.head), 'user-agent': 'audit-reader/1.0' });
    expect(read.json.resident.name).toBe(name);
    const entry = await one('case.read', id, t.head, { actor: t.head });
    expect(entry).toMatchObject({ actorRole: 'department_head', subjectType: 'case', userAgent: 'audit-reader/1.0' });

    expect((await http('GET', api(`/directory/households/${t.household}`), undefined, as(t.cadre1))).status).toBe(200);
    await one('household.read', t.household, t.cadre1);
    const search = await http('POST', api('/directory/households/search'), { q: '王桂兰', village: t.village }, as(t.head));
    expect(search.status, search.text).toBe(200);
    const searched = await entries({ action: 'household.search', actor: t.head });
    expect(searched).toHaveLength(1);
    expect(searched[0]!.details.results).toContain(t.household);

    const all = JSON.stringify(await entries());
    for (const secret of [name, phone, '王桂兰', '13912345678']) expect(all).not.toContain(secret);
  });

  it('figures exported, a report signed off, an appraisal entered, a rebuild', async () => {
    const assessor = `assessor-${t.run}`;
    expect((await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: 'initial-pass-1' })).status).toBe(201);
    const token = await firstSignIn(assessor, 'initial-pass-1', 'assessor-pass-1');
    const exported = await http('GET', api('/reports/figures/export?groupBy=department&format=csv'), undefined, bearer(token));
    expect(exported.status, exported.text).toBe(200);
    expect((await one('report.export', 'figures/department', assessor)).details).toMatchObject({ format: 'csv' });

    const frozen = await http('POST', api('/reports/frozen'), { groupBy: 'department', note: `审计 ${t.run}` }, bearer(token));
    expect(frozen.status, frozen.text).toBe(201);
    await one('report.freeze', `frozen-report/${frozen.json.id}`, assessor);

    const appraisal = await http('POST', api('/reports/appraisals'), { period: '2026-Q4', subjectType: 'cadre', subjectCode: t.cadre1, appraiserGroup: 'leaders', score: 88 }, bearer(token));
    expect(appraisal.status, appraisal.text).toBeLessThan(300);
    expect((await one('report.appraisal', `appraisal/2026-Q4/cadre/${t.cadre1}/leaders`, assessor)).details).toEqual({ score: 88 });

    expect((await http('POST', api('/reports/rebuild'))).status).toBe(202);
    await one('report.rebuild', 'reporting-projections', 'admin');
    await eventually(async () => {
      const s = (await http('GET', api('/reports/rebuild'))).json;
      if (s.state === 'failed') throw new Error(s.error);
      return s.state === 'idle' && s.finishedAt ? s : undefined;
    }, 'the rebuild to finish (so later files see whole figures)', 120_000);
  });
});

describe('reading the trail', () => {
  it('is for administrators and the assessment group; filters, periods and an opaque cursor page through it', async () => {
    expect((await http('GET', api('/audit'), undefined, { authorization: '' })).status).toBe(401);
    expect((await http('GET', api('/audit'), undefined, as(t.head))).status).toBe(403);
    const assessor = `reader-${t.run}`;
    await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: 'initial-pass-1' });
    const token = await firstSignIn(assessor, 'initial-pass-1', 'reader-pass-1');
    expect((await http('GET', api('/audit?limit=1'), undefined, bearer(token))).status).toBe(200);

    for (const bad of ['limit=201', 'limit=0', 'cursor=bm9wZQ', 'cursor=%00', 'from=yesterday', 'to=0000-01-01T00:00:00Z', 'action=case.delete', 'actor=%00x', 'foo=bar']) {
      const res = await http('GET', api(`/audit?${bad}`));
      expect(res.status, bad).toBe(400);
      expect(res.json.type, bad).toBe('urn:minqing:problem:validation-error');
    }

    const all = await entries({ actor: 'admin' });
    expect(all.length).toBeGreaterThan(5);
    const ids = all.map((x) => BigInt(x.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids); // newest first
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const q: URLSearchParams = new URLSearchParams({ actor: 'admin', from: since, limit: '2', ...(cursor ? { cursor } : {}) });
      const page: { items: AuditEvent[]; nextCursor: string | null; hasMore: boolean } = (await http('GET', api(`/audit?${q}`), undefined, bearer(token))).json;
      pages.push(page.items.map((x) => x.id));
      expect(page.hasMore).toBe(page.nextCursor !== null);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.flat()).toEqual(all.map((x) => x.id));
    expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);

    // The period: nothing of this file before it started, everything after.
    const before = (await http('GET', api(`/audit?actor=admin&to=${encodeURIComponent(since)}&limit=200`))).json.items as AuditEvent[];
    expect(before.every((x) => x.at < since)).toBe(true);
    expect(before.filter((x) => all.some((y) => y.id === x.id))).toEqual([]);
    expect(all.every((x) => x.at >= since)).toBe(true);
  });

  it('the table is append-only: UPDATE, DELETE and TRUNCATE are refused, even for its owner', async () => {
    for (const sql of ["UPDATE directory.audit_events SET actor = 'someone-else'", 'DELETE FROM directory.audit_events', 'TRUNCATE directory.audit_events']) {
      await expect(db.query(sql), sql).rejects.toThrow(/append-only/);
    }
    expect((await db.query('SELECT count(*)::int AS n FROM directory.audit_events WHERE at >= $1', [since])).rows[0].n).toBeGreaterThan(10);
  });
});
