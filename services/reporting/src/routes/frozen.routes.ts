/**
 * Frozen (signed-off) reports, exports, and the rebuild of the reporting
 * schema: for the township-wide roles, sign-off for the assessment group and
 * administrators, rebuild for administrators (shared report-access.ts, checked
 * by the service-auth hook). The signer of a report and the starter of a
 * rebuild are the verified principal, never a body field.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DomainError, type RebuildStatus, EXPORT_MEDIA_TYPES, EXPORT_RESPONSE, FrozenReportListQuery, FrozenReportListResponse, FrozenReportSchema, FrozenReportWithAmendment, RebuildStatusSchema, ExportFiguresQuery, ExportFrozenQuery, FIGURE_DEFINITIONS, figureDefinitions, FreezeReportBody, FrozenReportParams, NotFoundError, ProblemType, problemResponses,
} from '@minqing/shared';
import type { FiguresRepository, GroupFigures, Period } from '../figures.repository';
import { differences, type FrozenRepository } from '../frozen.repository';
import { toCsv, toXlsx } from '../export';
import { principalOf } from '../service-auth';

export interface RebuildControl {
  /** `startedBy`: the username of the verified principal who asked; returns once it runs (see status) */
  start(startedBy: string): Promise<void>;
  status(): RebuildStatus;
}

/** What a rebuild's status is when this instance has none. */
const NO_REBUILD: RebuildStatus = { state: 'idle', phase: null, startedAt: null, finishedAt: null, error: null, startedBy: null, progress: null };

/** A sign-off while the figures are being rebuilt is refused: it waits for the checked, rebuilt projection. */
export class RebuildRunningError extends DomainError {
  constructor(status: RebuildStatus) {
    super(ProblemType.rebuildRunning, 409, 'The figures are being rebuilt', 'the figures are being rebuilt; sign off once the rebuild has finished', {
      code: 'rebuild_running',
      params: { startedAt: status.startedAt, phase: status.phase, applied: status.progress?.applied ?? null, target: status.progress?.target ?? null },
    });
  }
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
    const { groupBy, format, definitions: version, ...period } = request.query;
    const defs = (version && figureDefinitions(version)) || FIGURE_DEFINITIONS;
    const groups = await figures.figures(groupBy, period, defs);
    return send(reply, groups, format, { definitions: defs.version, groupBy, from: period.from ?? '', to: period.to ?? '', category: period.category ?? '', generatedAt: new Date().toISOString() }, `figures-${groupBy}`);
  });

  app.post('/reports/frozen', {
    schema: {
      operationId: 'freezeReport',
      summary: 'Sign off the figures for a period: a snapshot later events do not change, signed by the signed-in user',
      description: 'Refused with 409 (`urn:minqing:problem:rebuild-running`, `code` rebuild_running, `params` startedAt, phase, applied, target) while the figures are being rebuilt.',
      tags: ['reports'],
      body: FreezeReportBody,
      response: { 201: FrozenReportSchema, ...problemResponses(400, ...AUTH_PROBLEMS, 409) },
    },
  }, async (request, reply) => {
    const running = rebuild?.status();
    if (running?.state === 'rebuilding') throw new RebuildRunningError(running);
    const b = request.body;
    const period: Period = { from: b.from, to: b.to, category: b.category };
    const signedBy = principalOf(request).username;
    const saved = await frozen.save({ groupBy: b.groupBy, period, definitionsVersion: FIGURE_DEFINITIONS.version, groups: await figures.figures(b.groupBy, period), note: b.note, signedBy });
    return reply.code(201).header('location', `/api/v1/reports/frozen/${saved.id}`).send(saved);
  });

  app.get('/reports/frozen', {
    schema: { operationId: 'listFrozenReports', summary: 'Signed-off reports, newest first, a page at a time', tags: ['reports'], querystring: FrozenReportListQuery, response: { 200: FrozenReportListResponse, ...problemResponses(400, ...AUTH_PROBLEMS) } },
  }, async (request) => frozen.list(request.query));

  app.get('/reports/frozen/:id', {
    schema: {
      operationId: 'getFrozenReport',
      summary: 'A signed-off report as frozen, with any later correction shown as an amendment (what changed since), recomputed with the figure definitions it was signed off with',
      tags: ['reports'],
      params: FrozenReportParams,
      response: { 200: FrozenReportWithAmendment, ...problemResponses(400, ...AUTH_PROBLEMS, 404, 409) },
    },
  }, async (request) => {
    const report = await frozen.find(request.params.id);
    if (!report) throw new NotFoundError('frozen report', request.params.id);
    // Recomputed with the definitions it was signed off with, so a newer version of them is not an amendment.
    const defs = figureDefinitions(report.definitionsVersion);
    if (!defs) throw new DomainError(ProblemType.conflict, 409, 'Definitions not computable', `this report was signed off with the figure definitions ${report.definitionsVersion}, which this service cannot compute`);
    const current = await figures.figures(report.groupBy, report.period, defs);
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
      summary: 'Rebuild the figures from the beginning of the case-events topic into shadow tables, swapped in once complete and checked (frozen reports are kept) — administrators',
      tags: ['reports'],
      response: { 202: RebuildStatusSchema, ...problemResponses(...AUTH_PROBLEMS, 409, 503) },
    },
  }, async (request, reply) => {
    const startedBy = principalOf(request).username;
    if (!rebuild) throw new DomainError(ProblemType.unavailable, 503, 'Not available', 'this instance has no event consumer');
    if (rebuild.status().state === 'rebuilding') throw new DomainError(ProblemType.rebuildRunning, 409, 'Already rebuilding', 'a rebuild is running', { code: 'rebuild_running', params: { startedAt: rebuild.status().startedAt } });
    request.log.info({ startedBy }, 'rebuild requested');
    await rebuild.start(startedBy);
    return reply.code(202).send(rebuild.status());
  });

  app.get('/reports/rebuild', {
    schema: { operationId: 'rebuildStatus', summary: 'State of the last rebuild: running (which step, how far), finished or failed, who started it', tags: ['reports'], response: { 200: RebuildStatusSchema, ...problemResponses(...AUTH_PROBLEMS) } },
  }, async () => rebuild?.status() ?? NO_REBUILD);
};
