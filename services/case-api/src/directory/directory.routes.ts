/** /api/v1/directory — the 三联 roster: lists, search, import/export (JSON, CSV), rule check. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AreaSchema, CadreRole, DomainError, ProblemType, CadreSchema, DepartmentSchema, HouseholdSchema, NotFoundError, problemResponses, RoutingRuleSchema,
  ServicePointSchema, SessionSchema, VillageSchema, type DirectoryDocument,
} from '@minqing/shared';
import type { DirectoryRepository } from './directory.repository';
import { ENTITIES, type DirectoryService, type Entity } from './directory.service';

const Code = Type.String({ minLength: 1, maxLength: 64 });
const ViolationSchema = Type.Object({ rule: Type.String(), subject: Type.String(), message: Type.String() });
const ImportResult = Type.Object({ imported: Type.Record(Type.String(), Type.Integer()), violations: Type.Array(ViolationSchema) }, { $id: 'DirectoryImportResult' });
const Document = Type.Object(
  {
    areas: Type.Optional(Type.Array(Type.Unknown())),
    departments: Type.Optional(Type.Array(Type.Unknown())),
    villages: Type.Optional(Type.Array(Type.Unknown())),
    cadres: Type.Optional(Type.Array(Type.Unknown())),
    households: Type.Optional(Type.Array(Type.Unknown())),
    servicePoints: Type.Optional(Type.Array(Type.Unknown())),
    sessions: Type.Optional(Type.Array(Type.Unknown())),
    routingRules: Type.Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: false, description: 'the whole roster or any part of it; rows are validated one by one (see the entity schemas)' },
);
const EntityParam = Type.Object({ entity: Type.Union(ENTITIES.map((e) => Type.Literal(e))) });

export const directoryRoutes: FastifyPluginAsyncTypebox<{ repo: DirectoryRepository; service: DirectoryService }> = async (app, { repo, service }) => {
  for (const s of [AreaSchema, DepartmentSchema, VillageSchema, CadreSchema, HouseholdSchema, ServicePointSchema, SessionSchema, RoutingRuleSchema, ImportResult]) app.addSchema(s);
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 }, (_req, body, done) => done(null, body));
  const list = (id: string) => Type.Object({ items: Type.Array(Type.Ref(id)) });
  const tags = ['directory'];

  app.get('/directory/areas', { schema: { operationId: 'listAreas', summary: 'Areas (片区) and their leaders (领导联片)', tags, response: { 200: list('Area') } } }, async () => ({ items: await repo.areas() }));
  app.get('/directory/departments', { schema: { operationId: 'listDepartments', summary: 'Departments and their heads', tags, response: { 200: list('Department') } } }, async () => ({ items: await repo.departments() }));
  app.get('/directory/villages', { schema: { operationId: 'listVillages', summary: 'Villages (嘎查村) and communities (社区) with their area and linked department (部门联村)', tags, response: { 200: list('Village') } } }, async () => ({ items: await repo.villages() }));
  app.get('/directory/cadres', {
    schema: {
      operationId: 'listCadres',
      summary: 'Staff and cadres',
      tags,
      querystring: Type.Object({ department: Type.Optional(Code), role: Type.Optional(Type.Union(Object.values(CadreRole).map((r) => Type.Literal(r)))) }, { additionalProperties: false }),
      response: { 200: list('Cadre'), ...problemResponses(400) },
    },
  }, async (request) => ({ items: await repo.cadres(request.query) }));
  app.get('/directory/cadres/:code', {
    schema: {
      operationId: 'getCadre',
      summary: 'One cadre, with the number of linked and key households (干部联户)',
      tags,
      params: Type.Object({ code: Code }),
      response: { 200: Type.Intersect([Type.Ref('Cadre'), Type.Object({ linkedHouseholds: Type.Integer(), keyHouseholds: Type.Integer() })]), ...problemResponses(404) },
    },
  }, async (request) => {
    const found = await repo.cadre(request.params.code);
    if (!found) throw new NotFoundError('cadre', request.params.code);
    return found;
  });
  app.get('/directory/households', {
    schema: {
      operationId: 'searchHouseholds',
      summary: 'Find households by head name, phone, ID-number tail, address or code; filter by village, cadre, key or vulnerable',
      tags,
      querystring: Type.Object({
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        village: Type.Optional(Code),
        cadre: Type.Optional(Code),
        isKey: Type.Optional(Type.Boolean()),
        isVulnerable: Type.Optional(Type.Boolean()),
        limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        offset: Type.Integer({ minimum: 0, default: 0 }),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Ref('Household')), total: Type.Integer() }), ...problemResponses(400) },
    },
  }, async (request) => repo.households(request.query as never));
  app.get('/directory/households/:code', {
    schema: { operationId: 'getHousehold', summary: 'One household', tags, params: Type.Object({ code: Code }), response: { 200: Type.Ref('Household'), ...problemResponses(404) } },
  }, async (request) => {
    const found = await repo.household(request.params.code);
    if (!found) throw new NotFoundError('household', request.params.code);
    return found;
  });
  app.get('/directory/service-points', { schema: { operationId: 'listServicePoints', summary: 'The hall, the social-service hall and the community stations (定点服务)', tags, response: { 200: list('ServicePoint') } } }, async () => ({ items: await repo.servicePoints() }));
  app.get('/directory/sessions', { schema: { operationId: 'listSessions', summary: 'Market-day sessions (定时服务) with their duty rosters', tags, response: { 200: list('Session') } } }, async () => ({ items: await repo.sessions() }));
  app.get('/directory/routing-rules', { schema: { operationId: 'listRoutingRules', summary: 'Category rules that override the links', tags, response: { 200: list('RoutingRule') } } }, async () => ({ items: await repo.routingRules() }));

  app.post('/directory/import', {
    schema: {
      operationId: 'importDirectory',
      summary: 'Import (upsert) a roster document; any invalid row → 422 with every error, and nothing is imported',
      tags,
      body: Document,
      response: { 200: Type.Ref('DirectoryImportResult'), ...problemResponses(400, 413, 422) },
    },
    bodyLimit: 32 * 1024 * 1024,
  }, async (request) => service.import(request.body as Partial<DirectoryDocument>));

  app.post('/directory/csv/:entity', {
    schema: {
      operationId: 'importDirectoryCsv',
      summary: 'Import one entity from CSV (text/csv, header row of field names; dutyCadreCodes separated by ";")',
      tags,
      params: EntityParam,
      consumes: ['text/csv'],
      response: { 200: Type.Ref('DirectoryImportResult'), ...problemResponses(400, 415, 422) },
    },
  }, async (request) => {
    if (typeof request.body !== 'string') {
      throw new DomainError(ProblemType.unsupportedMediaType, 415, 'Unsupported media type', 'send the rows as text/csv with a header row');
    }
    const entity = request.params.entity as Entity;
    return service.import(service.parseCsv(entity, request.body));
  });

  app.get('/directory/export', {
    schema: { operationId: 'exportDirectory', summary: 'The whole roster as one JSON document (re-importable)', tags },
  }, async () => repo.exportDocument());

  app.get('/directory/csv/:entity', {
    schema: { operationId: 'exportDirectoryCsv', summary: 'One entity as CSV (re-importable)', tags, params: EntityParam, produces: ['text/csv'] },
  }, async (request, reply) => reply.type('text/csv; charset=utf-8').send(await service.exportCsv(request.params.entity as Entity)));

  app.get('/directory/rule-check', {
    schema: {
      operationId: 'directoryRuleCheck',
      summary: 'Where the roster breaks the plan: leaders linking other than 2–3 villages, cadres with fewer than 3 key households, unlinked households, departments without a head',
      tags,
      response: { 200: Type.Object({ ok: Type.Boolean(), violations: Type.Array(ViolationSchema) }) },
    },
  }, async () => {
    const violations = await repo.ruleCheck();
    return { ok: violations.length === 0, violations };
  });
};
