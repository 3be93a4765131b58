/** /api/v1/reports — the evaluation figures (walking skeleton: the summary). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemResponses } from '@minqing/shared';
import type { ReportRepository } from '../report.repository';

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

export const reportsRoutes: FastifyPluginAsyncTypebox<{ repository: ReportRepository }> = async (app, { repository }) => {
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
