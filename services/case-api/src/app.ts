/**
 * The case API as a Fastify app factory; `server.ts` only wires real clients and
 * listens, tests build the same app with the same options.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Client } from '@temporalio/client';
import { DomainError, fastifyOptions, ProblemType, registerEventContract, registerHealth, registerOpenApi, registerProblemHandlers, SchemaDependency, temporalReachable, type EventContractOptions, type Logger, type Pool } from '@minqing/shared';
import { CaseRepository } from './case.repository';
import { CaseService } from './case.service';
import { casesRoutes } from './routes/cases.routes';
import { lifecycleRoutes } from './routes/lifecycle.routes';
import { queuesRoutes } from './routes/queues.routes';
import { policyRoutes } from './routes/policy.routes';
import { SlaPolicyStore } from './policy/sla-policy.store';
import { ActorRepository } from './actor.repository';
import { LifecycleService } from './lifecycle.service';
import { QueueRepository } from './queue.repository';
import { workRoutes } from './work/work.routes';
import { operationsRoutes } from './operations/operations.routes';
import { OperationsRepository } from './operations/operations.repository';
import { WorkRepository } from './work/work.repository';
import { WorkService } from './work/work.service';
import { LedgerRepository } from './ledger/ledger.repository';
import { LedgerService } from './ledger/ledger.service';
import { ledgerRoutes } from './ledger/ledger.routes';
import { InspectionRepository } from './inspections/inspection.repository';
import { InspectionService } from './inspections/inspection.service';
import { inspectionRoutes } from './inspections/inspection.routes';
import { PlansRepository } from './plans/plans.repository';
import { PlansService } from './plans/plans.service';
import { plansRoutes } from './plans/plans.routes';
import { CASEWORK_READ_RELATIONS } from './schemas';
import { directoryRoutes } from './directory/directory.routes';
import { DirectoryRepository } from './directory/directory.repository';
import { DirectoryService } from './directory/directory.service';
import { AccountRepository } from './auth/account.repository';
import { AuthService } from './auth/auth.service';
import { installAuth } from './auth/auth.hook';
import { authRoutes } from './auth/auth.routes';
import { CaseAccess } from './auth/case-access';
import { candidatesRoutes } from './routes/candidates.routes';
import { trackRoutes } from './public/track.routes';
import { notificationsRoutes } from './notifications/notifications.routes';
import { NotificationsRepository } from './notifications/notifications.repository';
import { reportsRoutes, type ReportAuditHook } from './reports/reports.routes';
import { ReportingClient } from './reports/reporting.client';
import { CASE_API_ISSUER, OPEN311_PREFIX, parseServiceTokenSecrets, ServiceTokenSigner } from '@minqing/shared';
import { CaseChanges } from './case-changes';
import { DEFAULT_WEB_DIR, registerWeb } from './web';
import { codecRoutes, type CodecOptions } from './codec/codec.routes';
import { AuditLog } from './audit/audit.service';
import { AuditRepository } from './audit/audit.repository';
import { auditRoutes } from './audit/audit.routes';
import { PgCounters } from './limits/counters';
import { sharedRateLimitStore } from './limits/rate-limit-store';
import { TrackGuard } from './limits/track-guard';
import { Open311Keys } from './open311/keys';
import { open311KeysRoutes } from './open311/keys.routes';
import { open311Routes } from './open311/open311.routes';
import { HotTopicsRepository } from './hot-topics/hot-topics.repository';
import { HotTopicsService } from './hot-topics/hot-topics.service';
import { hotTopicsRoutes } from './hot-topics/hot-topics.routes';
import { SessionsRepository } from './sessions/sessions.repository';
import { SessionsService } from './sessions/sessions.service';
import { sessionsRoutes } from './sessions/sessions.routes';
import { jiebaTerms } from './hot-topics/terms';
import { FourHelpsRepository } from './four-helps/four-helps.repository';
import { FourHelpsService } from './four-helps/four-helps.service';
import { fourHelpsRoutes } from './four-helps/four-helps.routes';

export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  logger?: Logger;
  logLevel?: string;
  reportingUrl?: string;
  /**
   * SERVICE_TOKEN_SECRETS: signs the service tokens of calls to reporting (the
   * first secret). Without it the report routes answer 503 (server.ts always passes it).
   */
  serviceTokenSecrets?: string;
  /** called once per report export, sign-off, appraisal entry and rebuild that succeeded (see reports.routes.ts) */
  onReportAudited?: ReportAuditHook;
  sessionTtlMinutes?: number;
  secureCookie?: boolean;
  /** password of the first `admin` account, created when there is none */
  adminPassword?: string;
  /** whether that first `admin` must choose a new password at the first sign-in (default true) */
  adminMustChangePassword?: boolean;
  webDir?: string;
  /** the Temporal payload codec (the client's) served at /api/v1/codec for the Web UI and CLI */
  codec: CodecOptions;
  /** the published event contract (schemas named by ce_dataschema, AsyncAPI), open like /openapi.json */
  eventContract: EventContractOptions;
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
  // Route limits (`config.rateLimit`) count in PostgreSQL: one budget for every API process, kept over restarts.
  const counters = new PgCounters(deps.pool);
  await app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    store: sharedRateLimitStore(counters),
    errorResponseBuilder: (_request, context) => new DomainError(ProblemType.tooManyRequests, 429, 'Too many requests', `slow down: try again in ${context.after}`),
  });
  const sessionTtlMinutes = deps.sessionTtlMinutes ?? 600;
  const auth = new AuthService({ accounts: new AccountRepository(deps.pool), counters, sessionTtlMinutes });
  installAuth(app, auth);
  if (await auth.bootstrapAdmin(deps.adminPassword, deps.adminMustChangePassword ?? true)) app.log.info('created the first administrator account "admin"');
  const audit = new AuditLog({ store: new AuditRepository(deps.pool), logger: deps.logger });

  const access = new CaseAccess(deps.pool);
  const changes = new CaseChanges({ pool: deps.pool, logger: deps.logger });
  app.addHook('onClose', async () => changes.close());
  const policies = new SlaPolicyStore({ pool: deps.pool });
  const service = new CaseService({ temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new CaseRepository(deps.pool), policies });
  const lifecycle = new LifecycleService({
    temporal: deps.temporal,
    actors: new ActorRepository(deps.pool),
    caseExists: async (id) => (await deps.pool.query('SELECT 1 FROM casework.cases WHERE id = $1', [id])).rowCount === 1,
    assertCanSee: async (p, id) => {
      if (!(await access.assertCanSeeStored(p, id))) await access.assertCanSee(p, await service.getCase(id));
    },
    maxReturnsOf: async (version) => (await policies.byVersion(version)).maxReturns,
  });
  await app.register(authRoutes, { prefix: '/api/v1', auth, audit, sessionTtlMinutes, secureCookie: deps.secureCookie ?? true });
  await app.register(auditRoutes, { prefix: '/api/v1', audit });
  // a case opened at a market-day session is tied to it (the session the opener is on duty at today, by default)
  const sessionsRepository = new SessionsRepository(deps.pool);
  const sessions = new SessionsService({ repository: sessionsRepository, temporal: deps.temporal, taskQueue: deps.taskQueue });
  await app.register(casesRoutes, { prefix: '/api/v1', service, access, lifecycle, audit, sessions });
  await app.register(directoryRoutes, { prefix: '/api/v1', service: new DirectoryService(new DirectoryRepository(deps.pool)), audit });
  await app.register(policyRoutes, { prefix: '/api/v1', policies, audit });
  await app.register(queuesRoutes, { prefix: '/api/v1', queues: new QueueRepository(deps.pool), access, service, changes });
  await app.register(candidatesRoutes, { prefix: '/api/v1', pool: deps.pool, access, service });
  await app.register(lifecycleRoutes, { prefix: '/api/v1', service: lifecycle, audit });
  const work = new WorkService({ temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new WorkRepository(deps.pool) });
  await app.register(workRoutes, { prefix: '/api/v1', work, lifecycle });
  // The public-condition ledger (民情台帐): a cadre's save of a household record is their work record, through `work`.
  const ledger = new LedgerService({ repository: new LedgerRepository(deps.pool), work, actors: new ActorRepository(deps.pool), logger: deps.logger });
  await app.register(ledgerRoutes, { prefix: '/api/v1', ledger, audit });
  // The assessment group's inspections (一听二看三查, issue 13): checked here, written with their event by the worker.
  const inspections = new InspectionService({ temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new InspectionRepository(deps.pool) });
  await app.register(inspectionRoutes, { prefix: '/api/v1', inspections, audit });
  // Plans (片区工作计划, 年度服务计划; issue 13): kept in the directory schema, each item revision's event written by the worker.
  const plans = new PlansService({ repository: new PlansRepository(deps.pool), temporal: deps.temporal, taskQueue: deps.taskQueue, logger: deps.logger });
  await app.register(plansRoutes, { prefix: '/api/v1', plans });
  // Hot topics and the month's topic (每月一题, issue 13): keywords by jieba, loaded on first use.
  // Market-day sessions (双定 — 定时服务, issue 13): attendance checked here, written with its event by the worker; the session report.
  await app.register(sessionsRoutes, { prefix: '/api/v1', sessions, repository: sessionsRepository, audit });
  await app.register(hotTopicsRoutes, { prefix: '/api/v1', hotTopics: new HotTopicsService({ store: new HotTopicsRepository(deps.pool), terms: jiebaTerms }), audit });
  // 四帮四促 tags of a case (issue 13): checked here, written with their event by the worker (caseHelpsWorkflow).
  const fourHelps = new FourHelpsService({
    temporal: deps.temporal, taskQueue: deps.taskQueue, repository: new FourHelpsRepository(deps.pool),
    getCase: (id) => service.getCase(id), assertCanSee: (p, c) => access.assertCanSee(p, c), actor: (p) => lifecycle.actor(p),
  });
  await app.register(fourHelpsRoutes, { prefix: '/api/v1', helps: fourHelps, audit });
  const notifications = new NotificationsRepository(deps.pool);
  await app.register(trackRoutes, { prefix: '/api/v1', pool: deps.pool, service, lifecycle, guard: new TrackGuard(counters), audit, notifications });
  await app.register(notificationsRoutes, { prefix: '/api/v1', notifications, service, access, audit });
  await app.register(operationsRoutes, { prefix: '/api/v1', operations: new OperationsRepository(deps.pool) });
  await app.register(codecRoutes, { prefix: '/api/v1', ...deps.codec, audit });
  // Open311 GeoReport v2 (issue 14): administrators' key management under /api/v1, the endpoint itself under OPEN311_PREFIX.
  const open311Keys = new Open311Keys(deps.pool);
  await app.register(open311KeysRoutes, { prefix: '/api/v1', keys: open311Keys, audit });
  await app.register(open311Routes, { prefix: OPEN311_PREFIX, pool: deps.pool, service, keys: open311Keys, audit, counters });
  const signer = deps.serviceTokenSecrets ? new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(deps.serviceTokenSecrets), issuer: CASE_API_ISSUER }) : null;
  const reporting = new ReportingClient({ baseUrl: deps.reportingUrl ?? 'http://127.0.0.1:8081', signer, logger: deps.logger });
  // Exports, sign-offs, appraisal entries and rebuilds go into the audit trail (required: no entry, no file).
  const onReportAudited: ReportAuditHook = async (action, subject, ctx) => {
    await audit.record(ctx.request, { action, subjectType: 'report', subject, details: ctx.details }, { required: true });
    await deps.onReportAudited?.(action, subject, ctx);
  };
  const caseTitles = async (ids: string[]) =>
    new Map((await deps.pool.query<{ id: string; title: string }>('SELECT id, title FROM casework.cases WHERE id = ANY($1::uuid[])', [ids])).rows.map((r) => [r.id, r.title]));
  await app.register(reportsRoutes, { prefix: '/api/v1', reporting, onAudited: onReportAudited, caseTitles });
  registerEventContract(app, deps.eventContract);
  await registerWeb(app, deps.webDir ?? DEFAULT_WEB_DIR);
  return app;
}
