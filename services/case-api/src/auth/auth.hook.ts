/**
 * The one front door (issue 15). Every route needs a live session — the
 * cookie the console holds, or `Authorization: Bearer` for API clients —
 * unless its config says `public: true` (sign-in, the residents' page, health,
 * the OpenAPI document, the console's files). The decision is made in
 * `onRequest` on the route the router matched (its config and decoded params),
 * never on the raw URL, and before the body is read: `config.roles` and
 * `config.authorize` (shared/src/http/route-access.ts) refuse a caller who may
 * not use the route before anything they sent is parsed. The principal is
 * resolved once per request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, OPEN311_PREFIX, ProblemType, UnauthenticatedError, type Principal } from '@minqing/shared';
import type { AuthService } from './auth.service';

export const SESSION_COOKIE = 'minqing_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** usable by a session whose initial or reset password must still be changed (who am I, sign out, change password) */
    beforePasswordChange?: boolean;
  }
}

/** A session that must change its initial or reset password first. */
export class PasswordChangeRequiredError extends DomainError {
  constructor() {
    super(ProblemType.passwordChangeRequired, 403, 'Password change required', 'change the initial password you were given (PUT /api/v1/auth/password) before anything else');
  }
}

/** The host of an Origin header; null for `null` or anything unparsable (treated as another site). */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

export function sessionToken(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return request.cookies?.[SESSION_COOKIE];
}

export function installAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('principal', null);
  // The Open311 prefix is public only through its own key check: a route there that
  // is not an Open311 route (or one elsewhere that claims to be) is a mistake, refused at start.
  app.addHook('onRoute', (route) => {
    const under = route.url === OPEN311_PREFIX || route.url.startsWith(`${OPEN311_PREFIX}/`);
    if (under !== (route.config?.open311 === true)) {
      throw new Error(`${route.method} ${route.url}: routes under ${OPEN311_PREFIX} (and only they) take config OPEN311_ROUTE`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions;
    // No route matched: the not-found handler answers 404 and serves nothing. (Every
    // spelling of a path the router does match — percent-encoded, `http://host/…` —
    // lands below with the same route, config and decoded params as the canonical one.)
    if (route.url === undefined) return;
    const config = route.config;
    // Routes that declare themselves public: sign-in, the residents' page, health, the
    // OpenAPI document, the console's files, a CORS preflight (which never carries credentials),
    // and the Open311 routes (OPEN311_PREFIX), whose `api_key` the Open311 hook checks.
    if (config.public === true) return;
    const token = sessionToken(request);
    const principal = await auth.principal(token);
    if (!principal) throw new UnauthenticatedError(token ? 'your session has expired or was signed out; sign in again' : undefined);
    request.principal = principal;
    // A browser's cookie must not be usable from another site's page (CSRF):
    // unsafe methods from a cookie session must come from this origin.
    const cookieSession = !request.headers.authorization;
    const origin = request.headers.origin;
    // A route may name origins it trusts (the codec endpoint the Temporal Web UI calls).
    const trusted = config.trustedOrigins ?? [];
    if (cookieSession && origin && !['GET', 'HEAD', 'OPTIONS'].includes(request.method) && hostOf(origin) !== request.headers.host && !trusted.includes(origin)) {
      throw new ForbiddenError('cross-site request refused');
    }
    // An initial or administrator-set password not yet changed: until it is, the session
    // may only change it, read itself and sign out (routes with `config.beforePasswordChange`).
    if (principal.mustChangePassword && config.beforePasswordChange !== true) throw new PasswordChangeRequiredError();
    // Who may use the route, decided here on the matched route and its decoded params —
    // before the body is read or validated, so a caller who may not use a route is
    // refused before anything they sent is parsed.
    if (config.roles && !config.roles.includes(principal.role)) {
      const what = (route.schema as { operationId?: string } | undefined)?.operationId ?? route.url;
      throw new ForbiddenError(`${what} is for ${config.roles.join(', ')}; you are ${principal.role}`);
    }
    if (config.authorize) await config.authorize(request);
  });
}

/** The signed-in principal of a route that the hook guards. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}
