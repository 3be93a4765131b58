/**
 * One front door (issue 15): who may call a route is declared on the route
 * itself, in its `config`, and decided from the route the router matched —
 * never from the raw URL, whose spelling (`/%61pi/v1/…`, `//api/…`,
 * `http://host/api/…`) a client chooses. Every route needs a session unless
 * it says `public: true`; `roles` and `authorize` are decided in `onRequest`,
 * where the route and its params are known and the body is not yet read, so a
 * caller who may not use a route is refused before it is parsed. The case API's
 * sign-in hook (services/case-api/src/auth/auth.hook.ts) enforces these.
 */
import type { FastifyRequest } from 'fastify';
import type { StaffRole } from '../domain/access';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** answered without a session: sign-in, the residents' page, health, the OpenAPI document, the console's files */
    public?: boolean;
    /** only these roles may call the route (403 for others, before the body is read) */
    roles?: readonly StaffRole[];
    /**
     * A check on the matched route's params for the signed-in caller (e.g. "may
     * see this case"), run before the body is read; throws a domain error (403/404)
     * to refuse. Runs after `roles`.
     */
    authorize?: (request: FastifyRequest) => Promise<unknown> | unknown;
    /** origins whose cookie requests are not cross-site forgeries on this route (e.g. the Temporal Web UI calling the codec endpoint) */
    trustedOrigins?: readonly string[];
    /**
     * An Open311 GeoReport v2 route (under OPEN311_PREFIX): public for the session
     * check; its credential is the `api_key` the Open311 hook checks
     * (services/case-api/src/open311/open311.hook.ts), never a session.
     */
    open311?: boolean;
  }
}

/** Route config of a route anyone may call (no session). */
export const PUBLIC_ROUTE = { public: true } as const;

/**
 * Where the Open311 GeoReport v2 endpoint lives (issue 14). Its routes are the
 * public routes of this prefix and no other: no session, their own API-key check.
 * The case API refuses at start any route under the prefix that is not declared
 * OPEN311_ROUTE, and any OPEN311_ROUTE outside it.
 */
export const OPEN311_PREFIX = '/open311/v2';
/** Route config of an Open311 route (no session; the Open311 hook checks `api_key`). */
export const OPEN311_ROUTE = { public: true, open311: true } as const;
