/**
 * /api/v1/reports/four-helps — 四帮四促 by period and area, and the cases
 * behind each case count. For the dashboard roles (shared report-access.ts);
 * a manager below the township counts their department's or areas' cases and
 * records only (summaryFacts), whatever the query asks.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DomainError, ForbiddenError, FourHelpsCasesQuerySchema, FourHelpsCasesResponseSchema, FourHelpsQuerySchema, FourHelpsReportSchema, ProblemType, problemResponses, summaryFacts,
  type FourHelpsQuery,
} from '@minqing/shared';
import type { FastifyRequest } from 'fastify';
import type { FourHelpsRepository } from '../four-helps.repository';
import { principalOf } from '../service-auth';

const AUTH_PROBLEMS = [401, 403] as const;

/** 400 naming `to` when the period ends before it starts. */
function assertPeriod(q: FourHelpsQuery): void {
  if (q.to < q.from) {
    throw new DomainError(ProblemType.validation, 400, 'Invalid request', 'querystring/to must not be before from', {
      errors: [{ field: 'querystring/to', message: 'must not be before from', code: 'before_from', params: { from: q.from } }],
    });
  }
}

function scopeOf(request: FastifyRequest) {
  const facts = summaryFacts(principalOf(request));
  if (!facts.ok) throw new ForbiddenError(facts.reason);
  return facts.value;
}

export const fourHelpsRoutes: FastifyPluginAsyncTypebox<{ fourHelps: FourHelpsRepository }> = async (app, { fourHelps }) => {
  app.get('/reports/four-helps', {
    schema: {
      operationId: 'fourHelpsReport',
      summary: '四帮四促 by period and area: per help, the cases opened and resolved in the period that carry it and the work records dated in it; by area, or by village within one area or village. A manager below the township counts their department\'s or areas\'',
      tags: ['reports'],
      querystring: FourHelpsQuerySchema,
      response: { 200: FourHelpsReportSchema, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request) => {
    assertPeriod(request.query);
    return fourHelps.report(request.query, scopeOf(request));
  });

  app.get('/reports/four-helps/cases', {
    schema: {
      operationId: 'fourHelpsCases',
      summary: 'The cases behind one 四帮四促 count (opened or resolved in the period, carrying the help), of one group when asked; newest opened first, paged by limit and offset',
      tags: ['reports'],
      querystring: FourHelpsCasesQuerySchema,
      response: { 200: FourHelpsCasesResponseSchema, ...problemResponses(400, ...AUTH_PROBLEMS) },
    },
  }, async (request) => {
    assertPeriod(request.query);
    return fourHelps.cases(request.query, scopeOf(request));
  });
};
