/**
 * Duty performance, democratic appraisal and the composite score (双考评).
 * Duty rows are limited to the caller's scope (a department head's own
 * cadres); appraisals and the composite are for the township-wide roles (the
 * role table in shared report-access.ts, checked by the service-auth hook); who
 * entered an appraisal is the verified principal, never a body field.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  COMPOSITE_DEFINITIONS, CompositeResponse, FIGURE_DEFINITIONS, DEFAULT_CALENDAR, DutyQuery, DutyResponse, dutyOwnOnly, dutyVisible, EnterAppraisalBody, EvaluationPeriodQuery, AppraisalsResponse,
  GRASSROOTS_DAYS_PER_WEEK, GRASSROOTS_KINDS, localDateOf, periodDates, problemResponses, ruleWeeks, startOfLocalDate,
} from '@minqing/shared';
import type { EvaluationRepository } from '../evaluation.repository';
import type { FiguresRepository } from '../figures.repository';
import { principalOf } from '../service-auth';

/** 401 without a valid service token, 403 outside the caller's role. */
const AUTH_PROBLEMS = [401, 403] as const;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

export const evaluationRoutes: FastifyPluginAsyncTypebox<{ evaluation: EvaluationRepository; figures: FiguresRepository }> = async (app, { evaluation, figures }) => {
  app.get('/reports/duty', {
    schema: {
      operationId: 'dutyFigures',
      summary:
        'Duty performance (履职) per cadre from their own work records: records per role (六个角色) and kind, the grassroots-days rule (每周下基层不少于3天) week by week '
        + 'with who misses it — every cadre of the roster, those who recorded nothing too —, visits to linked and key households, diary entries, household files. '
        + "A manager sees their scope; everyone else their own row",
      tags: ['reports'],
      querystring: DutyQuery,
      response: { 200: DutyResponse, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request) => {
    const p = principalOf(request);
    const { first, last } = periodDates(request.query.period);
    const today = localDateOf(new Date(), DEFAULT_CALENDAR);
    // Who sees only their own row has it read alone (and nothing when they ask for someone else's).
    const own = dutyOwnOnly(p);
    const cadre = own ? p.cadreCode : request.query.cadre;
    const asked = !own || request.query.cadre === undefined || request.query.cadre === p.cadreCode;
    const items = cadre === null || !asked ? [] : (await evaluation.duty(first, last, { cadre, roster: true, today })).filter((row) => dutyVisible(p, row));
    const grassroots = {
      minDaysPerWeek: GRASSROOTS_DAYS_PER_WEEK,
      kinds: GRASSROOTS_KINDS,
      weeks: ruleWeeks(first, last).map((w) => ({ ...w, ended: w.last < today })),
    };
    return { period: request.query.period, first, last, grassroots, items };
  });

  app.post('/reports/appraisals', {
    schema: {
      operationId: 'enterAppraisal',
      summary: 'Enter a democratic appraisal (民主评议) score for a period — the assessment group; recorded as entered by the signed-in user',
      tags: ['reports'],
      body: EnterAppraisalBody,
      response: { 204: Type.Null({ description: 'stored' }), ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request, reply) => {
    await evaluation.saveAppraisal({ ...request.body, enteredBy: principalOf(request).username });
    return reply.code(204).send(null);
  });

  app.get('/reports/appraisals', {
    schema: { operationId: 'listAppraisals', summary: 'Appraisal scores entered for a period', tags: ['reports'], querystring: EvaluationPeriodQuery, response: { 200: AppraisalsResponse, ...problemResponses(400, ...AUTH_PROBLEMS) } },
  }, async (request) => ({ items: await evaluation.appraisals(request.query.period) }));

  app.get('/reports/composite', {
    schema: {
      operationId: 'compositeScores',
      summary: 'The composite evaluation per cadre for a period, with its parts; listed by code (ranking is a view a manager chooses, not a default)',
      tags: ['reports'],
      querystring: EvaluationPeriodQuery,
      response: { 200: CompositeResponse, ...problemResponses(400, ...AUTH_PROBLEMS) },
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
    return { definitionsVersion: d.version, definitions: d, figureDefinitionsVersion: FIGURE_DEFINITIONS.version, period, items };
  });
};
