/**
 * Every /api/v1 call except sign-in and the residents' public page needs a
 * live session: the cookie the console holds, or `Authorization: Bearer` for
 * API clients. The principal is resolved once per request.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError, type Principal } from '@minqing/shared';
import type { AuthService } from './auth.service';

export const SESSION_COOKIE = 'minqing_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const OPEN = [/^\/api\/v1\/auth\/session$/, /^\/api\/v1\/public\//];

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
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/v1/')) return;
    const token = sessionToken(request);
    request.principal = await auth.principal(token);
    if (request.principal) {
      // A browser's cookie must not be usable from another site's page (CSRF):
      // unsafe methods from a cookie session must come from this origin.
      const cookieSession = !request.headers.authorization;
      const origin = request.headers.origin;
      if (cookieSession && origin && !['GET', 'HEAD', 'OPTIONS'].includes(request.method) && hostOf(origin) !== request.headers.host) {
        throw new ForbiddenError('cross-site request refused');
      }
      return;
    }
    if (OPEN.some((re) => re.test(path))) return;
    throw new UnauthenticatedError(token ? 'your session has expired or was signed out; sign in again' : undefined);
  });
}

/** The signed-in principal of a route that the hook guards. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UnauthenticatedError();
  return request.principal;
}
