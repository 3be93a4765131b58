/** Frozen (signed-off) reports, exports, and the rebuild of the reporting schema. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CASE_CATEGORIES, DomainError, FIGURE_DEFINITIONS, GROUP_BY, NotFoundError, ProblemType, problemResponses, type GroupBy } from '@minqing/shared';
import type { FiguresRepository, GroupFigures, Period } from '../figures.repository';
import { differences, type FrozenRepository } from '../frozen.repository';
import { toCsv, toXlsx } from '../export';

export interface RebuildControl {
  start(): Promise<void>;
  status(): { state: 'idle' | 'rebuilding' | 'failed'; startedAt: string | null; finishedAt: string | null; error: string | null };
}

const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const PeriodProps = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  category: Type.Optional(Enum(CASE_CATEGORIES)),
};

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
      querystring: Type.Object({ groupBy: Enum(GROUP_BY), format: Enum(['csv', 'xlsx']), ...PeriodProps }, { additionalProperties: false }),
      produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
  }, async (request, reply) => {
    const { groupBy, format, ...period } = request.query as { groupBy: GroupBy; format: 'csv' | 'xlsx' } & Period;
    const groups = await figures.figures(groupBy, period);
    return send(reply, groups, format, { definitions: FIGURE_DEFINITIONS.version, groupBy, from: period.from ?? '', to: period.to ?? '', category: period.category ?? '', generatedAt: new Date().toISOString() }, `figures-${groupBy}`);
  });

  app.post('/reports/frozen', {
    schema: {
      operationId: 'freezeReport',
      summary: 'Sign off the figures for a period: a snapshot later events do not change',
      tags: ['reports'],
      body: Type.Object({ groupBy: Enum(GROUP_BY), ...PeriodProps, note: Type.String({ minLength: 1, maxLength: 2000 }), signedBy: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
      response: { 201: Type.Unknown(), ...problemResponses(400) },
    },
  }, async (request, reply) => {
    const b = request.body as { groupBy: GroupBy; note: string; signedBy: string } & Period;
    const period: Period = { from: b.from, to: b.to, category: b.category };
    const saved = await frozen.save({ groupBy: b.groupBy, period, definitionsVersion: FIGURE_DEFINITIONS.version, groups: await figures.figures(b.groupBy, period), note: b.note, signedBy: b.signedBy });
    return reply.code(201).header('location', `/api/v1/reports/frozen/${saved.id}`).send(saved);
  });

  app.get('/reports/frozen', {
    schema: { operationId: 'listFrozenReports', summary: 'Signed-off reports, newest first', tags: ['reports'], response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }) } },
  }, async () => ({ items: await frozen.list() }));

  app.get('/reports/frozen/:id', {
    schema: {
      operationId: 'getFrozenReport',
      summary: 'A signed-off report as frozen, with any later correction shown as an amendment (what changed since)',
      tags: ['reports'],
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: Type.Unknown(), ...problemResponses(400, 404) },
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
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      querystring: Type.Object({ format: Enum(['csv', 'xlsx']) }, { additionalProperties: false }),
      produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    },
  }, async (request, reply) => {
    const report = await frozen.find(request.params.id);
    if (!report) throw new NotFoundError('frozen report', request.params.id);
    return send(reply, report.groups, request.query.format as 'csv' | 'xlsx', {
      frozenReport: report.id, definitions: report.definitionsVersion, groupBy: report.groupBy, signedBy: report.signedBy, frozenAt: report.frozenAt, note: report.note,
    }, `frozen-${report.id}`);
  });

  app.post('/reports/rebuild', {
    schema: {
      operationId: 'rebuildReports',
      summary: 'Rebuild the reporting schema from the beginning of the case-events topic (frozen reports are kept)',
      tags: ['reports'],
      response: { 202: Type.Unknown(), ...problemResponses(409, 503) },
    },
  }, async (_request, reply) => {
    if (!rebuild) throw new DomainError(ProblemType.unavailable, 503, 'Not available', 'this instance has no event consumer');
    if (rebuild.status().state === 'rebuilding') throw new DomainError(ProblemType.conflict, 409, 'Already rebuilding', 'a rebuild is running');
    await rebuild.start();
    return reply.code(202).send(rebuild.status());
  });

  app.get('/reports/rebuild', {
    schema: { operationId: 'rebuildStatus', summary: 'State of the last rebuild', tags: ['reports'], response: { 200: Type.Unknown() } },
  }, async () => rebuild?.status() ?? { state: 'idle', startedAt: null, finishedAt: null, error: null });
};
