/**
 * The evaluation sheet per period (评先选优, issue 13): read by the township-wide
 * roles, signed off by the assessment group (shared report-access.ts, checked
 * by the service-auth hook), exported as XLSX and PDF. A signed-off sheet is
 * frozen like a signed-off report: stored as it stood, with who signed it,
 * when, and the composite and figure definitions; reading it recomputes it and
 * shows what later events changed as an amendment. The signer is the verified
 * principal, never a body field.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  COMPOSITE_DEFINITIONS, DomainError, EVALUATION_EXPORT_MEDIA_TYPES, EVALUATION_EXPORT_RESPONSE, EvaluationSheetAnswer, EvaluationSheetExportQuery, EvaluationSheetListAnswer, EvaluationSheetListQuery,
  EvaluationSheetParams, EvaluationSheetQuery, FIGURE_DEFINITIONS, NotFoundError, ProblemType, problemResponses, SignedSheetCreatedSchema, SignedSheetSchema, SignEvaluationSheetBody, type Pool,
} from '@minqing/shared';
import type { EvaluationRepository } from '../evaluation.repository';
import type { FiguresRepository } from '../figures.repository';
import { buildSheet, sheetDifferences, type SheetRepository } from '../evaluation.sheet';
import { sheetPdf, sheetXlsx } from '../evaluation.export';
import { principalOf } from '../service-auth';
import { RebuildRunningError, type RebuildControl } from './frozen.routes';

const AUTH_PROBLEMS = [401, 403] as const;

export const evaluationSheetRoutes: FastifyPluginAsyncTypebox<{
  pool: Pool; evaluation: EvaluationRepository; figures: FiguresRepository; sheets: SheetRepository; rebuild?: RebuildControl | undefined;
}> = async (app, { pool, evaluation, figures, sheets, rebuild }) => {
  const sheetOf = (period: string) => buildSheet(period, { pool, evaluation, figures });

  app.get('/reports/evaluation', {
    schema: {
      operationId: 'evaluationSheet',
      summary: 'The evaluation sheet of a period (评先选优): per cadre and per department the service figures, duty, democratic appraisal, inspection (一听二看三查) and the composite under the current composite definitions; with its latest sign-off',
      tags: ['reports'],
      querystring: EvaluationSheetQuery,
      response: { 200: EvaluationSheetAnswer, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request) => {
    const { period } = request.query;
    const [sheet, latest] = await Promise.all([sheetOf(period), sheets.list({ period, limit: 1 })]);
    return { sheet, signed: latest.items[0] ?? null };
  });

  app.post('/reports/evaluation/sign-off', {
    schema: {
      operationId: 'signEvaluationSheet',
      summary: 'Sign off the evaluation sheet of a period: a snapshot later events do not change, signed by the signed-in member of the assessment group',
      description: 'Refused with 409 (`code` rebuild_running) while the figures are being rebuilt. A period may be signed off again (e.g. after an amendment): each sign-off is kept.',
      tags: ['reports'],
      body: SignEvaluationSheetBody,
      response: { 201: SignedSheetCreatedSchema, ...problemResponses(400, ...AUTH_PROBLEMS, 409) },
    },
  }, async (request, reply) => {
    const running = rebuild?.status();
    if (running?.state === 'rebuilding') throw new RebuildRunningError(running);
    const saved = await sheets.save({ sheet: await sheetOf(request.body.period), note: request.body.note, signedBy: principalOf(request).username });
    return reply.code(201).header('location', `/api/v1/reports/evaluation/sheets/${saved.id}`).send(saved);
  });

  app.get('/reports/evaluation/sheets', {
    schema: {
      operationId: 'listEvaluationSheets',
      summary: 'Signed-off evaluation sheets, newest first, of one period when asked, a page at a time',
      tags: ['reports'],
      querystring: EvaluationSheetListQuery,
      response: { 200: EvaluationSheetListAnswer, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request) => sheets.list(request.query));

  app.get('/reports/evaluation/sheets/:id', {
    schema: {
      operationId: 'getEvaluationSheet',
      summary: 'A signed-off evaluation sheet as frozen, with what later events changed shown as an amendment (recomputed with the definitions it was signed off with)',
      tags: ['reports'],
      params: EvaluationSheetParams,
      response: { 200: SignedSheetSchema, ...problemResponses(400, ...AUTH_PROBLEMS, 404, 409) },
    },
  }, async (request) => {
    const signed = await sheets.find(request.params.id);
    if (!signed) throw new NotFoundError('evaluation sheet', request.params.id);
    if (signed.compositeVersion !== COMPOSITE_DEFINITIONS.version || signed.figureDefinitionsVersion !== FIGURE_DEFINITIONS.version) {
      throw new DomainError(ProblemType.conflict, 409, 'Definitions not computable', `this sheet was signed off with ${signed.compositeVersion} and ${signed.figureDefinitionsVersion}, which this service no longer computes`);
    }
    const changes = sheetDifferences(signed.sheet, await sheetOf(signed.period));
    return { ...signed, amendment: { amended: changes.length > 0, checkedAt: new Date().toISOString(), changes } };
  });

  app.get('/reports/evaluation/sheets/:id/export', {
    schema: {
      operationId: 'exportEvaluationSheet',
      summary: 'A signed-off evaluation sheet as XLSX or PDF (the frozen sheet, with who signed it off, when, and the definitions), headings in Chinese or English',
      tags: ['reports'],
      params: EvaluationSheetParams,
      querystring: EvaluationSheetExportQuery,
      produces: Object.values(EVALUATION_EXPORT_MEDIA_TYPES),
      response: { 200: EVALUATION_EXPORT_RESPONSE, ...problemResponses(400, ...AUTH_PROBLEMS, 404, 503) },
    },
  }, async (request, reply) => {
    const signed = await sheets.find(request.params.id);
    if (!signed) throw new NotFoundError('evaluation sheet', request.params.id);
    const { format, lang = 'zh-CN' } = request.query;
    const body = format === 'pdf' ? await sheetPdf(signed, lang) : await sheetXlsx(signed, lang);
    return reply
      .type(EVALUATION_EXPORT_MEDIA_TYPES[format])
      .header('content-disposition', `attachment; filename="evaluation-${signed.period}-${signed.id.slice(0, 8)}.${format}"`)
      .send(body);
  });
};
