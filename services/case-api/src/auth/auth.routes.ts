/** /api/v1/auth/session (sign in, who am I, sign out), own password, and accounts (administrators). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError, NotFoundError, ProblemType, STAFF_ROLES, problemResponses, Text, type Principal } from '@minqing/shared';
import type { FastifyRequest } from 'fastify';
import { principalOf, SESSION_COOKIE, sessionToken } from './auth.hook';
import { AccountLockedError, requireRole, SignInFailedError, type AccountChanges, type AuthService } from './auth.service';
import type { AuditLog, AuditRecord } from '../audit/audit.service';

const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });

export const MeSchema = Type.Object(
  {
    username: Type.String(),
    name: Type.String(),
    role: Enum(STAFF_ROLES),
    cadreCode: Nullable(Type.String()),
    cadreRole: Nullable(Type.String()),
    departmentCode: Nullable(Type.String()),
    areaCodes: Type.Array(Type.String()),
    servicePoint: Type.Union([Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String() }), Type.Null()]),
    channel: Type.Union([Enum(['hall', 'station', 'market_day']), Type.Null()]),
    expiresAt: Type.String({ format: 'date-time' }),
    mustChangePassword: Type.Boolean({ description: 'true until an initial or administrator-set password is changed: until then the session may only change its password (PUT /auth/password), read itself and sign out' }),
  },
  { $id: 'Me' },
);
const AccountSchema = Type.Object(
  {
    username: Type.String(),
    cadreCode: Nullable(Type.String()),
    name: Type.String(),
    role: Type.String(),
    servicePointCode: Nullable(Type.String()),
    channel: Nullable(Type.String()),
    disabled: Type.Boolean({ description: 'a disabled account cannot sign in and its sessions have ended; it is kept, never deleted' }),
    mustChangePassword: Type.Boolean({ description: 'the password was set by an administrator and is changed at the next sign-in' }),
    lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'locked after too many failed sign-ins until then (or an administrator unlocks it)' }),
  },
  { $id: 'Account' },
);

class TooManySignInsError extends DomainError {
  constructor(after: string) {
    super(ProblemType.tooManyRequests, 429, 'Too many sign-in attempts', `wait ${after} and try again`);
  }
}

/** The audit entries of one administrator's change to an account. */
function accountRecords(username: string, c: AccountChanges): AuditRecord[] {
  const on = { subjectType: 'account' as const, subject: username };
  if (c.created) return [{ action: 'account.create', ...on, details: { role: c.role.to, disabled: c.disabled.to } }];
  const out: AuditRecord[] = [];
  // (A reset sets mustChangePassword as a matter of course: that is part of the reset's entry.)
  const other = c.changed.filter((f) => f !== 'role' && f !== 'disabled' && !(c.passwordSet && f === 'mustChangePassword'));
  if (other.length) out.push({ action: 'account.update', ...on, details: { changed: other } });
  if (c.role.from !== c.role.to) out.push({ action: 'account.role_change', ...on, details: { from: c.role.from, to: c.role.to } });
  if (c.passwordSet) out.push({ action: 'account.password_reset', ...on, details: { mustChangePassword: c.mustChangePassword } });
  if (c.disabled.from !== c.disabled.to) out.push({ action: c.disabled.to ? 'account.disable' : 'account.enable', ...on });
  // Saved with nothing changed: still an administrator's action on the account.
  if (!out.length) out.push({ action: 'account.update', ...on, details: { changed: [] } });
  return out;
}

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; audit: AuditLog; sessionTtlMinutes: number; secureCookie: boolean }> = async (app, { auth, audit, sessionTtlMinutes, secureCookie }) => {
  app.addSchema(MeSchema);
  app.addSchema(AccountSchema);
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: secureCookie };

  app.post('/auth/session', {
    config: {
      public: true,
      // Per client and user name, counted in PostgreSQL (shared by every API process): slows
      // hammering, also on a locked name. Failures lock the name itself (AuthService.signIn).
      rateLimit: {
        max: 20,
        timeWindow: '1 minute',
        keyGenerator: (request: any) => `${request.ip}|${String(request.body?.username ?? '').toLowerCase()}`,
        errorResponseBuilder: (_request: unknown, context: { after: string }) => new TooManySignInsError(context.after),
      },
    },
    schema: {
      operationId: 'signIn',
      summary: 'Sign in with a user name and password; sets the session cookie and also returns the token for API clients (Authorization: Bearer)',
      tags: ['auth'],
      body: Type.Object({ username: Text({ minLength: 1, maxLength: 64 }), password: Text({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ me: Type.Ref(MeSchema), token: Type.String() }), ...problemResponses(400, 401, 429) },
    },
    // A user name and a password: anything bigger is refused (413) before it is read.
    bodyLimit: 4 * 1024,
  }, async (request, reply) => {
    const { username } = request.body;
    let signedIn;
    try {
      signedIn = await auth.signIn(username, request.body.password, request.headers['user-agent'] ?? null);
    } catch (err) {
      if (err instanceof SignInFailedError || err instanceof AccountLockedError) {
        // Recorded under the name that was tried; the answer itself does not say whether it exists.
        await audit.record(request, { action: 'auth.sign_in', outcome: 'failure', actor: username, subjectType: 'account', subject: username, details: { reason: err.reason } });
        if (err instanceof AccountLockedError) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
      }
      throw err;
    }
    const { token, principal } = signedIn;
    await audit.record(asSignedIn(request, principal), { action: 'auth.sign_in', subjectType: 'account', subject: principal.username, details: principal.mustChangePassword ? { mustChangePassword: true } : {} });
    reply.setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: sessionTtlMinutes * 60 });
    return { me: me(principal), token };
  });

  app.get('/auth/session', {
    config: { beforePasswordChange: true },
    schema: { operationId: 'whoAmI', summary: 'The signed-in staff member, role and links; 401 when not signed in', tags: ['auth'], response: { 200: Type.Ref(MeSchema), ...problemResponses(401) } },
  }, async (request) => me(principalOf(request)));

  app.delete('/auth/session', {
    config: { beforePasswordChange: true },
    schema: { operationId: 'signOut', summary: 'Sign out: the session ends on the server too', tags: ['auth'], response: { 204: Type.Null() } },
  }, async (request, reply) => {
    await auth.signOut(sessionToken(request));
    if (request.principal) await audit.record(request, { action: 'auth.sign_out', subjectType: 'account', subject: request.principal.username });
    reply.clearCookie(SESSION_COOKIE, cookie);
    return reply.code(204).send(null);
  });

  app.put('/auth/password', {
    config: { beforePasswordChange: true },
    schema: {
      operationId: 'changePassword',
      summary: 'Change your own password; your other sessions end. An initial or reset password must be changed this way before anything else',
      tags: ['auth'],
      body: Type.Object({ currentPassword: Text({ minLength: 1, maxLength: 200 }), newPassword: Text({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const on = { action: 'auth.password_change' as const, subjectType: 'account' as const, subject: p.username };
    try {
      await auth.changePassword(p, request.body.currentPassword, request.body.newPassword, sessionToken(request));
    } catch (err) {
      if ((err as { status?: number }).status === 403) await audit.record(request, { ...on, outcome: 'failure', details: { reason: 'wrong_current_password' } });
      throw err;
    }
    await audit.record(request, { ...on, details: p.mustChangePassword ? { forced: true } : {} });
    return reply.code(204).send(null);
  });

  app.get('/accounts', {
    config: { roles: ['admin'] },
    schema: { operationId: 'listAccounts', summary: 'Staff accounts (administrators)', tags: ['auth'], response: { 200: Type.Object({ items: Type.Array(Type.Ref(AccountSchema)) }), ...problemResponses(401, 403) } },
  }, async (request) => {
    requireRole(principalOf(request), ['admin'], 'account administration');
    return { items: await auth.listAccounts() };
  });

  app.put('/accounts/:username', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'putAccount',
      summary: 'Create or change a staff account (administrators); a roster cadre\'s role defaults from the roster',
      tags: ['auth'],
      params: Type.Object({ username: Code }),
      body: Type.Object(
        {
          cadreCode: Type.Optional(Type.Union([Code, Type.Null()])),
          name: Type.Optional(Text({ minLength: 1, maxLength: 100 })),
          role: Type.Optional(Enum(STAFF_ROLES)),
          servicePointCode: Type.Optional(Type.Union([Code, Type.Null()])),
          channel: Type.Optional(Type.Union([Enum(['hall', 'station', 'market_day']), Type.Null()])),
          password: Type.Optional(Text({ maxLength: 200, description: 'a new password; the account must change it at its next sign-in unless mustChangePassword is false' })),
          disabled: Type.Optional(Type.Boolean({ description: 'true: the account cannot sign in and every session of it ends (the account is kept)' })),
          mustChangePassword: Type.Optional(Type.Boolean({ description: 'default true when a password is given' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Ref(AccountSchema), 201: Type.Ref(AccountSchema), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    requireRole(p, ['admin'], 'account administration');
    const { account, created, changes } = await auth.putAccount(request.params.username, request.body as never, p);
    await audit.recordMany(request, accountRecords(account.username, changes));
    return reply.code(created ? 201 : 200).send(account);
  });

  app.post('/accounts/:username/unlock', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'unlockAccount',
      summary: 'End the lock-out of an account after too many failed sign-ins (administrators)',
      tags: ['auth'],
      params: Type.Object({ username: Code }),
      response: { 200: Type.Ref(AccountSchema), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    requireRole(principalOf(request), ['admin'], 'account administration');
    const account = await auth.unlock(request.params.username);
    if (!account) throw new NotFoundError('account', request.params.username);
    await audit.record(request, { action: 'account.unlock', subjectType: 'account', subject: account.username });
    return account;
  });

  app.post('/accounts/provision', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'provisionAccounts',
      summary: 'Create an account for every roster cadre without one, with an initial password (administrators)',
      tags: ['auth'],
      body: Type.Object(
        {
          password: Text({ maxLength: 200 }),
          mustChangePassword: Type.Optional(Type.Boolean({ description: 'default true: each person chooses their own password at the first sign-in' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ created: Type.Array(Type.String()) }), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request) => {
    requireRole(principalOf(request), ['admin'], 'account administration');
    const result = await auth.provision(request.body.password, request.body.mustChangePassword ?? true);
    await audit.recordMany(request, result.created.map((username) => ({ action: 'account.create' as const, subjectType: 'account' as const, subject: username, details: { via: 'provision' } })));
    return result;
  });
};

/** The signed-in user as answered: `mustChangePassword` always stated. */
const me = (p: Principal) => ({ ...p, mustChangePassword: p.mustChangePassword ?? false });

/** The request as seen after a successful sign-in: the new principal is the actor of its audit entry. */
function asSignedIn(request: FastifyRequest, principal: Principal): FastifyRequest {
  request.principal = principal;
  return request;
}
