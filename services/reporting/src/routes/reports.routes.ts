/** /api/v1/reports — the evaluation figures (walking skeleton: the summary). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CASE_CATEGORIES, FIGURE_DEFINITIONS, FIGURE_NAMES, GROUP_BY, problemResponses, type FigureName, type GroupBy } from '@minqing/shared';
import type { ReportRepository } from '../report.repository';
import type { FiguresRepository } from '../figures.repository';

const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const PeriodQuery = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'cases opened at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'cases opened before' })),
  category: Type.Optional(Enum(CASE_CATEGORIES)),
};

const Counts = Type.Record(Type.String(), Type.Integer());
const SummarySchema = Type.Object(
  {
    totalCases: Type.Integer({ description: 'cases opened in the period' }),
    byCategory: Counts,
    byPriority: Counts,
    byChannel: Counts,
    eventsProcessed: Type.Integer({ description: 'distinct case events applied (all time)' }),
    deadLetters: Type.Integer({ description: 'events that failed validation (all time)' }),
    lastEventAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    period: Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }),
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ReportSummary' },
);

export const reportsRoutes: FastifyPluginAsyncTypebox<{ repository: ReportRepository; figures: FiguresRepository }> = async (app, { repository, figures }) => {
  app.get(
    '/reports/dead-letters',
    {
      schema: {
        operationId: 'listDeadLetters',
        summary: 'Events that failed validation, with the reason (they are also on the dead-letter topic)',
        tags: ['reports'],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Type.Integer({ minimum: 0, default: 0 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Type.Unknown()) }), ...problemResponses(400) },
      },
    },
    async (request) => repository.deadLetters(request.query.limit, request.query.offset),
  );

  app.get(
    '/reports/figures',
    {
      schema: {
        operationId: 'reportFigures',
        summary: 'Service-performance figures (服务绩效) per township, area, department, village or cadre; every rate is numerator/denominator with a link to its cases',
        tags: ['reports'],
        querystring: Type.Object({ groupBy: Enum(GROUP_BY), ...PeriodQuery }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            definitionsVersion: Type.String(),
            definitions: Type.Unknown(),
            groupBy: Type.String(),
            period: Type.Unknown(),
            generatedAt: Type.String(),
            groups: Type.Array(Type.Unknown()),
          }),
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const { groupBy, ...period } = request.query as { groupBy: GroupBy; from?: string; to?: string; category?: string };
      const qs = new URLSearchParams(Object.entries(period).filter(([, v]) => v) as [string, string][]).toString();
      const groups = (await figures.figures(groupBy, period)).map((g) => ({
        ...g,
        links: { cases: `/api/v1/reports/figures/cases?groupBy=${groupBy}&key=${encodeURIComponent(g.key)}&figure={figure}${qs ? `&${qs}` : ''}` },
      }));
      return { definitionsVersion: FIGURE_DEFINITIONS.version, definitions: FIGURE_DEFINITIONS, groupBy, period, generatedAt: new Date().toISOString(), groups };
    },
  );

  app.get(
    '/reports/figures/cases',
    {
      schema: {
        operationId: 'figureCases',
        summary: 'The cases behind one count of one group (drill-down)',
        tags: ['reports'],
        querystring: Type.Object(
          {
            groupBy: Enum(GROUP_BY),
            key: Type.String({ minLength: 1, maxLength: 64 }),
            figure: Enum(FIGURE_NAMES),
            ...PeriodQuery,
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            offset: Type.Integer({ minimum: 0, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ total: Type.Integer(), items: Type.Array(Type.Unknown()) }), ...problemResponses(400) },
      },
    },
    async (request) => {
      const q = request.query as { groupBy: GroupBy; key: string; figure: FigureName; from?: string; to?: string; category?: string; limit: number; offset: number };
      return figures.cases(q.groupBy, q.key, q.figure, { from: q.from, to: q.to, category: q.category }, q.limit, q.offset);
    },
  );

  app.addSchema(SummarySchema);
  app.get(
    '/reports/summary',
    {
      schema: {
        operationId: 'reportSummary',
        summary: 'Case counts for a period (opened_at in [from, to))',
        tags: ['reports'],
        querystring: Type.Object(
          {
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref(SummarySchema), ...problemResponses(400, 503) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const s = await repository.summary({ from, to });
      return { ...s, period: { from: from ?? null, to: to ?? null }, generatedAt: new Date().toISOString() };
    },
  );
};
