/**
 * /api/v1/reports/plans — plan figures (片区工作计划, 年度服务计划; issue 13): per
 * plan, its items due in a period done on time, done late, overdue, open and
 * dropped, from each item's latest revision (plan_facts). For the dashboard
 * roles (shared report-access.ts); a department head sees their department's
 * plan, an area leader their areas' plans, the township-wide roles every plan,
 * whatever the query asks.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEFAULT_CALENDAR, DomainError, localDateOf, PlanFiguresQuery, PlanFiguresResponse, ProblemType, problemResponses, TOWNSHIP_WIDE_ROLES } from '@minqing/shared';
import type { EvaluationRepository } from '../evaluation.repository';
import { principalOf } from '../service-auth';

const AUTH_PROBLEMS = [401, 403] as const;

export const planFiguresRoutes: FastifyPluginAsyncTypebox<{ evaluation: EvaluationRepository }> = async (app, { evaluation }) => {
  app.get('/reports/plans', {
    schema: {
      operationId: 'planFigures',
      summary: "Plan figures: per plan (an area's work plan, a department's annual service plan), its items due in the period — done on time, done late, overdue, open, dropped — and the completion rate; a department head their department's plan, an area leader their areas', the township-wide roles all",
      tags: ['reports'],
      querystring: PlanFiguresQuery,
      response: { 200: PlanFiguresResponse, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request) => {
    const q = request.query;
    if (q.to < q.from) {
      throw new DomainError(ProblemType.validation, 400, 'Invalid request', 'querystring/to must not be before from', {
        errors: [{ field: 'querystring/to', message: 'must not be before from', code: 'before_from', params: { from: q.from } }],
      });
    }
    const p = principalOf(request);
    const today = localDateOf(new Date(), DEFAULT_CALENDAR);
    const scope = TOWNSHIP_WIDE_ROLES.includes(p.role)
      ? { kind: q.kind }
      : p.role === 'department_head'
        ? { kind: 'department' as const, departmentCode: p.departmentCode ?? '-' }
        : { kind: 'area' as const, areaCodes: p.areaCodes };
    // a kind asked for that the scope does not hold: nothing
    const items = q.kind && scope.kind && q.kind !== scope.kind ? [] : await evaluation.planFigures(q.from, q.to, today, scope);
    return { from: q.from, to: q.to, today, items };
  });
};
