/**
 * /api/v1/ledger — the public-condition ledger (民情台帐 / 民情档案): a household's
 * and a village's record, each saved as a new version with its history, a
 * searchable list, and the CSV export. Thin: schemas in, service, reply out.
 * Who may use a route is the shared table (LEDGER_OPERATIONS); whether the
 * caller may read or change the record named in the path is decided before the
 * body is read (`authorize`). Names are searched in a POST body, never in a URL;
 * reading a household's record, a search's results and an export are audited
 * (codes only).
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  Code as CodeString, CursorError, DIFFICULTY_TYPES, HouseholdLedgerDataSchema, HouseholdLedgerItemSchema, HouseholdLedgerViewSchema, LEDGER_EXPORTS, LEDGER_OPERATIONS,
  LedgerVersionSchema, ledgerUpdateBody, NEED_TYPES, PageAnswer, PageQuery, problemResponses, SUPPORT_TYPES, Text, VillageLedgerDataSchema, VillageLedgerItemSchema,
  VillageLedgerViewSchema, type HouseholdLedgerData, type LedgerOperation, type VillageLedgerData,
} from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';
import { languageOf, OPEN311_LANGUAGES } from '../open311/labels';
import type { LedgerService } from './ledger.service';

const Code = CodeString();
const tags = ['ledger'];
const Enum = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const roles = (op: LedgerOperation) => LEDGER_OPERATIONS[op];

const SaveAnswer = (view: string) =>
  Type.Object(
    {
      record: Type.Ref(view),
      changed: Type.Boolean({ description: 'false: the record was already so, and no version was written' }),
      workRecord: Type.Union([Enum(['logged', 'pending'] as const), Type.Null()], {
        description: "the saving cadre's work record for the new version (履职: 档案更新): logged, or pending until the worker stores it (retried); null when none was made",
      }),
    },
    { additionalProperties: false },
  );

export const ledgerRoutes: FastifyPluginAsyncTypebox<{ ledger: LedgerService; audit: AuditLog; retryEveryMs?: number }> = async (app, { ledger, audit, retryEveryMs = 60_000 }) => {
  app.addSchema(HouseholdLedgerDataSchema);
  app.addSchema(VillageLedgerDataSchema);
  app.addSchema({ ...HouseholdLedgerViewSchema, $id: 'HouseholdLedger' });
  app.addSchema({ ...VillageLedgerViewSchema, $id: 'VillageLedger' });
  app.addSchema({ ...LedgerVersionSchema, $id: 'LedgerVersion' });

  // Work records of saves the worker did not store in time are retried (each once per version: idempotent).
  if (retryEveryMs > 0) {
    const timer = setInterval(() => {
      ledger.retryPendingWork().catch((err: unknown) => app.log.warn({ err: (err as Error).name }, 'retrying ledger work records failed'));
    }, retryEveryMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  const HouseholdParams = Type.Object({ code: Code });
  const authorizeRead = (kind: 'household' | 'village') => async (request: FastifyRequest) => {
    const { code } = request.params as { code: string };
    if (kind === 'household') await ledger.householdFor(principalOf(request), code);
    else await ledger.villageFor(principalOf(request), code);
  };

  app.get('/ledger/households/:code', {
    config: { roles: roles('getHouseholdLedger'), authorize: authorizeRead('household') },
    schema: {
      operationId: 'getHouseholdLedger',
      summary: "A household's ledger record (民情档案): population, living conditions, support, difficulties, needs and intentions — its current version; `access` says whether you may change it (its linked cadre) or read it",
      tags,
      params: HouseholdParams,
      response: { 200: Type.Ref('HouseholdLedger'), ...problemResponses(400, 403, 404) },
    },
  }, async (request) => {
    const view = await ledger.household(principalOf(request), request.params.code);
    await audit.record(request, { action: 'ledger.read', subjectType: 'household', subject: view.householdCode, details: { version: view.version } }, { required: true });
    return view;
  });

  app.put('/ledger/households/:code', {
    config: { roles: roles('updateHouseholdLedger'), authorize: async (request) => ledger.assertMayEditHousehold(principalOf(request), (request.params as { code: string }).code) },
    bodyLimit: 32 * 1024,
    schema: {
      operationId: 'updateHouseholdLedger',
      summary: "Save a household's ledger record — its linked cadre only; the whole record, from the version it was edited from (another save since then: 409). A change is a new version (who, when, what changed); the save is the cadre's work record (档案更新) for that version",
      tags,
      params: HouseholdParams,
      body: ledgerUpdateBody(Type.Ref('HouseholdLedgerData')),
      response: { 200: SaveAnswer('HouseholdLedger'), ...problemResponses(400, 403, 404, 409, 413, 415) },
    },
  }, async (request) => {
    const p = principalOf(request);
    const body = request.body as { baseVersion: number; data: HouseholdLedgerData; changeNote?: string };
    const saved = await ledger.saveHousehold(p, request.params.code, body);
    if (saved.changed) {
      await audit.record(request, { action: 'ledger.update', subjectType: 'household', subject: request.params.code, details: { version: saved.record.version, fields: saved.fields } });
    }
    return { record: saved.record, changed: saved.changed, workRecord: saved.workRecord };
  });

  app.get('/ledger/households/:code/history', {
    config: { roles: roles('householdLedgerHistory'), authorize: authorizeRead('household') },
    schema: {
      operationId: 'householdLedgerHistory',
      summary: "Every version of a household's ledger record, newest first: who saved it, when, why, and what changed from the version before; paged by cursor",
      tags,
      params: HouseholdParams,
      querystring: Type.Object({ ...PageQuery({ defaultLimit: 20, maxLimit: 100 }) }, { additionalProperties: false }),
      response: { 200: PageAnswer(Type.Ref('LedgerVersion'), { total: Type.Integer({ description: 'versions in all' }) }), ...problemResponses(400, 403, 404) },
    },
  }, async (request) => {
    const page = await ledger.history(principalOf(request), 'household', request.params.code, request.query);
    await audit.record(request, { action: 'ledger.read', subjectType: 'household', subject: request.params.code, details: { history: page.items.map((v) => v.version) } }, { required: true });
    return page;
  });

  // A POST, so that a household head's name travels in the body, never in a URL.
  app.post('/ledger/households/search', {
    config: { roles: roles('searchHouseholdLedgers') },
    schema: {
      operationId: 'searchHouseholdLedgers',
      summary: 'The ledger list (民情台帐): the households you may read — with whether each has a record, its version, members, support, difficulties and needs — by head name, address or code, village, linked cadre, key or vulnerable households, recorded or not, a support, difficulty or need; paged by cursor',
      description: 'A search, not a change: POST only so that the search term stays out of URLs. A cadre gets the households linked to them.',
      tags,
      body: Type.Object(
        {
          q: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'head name or address (substring), or household code (exactly)' })),
          village: Type.Optional(Code),
          cadre: Type.Optional(Code),
          keyOnly: Type.Optional(Type.Boolean({ description: 'key households (重点户) only' })),
          vulnerableOnly: Type.Optional(Type.Boolean()),
          recorded: Type.Optional(Type.Boolean({ description: 'true: households with a record (建档); false: without one (未建档)' })),
          support: Type.Optional(Enum(SUPPORT_TYPES)),
          difficulty: Type.Optional(Enum(DIFFICULTY_TYPES)),
          need: Type.Optional(Enum(NEED_TYPES)),
          householdCodes: Type.Optional(Type.Array(Code, { minItems: 1, maxItems: 100, description: 'only these households (e.g. the ones a screen shows)' })),
          ...PageQuery({ defaultLimit: 50, maxLimit: 100 }),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(HouseholdLedgerItemSchema, { total: Type.Integer({ description: 'households matching, in your scope' }) }), ...problemResponses(400) },
    },
  }, async (request) => {
    let page;
    try {
      page = await ledger.searchHouseholds(principalOf(request), request.body);
    } catch (err) {
      throw err instanceof CursorError ? new CursorError('body') : err;
    }
    // Who saw which households' records (their codes); never the search term, which may be a name.
    await audit.record(request, { action: 'ledger.search', subjectType: 'household', details: { results: page.items.map((i) => i.householdCode), total: page.total } }, { required: true });
    return page;
  });

  const VillageParams = Type.Object({ code: Code });

  app.get('/ledger/villages', {
    config: { roles: roles('listVillageLedgers') },
    schema: {
      operationId: 'listVillageLedgers',
      summary: "The villages and communities whose ledger you may read, with their households, key households, households recorded and the record's version; by name or code and area; paged by cursor",
      tags,
      querystring: Type.Object(
        { q: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'village name (substring) or code' })), area: Type.Optional(Code), ...PageQuery({ defaultLimit: 50, maxLimit: 100 }) },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(VillageLedgerItemSchema, { total: Type.Integer() }), ...problemResponses(400) },
    },
  }, async (request) => ledger.villages(principalOf(request), request.query));

  app.get('/ledger/villages/:code', {
    config: { roles: roles('getVillageLedger'), authorize: authorizeRead('village') },
    schema: {
      operationId: 'getVillageLedger',
      summary: "A village's ledger record (村情台帐): population and households, collective economy, main industries, infrastructure needs — with the roster's counts and sums over its household records",
      tags,
      params: VillageParams,
      response: { 200: Type.Ref('VillageLedger'), ...problemResponses(400, 403, 404) },
    },
  }, async (request) => ledger.village(principalOf(request), request.params.code));

  app.put('/ledger/villages/:code', {
    config: { roles: roles('updateVillageLedger'), authorize: async (request) => ledger.assertMayEditVillage(principalOf(request), (request.params as { code: string }).code) },
    bodyLimit: 32 * 1024,
    schema: {
      operationId: 'updateVillageLedger',
      summary: "Save a village's ledger record — the head of its linked department (部门联村) or its area's leader (领导联片); the whole record, from the version it was edited from (409 otherwise); a change is a new version",
      tags,
      params: VillageParams,
      body: ledgerUpdateBody(Type.Ref('VillageLedgerData')),
      response: { 200: SaveAnswer('VillageLedger'), ...problemResponses(400, 403, 404, 409, 413, 415) },
    },
  }, async (request) => {
    const body = request.body as { baseVersion: number; data: VillageLedgerData; changeNote?: string };
    const saved = await ledger.saveVillage(principalOf(request), request.params.code, body);
    if (saved.changed) {
      await audit.record(request, { action: 'ledger.update', subjectType: 'village', subject: request.params.code, details: { version: saved.record.version, fields: saved.fields } });
    }
    return { record: saved.record, changed: saved.changed, workRecord: saved.workRecord };
  });

  app.get('/ledger/villages/:code/history', {
    config: { roles: roles('villageLedgerHistory'), authorize: authorizeRead('village') },
    schema: {
      operationId: 'villageLedgerHistory',
      summary: "Every version of a village's ledger record, newest first, with who, when, why and what changed; paged by cursor",
      tags,
      params: VillageParams,
      querystring: Type.Object({ ...PageQuery({ defaultLimit: 20, maxLimit: 100 }) }, { additionalProperties: false }),
      response: { 200: PageAnswer(Type.Ref('LedgerVersion'), { total: Type.Integer() }), ...problemResponses(400, 403, 404) },
    },
  }, async (request) => ledger.history(principalOf(request), 'village', request.params.code, request.query));

  app.get('/ledger/export', {
    config: { roles: roles('exportLedger') },
    schema: {
      operationId: 'exportLedger',
      summary: 'The ledger of your scope as CSV (UTF-8 with BOM, a header row): every household (or village) you may read, optionally one village or key households only; headers and choices in the language asked for',
      tags,
      querystring: Type.Object(
        {
          of: Type.Optional(Enum(LEDGER_EXPORTS)),
          village: Type.Optional(Code),
          keyOnly: Type.Optional(Type.Boolean()),
          lang: Type.Optional(Enum(OPEN311_LANGUAGES)),
        },
        { additionalProperties: false },
      ),
      produces: ['text/csv'],
      response: {
        200: { description: 'CSV, UTF-8 with BOM', content: { 'text/csv': { schema: { type: 'string' } } } },
        ...problemResponses(400),
      },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const of = request.query.of ?? 'households';
    const { csv, rows } = await ledger.exportCsv(p, { of, village: request.query.village, keyOnly: request.query.keyOnly }, request.query.lang ?? languageOf(request));
    // Many households' personal data: no file without its audit entry.
    await audit.record(request, { action: 'ledger.export', subjectType: of === 'villages' ? 'village' : 'household', details: { of, village: request.query.village ?? null, keyOnly: request.query.keyOnly ?? false, rows } }, { required: true });
    return reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="ledger-${of}.csv"`)
      .send(csv);
  });
};

