/**
 * The reporting service's front door (issue 15): every request needs a service
 * token (a short-lived JWT from the case API, `aud` = minqing-reporting) naming
 * the signed-in person it is made for; only health, the OpenAPI document and
 * the published event contract are open. Decided on the matched route, never
 * on the raw URL: a route is open
 * only when its pattern is one of PUBLIC_ROUTES, and an unknown path is a 401
 * too (no route list for strangers). The role check is the shared table
 * REPORT_OPERATIONS keyed by the route's operationId, failing closed for an
 * operation the table does not name; the data scope (groups, duty rows) is
 * applied by each route from the same principal.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  bearerToken, DomainError, EVENT_CONTRACT_ROUTES, ForbiddenError, ProblemType, REPORT_OPERATIONS, reportOperationRefusal, ServiceTokenError,
  type ReportOperation, type ScopePrincipal, type ServiceTokenVerifier, type VerifiedServiceCall,
} from '@minqing/shared';

declare module 'fastify' {
  interface FastifyRequest {
    /** the verified service call (issuer and principal); null only on the open routes */
    serviceCall: VerifiedServiceCall | null;
  }
}

/**
 * Routes anyone may call. The OpenAPI document is open on purpose: it holds the
 * contract, not data, and contract tests and fuzzers read it before they hold
 * a credential; every operation in it answers 401 without one. So is the event
 * contract (the JSON Schemas events name in `ce_dataschema`, the AsyncAPI document).
 */
export const PUBLIC_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/openapi.json', ...EVENT_CONTRACT_ROUTES]);

export class ServiceUnauthenticatedError extends DomainError {
  constructor(detail: string) {
    super(ProblemType.unauthenticated, 401, 'Service token required', detail);
  }
}

const isReportOperation = (id: unknown): id is ReportOperation => typeof id === 'string' && Object.hasOwn(REPORT_OPERATIONS, id);

export function installServiceAuth(app: FastifyInstance, verifier: ServiceTokenVerifier): void {
  app.decorateRequest('serviceCall', null);
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && PUBLIC_ROUTES.has(route)) return;
    try {
      request.serviceCall = await verifier.verify(bearerToken(request.headers.authorization));
    } catch (err) {
      if (!(err instanceof ServiceTokenError)) throw err;
      reply.header('www-authenticate', `Bearer realm="minqing-reporting", error="invalid_token"`);
      throw new ServiceUnauthenticatedError(err.message);
    }
    const { issuer, principal, tokenId } = request.serviceCall;
    request.log = request.log.child({ caller: issuer, actor: principal.username, role: principal.role, tokenId });
    if (route === undefined) return; // the not-found handler answers 404 to a caller who holds a token
    const operation = request.routeOptions.schema?.operationId;
    if (!isReportOperation(operation)) throw new ForbiddenError(`no access rule names the operation ${String(operation)}`);
    const refusal = reportOperationRefusal(principal, operation);
    if (refusal) throw new ForbiddenError(refusal);
  });
}

/** The principal of a guarded route's request. */
export function principalOf(request: FastifyRequest): ScopePrincipal {
  if (!request.serviceCall) throw new ServiceUnauthenticatedError('this service needs a service token');
  return request.serviceCall.principal;
}
