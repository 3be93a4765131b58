/** Duty performance, democratic appraisal and the composite score (双考评). */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { APPRAISER_GROUPS, COMPOSITE_DEFINITIONS, DEFAULT_CALENDAR, PERIOD_PATTERN, periodDates, problemResponses, startOfLocalDate } from '@minqing/shared';
import type { EvaluationRepository } from '../evaluation.repository';
import type { FiguresRepository } from '../figures.repository';

const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Period = Type.String({ pattern: PERIOD_PATTERN, description: "a day YYYY-MM-DD, an ISO week YYYY-Www, a month YYYY-MM, a quarter YYYY-Qn or a year YYYY" });
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export const evaluationRoutes: FastifyPluginAsyncTypebox<{ evaluation: EvaluationRepository; figures: FiguresRepository }> = async (app, { evaluation, figures }) => {
  app.get('/reports/duty', {
    schema: {
      operationId: 'dutyFigures',
      summary: 'Duty performance (履职) per cadre from their own work records: days with grassroots work per week (the plan asks ≥ 3), visits to linked and key households, diary entries, household files',
      tags: ['reports'],
      querystring: Type.Object({ period: Period, cadre: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ period: Type.String(), first: Type.String(), last: Type.String(), items: Type.Array(Type.Unknown()) }), ...problemResponses(400) },
    },
  }, async (request) => {
    const { first, last } = periodDates(request.query.period);
    return { period: request.query.period, first, last, items: await evaluation.duty(first, last, request.query.cadre) };
  });

  app.post('/reports/appraisals', {
    schema: {
      operationId: 'enterAppraisal',
      summary: 'Enter a democratic appraisal (民主评议) score for a period — the assessment group',
      tags: ['reports'],
      body: Type.Object({
        period: Period,
        subjectType: Enum(['cadre', 'department']),
        subjectCode: Type.String({ minLength: 1, maxLength: 64 }),
        appraiserGroup: Enum(APPRAISER_GROUPS),
        score: Type.Number({ minimum: 0, maximum: 100 }),
        enteredBy: Type.String({ minLength: 1, maxLength: 64 }),
      }, { additionalProperties: false }),
      response: { 204: Type.Null({ description: 'stored' }), ...problemResponses(400) },
    },
  }, async (request, reply) => {
    await evaluation.saveAppraisal(request.body);
    return reply.code(204).send(null);
  });

  app.get('/reports/appraisals', {
    schema: { operationId: 'listAppraisals', summary: 'Appraisal scores entered for a period', tags: ['reports'], querystring: Type.Object({ period: Period }, { additionalProperties: false }), response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), ...problemResponses(400) } },
  }, async (request) => ({ items: await evaluation.appraisals(request.query.period) }));

  app.get('/reports/composite', {
    schema: {
      operationId: 'compositeScores',
      summary: 'The composite evaluation per cadre for a period, with its parts; listed by code (ranking is a view a manager chooses, not a default)',
      tags: ['reports'],
      querystring: Type.Object({ period: Period }, { additionalProperties: false }),
      response: { 200: Type.Object({ definitionsVersion: Type.String(), definitions: Type.Unknown(), period: Type.String(), items: Type.Array(Type.Unknown()) }), ...problemResponses(400) },
    },
  }, async (request) => {
    const period = request.query.period;
    const { first, last } = periodDates(period);
    const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const startOf = (date: string) => startOfLocalDate(date, DEFAULT_CALENDAR).toISOString();
    const [service, duty, appraisals] = await Promise.all([
      figures.figures('cadre', { from: startOf(first), to: startOf(next) }),
      evaluation.duty(first, last),
      evaluation.appraisals(period),
    ]);
    const d = COMPOSITE_DEFINITIONS;
    const codes = new Set([...service.map((s) => s.key).filter((k) => k !== '(unassigned)'), ...duty.map((x) => x.cadreCode), ...appraisals.filter((a) => a.subjectType === 'cadre').map((a) => a.subjectCode)]);
    const items = [...codes].sort().map((code) => {
      const s = service.find((x) => x.key === code);
      const parts: { name: 'service' | 'duty' | 'appraisal'; score: number }[] = [];
      if (s) {
        const r = d.serviceRates;
        const rates = [[s.rates.signFor.value, r.signFor], [s.rates.resolution.value, r.resolution], [s.rates.satisfaction.value, r.satisfaction]].filter(([v]) => v !== null) as [number, number][];
        const weight = rates.reduce((sum, [, w]) => sum + w, 0);
        if (weight > 0) parts.push({ name: 'service', score: rates.reduce((sum, [v, w]) => sum + v * w, 0) / weight });
      }
      const du = duty.find((x) => x.cadreCode === code);
      parts.push({ name: 'duty', score: Math.min(1, (du?.daysPerWeek ?? 0) / d.dutyDaysPerWeekTarget) });
      const ap = appraisals.filter((a) => a.subjectType === 'cadre' && a.subjectCode === code);
      if (ap.length) parts.push({ name: 'appraisal', score: ap.reduce((sum, a) => sum + a.score, 0) / ap.length / 100 });
      const weight = parts.reduce((sum, p) => sum + d.weights[p.name], 0);
      return {
        cadreCode: code,
        composite: round4(parts.reduce((sum, p) => sum + p.score * d.weights[p.name], 0) / weight),
        parts: Object.fromEntries(parts.map((p) => [p.name, round4(p.score)])),
        /** true when a part had no data and the weights were renormalised over the others */
        partial: parts.length < 3,
      };
    });
    return { definitionsVersion: d.version, definitions: d, period, items };
  });
};
