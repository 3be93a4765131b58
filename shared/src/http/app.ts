/**
 * Pieces every minqing HTTP app shares: the Fastify options (one function, used
 * by the server entry points and by tests alike), health endpoints, the OpenAPI
 * document at /openapi.json, and graceful shutdown.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import closeWithGrace from 'close-with-grace';
import { randomUUID } from 'node:crypto';
import { loggerOptions, type Logger } from '../logger';
import { PROBLEM_CONTENT_TYPE, ProblemSchema, ProblemType, sendProblem } from './problem';

export function fastifyOptions(args: { service: string; logLevel: string; logger?: Logger }): FastifyServerOptions {
  return {
    ...(args.logger ? { loggerInstance: args.logger } : { logger: loggerOptions(args.service, args.logLevel) }),
    bodyLimit: 256 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    ajv: {
      customOptions: { allErrors: true, removeAdditional: false, coerceTypes: false, useDefaults: true },
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
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
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

export async function registerOpenApi(app: FastifyInstance, info: { title: string; version: string; description: string }): Promise<void> {
  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info,
      servers: [{ url: '/' }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string | undefined) ?? `def-${i}` },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
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
