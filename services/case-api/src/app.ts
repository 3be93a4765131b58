/**
 * The case API as a Fastify app factory; `server.ts` only wires real clients and
 * listens, tests build the same app with the same options.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { fastifyOptions, registerHealth, registerOpenApi, registerProblemHandlers, temporalReachable, type Logger, type Pool } from '@minqing/shared';
import { CaseRepository } from './case.repository';
import { CaseService } from './case.service';
import { casesRoutes } from './routes/cases.routes';
import { lifecycleRoutes } from './routes/lifecycle.routes';
import { queuesRoutes } from './routes/queues.routes';
import { policyRoutes } from './routes/policy.routes';
import { ActorRepository } from './actor.repository';
import { LifecycleService } from './lifecycle.service';
import { QueueRepository } from './queue.repository';
import { workRoutes } from './work/work.routes';
import { directoryRoutes } from './directory/directory.routes';
import { DirectoryRepository } from './directory/directory.repository';
import { DirectoryService } from './directory/directory.service';

export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /** topic for events the API writes to the outbox itself (work records) */
  caseEventsTopic?: string;
  logger?: Logger;
  logLevel?: string;
}

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions({ service: 'case-api', logLevel: deps.logLevel ?? 'info', logger: deps.logger })).withTypeProvider<TypeBoxTypeProvider>();
  registerProblemHandlers(app);
  await registerOpenApi(app, {
    title: 'minqing case API',
    version: '1.0.0',
    description: 'Cases for hall staff, cadres, managers and residents. Errors are application/problem+json (RFC 9457).',
  });
  registerHealth(app, {
    postgres: () => deps.pool.query('SELECT 1'),
    temporal: () => temporalReachable(deps.temporal),
  });
  const service = new CaseService({ temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new CaseRepository(deps.pool) });
  await app.register(casesRoutes, { prefix: '/api/v1', service });
  await app.register(directoryRoutes, { prefix: '/api/v1', service: new DirectoryService(new DirectoryRepository(deps.pool)) });
  await app.register(policyRoutes, { prefix: '/api/v1' });
  await app.register(queuesRoutes, { prefix: '/api/v1', queues: new QueueRepository(deps.pool) });
  const lifecycle = new LifecycleService({
      temporal: deps.temporal,
      actors: new ActorRepository(deps.pool),
      caseExists: async (id) => (await deps.pool.query('SELECT 1 FROM casework.cases WHERE id = $1', [id])).rowCount === 1,
  });
  await app.register(lifecycleRoutes, { prefix: '/api/v1', service: lifecycle });
  await app.register(workRoutes, { prefix: '/api/v1', pool: deps.pool, lifecycle, topic: deps.caseEventsTopic ?? 'case-events' });
  return app;
}
