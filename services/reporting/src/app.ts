/** The reporting HTTP app (factory); the consumer is wired in server.ts. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { fastifyOptions, registerEventContract, registerHealth, registerOpenApi, registerProblemHandlers, type EventContractOptions, type Logger, type Pool, type ServiceTokenVerifier } from '@minqing/shared';
import { ReportRepository } from './report.repository';
import { reportsRoutes } from './routes/reports.routes';
import { FiguresRepository } from './figures.repository';
import { FrozenRepository } from './frozen.repository';
import { frozenRoutes, type RebuildControl } from './routes/frozen.routes';
import { evaluationRoutes } from './routes/evaluation.routes';
import { planFiguresRoutes } from './routes/plans.routes';
import { evaluationSheetRoutes } from './routes/evaluation-sheet.routes';
import { SheetRepository } from './evaluation.sheet';
import { EvaluationRepository } from './evaluation.repository';
import { ScopeRepository } from './scope.repository';
import { installServiceAuth } from './service-auth';
import { FourHelpsRepository } from './four-helps.repository';
import { fourHelpsRoutes } from './routes/four-helps.routes';

export interface ReportingDeps {
  pool: Pool;
  /** checks the service token every request but health and the OpenAPI document must carry */
  verifier: ServiceTokenVerifier;
  logger?: Logger;
  logLevel?: string;
  consumerReady?: () => boolean;
  rebuild?: RebuildControl;
  /** the published event contract (schemas, AsyncAPI), open like the OpenAPI document */
  eventContract: EventContractOptions;
}

export async function buildApp(deps: ReportingDeps): Promise<FastifyInstance> {
  const app = Fastify(fastifyOptions({ service: 'reporting', logLevel: deps.logLevel ?? 'info', logger: deps.logger })).withTypeProvider<TypeBoxTypeProvider>();
  registerProblemHandlers(app);
  await registerOpenApi(app, {
    title: 'minqing reporting API',
    version: '1.0.0',
    description:
      'Evaluation figures computed from the case event stream. Every operation needs a service token: `Authorization: Bearer <JWT>` (HS256, `aud` minqing-reporting, `iss` the calling service, at most a minute old, the signed-in person in `sub`, `role`, `cadreCode`, `departmentCode`, `areaCodes`); without a valid one the answer is 401. Answers are limited to that person\'s scope. Only /healthz, /readyz, this document and the event contract (/asyncapi.json, /api/v1/events/schemas/…) are open.',
  }, {
    serviceToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a service token signed by the case API for the signed-in person (see the description above)' },
  });
  installServiceAuth(app, deps.verifier);
  registerEventContract(app, deps.eventContract);
  registerHealth(app, {
    postgres: () => deps.pool.query('SELECT 1'),
    ...(deps.consumerReady
      ? {
          consumer: async () => {
            if (!deps.consumerReady!()) throw new Error('event consumer has not joined its group');
          },
        }
      : {}),
  });
  const figures = new FiguresRepository(deps.pool);
  await app.register(reportsRoutes, { prefix: '/api/v1', repository: new ReportRepository(deps.pool), figures, scope: new ScopeRepository(deps.pool) });
  const evaluation = new EvaluationRepository(deps.pool);
  await app.register(evaluationRoutes, { prefix: '/api/v1', evaluation, figures });
  await app.register(planFiguresRoutes, { prefix: '/api/v1', evaluation });
  await app.register(evaluationSheetRoutes, { prefix: '/api/v1', pool: deps.pool, evaluation, figures, sheets: new SheetRepository(deps.pool), rebuild: deps.rebuild });
  await app.register(fourHelpsRoutes, { prefix: '/api/v1', fourHelps: new FourHelpsRepository(deps.pool) });
  await app.register(frozenRoutes, { prefix: '/api/v1', figures, frozen: new FrozenRepository(deps.pool), rebuild: deps.rebuild });
  return app;
}
