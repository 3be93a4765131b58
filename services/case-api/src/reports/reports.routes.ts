/**
 * The evaluation figures through the case API, so the console has one origin
 * and one sign-in (issue 15). One explicit route per reporting operation, each
 * with its own schema and operationId (the same contract, shared/src/domain/
 * report-api.ts, as reporting's), its roles in the route config from the shared
 * table REPORT_OPERATIONS (so the front door refuses before the body is read),
 * and a call through ReportingClient with a fresh service token carrying the
 * signed-in principal. Reporting applies the data scope itself (a department
 * head's groups, cases and cadres) and records actors from that token; nothing
 * here filters or names an actor from the request.
 *
 * Audit: `onAudited` is called once per export, sign-off, appraisal entry and
 * rebuild, after reporting has done it and before the answer is sent — the one
 * place an audit record of these actions is written. If it throws, the caller
 * gets an error (and no file): an action that cannot be recorded is not handed out.
 */
import { Type, type FastifyPluginAsyncTypebox, type TObject } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CompositeResponse, DeadLettersQuery, DeadLettersResponse, DutyQuery, DutyResponse, EnterAppraisalBody, EvaluationPeriodQuery, EXPORT_MEDIA_TYPES, EXPORT_RESPONSE,
  ExportFiguresQuery, ExportFrozenQuery, FigureCasesQuery, FigureCasesResponse, FigureDefinitionsResponse, FiguresQuery, FiguresResponse, FreezeReportBody, FrozenReportParams, AppraisalsResponse, FrozenReportListQuery, FrozenReportListResponse, FrozenReportSchema, FrozenReportWithAmendment, RebuildStatusSchema,
  EVALUATION_EXPORT_MEDIA_TYPES, EVALUATION_EXPORT_RESPONSE, EvaluationSheetAnswer, EvaluationSheetExportQuery, EvaluationSheetListAnswer, EvaluationSheetListQuery, EvaluationSheetParams, EvaluationSheetQuery, SignedSheetCreatedSchema, SignedSheetSchema, SignEvaluationSheetBody,
  FourHelpsCasesQuerySchema, FourHelpsCasesResponseSchema, FourHelpsQuerySchema, FourHelpsReportSchema, type FourHelpsCasesQuery,
  PlanFiguresQuery, PlanFiguresResponse,
  countedNextCursor, CursorParam, filterFingerprint, problemResponses, REPORT_OPERATIONS, startOffset, ReportSummarySchema, SummaryQuery, type Principal, type ReportOperation,
} from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { ReportingClient, ReportingFile } from './reporting.client';

/** The reporting actions that leave an audit record. */

/**
 * The reporting service pages its lists by limit and offset; here they get the
 * console's convention too (shared/src/http/paging.ts): a `cursor` in, turned
 * into the offset reporting takes, and a `nextCursor` out.
 */
const withCursor = <T extends TObject>(query: T) => Type.Object({ ...query.properties, cursor: Type.Optional(CursorParam()) }, { additionalProperties: false });
const withNextCursor = <T extends TObject>(answer: T) =>
  Type.Object({ ...answer.properties, nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last page' }) }, { additionalProperties: false });
function offsetOfCursor<Q extends { offset?: number; cursor?: string }>(list: string, query: Q): { q: Omit<Q, 'cursor'> & { offset: number }; offset: number; fp: string } {
  const { cursor, ...rest } = query;
  const fp = filterFingerprint({ ...rest });
  const offset = startOffset(list, { cursor, offset: rest.offset }, fp);
  return { q: { ...rest, offset }, offset, fp };
}

export type ReportAuditAction = 'report.export' | 'report.freeze' | 'report.appraisal' | 'report.rebuild';

/**
 * Called once an audited action has succeeded. `subject` names what was acted
 * on (`figures/department`, `frozen-report/<id>`, `appraisal/<period>/cadre/<code>/<group>`,
 * `reporting-projections`); `details` carries the rest (format, period, …; codes only).
 */
export type ReportAuditHook = (
  action: ReportAuditAction,
  subject: string,
  context: { principal: Principal; request: FastifyRequest; details: Record<string, unknown> },
) => Promise<void>;

/** The schema head and route config of a reporting operation. */
const op = (operationId: ReportOperation, summary: string) => ({
  schema: { operationId, summary, tags: ['reports'] },
  config: { roles: REPORT_OPERATIONS[operationId] },
});

/** 401 without a session, 403 outside the role or scope, 503 when reporting cannot be reached. */
const PROBLEMS = [401, 403, 503] as const;

function sendFile(reply: FastifyReply, file: ReportingFile) {
  reply.type(file.contentType);
  if (file.disposition) reply.header('content-disposition', file.disposition);
  return reply.send(file.body);
}

/** Titles of cases by id (the case read model): reporting keeps codes only, the console lists cases by title. */
export type CaseTitles = (ids: string[]) => Promise<Map<string, string>>;

export const reportsRoutes: FastifyPluginAsyncTypebox<{ reporting: ReportingClient; onAudited?: ReportAuditHook; caseTitles?: CaseTitles }> = async (app, { reporting, onAudited, caseTitles }) => {
  const audited = async (request: FastifyRequest, action: ReportAuditAction, subject: string, details: Record<string, unknown> = {}) => {
    const given = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
    await onAudited?.(action, subject, { principal: principalOf(request), request, details: given });
  };

  app.addSchema(ReportSummarySchema);
  const summary = op('reportSummary', 'Case counts for a period (opened in [from, to)); a manager below the township counts their department\'s or area\'s cases');
  app.get('/reports/summary', {
    ...summary,
    schema: { ...summary.schema, querystring: SummaryQuery, response: { 200: Type.Ref(ReportSummarySchema), ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.summary(principalOf(request), request.query));

  const figures = op('reportFigures', 'Service-performance figures (服务绩效) per township, area, department, village or cadre; a manager below the township gets only the groups of their department or area (403 for other groupings)');
  app.get('/reports/figures', {
    ...figures,
    schema: { ...figures.schema, querystring: FiguresQuery, response: { 200: FiguresResponse, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.figures(principalOf(request), request.query));

  const cases = op('figureCases', 'The cases behind one count of one group (drill-down), newest opened first, paged by limit and offset; 403 for a group outside the caller\'s department or area');
  app.get('/reports/figures/cases', {
    ...cases,
    schema: { ...cases.schema, querystring: withCursor(FigureCasesQuery), response: { 200: withNextCursor(FigureCasesResponse), ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => {
    const { q, offset, fp } = offsetOfCursor('figure-cases', request.query as Parameters<ReportingClient['figureCases']>[1] & { cursor?: string });
    const page = await reporting.figureCases(principalOf(request), q);
    // reporting has scoped the cases to the caller; their titles come from the case read model
    const titles = caseTitles ? await caseTitles([...new Set(page.items.map((i) => i.caseId))]) : new Map<string, string>();
    return {
      ...page,
      items: page.items.map((i) => (titles.has(i.caseId) ? { ...i, title: titles.get(i.caseId)! } : i)),
      nextCursor: countedNextCursor('figure-cases', page.items.length, page.total, offset, fp),
    };
  });

  const fourHelps = op('fourHelpsReport', "四帮四促 by period and area: per help, the cases opened and resolved in the period that carry it and the work records dated in it; by area, or by village within one area or village. A manager below the township counts their department's or areas'");
  app.get('/reports/four-helps', {
    ...fourHelps,
    schema: { ...fourHelps.schema, querystring: FourHelpsQuerySchema, response: { 200: FourHelpsReportSchema, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.fourHelps(principalOf(request), request.query));

  const planFigures = op('planFigures', "Plan figures (片区工作计划, 年度服务计划): per plan, its items due in the period — done on time, done late, overdue, open, dropped — and the completion rate; a department head their department's plan, an area leader their areas', the township-wide roles all");
  app.get('/reports/plans', {
    ...planFigures,
    schema: { ...planFigures.schema, querystring: PlanFiguresQuery, response: { 200: PlanFiguresResponse, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.planFigures(principalOf(request), request.query));

  const fourHelpsCases = op('fourHelpsCases', 'The cases behind one 四帮四促 count (opened or resolved in the period, carrying the help), of one group when asked; newest opened first, paged');
  app.get('/reports/four-helps/cases', {
    ...fourHelpsCases,
    schema: { ...fourHelpsCases.schema, querystring: withCursor(FourHelpsCasesQuerySchema), response: { 200: withNextCursor(FourHelpsCasesResponseSchema), ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => {
    const { q, offset, fp } = offsetOfCursor('four-helps-cases', request.query as FourHelpsCasesQuery & { cursor?: string });
    const page = await reporting.fourHelpsCases(principalOf(request), q);
    const titles = caseTitles ? await caseTitles([...new Set(page.items.map((i) => i.caseId))]) : new Map<string, string>();
    return {
      ...page,
      items: page.items.map((i) => (titles.has(i.caseId) ? { ...i, title: titles.get(i.caseId)! } : i)),
      nextCursor: countedNextCursor('four-helps-cases', page.items.length, page.total, offset, fp),
    };
  });

  const definitions = op('listFigureDefinitions', 'The figure definitions: every version the figures can be computed with (oldest first) and which is current, each count with its rule, each rate as numerator/denominator, and the choices they embody');
  app.get('/reports/definitions', {
    ...definitions,
    schema: { ...definitions.schema, response: { 200: FigureDefinitionsResponse, ...problemResponses(...PROBLEMS) } },
  }, async (request) => reporting.definitions(principalOf(request)));

  const exportFigures = op('exportFigures', 'The figures as CSV or XLSX — the township leadership, the assessment group and administrators');
  app.get('/reports/figures/export', {
    ...exportFigures,
    exposeHeadRoute: false, // a HEAD would count as an export
    schema: { ...exportFigures.schema, querystring: ExportFiguresQuery, produces: [...EXPORT_MEDIA_TYPES], response: { 200: EXPORT_RESPONSE, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request, reply) => {
    const file = await reporting.exportFigures(principalOf(request), request.query);
    const { groupBy, format, from, to, category } = request.query;
    await audited(request, 'report.export', `figures/${groupBy}`, { format, from, to, category });
    return sendFile(reply, file);
  });

  const duty = op(
    'dutyFigures',
    'Duty performance (履职) per cadre from their own work records: per role (六个角色) and kind, and the grassroots-days rule (每周下基层不少于3天) week by week with who misses it; '
      + 'the township-wide roles see every cadre of the roster, a department head their department\'s, everyone else their own row',
  );
  app.get('/reports/duty', {
    ...duty,
    schema: { ...duty.schema, querystring: DutyQuery, response: { 200: DutyResponse, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.duty(principalOf(request), request.query));

  const composite = op('compositeScores', 'The composite evaluation per cadre for a period, with its parts — township-wide roles');
  app.get('/reports/composite', {
    ...composite,
    schema: { ...composite.schema, querystring: EvaluationPeriodQuery, response: { 200: CompositeResponse, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.composite(principalOf(request), request.query));

  const appraisals = op('listAppraisals', 'Democratic appraisal scores entered for a period, with who entered each — township-wide roles');
  app.get('/reports/appraisals', {
    ...appraisals,
    schema: { ...appraisals.schema, querystring: EvaluationPeriodQuery, response: { 200: AppraisalsResponse, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.listAppraisals(principalOf(request), request.query));

  const enter = op('enterAppraisal', 'Enter a democratic appraisal (民主评议) score — the assessment group and administrators; recorded as entered by the signed-in user');
  app.post('/reports/appraisals', {
    ...enter,
    schema: { ...enter.schema, body: EnterAppraisalBody, response: { 204: Type.Null({ description: 'stored' }), ...problemResponses(400, ...PROBLEMS) } },
  }, async (request, reply) => {
    const b = request.body;
    await reporting.enterAppraisal(principalOf(request), b);
    await audited(request, 'report.appraisal', `appraisal/${b.period}/${b.subjectType}/${b.subjectCode}/${b.appraiserGroup}`, { score: b.score });
    return reply.code(204).send(null);
  });

  const listFrozen = op('listFrozenReports', 'Signed-off reports, newest first — township-wide roles');
  app.get('/reports/frozen', {
    ...listFrozen,
    schema: { ...listFrozen.schema, querystring: FrozenReportListQuery, response: { 200: FrozenReportListResponse, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.listFrozen(principalOf(request), request.query));

  const freeze = op('freezeReport', 'Sign off the figures for a period (a snapshot later events do not change), signed by the signed-in user — the assessment group and administrators');
  app.post('/reports/frozen', {
    ...freeze,
    schema: {
      ...freeze.schema,
      description: 'Refused with 409 (`urn:minqing:problem:rebuild-running`, `code` rebuild_running, `params` startedAt, phase, applied, target) while the figures are being rebuilt.',
      body: FreezeReportBody,
      response: { 201: FrozenReportSchema, ...problemResponses(400, ...PROBLEMS, 409) },
    },
  }, async (request, reply) => {
    const saved = await reporting.freeze(principalOf(request), request.body);
    const { groupBy, from, to, category } = request.body;
    await audited(request, 'report.freeze', `frozen-report/${saved.id}`, { groupBy, from, to, category });
    return reply.code(201).header('location', `/api/v1/reports/frozen/${saved.id}`).send(saved);
  });

  const getFrozen = op('getFrozenReport', 'A signed-off report as frozen, with any later correction shown as an amendment — township-wide roles');
  app.get('/reports/frozen/:id', {
    ...getFrozen,
    schema: { ...getFrozen.schema, params: FrozenReportParams, response: { 200: FrozenReportWithAmendment, ...problemResponses(400, ...PROBLEMS, 404, 409) } },
  }, async (request) => reporting.getFrozen(principalOf(request), request.params.id));

  const exportFrozen = op('exportFrozenReport', 'A signed-off report as CSV or XLSX (the frozen figures) — township-wide roles');
  app.get('/reports/frozen/:id/export', {
    ...exportFrozen,
    exposeHeadRoute: false,
    schema: {
      ...exportFrozen.schema, params: FrozenReportParams, querystring: ExportFrozenQuery, produces: [...EXPORT_MEDIA_TYPES],
      response: { 200: EXPORT_RESPONSE, ...problemResponses(400, ...PROBLEMS, 404) },
    },
  }, async (request, reply) => {
    const file = await reporting.exportFrozen(principalOf(request), request.params.id, request.query);
    await audited(request, 'report.export', `frozen-report/${request.params.id}`, { format: request.query.format });
    return sendFile(reply, file);
  });

  // The evaluation sheet per period (评先选优, issue 13).
  const sheet = op('evaluationSheet', 'The evaluation sheet of a period (评先选优): per cadre and per department the service figures, duty, democratic appraisal, inspection (一听二看三查) and composite, with its latest sign-off — township-wide roles');
  app.get('/reports/evaluation', {
    ...sheet,
    schema: { ...sheet.schema, querystring: EvaluationSheetQuery, response: { 200: EvaluationSheetAnswer, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.evaluationSheet(principalOf(request), request.query));

  const signSheet = op('signEvaluationSheet', 'Sign off the evaluation sheet of a period (frozen: later events show as an amendment), signed by the signed-in user — the assessment group and administrators');
  app.post('/reports/evaluation/sign-off', {
    ...signSheet,
    schema: { ...signSheet.schema, body: SignEvaluationSheetBody, response: { 201: SignedSheetCreatedSchema, ...problemResponses(400, ...PROBLEMS, 409) } },
  }, async (request, reply) => {
    const saved = await reporting.signEvaluationSheet(principalOf(request), request.body);
    await audited(request, 'report.freeze', `evaluation-sheet/${saved.id}`, { period: request.body.period });
    return reply.code(201).header('location', `/api/v1/reports/evaluation/sheets/${saved.id}`).send(saved);
  });

  const listSheets = op('listEvaluationSheets', 'Signed-off evaluation sheets, newest first, of one period when asked — township-wide roles');
  app.get('/reports/evaluation/sheets', {
    ...listSheets,
    schema: { ...listSheets.schema, querystring: EvaluationSheetListQuery, response: { 200: EvaluationSheetListAnswer, ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => reporting.listEvaluationSheets(principalOf(request), request.query));

  const getSheet = op('getEvaluationSheet', 'A signed-off evaluation sheet as frozen, with what later events changed as an amendment — township-wide roles');
  app.get('/reports/evaluation/sheets/:id', {
    ...getSheet,
    schema: { ...getSheet.schema, params: EvaluationSheetParams, response: { 200: SignedSheetSchema, ...problemResponses(400, ...PROBLEMS, 404, 409) } },
  }, async (request) => reporting.getEvaluationSheet(principalOf(request), request.params.id));

  const exportSheet = op('exportEvaluationSheet', 'A signed-off evaluation sheet as XLSX or PDF (Chinese text embedded) — township-wide roles');
  app.get('/reports/evaluation/sheets/:id/export', {
    ...exportSheet,
    exposeHeadRoute: false, // a HEAD would count as an export
    schema: {
      ...exportSheet.schema, params: EvaluationSheetParams, querystring: EvaluationSheetExportQuery, produces: Object.values(EVALUATION_EXPORT_MEDIA_TYPES),
      response: { 200: EVALUATION_EXPORT_RESPONSE, ...problemResponses(400, ...PROBLEMS, 404) },
    },
  }, async (request, reply) => {
    const file = await reporting.exportEvaluationSheet(principalOf(request), request.params.id, request.query);
    await audited(request, 'report.export', `evaluation-sheet/${request.params.id}`, { format: request.query.format });
    return sendFile(reply, file);
  });

  const deadLetters = op('listDeadLetters', 'Events the reporting service refused, with the reason — township-wide roles');
  app.get('/reports/dead-letters', {
    ...deadLetters,
    schema: { ...deadLetters.schema, querystring: withCursor(DeadLettersQuery), response: { 200: withNextCursor(DeadLettersResponse), ...problemResponses(400, ...PROBLEMS) } },
  }, async (request) => {
    const { q, offset, fp } = offsetOfCursor('dead-letters', request.query as Parameters<ReportingClient['deadLetters']>[1] & { cursor?: string });
    const page = await reporting.deadLetters(principalOf(request), q);
    return { ...page, nextCursor: countedNextCursor('dead-letters', page.items.length, page.total, offset, fp) };
  });

  const rebuildStatus = op('rebuildStatus', 'State of the last rebuild of the figures — township-wide roles');
  app.get('/reports/rebuild', {
    ...rebuildStatus,
    schema: { ...rebuildStatus.schema, response: { 200: RebuildStatusSchema, ...problemResponses(...PROBLEMS) } },
  }, async (request) => reporting.rebuildStatus(principalOf(request)));

  const rebuild = op('rebuildReports', 'Rebuild the figures from the beginning of the case-events topic (frozen reports are kept) — administrators');
  app.post('/reports/rebuild', {
    ...rebuild,
    schema: { ...rebuild.schema, response: { 202: RebuildStatusSchema, ...problemResponses(...PROBLEMS, 409) } },
  }, async (request, reply) => {
    const state = await reporting.rebuild(principalOf(request));
    await audited(request, 'report.rebuild', 'reporting-projections');
    return reply.code(202).send(state);
  });
};
