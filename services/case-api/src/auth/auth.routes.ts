/** /api/v1/auth/session (sign in, who am I, sign out), own password, and accounts (administrators). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError, ProblemType, STAFF_ROLES, problemResponses } from '@minqing/shared';
import { principalOf, SESSION_COOKIE, sessionToken } from './auth.hook';
import { requireRole, type AuthService } from './auth.service';

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
    disabled: Type.Boolean(),
  },
  { $id: 'Account' },
);

class TooManySignInsError extends DomainError {
  constructor(after: string) {
    super(ProblemType.tooManyRequests, 429, 'Too many sign-in attempts', `wait ${after} and try again`);
  }
}

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; sessionTtlMinutes: number; secureCookie: boolean }> = async (app, { auth, sessionTtlMinutes, secureCookie }) => {
  app.addSchema(MeSchema);
  app.addSchema(AccountSchema);
  const cookie = { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: secureCookie };

  app.post('/auth/session', {
    config: {
      // Per client and user name: slows password guessing without locking the real user out for long.
      rateLimit: {
        max: 10,
        timeWindow: '1 minute',
        keyGenerator: (request: any) => `${request.ip}|${String(request.body?.username ?? '').toLowerCase()}`,
        errorResponseBuilder: (_request: unknown, context: { after: string }) => new TooManySignInsError(context.after),
      },
    },
    schema: {
      operationId: 'signIn',
      summary: 'Sign in with a user name and password; sets the session cookie and also returns the token for API clients (Authorization: Bearer)',
      tags: ['auth'],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ me: Type.Ref(MeSchema), token: Type.String() }), ...problemResponses(400, 401, 429) },
    },
  }, async (request, reply) => {
    const { token, principal } = await auth.signIn(request.body.username, request.body.password, request.headers['user-agent'] ?? null);
    reply.setCookie(SESSION_COOKIE, token, { ...cookie, maxAge: sessionTtlMinutes * 60 });
    return { me: principal, token };
  });

  app.get('/auth/session', {
    schema: { operationId: 'whoAmI', summary: 'The signed-in staff member, role and links; 401 when not signed in', tags: ['auth'], response: { 200: Type.Ref(MeSchema), ...problemResponses(401) } },
  }, async (request) => principalOf(request));

  app.delete('/auth/session', {
    schema: { operationId: 'signOut', summary: 'Sign out: the session ends on the server too', tags: ['auth'], response: { 204: Type.Null() } },
  }, async (request, reply) => {
    await auth.signOut(sessionToken(request));
    reply.clearCookie(SESSION_COOKIE, cookie);
    return reply.code(204).send(null);
  });

  app.put('/auth/password', {
    schema: {
      operationId: 'changePassword',
      summary: 'Change your own password; your other sessions end',
      tags: ['auth'],
      body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => {
    await auth.changePassword(principalOf(request), request.body.currentPassword, request.body.newPassword, sessionToken(request));
    return reply.code(204).send(null);
  });

  app.get('/accounts', {
    schema: { operationId: 'listAccounts', summary: 'Staff accounts (administrators)', tags: ['auth'], response: { 200: Type.Object({ items: Type.Array(Type.Ref(AccountSchema)) }), ...problemResponses(401, 403) } },
  }, async (request) => {
    requireRole(principalOf(request), ['admin'], 'account administration');
    return { items: await auth.listAccounts() };
  });

  app.put('/accounts/:username', {
    schema: {
      operationId: 'putAccount',
      summary: 'Create or change a staff account (administrators); a roster cadre\'s role defaults from the roster',
      tags: ['auth'],
      params: Type.Object({ username: Code }),
      body: Type.Object(
        {
          cadreCode: Type.Optional(Type.Union([Code, Type.Null()])),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          role: Type.Optional(Enum(STAFF_ROLES)),
          servicePointCode: Type.Optional(Type.Union([Code, Type.Null()])),
          channel: Type.Optional(Type.Union([Enum(['hall', 'station', 'market_day']), Type.Null()])),
          password: Type.Optional(Type.String({ maxLength: 200 })),
          disabled: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Ref(AccountSchema), 201: Type.Ref(AccountSchema), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request, reply) => {
    requireRole(principalOf(request), ['admin'], 'account administration');
    const { account, created } = await auth.putAccount(request.params.username, request.body as never);
    return reply.code(created ? 201 : 200).send(account);
  });

  app.post('/accounts/provision', {
    schema: {
      operationId: 'provisionAccounts',
      summary: 'Create an account for every roster cadre without one, with an initial password (administrators)',
      tags: ['auth'],
      body: Type.Object({ password: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ created: Type.Array(Type.String()) }), ...problemResponses(400, 401, 403, 422) },
    },
  }, async (request) => {
    requireRole(principalOf(request), ['admin'], 'account administration');
    return auth.provision(request.body.password);
  });
};
