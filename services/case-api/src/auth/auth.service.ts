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
import { dummyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password';

export class SignInFailedError extends DomainError {
  constructor() {
    super(ProblemType.signInFailed, 401, 'Sign-in failed', 'the user name or the password is wrong, or the account is disabled');
  }
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
}

export class AuthService {
  constructor(private readonly deps: { accounts: AccountRepository; sessionTtlMinutes: number; now?: () => Date }) {}

  private now = () => this.deps.now?.() ?? new Date();

  async signIn(username: string, password: string, userAgent: string | null): Promise<{ token: string; principal: Principal }> {
    const account = await this.deps.accounts.credentials(username);
    // Unknown user: spend the same time verifying, so timing does not tell who exists.
    const ok = await verifyPassword(account?.passwordHash ?? (await dummyHash()), password);
    if (!account || !ok || account.disabled) throw new SignInFailedError();
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.deps.sessionTtlMinutes * 60_000);
    await this.deps.accounts.createSession(tokenHash(token), account.username, expiresAt, userAgent);
    const principal = await this.deps.accounts.principal(tokenHash(token));
    if (!principal) throw new SignInFailedError();
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
    await this.deps.accounts.setPassword(p.username, await hashPassword(next), token ? tokenHash(token) : null);
  }

  /** Create or change an account (administrators). A roster cadre's role defaults from the roster. */
  async putAccount(username: string, input: AccountInput): Promise<{ account: AccountRow; created: boolean }> {
    const existing = await this.deps.accounts.find(username);
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
    const account = {
      username,
      cadreCode,
      name,
      role,
      servicePointCode,
      channel: input.channel !== undefined ? input.channel : (existing?.channel ?? null),
      disabled: input.disabled ?? existing?.disabled ?? false,
    };
    const { created } = await this.deps.accounts.upsert({
      ...account,
      ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password) } : {}),
    });
    return { account, created };
  }

  listAccounts(): Promise<AccountRow[]> {
    return this.deps.accounts.list();
  }

  /** An account for every roster cadre that has none, all with one initial password. */
  async provision(password: string): Promise<{ created: string[] }> {
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
        passwordHash: await hashPassword(password),
      });
      created.push(c.code);
    }
    return { created };
  }

  /** The first administrator, from configuration, when there is none. */
  async bootstrapAdmin(password: string | undefined): Promise<boolean> {
    if (!password || (await this.deps.accounts.find('admin'))) return false;
    await this.putAccount('admin', { role: 'admin', name: 'Administrator', password });
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
