/** /api/v1/directory — the 三联 roster: lists, search, import/export (JSON, CSV), rule check. Thin: schemas in, service, reply out. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AreaSchema, CadreRole, CadreSchema, DepartmentSchema, DomainError, ForbiddenError, HouseholdSchema, problemResponses, ProblemType, RoutingRuleSchema,
  ServicePointSchema, SessionSchema, VillageSchema, ROSTER_OPERATIONS, type DirectoryDocument, type RosterOperation, Code as CodeString, CursorParam, Offset, PageAnswer, Text,
} from '@minqing/shared';
import { ENTITIES, RULES, type DirectoryService, type Entity } from './directory.service';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';

/** Who may call a roster operation: the shared table (imports and whole-roster exports for administrators; the rule check also for managers). */
const rolesOf = (op: RosterOperation) => ({ config: { roles: ROSTER_OPERATIONS[op] } });

const Code = CodeString();
const tags = ['directory'];
const list = (id: string) => Type.Object({ items: Type.Array(Type.Ref(id)) });

const ViolationSchema = Type.Object(
  {
    rule: Type.Union(RULES.map((r) => Type.Literal(r))),
    entity: Type.Union([Type.Literal('areas'), Type.Literal('cadres'), Type.Literal('villages'), Type.Literal('departments')]),
    subject: Type.String({ description: 'code of the area, cadre, village or department concerned' }),
    params: Type.Record(Type.String(), Type.Integer(), { description: 'the counts the message quotes (villages; linked, key; count), for wording it in the reader\'s language' }),
    message: Type.String(),
  },
  { $id: 'RuleViolation' },
);
const ByRule = Type.Object(Object.fromEntries(RULES.map((r) => [r, Type.Integer()])), { description: 'violations per rule' });
const Counts = Type.Object(Object.fromEntries(ENTITIES.map((e) => [e, Type.Integer()])), { description: 'rows upserted per entity' });
const ImportResultSchema = Type.Object(
  {
    imported: Counts,
    violationCount: Type.Integer({ description: 'how many plan rules the whole roster breaks after this import (see directoryRuleCheck)' }),
    byRule: ByRule,
    violations: Type.Array(Type.Ref('RuleViolation')),
  },
  { $id: 'DirectoryImportResult' },
);
const RuleCheckSchema = Type.Object(
  { ok: Type.Boolean(), violationCount: Type.Integer(), byRule: ByRule, violations: Type.Array(Type.Ref('RuleViolation')) },
  { $id: 'DirectoryRuleCheck' },
);
const DocumentSchema = Type.Object(
  {
    areas: Type.Array(Type.Ref('Area')),
    departments: Type.Array(Type.Ref('Department')),
    villages: Type.Array(Type.Ref('Village')),
    cadres: Type.Array(Type.Ref('Cadre')),
    households: Type.Array(Type.Ref('Household')),
    servicePoints: Type.Array(Type.Ref('ServicePoint')),
    sessions: Type.Array(Type.Ref('Session')),
    routingRules: Type.Array(Type.Ref('RoutingRule')),
  },
  { $id: 'DirectoryDocument', description: 'the whole roster; re-importable' },
);
// Rows are validated by the service, so one bad row yields entity/row/field errors (422), not a 400.
const ImportBody = Type.Object(
  Object.fromEntries(ENTITIES.map((e) => [e, Type.Optional(Type.Array(Type.Unknown(), { description: `rows of ${e} (schema ${e})` }))])),
  { additionalProperties: false, description: 'the whole roster or any part of it; rows are upserted by code (routing rules by category)' },
);
const EntityParam = Type.Object({ entity: Type.Union(ENTITIES.map((e) => Type.Literal(e))) });

export const directoryRoutes: FastifyPluginAsyncTypebox<{ service: DirectoryService; audit: AuditLog }> = async (app, { service, audit }) => {
  for (const s of [AreaSchema, DepartmentSchema, VillageSchema, CadreSchema, HouseholdSchema, ServicePointSchema, SessionSchema, RoutingRuleSchema]) app.addSchema(s);
  for (const s of [ViolationSchema, ImportResultSchema, RuleCheckSchema, DocumentSchema]) app.addSchema(s);
  // Roles in the route config: the front door refuses a roster import before its (large) body is read.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 16 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get('/directory/areas', {
    schema: { operationId: 'listAreas', summary: 'Areas (片区) and their leaders (领导联片)', tags, response: { 200: list('Area') } },
  }, async () => ({ items: await service.areas() }));

  app.get('/directory/departments', {
    schema: { operationId: 'listDepartments', summary: 'Departments and their heads', tags, response: { 200: list('Department') } },
  }, async () => ({ items: await service.departments() }));

  app.get('/directory/villages', {
    schema: { operationId: 'listVillages', summary: 'Villages (嘎查村) and communities (社区) with their area and linked department (部门联村)', tags, response: { 200: list('Village') } },
  }, async () => ({ items: await service.villages() }));

  app.get('/directory/cadres', {
    schema: {
      operationId: 'listCadres',
      summary: 'Staff, cadres and leaders',
      tags,
      querystring: Type.Object(
        { department: Type.Optional(Code), role: Type.Optional(Type.Union(Object.values(CadreRole).map((r) => Type.Literal(r)))) },
        { additionalProperties: false },
      ),
      response: { 200: list('Cadre'), ...problemResponses(400) },
    },
  }, async (request) => ({ items: await service.cadres(request.query) }));

  app.get('/directory/cadres/:code', {
    schema: {
      operationId: 'getCadre',
      summary: 'One cadre, with the number of linked and key households (干部联户)',
      tags,
      params: Type.Object({ code: Code }),
      response: {
        // One object (not allOf with the closed Cadre schema, which would forbid the counts).
        200: Type.Object({ ...CadreSchema.properties, linkedHouseholds: Type.Integer(), keyHouseholds: Type.Integer({ description: '重点户' }) }, { additionalProperties: false }),
        ...problemResponses(404),
      },
    },
  }, async (request) => service.cadre(request.params.code));

  // A POST, so that names, phones and ID tails travel in the body, never in a URL (logs, proxies, history).
  app.post('/directory/households/search', {
    schema: {
      operationId: 'searchHouseholds',
      summary: 'Find households by head name, phone, ID-number tail, address or code; filter by village, cadre, key or vulnerable',
      description: 'A search, not a change: POST only so that the search term stays out of URLs. A cadre gets the households linked to them (干部联户).',
      tags,
      body: Type.Object(
        {
          q: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'head name or address (substring), phone, last 4 of the ID number, or code; exact matches first' })),
          village: Type.Optional(Code),
          cadre: Type.Optional(Code),
          isKey: Type.Optional(Type.Boolean()),
          isVulnerable: Type.Optional(Type.Boolean()),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          cursor: Type.Optional(CursorParam()),
          offset: Offset({ description: 'rows to skip, for callers from before cursors; prefer `cursor`' }),
        },
        { additionalProperties: false },
      ),
      response: {
        200: PageAnswer(Type.Ref('Household'), { total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() }),
        ...problemResponses(400),
      },
    },
  }, async (request) => {
    // A cadre sees the households linked to them (干部联户), not the whole township's.
    const p = principalOf(request);
    const found = await service.searchHouseholds(p.role === 'cadre' ? { ...request.body, cadre: p.cadreCode ?? '-' } : request.body);
    // Who saw which households (their codes); never the search term, which may be a name or a phone.
    await audit.record(request, { action: 'household.search', subjectType: 'household', details: { results: found.items.map((h) => h.code), total: found.total } }, { required: true });
    return found;
  });

  app.get('/directory/households/:code', {
    schema: { operationId: 'getHousehold', summary: 'One household', tags, params: Type.Object({ code: Code }), response: { 200: Type.Ref('Household'), ...problemResponses(404) } },
  }, async (request) => {
    const household = await service.household(request.params.code);
    const p = principalOf(request);
    if (p.role === 'cadre' && household.cadreCode !== p.cadreCode) throw new ForbiddenError(`household ${household.code} is not linked to you`);
    await audit.record(request, { action: 'household.read', subjectType: 'household', subject: household.code }, { required: true });
    return household;
  });

  const LinksResult = (entity: string) => Type.Object({
    before: Type.Ref(entity),
    after: Type.Ref(entity),
    ruleCheck: Type.Ref('DirectoryRuleCheck'),
  });
  // An administrator's edit of one link, validated like an import row (unknown code → 422) and audited (before → after).
  app.put('/directory/households/:code/links', {
    ...rolesOf('setHouseholdLinks'),
    schema: {
      operationId: 'setHouseholdLinks',
      summary: 'Link a household to another cadre (干部联户) — administrators; audited; answers the rule check after the change',
      tags,
      params: Type.Object({ code: Code }),
      body: Type.Object({ cadreCode: Code }, { additionalProperties: false }),
      response: { 200: LinksResult('Household'), ...problemResponses(400, 404, 422) },
    },
  }, async (request) => {
    const { before, after, result } = await service.setHouseholdLinks(request.params.code, request.body);
    await audit.record(request, {
      action: 'directory.links', subjectType: 'household', subject: after.code, details: { cadreCode: { from: before.cadreCode, to: after.cadreCode } },
    }, { required: true });
    const { ok, violationCount, byRule, violations } = { ok: result.violationCount === 0, ...result };
    return { before, after, ruleCheck: { ok, violationCount, byRule, violations } };
  });

  app.put('/directory/villages/:code/links', {
    ...rolesOf('setVillageLinks'),
    schema: {
      operationId: 'setVillageLinks',
      summary: 'Link a village to another department (部门联村) or area (片区) — administrators; audited; answers the rule check after the change',
      tags,
      params: Type.Object({ code: Code }),
      body: Type.Object({ departmentCode: Code, areaCode: Code }, { additionalProperties: false }),
      response: { 200: LinksResult('Village'), ...problemResponses(400, 404, 422) },
    },
  }, async (request) => {
    const { before, after, result } = await service.setVillageLinks(request.params.code, request.body);
    await audit.record(request, {
      action: 'directory.links', subjectType: 'directory', subject: `village/${after.code}`,
      details: { departmentCode: { from: before.departmentCode, to: after.departmentCode }, areaCode: { from: before.areaCode, to: after.areaCode } },
    }, { required: true });
    const { ok, violationCount, byRule, violations } = { ok: result.violationCount === 0, ...result };
    return { before, after, ruleCheck: { ok, violationCount, byRule, violations } };
  });

  app.get('/directory/service-points', {
    schema: { operationId: 'listServicePoints', summary: 'The hall, the social-service hall and the community stations (定点服务)', tags, response: { 200: list('ServicePoint') } },
  }, async () => ({ items: await service.servicePoints() }));

  app.get('/directory/sessions', {
    schema: { operationId: 'listSessions', summary: 'Market-day sessions (定时服务) with their duty rosters', tags, response: { 200: list('Session') } },
  }, async () => ({ items: await service.sessions() }));

  app.get('/directory/routing-rules', {
    schema: { operationId: 'listRoutingRules', summary: 'Category rules that override the links (e.g. disputes → 司法所)', tags, response: { 200: list('RoutingRule') } },
  }, async () => ({ items: await service.routingRules() }));

  app.post('/directory/import', {
    ...rolesOf('importDirectory'),
    schema: {
      operationId: 'importDirectory',
      summary: 'Import (upsert) a roster document; any invalid row → 422 listing every error, and nothing is imported',
      description: 'Per-entity CSV: POST /api/v1/directory/csv/{entity} (importDirectoryCsv).',
      tags,
      body: ImportBody,
      response: { 200: Type.Ref('DirectoryImportResult'), ...problemResponses(400, 413, 415, 422) },
    },
    bodyLimit: 32 * 1024 * 1024,
  }, async (request) => {
    const result = await service.importDocument(request.body as Partial<DirectoryDocument>);
    await audit.record(request, { action: 'directory.import', subjectType: 'directory', subject: 'document', details: { imported: result.imported } });
    return result;
  });

  app.post('/directory/csv/:entity', {
    ...rolesOf('importDirectoryCsv'),
    schema: {
      operationId: 'importDirectoryCsv',
      summary: 'Import (upsert) one entity from CSV; any invalid row → 422 naming row, file line and field, and nothing is imported',
      description: 'Body text/csv with a header row of the entity\'s field names (as exported); empty cell = null; dutyCadreCodes separated by ";".',
      tags,
      params: EntityParam,
      consumes: ['text/csv'],
      response: { 200: Type.Ref('DirectoryImportResult'), ...problemResponses(400, 413, 415, 422) },
    },
  }, async (request) => {
    if (typeof request.body !== 'string') {
      throw new DomainError(ProblemType.unsupportedMediaType, 415, 'Unsupported media type', 'send the rows as text/csv with a header row');
    }
    const result = await service.importCsv(request.params.entity as Entity, request.body);
    await audit.record(request, { action: 'directory.import', subjectType: 'directory', subject: request.params.entity, details: { format: 'csv', imported: result.imported } });
    return result;
  });

  app.get('/directory/export', {
    ...rolesOf('exportDirectory'),
    schema: {
      operationId: 'exportDirectory',
      summary: 'The whole roster as one JSON document (re-importable with importDirectory)',
      description: 'Per-entity CSV: GET /api/v1/directory/csv/{entity} (exportDirectoryCsv).',
      tags,
      response: { 200: Type.Ref('DirectoryDocument') },
    },
  }, async (request) => {
    // The roster holds residents' names, phones and ID tails: no export without its audit entry.
    await audit.record(request, { action: 'directory.export', subjectType: 'directory', subject: 'document' }, { required: true });
    return service.exportDocument();
  });

  app.get('/directory/csv/:entity', {
    ...rolesOf('exportDirectoryCsv'),
    schema: { operationId: 'exportDirectoryCsv', summary: 'One entity as CSV (UTF-8 with BOM; re-importable)', tags, params: EntityParam, produces: ['text/csv'] },
  }, async (request, reply) => {
    const entity = request.params.entity as Entity;
    await audit.record(request, { action: 'directory.export', subjectType: 'directory', subject: entity, details: { format: 'csv' } }, { required: true });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${entity}.csv"`).send(await service.exportCsv(entity));
  });

  app.get('/directory/rule-check', {
    ...rolesOf('directoryRuleCheck'),
    schema: {
      operationId: 'directoryRuleCheck',
      summary: 'Where the roster breaks the plan (三联): leaders linking other than 2–3 villages, cadres with fewer than 3 key households or linked outside their department\'s villages, villages without a department, unlinked households, departments without a head',
      tags,
      response: { 200: Type.Ref('DirectoryRuleCheck') },
    },
  }, async () => service.ruleCheck());
};
