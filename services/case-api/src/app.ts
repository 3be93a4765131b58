/**
 * The case API as a Fastify app factory; `server.ts` only wires real clients and
 * listens, tests build the same app with the same options.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { DomainError, fastifyOptions, ProblemType, registerHealth, registerOpenApi, registerProblemHandlers, SchemaDependency, temporalReachable, type Logger, type Pool } from '@minqing/shared';
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
import { WorkRepository } from './work/work.repository';
import { WorkService } from './work/work.service';
import { CASEWORK_READ_RELATIONS } from './schemas';
import { directoryRoutes } from './directory/directory.routes';
import { DirectoryRepository } from './directory/directory.repository';
import { DirectoryService } from './directory/directory.service';
import { AccountRepository } from './auth/account.repository';
import { AuthService } from './auth/auth.service';
import { installAuth } from './auth/auth.hook';
import { authRoutes } from './auth/auth.routes';
import { CaseAccess } from './auth/case-access';
import { trackRoutes } from './public/track.routes';
import { reportsProxy } from './reports/reports.proxy';
import { CaseChanges } from './case-changes';
import { DEFAULT_WEB_DIR, registerWeb } from './web';

export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  logger?: Logger;
  logLevel?: string;
  reportingUrl?: string;
  sessionTtlMinutes?: number;
  secureCookie?: boolean;
  /** password of the first `admin` account, created when there is none */
  adminPassword?: string;
  webDir?: string;
}

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions({ service: 'case-api', logLevel: deps.logLevel ?? 'info', logger: deps.logger })).withTypeProvider<TypeBoxTypeProvider>();
  registerProblemHandlers(app);
  await registerOpenApi(app, {
    title: 'minqing case API',
    version: '1.0.0',
    description:
      'Cases for hall staff, cadres, managers and residents. Sign in with POST /api/v1/auth/session: the console keeps the session in an HttpOnly cookie; API clients send the returned token as `Authorization: Bearer <token>`. Errors are application/problem+json (RFC 9457).',
  });
  // The case-worker migrates the casework tables this API reads; until they are
  // there, /readyz says what it waits for (the API starts anyway, in any order).
  const casework = new SchemaDependency({ pool: deps.pool, relations: CASEWORK_READ_RELATIONS, owner: 'case-worker', logger: deps.logger }).start();
  app.addHook('onClose', async () => casework.stop());
  registerHealth(app, {
    postgres: () => deps.pool.query('SELECT 1'),
    temporal: () => temporalReachable(deps.temporal),
    caseworkSchema: () => casework.check(),
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    errorResponseBuilder: (_request, context) => new DomainError(ProblemType.tooManyRequests, 429, 'Too many requests', `slow down: try again in ${context.after}`),
  });
  const sessionTtlMinutes = deps.sessionTtlMinutes ?? 600;
  const auth = new AuthService({ accounts: new AccountRepository(deps.pool), sessionTtlMinutes });
  installAuth(app, auth);
  if (await auth.bootstrapAdmin(deps.adminPassword)) app.log.info('created the first administrator account "admin"');

  const access = new CaseAccess(deps.pool);
  const changes = new CaseChanges({ pool: deps.pool, logger: deps.logger });
  app.addHook('onClose', async () => changes.close());
  const service = new CaseService({ temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new CaseRepository(deps.pool) });
  const lifecycle = new LifecycleService({
    temporal: deps.temporal,
    actors: new ActorRepository(deps.pool),
    caseExists: async (id) => (await deps.pool.query('SELECT 1 FROM casework.cases WHERE id = $1', [id])).rowCount === 1,
    assertCanSee: async (p, id) => access.assertCanSee(p, await service.getCase(id)),
  });
  await app.register(authRoutes, { prefix: '/api/v1', auth, sessionTtlMinutes, secureCookie: deps.secureCookie ?? false });
  await app.register(casesRoutes, { prefix: '/api/v1', service, access, lifecycle });
  await app.register(directoryRoutes, { prefix: '/api/v1', service: new DirectoryService(new DirectoryRepository(deps.pool)) });
  await app.register(policyRoutes, { prefix: '/api/v1' });
  await app.register(queuesRoutes, { prefix: '/api/v1', queues: new QueueRepository(deps.pool), access, service, changes });
  await app.register(lifecycleRoutes, { prefix: '/api/v1', service: lifecycle });
  const work = new WorkService({ temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new WorkRepository(deps.pool) });
  await app.register(workRoutes, { prefix: '/api/v1', work, lifecycle });
  await app.register(trackRoutes, { prefix: '/api/v1', pool: deps.pool, service, lifecycle });
  await app.register(reportsProxy, { prefix: '/api/v1', reportingUrl: deps.reportingUrl ?? 'http://127.0.0.1:8081', pool: deps.pool });
  await registerWeb(app, deps.webDir ?? DEFAULT_WEB_DIR);
  return app;
}
