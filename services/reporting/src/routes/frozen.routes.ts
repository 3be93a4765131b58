/**
 * Frozen (signed-off) reports, exports, and the rebuild of the reporting
 * schema: for the township-wide roles, sign-off for the assessment group and
 * administrators, rebuild for administrators (shared report-access.ts, checked
 * by the service-auth hook). The signer of a report and the starter of a
 * rebuild are the verified principal, never a body field.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DomainError, EXPORT_MEDIA_TYPES, EXPORT_RESPONSE, FrozenReportListResponse, FrozenReportSchema, FrozenReportWithAmendment, RebuildStatusSchema, ExportFiguresQuery, ExportFrozenQuery, FIGURE_DEFINITIONS, FreezeReportBody, FrozenReportParams, NotFoundError, ProblemType, problemResponses,
} from '@minqing/shared';
import type { FiguresRepository, GroupFigures, Period } from '../figures.repository';
import { differences, type FrozenRepository } from '../frozen.repository';
import { toCsv, toXlsx } from '../export';
import { principalOf } from '../service-auth';

export interface RebuildControl {
  /** `startedBy`: the username of the verified principal who asked */
  start(startedBy: string): Promise<void>;
  status(): { state: 'idle' | 'rebuilding' | 'failed'; startedAt: string | null; finishedAt: string | null; error: string | null; startedBy?: string | null };
}

/** 401 without a valid service token, 403 outside the caller's role. */
const AUTH_PROBLEMS = [401, 403] as const;

export const frozenRoutes: FastifyPluginAsyncTypebox<{ figures: FiguresRepository; frozen: FrozenRepository; rebuild?: RebuildControl }> = async (
  app,
  { figures, frozen, rebuild },
) => {
  const send = async (reply: any, groups: GroupFigures[], format: 'csv' | 'xlsx', meta: Record<string, string>, name: string) => {
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(toCsv(groups, meta));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="${name}.xlsx"`)
      .send(await toXlsx(groups, meta));
  };

  app.get('/reports/figures/export', {
    schema: {
      operationId: 'exportFigures',
      summary: 'The figures as CSV or XLSX for the assessment group',
      tags: ['reports'],
      querystring: ExportFiguresQuery,
      produces: [...EXPORT_MEDIA_TYPES],
      response: { 200: EXPORT_RESPONSE, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request, reply) => {
    const { groupBy, format, ...period } = request.query;
    const groups = await figures.figures(groupBy, period);
    return send(reply, groups, format, { definitions: FIGURE_DEFINITIONS.version, groupBy, from: period.from ?? '', to: period.to ?? '', category: period.category ?? '', generatedAt: new Date().toISOString() }, `figures-${groupBy}`);
  });

  app.post('/reports/frozen', {
    schema: {
      operationId: 'freezeReport',
      summary: 'Sign off the figures for a period: a snapshot later events do not change, signed by the signed-in user',
      tags: ['reports'],
      body: FreezeReportBody,
      response: { 201: FrozenReportSchema, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const period: Period = { from: b.from, to: b.to, category: b.category };
    const signedBy = principalOf(request).username;
    const saved = await frozen.save({ groupBy: b.groupBy, period, definitionsVersion: FIGURE_DEFINITIONS.version, groups: await figures.figures(b.groupBy, period), note: b.note, signedBy });
    return reply.code(201).header('location', `/api/v1/reports/frozen/${saved.id}`).send(saved);
  });

  app.get('/reports/frozen', {
    schema: { operationId: 'listFrozenReports', summary: 'Signed-off reports, newest first', tags: ['reports'], response: { 200: FrozenReportListResponse, ...problemResponses(...AUTH_PROBLEMS) } },
  }, async () => ({ items: await frozen.list() }));

  app.get('/reports/frozen/:id', {
    schema: {
      operationId: 'getFrozenReport',
      summary: 'A signed-off report as frozen, with any later correction shown as an amendment (what changed since)',
      tags: ['reports'],
      params: FrozenReportParams,
      response: { 200: FrozenReportWithAmendment, ...problemResponses(400, ...AUTH_PROBLEMS, 404) },
    },
  }, async (request) => {
    const report = await frozen.find(request.params.id);
    if (!report) throw new NotFoundError('frozen report', request.params.id);
    const current = await figures.figures(report.groupBy, report.period);
    const changes = differences(report.groups, current);
    return { ...report, amendment: { amended: changes.length > 0, checkedAt: new Date().toISOString(), changes } };
  });

  app.get('/reports/frozen/:id/export', {
    schema: {
      operationId: 'exportFrozenReport',
      summary: 'A signed-off report as CSV or XLSX (the frozen figures)',
      tags: ['reports'],
      params: FrozenReportParams,
      querystring: ExportFrozenQuery,
      produces: [...EXPORT_MEDIA_TYPES],
      response: { 200: EXPORT_RESPONSE, ...problemResponses(400, ...AUTH_PROBLEMS, 404) },
    },
  }, async (request, reply) => {
    const report = await frozen.find(request.params.id);
    if (!report) throw new NotFoundError('frozen report', request.params.id);
    return send(reply, report.groups, request.query.format, {
      frozenReport: report.id, definitions: report.definitionsVersion, groupBy: report.groupBy, signedBy: report.signedBy, frozenAt: report.frozenAt, note: report.note,
    }, `frozen-${report.id}`);
  });

  app.post('/reports/rebuild', {
    schema: {
      operationId: 'rebuildReports',
      summary: 'Rebuild the reporting schema from the beginning of the case-events topic (frozen reports are kept) — administrators',
      tags: ['reports'],
      response: { 202: RebuildStatusSchema, ...problemResponses(...AUTH_PROBLEMS, 409, 503) },
    },
  }, async (request, reply) => {
    const startedBy = principalOf(request).username;
    if (!rebuild) throw new DomainError(ProblemType.unavailable, 503, 'Not available', 'this instance has no event consumer');
    if (rebuild.status().state === 'rebuilding') throw new DomainError(ProblemType.conflict, 409, 'Already rebuilding', 'a rebuild is running');
    request.log.info({ startedBy }, 'rebuild requested');
    await rebuild.start(startedBy);
    return reply.code(202).send(rebuild.status());
  });

  app.get('/reports/rebuild', {
    schema: { operationId: 'rebuildStatus', summary: 'State of the last rebuild', tags: ['reports'], response: { 200: RebuildStatusSchema, ...problemResponses(...AUTH_PROBLEMS) } },
  }, async () => rebuild?.status() ?? { state: 'idle', startedAt: null, finishedAt: null, error: null });
};
