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
import { compositeOf, dutyScore, serviceScore } from '../evaluation.sheet';

/** 401 without a valid service token, 403 outside the caller's role. */
const AUTH_PROBLEMS = [401, 403] as const;

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
    // One computation of the composite, shared with the evaluation sheet (evaluation.sheet.ts).
    const items = [...codes].sort().map((code) => {
      const s = service.find((x) => x.key === code);
      const serviceScoreOf = s ? serviceScore(s) : null;
      const ap = appraisals.filter((a) => a.subjectType === 'cadre' && a.subjectCode === code);
      const c = compositeOf({
        ...(serviceScoreOf !== null ? { service: serviceScoreOf } : {}),
        duty: dutyScore(duty.find((x) => x.cadreCode === code)?.daysPerWeek ?? 0),
        ...(ap.length ? { appraisal: ap.reduce((sum, a) => sum + a.score, 0) / ap.length / 100 } : {}),
      });
      return { cadreCode: code, composite: c.composite, parts: c.parts, partial: c.partial };
    });
    return { definitionsVersion: d.version, definitions: d, figureDefinitionsVersion: FIGURE_DEFINITIONS.version, period, items };
  });
};
