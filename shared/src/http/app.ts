/**
 * Pieces every minqing HTTP app shares: the Fastify options (one function, used
 * by the server entry points and by tests alike), health endpoints, the OpenAPI
 * document at /openapi.json, and graceful shutdown.
 */
import type { FastifyInstance, FastifySchema, FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import closeWithGrace from 'close-with-grace';
import { randomUUID } from 'node:crypto';
import { loggerOptions, type Logger } from '../logger';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, ProblemType, sendProblem } from './problem';
import { PUBLIC_ROUTE } from './route-access';
import { isPeriod } from '../domain/figures';
import { isStrictDate, isStrictDateTime, isUuid } from '../domain/formats';

/**
 * Largest JSON body a route takes unless it says otherwise (`bodyLimit` on the
 * route): a case's longest text, escaped, fits several times over. Routes with
 * small bodies (sign-in, moves) set less, the roster imports more; a body over
 * the limit is a 413 from its Content-Length, before any of it is read.
 */
export const DEFAULT_BODY_LIMIT = 64 * 1024;

/** The string formats the edge checks, the same checkers as TypeBox's (domain/formats.ts). */
const STRICT_FORMATS: Record<string, (s: string) => boolean> = { 'date-time': isStrictDateTime, date: isStrictDate, uuid: isUuid, period: isPeriod };

export function fastifyOptions(args: { service: string; logLevel: string; logger?: Logger }): FastifyServerOptions {
  return {
    ...(args.logger ? { loggerInstance: args.logger } : { logger: loggerOptions(args.service, args.logLevel) }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // One spelling per route (issue 15): the router decodes percent-encoding (always) and
    // matches nothing else — no case folding, no collapsing of `//`, no trailing `/`, no dot
    // segments, no `;` parameters (Fastify 5's useSemicolonDelimiter default) — so a variant
    // of a path is either the same route (and gets the same authorisation, decided on the
    // matched route) or no route at all (404).
    routerOptions: { caseSensitive: true, ignoreDuplicateSlashes: false, ignoreTrailingSlash: false },
    ajv: {
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false, useDefaults: true },
      // After ajv-formats: strict timestamps (real dates, offsets within ±14:00), dates and periods.
      onCreate: (ajv: unknown) => {
        for (const [name, check] of Object.entries(STRICT_FORMATS)) (ajv as { addFormat(name: string, check: (s: string) => boolean): unknown }).addFormat(name, check);
      },
    },
    return503OnClosing: true,
    forceCloseConnections: true,
  } as FastifyServerOptions;
}

export type ReadinessCheck = () => Promise<unknown>;

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz`: the process is alive. `/readyz`: every dependency answers. */
export function registerHealth(app: FastifyInstance, checks: Record<string, ReadinessCheck>): void {
  app.get('/healthz', { schema: { hide: true }, config: PUBLIC_ROUTE }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, config: PUBLIC_ROUTE }, async (request, reply) => {
    const results: Record<string, string> = {};
    let ready = true;
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 3_000, name);
          results[name] = 'ok';
        } catch (err) {
          ready = false;
          results[name] = (err as Error).message || 'failed';
        }
      }),
    );
    if (ready) return { status: 'ready', checks: results };
    return sendProblem(reply, {
      type: ProblemType.unavailable,
      title: 'Not ready',
      status: 503,
      detail: Object.entries(results)
        .filter(([, v]) => v !== 'ok')
        .map(([k, v]) => `${k}: ${v}`)
        .join('; '),
      checks: results,
    });
  });
}

export async function registerOpenApi(
  app: FastifyInstance,
  info: { title: string; version: string; description: string },
  /** security schemes every operation requires (e.g. reporting's service token), named in the document */
  securitySchemes?: Record<string, Record<string, unknown>>,
): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info,
      servers: [{ url: '/' }],
      ...(securitySchemes
        ? { components: { securitySchemes: securitySchemes as never }, security: Object.keys(securitySchemes).map((name) => ({ [name]: [] })) }
        : {}),
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}` },
    transform: documentEdgeResponses,
  });
  app.get('/openapi.json', { schema: { hide: true }, config: PUBLIC_ROUTE }, async () => app.swagger());
}

/**
 * The answers the edge itself gives, added to every operation's document so it
 * tells the truth whatever the route's author listed: 400 (the unsafe-text
 * check and the schemas), 401 and 403 where a session or service credential is
 * needed (every route not marked `public`), 413 and 415 where a body is read,
 * 429 where a rate limit applies. A route that documents no success answer
 * gets the plain 200 (files, streams).
 */
function documentEdgeResponses(args: { schema: FastifySchema; url: string; route: { method: string | string[]; config?: unknown } }): { schema: FastifySchema; url: string } {
  // A route without a schema is still an operation the edge answers for.
  const schema = (args.schema ?? {}) as FastifySchema & { response?: Record<string, unknown>; hide?: boolean };
  if (schema.hide) return { schema: args.schema, url: args.url };
  const config = (args.route.config ?? {}) as { public?: boolean; rateLimit?: unknown };
  const methods = ([] as string[]).concat(args.route.method);
  const codes = [400];
  if (!config.public) codes.push(401, 403);
  if (methods.some((m) => ['POST', 'PUT', 'PATCH'].includes(m))) codes.push(413, 415);
  if (config.rateLimit) codes.push(429);
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  if (!Object.keys(response).some((code) => /^2/.test(code))) response[200] = { description: 'Default Response' };
  for (const [code, doc] of Object.entries(problemResponses(...codes))) if (!(code in response)) response[code] = doc;
  return { schema: { ...schema, response }, url: args.url };
}

/** Standard problem responses for route schemas. */
export function problemResponses(...codes: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const code of codes) {
    out[code] = { description: 'problem document', content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } } };
  }
  return out;
}

/**
 * Run until SIGINT/SIGTERM, then call `close` (drain in-flight work, close
 * consumers and pools) within `delay` ms.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>, delay = 15_000): void {
  closeWithGrace({ delay, logger: { error: (m: unknown) => logger.error(m) } }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'fatal error, shutting down');
    else logger.info({ signal }, 'shutting down');
    await close();
    logger.info('stopped');
  });
}
