/**
 * Sign-in, sessions and accounts. A session is a random 256-bit token held by
 * the browser in an HttpOnly cookie (or sent as a Bearer token by API
 * clients); the database keeps only its SHA-256 and an absolute expiry.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  DomainError, ForbiddenError, ProblemType, staffRoleFor, UnauthenticatedError, type CadreRole, type Principal, type StaffRole,
} from '@minqing/shared';
import type { AccountRepository, AccountRow } from './account.repository';
import type { Counters } from '../limits/counters';
import { dummyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password';

/** Why a sign-in failed, for the audit trail only: the answer is the same for all of them. */
export type SignInFailure = 'unknown_user' | 'wrong_password' | 'disabled' | 'locked';

export class SignInFailedError extends DomainError {
  constructor(readonly reason: SignInFailure) {
    super(ProblemType.signInFailed, 401, 'Sign-in failed', 'the user name or the password is wrong, or the account is disabled');
  }
}

/**
 * Too many failed sign-ins for one user name: refused, even with the right
 * password, until the lock ends or an administrator unlocks it. Names that
 * have no account lock the same way, so the answer tells nobody who exists.
 */
export class AccountLockedError extends DomainError {
  readonly reason = 'locked' as const;
  constructor(readonly retryAfterSeconds: number) {
    super(
      ProblemType.accountLocked,
      429,
      'Too many failed sign-ins',
      `too many failed sign-ins for this user name: try again in ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} min, or ask an administrator to unlock the account`,
    );
  }
}

/** An account lock-out: this many failed sign-ins for one user name within the window lock it for the window. */
export const LOCKOUT = { failures: 10, windowMs: 15 * 60_000 } as const;
export const lockKey = (username: string) => `signin-fail:${username.toLowerCase()}`;

/** What an administrator's change did, for the audit trail. */
export interface AccountChanges {
  created: boolean;
  /** fields whose value changed (never the password itself) */
  changed: string[];
  role: { from: StaffRole | null; to: StaffRole };
  passwordSet: boolean;
  mustChangePassword: boolean;
  disabled: { from: boolean; to: boolean };
}

export class AccountInvalidError extends DomainError {
  constructor(field: string, message: string) {
    super(ProblemType.validation, 422, 'Invalid account', `${field}: ${message}`, { errors: [{ field: `body/${field}`, message }] });
  }
}

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token).digest();

export interface AccountInput {
  cadreCode?: string | null;
  name?: string;
  role?: StaffRole;
  servicePointCode?: string | null;
  channel?: Principal['channel'];
  password?: string;
  disabled?: boolean;
  /** default: true whenever `password` is given (an initial or reset password is changed at the next sign-in) */
  mustChangePassword?: boolean;
}

export type AccountView = AccountRow & { lockedUntil: string | null };

export class AuthService {
  constructor(private readonly deps: { accounts: AccountRepository; counters: Counters; sessionTtlMinutes: number; now?: () => Date }) {}

  private now = () => this.deps.now?.() ?? new Date();

  async signIn(username: string, password: string, userAgent: string | null): Promise<{ token: string; principal: Principal }> {
    const key = lockKey(username);
    const lock = await this.deps.counters.peek(key);
    if (lock.hits >= LOCKOUT.failures) throw new AccountLockedError(lock.ttlMs / 1000);
    const account = await this.deps.accounts.credentials(username);
    // Unknown user: spend the same time verifying, so timing does not tell who exists.
    const ok = await verifyPassword(account?.passwordHash ?? (await dummyHash()), password);
    if (!account || !ok || account.disabled) {
      // Counted in PostgreSQL, so every API process and a restart see the same count.
      await this.deps.counters.hit(key, LOCKOUT.windowMs, { holdAt: LOCKOUT.failures });
      throw new SignInFailedError(!account ? 'unknown_user' : !ok ? 'wrong_password' : 'disabled');
    }
    if (lock.hits > 0) await this.deps.counters.reset(key);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.deps.sessionTtlMinutes * 60_000);
    await this.deps.accounts.createSession(tokenHash(token), account.username, expiresAt, userAgent);
    const principal = await this.deps.accounts.principal(tokenHash(token));
    if (!principal) throw new SignInFailedError('disabled');
    return { token, principal };
  }

  async principal(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 200) return null;
    return this.deps.accounts.principal(tokenHash(token));
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.deps.accounts.deleteSession(tokenHash(token));
  }

  async changePassword(p: Principal, current: string, next: string, token: string | undefined): Promise<void> {
    const account = await this.deps.accounts.credentials(p.username);
    if (!account || !(await verifyPassword(account.passwordHash, current))) throw new ForbiddenError('the current password is wrong');
    if (next.length < MIN_PASSWORD_LENGTH) throw new AccountInvalidError('newPassword', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
    if (next === current) throw new AccountInvalidError('newPassword', 'must differ from the current password');
    await this.deps.accounts.setPassword(p.username, await hashPassword(next), token ? tokenHash(token) : null);
  }

  /**
   * Create or change an account (administrators). A roster cadre's role defaults from the roster.
   * `by` is the administrator making the change: they cannot disable their own account or
   * take away their own administrator role (nobody would be left to undo it).
   */
  async putAccount(username: string, input: AccountInput, by?: Principal): Promise<{ account: AccountView; created: boolean; changes: AccountChanges }> {
    const existing = await this.deps.accounts.find(username);
    if (by && by.username === username && (input.disabled === true || (input.role !== undefined && input.role !== by.role))) {
      throw new AccountInvalidError(input.disabled === true ? 'disabled' : 'role', 'you cannot disable your own account or change your own role; ask another administrator');
    }
    const cadreCode = input.cadreCode !== undefined ? input.cadreCode : (existing?.cadreCode ?? null);
    const cadre = cadreCode ? await this.deps.accounts.cadre(cadreCode) : null;
    if (cadreCode && !cadre) throw new AccountInvalidError('cadreCode', `no cadre ${cadreCode} in the directory`);
    const role = input.role ?? existing?.role ?? (cadre ? staffRoleFor(cadre.role as CadreRole) : undefined);
    if (!role) throw new AccountInvalidError('role', 'is required for an account that is not a roster cadre');
    const name = input.name ?? existing?.name ?? cadre?.name ?? username;
    const servicePointCode = input.servicePointCode !== undefined ? input.servicePointCode : (existing?.servicePointCode ?? null);
    if (servicePointCode && !(await this.deps.accounts.servicePointExists(servicePointCode))) {
      throw new AccountInvalidError('servicePointCode', `no service point ${servicePointCode} in the directory`);
    }
    if (!existing && input.password === undefined) throw new AccountInvalidError('password', 'is required for a new account');
    if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH) {
      throw new AccountInvalidError('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const passwordSet = input.password !== undefined;
    const account: AccountRow = {
      username,
      cadreCode,
      name,
      role,
      servicePointCode,
      channel: input.channel !== undefined ? input.channel : (existing?.channel ?? null),
      disabled: input.disabled ?? existing?.disabled ?? false,
      mustChangePassword: input.mustChangePassword ?? (passwordSet ? true : (existing?.mustChangePassword ?? false)),
    };
    const { created } = await this.deps.accounts.upsert({
      ...account,
      ...(passwordSet ? { passwordHash: await hashPassword(input.password!) } : {}),
    });
    const fields = ['cadreCode', 'name', 'role', 'servicePointCode', 'channel', 'disabled', 'mustChangePassword'] as const;
    const changes: AccountChanges = {
      created,
      changed: existing ? fields.filter((f) => existing[f] !== account[f]) : [],
      role: { from: existing?.role ?? null, to: role },
      passwordSet,
      mustChangePassword: account.mustChangePassword,
      disabled: { from: existing?.disabled ?? false, to: account.disabled },
    };
    return { account: { ...account, lockedUntil: await this.lockedUntil(username) }, created, changes };
  }

  /** When the lock-out of this user name ends; null when it is not locked. */
  async lockedUntil(username: string): Promise<string | null> {
    const c = await this.deps.counters.peek(lockKey(username));
    return c.hits >= LOCKOUT.failures ? new Date(this.now().getTime() + c.ttlMs).toISOString() : null;
  }

  /** An administrator ends a lock-out at once; false when there is no such account. */
  async unlock(username: string): Promise<AccountView | null> {
    const account = await this.deps.accounts.find(username);
    if (!account) return null;
    await this.deps.counters.reset(lockKey(username));
    return { ...account, lockedUntil: null };
  }

  async listAccounts(): Promise<AccountView[]> {
    const accounts = await this.deps.accounts.list();
    const counts = await this.deps.counters.peekMany(accounts.map((a) => lockKey(a.username)));
    const now = this.now().getTime();
    return accounts.map((a) => {
      const c = counts.get(lockKey(a.username));
      return { ...a, lockedUntil: c && c.hits >= LOCKOUT.failures ? new Date(now + c.ttlMs).toISOString() : null };
    });
  }

  /** An account for every roster cadre that has none, all with one initial password (changed at the first sign-in unless `mustChangePassword` is false). */
  async provision(password: string, mustChangePassword = true): Promise<{ created: string[] }> {
    if (password.length < MIN_PASSWORD_LENGTH) throw new AccountInvalidError('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const created: string[] = [];
    for (const c of await this.deps.accounts.cadresWithoutAccount()) {
      await this.deps.accounts.upsert({
        username: c.code,
        cadreCode: c.code,
        name: c.name,
        role: staffRoleFor(c.role as CadreRole),
        servicePointCode: null,
        channel: null,
        disabled: false,
        mustChangePassword,
        passwordHash: await hashPassword(password),
      });
      created.push(c.code);
    }
    return { created };
  }

  /** The first administrator, from configuration, when there is none; by default they choose their own password at the first sign-in. */
  async bootstrapAdmin(password: string | undefined, mustChangePassword = true): Promise<boolean> {
    if (!password || (await this.deps.accounts.find('admin'))) return false;
    await this.putAccount('admin', { role: 'admin', name: 'Administrator', password, mustChangePassword });
    return true;
  }
}

export function requireRole(p: Principal, roles: readonly StaffRole[], what: string): void {
  if (!roles.includes(p.role)) throw new ForbiddenError(`${what} is for ${roles.join(', ')}; you are ${p.role}`);
}

export function requireSignedIn(p: Principal | null): Principal {
  if (!p) throw new UnauthenticatedError();
  return p;
}
