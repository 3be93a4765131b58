/**
 * Account hygiene through the real stack: an initial or reset password must be
 * changed at the first sign-in (until then the session may do nothing else);
 * repeated failures lock a user name — existing or not, alike — until the lock
 * ends or an administrator unlocks it; a disabled account is kept, cannot sign
 * in, and its sessions end at once; the session cookie is Secure.
 */
import { describe, expect, it } from 'vitest';
import { env, http } from '../support/helpers';

const e = env();
const run = `ah${Date.now().toString(36)}`;
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const signIn = (username: string, password: string) => http('POST', api('/auth/session'), { username, password });
const create = async (username: string, body: Record<string, unknown>) => {
  const res = await http('PUT', api(`/accounts/${username}`), { role: 'assessment', name: '测试', ...body });
  expect(res.status, res.text).toBe(201);
  return res.json;
};

describe('forced change of an initial or reset password', () => {
  it('the first session may only read itself, change its password and sign out; after the change everything opens', async () => {
    const user = `first-${run}`;
    expect((await create(user, { password: 'initial-pass-1' })).mustChangePassword).toBe(true);
    const first = await signIn(user, 'initial-pass-1');
    expect(first.status).toBe(200);
    expect(first.json.me.mustChangePassword).toBe(true);
    const token = first.json.token as string;

    for (const [method, path] of [['GET', '/cases'], ['GET', '/audit'], ['GET', '/directory/areas'], ['GET', '/reports/summary']] as const) {
      const refused = await http(method, api(path), undefined, bearer(token));
      expect(refused.status, path).toBe(403);
      expect(refused.json.type, path).toBe('urn:minqing:problem:password-change-required');
    }
    expect((await http('GET', api('/auth/session'), undefined, bearer(token))).json).toMatchObject({ username: user, mustChangePassword: true });
    // The same password again is not a change.
    expect((await http('PUT', api('/auth/password'), { currentPassword: 'initial-pass-1', newPassword: 'initial-pass-1' }, bearer(token))).status).toBe(422);
    expect((await http('PUT', api('/auth/password'), { currentPassword: 'initial-pass-1', newPassword: 'my-own-pass-1' }, bearer(token))).status).toBe(204);
    expect((await http('GET', api('/auth/session'), undefined, bearer(token))).json.mustChangePassword).toBe(false);
    expect((await http('GET', api('/cases?limit=1'), undefined, bearer(token))).status).toBe(200);
    expect((await signIn(user, 'my-own-pass-1')).json.me.mustChangePassword).toBe(false);

    // An administrator's reset: changed again at the next sign-in. Without the flag: not.
    expect((await http('PUT', api(`/accounts/${user}`), { password: 'reset-pass-1' })).json.mustChangePassword).toBe(true);
    expect((await signIn(user, 'reset-pass-1')).json.me.mustChangePassword).toBe(true);
    const other = `chosen-${run}`;
    await create(other, { password: 'shared-pass-1', mustChangePassword: false });
    expect((await signIn(other, 'shared-pass-1')).json.me.mustChangePassword).toBe(false);
  });
});

describe('lock-out after repeated failures', () => {
  it('ten failures lock the name for 15 minutes, also against the right password; an unknown name locks the same way; an administrator unlocks', async () => {
    const user = `lock-${run}`;
    const ghost = `nobody-${run}`;
    await create(user, { password: 'right-pass-1', mustChangePassword: false });
    const tries = async (name: string, password: string) => {
      const answers: string[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await signIn(name, password);
        answers.push(`${r.status} ${r.json.type} ${String(r.json.detail).replace(/\d+ min/, 'N min')}`);
      }
      return answers;
    };
    const mine = await tries(user, 'wrong-pass-1');
    expect(mine.slice(0, 10).every((a) => a.startsWith('401 urn:minqing:problem:sign-in-failed'))).toBe(true);
    expect(mine[10]).toMatch(/^429 urn:minqing:problem:account-locked .*try again in N min/);
    // Nothing tells an existing name from an unknown one.
    expect(await tries(ghost, 'wrong-pass-1')).toEqual(mine);

    const locked = await signIn(user, 'right-pass-1');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const listed = (await http('GET', api('/accounts'))).json.items.find((a: { username: string }) => a.username === user);
    expect(Date.parse(listed.lockedUntil)).toBeGreaterThan(Date.now() + 14 * 60_000);

    // Only an administrator unlocks, and only an account that exists.
    const cadre = `unlocker-${run}`;
    await create(cadre, { role: 'township_leader', password: 'leader-pass-1', mustChangePassword: false });
    const leader = (await signIn(cadre, 'leader-pass-1')).json.token as string;
    expect((await http('POST', api(`/accounts/${user}/unlock`), {}, bearer(leader))).status).toBe(403);
    expect((await http('POST', api(`/accounts/${ghost}/unlock`), {})).status).toBe(404);
    const unlocked = await http('POST', api(`/accounts/${user}/unlock`), {});
    expect(unlocked.status).toBe(200);
    expect(unlocked.json.lockedUntil).toBeNull();
    expect((await signIn(user, 'right-pass-1')).status).toBe(200);
  });
});

describe('disable, not delete; sessions end', () => {
  it('disabling ends every session of the account at once and refuses sign-in like a wrong password; enabling lets it back in', async () => {
    const user = `disable-${run}`;
    await create(user, { password: 'right-pass-1', mustChangePassword: false });
    const a = await signIn(user, 'right-pass-1');
    const b = await signIn(user, 'right-pass-1');
    const cookie = (a.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await http('GET', api('/cases?limit=1'), undefined, { cookie, authorization: '' })).status).toBe(200);
    expect((await http('GET', api('/cases?limit=1'), undefined, bearer(b.json.token))).status).toBe(200);

    const disabled = await http('PUT', api(`/accounts/${user}`), { disabled: true });
    expect(disabled.json.disabled).toBe(true);
    expect((await http('GET', api('/cases?limit=1'), undefined, { cookie, authorization: '' })).status).toBe(401);
    expect((await http('GET', api('/cases?limit=1'), undefined, bearer(b.json.token))).status).toBe(401);
    const refused = await signIn(user, 'right-pass-1');
    const wrong = await signIn(`never-${run}`, 'right-pass-1');
    expect([refused.status, refused.json.detail]).toEqual([401, wrong.json.detail]);
    // Kept, with its history: still listed, still a user name nobody else can take.
    expect((await http('GET', api('/accounts'))).json.items.find((x: { username: string }) => x.username === user)).toMatchObject({ disabled: true });

    expect((await http('PUT', api(`/accounts/${user}`), { disabled: false })).json.disabled).toBe(false);
    expect((await signIn(user, 'right-pass-1')).status).toBe(200);
  });

  it('an administrator cannot disable their own account or change their own role', async () => {
    expect((await http('PUT', api('/accounts/admin'), { disabled: true })).status).toBe(422);
    expect((await http('PUT', api('/accounts/admin'), { role: 'cadre' })).status).toBe(422);
  });
});

describe('the session cookie', () => {
  it('is Secure, HttpOnly and SameSite=Strict by default', async () => {
    const user = `cookie-${run}`;
    await create(user, { password: 'right-pass-1', mustChangePassword: false });
    const setCookie = (await signIn(user, 'right-pass-1')).headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^minqing_session=/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
  });
});
