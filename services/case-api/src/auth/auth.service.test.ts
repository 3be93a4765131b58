/**
 * Account hygiene without a database: a fake account store and in-memory
 * limiter counters (the PostgreSQL ones have the same semantics). Lock-out after
 * repeated failures (also for names without an account, so nothing tells who
 * exists), an administrator's unlock, the forced change of an initial or reset
 * password, and disable.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '@minqing/shared';
import { AccountLockedError, AccountInvalidError, AuthService, LOCKOUT, SignInFailedError } from './auth.service';
import type { AccountRepository, AccountRow, AccountWrite } from './account.repository';
import { MemoryCounters } from '../limits/counters';
import { verifyPassword } from './password';

class FakeAccounts {
  rows = new Map<string, AccountRow & { passwordHash: string }>();
  sessions = new Map<string, string>();
  async credentials(username: string) {
    const r = this.rows.get(username);
    return r ? { username, passwordHash: r.passwordHash, disabled: r.disabled, mustChangePassword: r.mustChangePassword } : null;
  }
  async find(username: string) {
    const r = this.rows.get(username);
    if (!r) return null;
    const { passwordHash: _, ...row } = r;
    return row;
  }
  async list() {
    return (await Promise.all([...this.rows.keys()].map((u) => this.find(u)))).filter((a): a is AccountRow => a !== null);
  }
  cadresWithoutAccount = async (): Promise<{ code: string; name: string; role: string }[]> => [];
  async cadre() {
    return null;
  }
  async servicePointExists() {
    return true;
  }
  async upsert(a: AccountWrite) {
    const old = this.rows.get(a.username);
    const { passwordHash, ...row } = a;
    this.rows.set(a.username, { ...row, passwordHash: passwordHash ?? old?.passwordHash ?? '' });
    if (a.disabled || passwordHash !== undefined) for (const [t, u] of this.sessions) if (u === a.username) this.sessions.delete(t);
    return { created: !old };
  }
  async setPassword(username: string, passwordHash: string) {
    const r = this.rows.get(username)!;
    this.rows.set(username, { ...r, passwordHash, mustChangePassword: false });
  }
  async createSession(hash: Buffer, username: string) {
    this.sessions.set(hash.toString('hex'), username);
  }
  async principal(hash: Buffer): Promise<Principal | null> {
    const u = this.sessions.get(hash.toString('hex'));
    const r = u ? this.rows.get(u) : undefined;
    if (!r || r.disabled) return null;
    return { username: r.username, name: r.name, role: r.role, cadreCode: null, cadreRole: null, departmentCode: null, areaCodes: [], servicePoint: null, channel: null, expiresAt: '', mustChangePassword: r.mustChangePassword };
  }
}

function setup() {
  const accounts = new FakeAccounts();
  const auth = new AuthService({ accounts: accounts as unknown as AccountRepository, counters: new MemoryCounters(), sessionTtlMinutes: 60 });
  return { accounts, auth };
}

const failure = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => e);

describe('AuthService: lock-out', () => {
  it(`locks a user name after ${LOCKOUT.failures} failed sign-ins, even for the right password, until an administrator unlocks it`, async () => {
    const { auth } = setup();
    await auth.putAccount('clerk', { role: 'hall_staff', password: 'initial-pass', mustChangePassword: false });
    for (let i = 0; i < LOCKOUT.failures; i++) expect(await failure(auth.signIn('clerk', 'wrong-pass', null))).toBeInstanceOf(SignInFailedError);
    const locked = await failure(auth.signIn('clerk', 'initial-pass', null));
    expect(locked).toBeInstanceOf(AccountLockedError);
    expect((locked as AccountLockedError).status).toBe(429);
    expect(await auth.lockedUntil('clerk')).not.toBeNull();
    expect((await auth.listAccounts()).find((a) => a.username === 'clerk')!.lockedUntil).not.toBeNull();
    expect(await auth.unlock('clerk')).toMatchObject({ username: 'clerk', lockedUntil: null });
    expect((await auth.signIn('clerk', 'initial-pass', null)).principal.username).toBe('clerk');
    expect(await auth.unlock('nobody')).toBeNull();
  });

  it('a name without an account locks the same way and gets the same answers (nothing tells who exists)', async () => {
    const { auth } = setup();
    await auth.putAccount('clerk', { role: 'hall_staff', password: 'initial-pass' });
    const answers = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i <= LOCKOUT.failures; i++) {
        const e = (await failure(auth.signIn(name, 'wrong-pass', null))) as SignInFailedError | AccountLockedError;
        out.push(`${e.status} ${e.problemType} ${e.message.replace(/\d+ min/, 'N min')}`);
      }
      return out;
    };
    expect(await answers('ghost')).toEqual(await answers('clerk'));
  });

  it('a successful sign-in forgets earlier failures', async () => {
    const { auth } = setup();
    await auth.putAccount('clerk', { role: 'hall_staff', password: 'initial-pass', mustChangePassword: false });
    for (let i = 0; i < LOCKOUT.failures - 1; i++) await failure(auth.signIn('clerk', 'wrong-pass', null));
    await auth.signIn('clerk', 'initial-pass', null);
    for (let i = 0; i < LOCKOUT.failures - 1; i++) await failure(auth.signIn('clerk', 'wrong-pass', null));
    expect((await auth.signIn('clerk', 'initial-pass', null)).principal.username).toBe('clerk');
  });
});

describe('AuthService: forced change, disable', () => {
  it('an administrator-set password must be changed at the first sign-in; the change clears it; a reset sets it again', async () => {
    const { accounts, auth } = setup();
    const { account } = await auth.putAccount('clerk', { role: 'hall_staff', password: 'initial-pass' });
    expect(account.mustChangePassword).toBe(true);
    const first = await auth.signIn('clerk', 'initial-pass', null);
    expect(first.principal.mustChangePassword).toBe(true);
    expect(await failure(auth.changePassword(first.principal, 'initial-pass', 'initial-pass', first.token))).toBeInstanceOf(AccountInvalidError);
    await auth.changePassword(first.principal, 'initial-pass', 'my-own-password', first.token);
    expect(accounts.rows.get('clerk')!.mustChangePassword).toBe(false);
    expect(await verifyPassword(accounts.rows.get('clerk')!.passwordHash, 'my-own-password')).toBe(true);
    expect((await auth.principal(first.token))!.mustChangePassword).toBe(false);
    // Renamed only: the flag stays as it was. A reset: it is set again.
    expect((await auth.putAccount('clerk', { name: '窗口' })).account.mustChangePassword).toBe(false);
    const reset = await auth.putAccount('clerk', { password: 'reset-pass-1' });
    expect(reset.account.mustChangePassword).toBe(true);
    expect(reset.changes).toMatchObject({ created: false, passwordSet: true });
  });

  it('provisioned accounts change their initial password unless the administrator says otherwise', async () => {
    const { accounts, auth } = setup();
    accounts.cadresWithoutAccount = async () => [{ code: 'c-1', name: '甲', role: 'staff' }];
    await auth.provision('initial-pass');
    expect(accounts.rows.get('c-1')!.mustChangePassword).toBe(true);
    accounts.cadresWithoutAccount = async () => [{ code: 'c-2', name: '乙', role: 'staff' }];
    await auth.provision('initial-pass', false);
    expect(accounts.rows.get('c-2')!.mustChangePassword).toBe(false);
  });

  it('disabling ends every session and refuses sign-in; the account is kept; an administrator cannot disable themselves', async () => {
    const { accounts, auth } = setup();
    await auth.putAccount('clerk', { role: 'hall_staff', password: 'initial-pass', mustChangePassword: false });
    const { token } = await auth.signIn('clerk', 'initial-pass', null);
    const { changes } = await auth.putAccount('clerk', { disabled: true });
    expect(changes.disabled).toEqual({ from: false, to: true });
    expect(await auth.principal(token)).toBeNull();
    expect(((await failure(auth.signIn('clerk', 'initial-pass', null))) as SignInFailedError).reason).toBe('disabled');
    expect(accounts.rows.has('clerk')).toBe(true);
    const admin = { username: 'root', role: 'admin' } as Principal;
    await auth.putAccount('root', { role: 'admin', password: 'initial-pass' });
    expect(await failure(auth.putAccount('root', { disabled: true }, admin))).toBeInstanceOf(AccountInvalidError);
    expect(await failure(auth.putAccount('root', { role: 'cadre' }, admin))).toBeInstanceOf(AccountInvalidError);
  });
});
