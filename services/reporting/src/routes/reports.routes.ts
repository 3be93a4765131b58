/**
 * /api/v1/reports — the evaluation figures, their drill-downs, the summary and
 * the dead letters. Each answer is limited to the caller's scope (shared
 * report-access.ts): a manager below the township gets only the groups and
 * cases of their department or area, whatever the query asks.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  DeadLettersQuery, DeadLettersResponse, FIGURE_DEFINITION_VERSIONS, FIGURE_DEFINITIONS, FigureCasesQuery, FigureCasesResponse, FigureDefinitionsResponse, figureDefinitions,
  FiguresQuery, FiguresResponse, figureGroups, ForbiddenError, needsScopeLinks, publishedDefinitions, problemResponses, ReportSummarySchema, SummaryQuery, summaryFacts, type GroupBy,
} from '@minqing/shared';
import type { ReportRepository } from '../report.repository';
import type { FiguresRepository } from '../figures.repository';
import type { ScopeRepository } from '../scope.repository';
import { principalOf } from '../service-auth';

/** The group keys the caller may see for a grouping (null = all); 403 when none. */
export async function visibleGroups(request: FastifyRequest, scope: ScopeRepository, groupBy: GroupBy): Promise<ReadonlySet<string> | null> {
  const p = principalOf(request);
  const links = needsScopeLinks(p, groupBy) ? await scope.links(p) : { departmentVillages: [], departmentCadres: [], areaVillages: [] };
  const decision = figureGroups(p, groupBy, links);
  if (!decision.ok) throw new ForbiddenError(decision.reason);
  return decision.value;
}

/** 401 without a valid service token, 403 outside the caller's role or scope. */
const AUTH_PROBLEMS = [401, 403] as const;

export const reportsRoutes: FastifyPluginAsyncTypebox<{ repository: ReportRepository; figures: FiguresRepository; scope: ScopeRepository }> = async (app, { repository, figures, scope }) => {
  app.get(
    '/reports/dead-letters',
    {
      schema: {
        operationId: 'listDeadLetters',
        summary: 'Events that failed validation, with the reason (they are also on the dead-letter topic) — township-wide roles',
        tags: ['reports'],
        querystring: DeadLettersQuery,
        response: { 200: DeadLettersResponse, ...problemResponses(400, ...AUTH_PROBLEMS) },
      },
    },
    async (request) => repository.deadLetters(request.query.limit, request.query.offset),
  );

  app.get(
    '/reports/figures',
    {
      schema: {
        operationId: 'reportFigures',
        summary: 'Service-performance figures (服务绩效) per township, area, department, village or cadre; every rate is numerator/denominator with a link to its cases. A manager below the township gets only the groups of their department or area.',
        tags: ['reports'],
        querystring: FiguresQuery,
        response: { 200: FiguresResponse, ...problemResponses(400, ...AUTH_PROBLEMS) },
      },
    },
    async (request) => {
      const { groupBy, definitions: version, ...period } = request.query;
      const defs = (version && figureDefinitions(version)) || FIGURE_DEFINITIONS;
      const visible = await visibleGroups(request, scope, groupBy);
      const qs = new URLSearchParams(Object.entries({ ...period, definitions: version }).filter(([, v]) => v) as [string, string][]).toString();
      const groups = (await figures.figures(groupBy, period, defs))
        .filter((g) => visible === null || visible.has(g.key))
        .map((g) => ({
          ...g,
          links: { cases: `/api/v1/reports/figures/cases?groupBy=${groupBy}&key=${encodeURIComponent(g.key)}&figure={figure}${qs ? `&${qs}` : ''}` },
        }));
      return { definitionsVersion: defs.version, definitions: publishedDefinitions(defs), groupBy, period, generatedAt: new Date().toISOString(), groups };
    },
  );

  app.get(
    '/reports/definitions',
    {
      schema: {
        operationId: 'listFigureDefinitions',
        summary: 'The figure definitions, every version this service computes (oldest first) and which is current: each count with its rule, each rate as numerator/denominator, and the choices they embody (codes; the console words them)',
        tags: ['reports'],
        response: { 200: FigureDefinitionsResponse, ...problemResponses(...AUTH_PROBLEMS) },
      },
    },
    async () => ({ current: FIGURE_DEFINITIONS.version, items: FIGURE_DEFINITION_VERSIONS.map(publishedDefinitions) }),
  );

  app.get(
    '/reports/figures/cases',
    {
      schema: {
        operationId: 'figureCases',
        summary: 'The cases behind one count of one group (drill-down), newest opened first, paged by limit and offset; 403 for a group outside the caller\'s department or area',
        tags: ['reports'],
        querystring: FigureCasesQuery,
        response: { 200: FigureCasesResponse, ...problemResponses(400, ...AUTH_PROBLEMS) },
      },
    },
    async (request) => {
      const q = request.query;
      const visible = await visibleGroups(request, scope, q.groupBy);
      if (visible !== null && !visible.has(q.key)) throw new ForbiddenError(`group ${q.key} is outside your role and links`);
      const defs = (q.definitions && figureDefinitions(q.definitions)) || FIGURE_DEFINITIONS;
      return figures.cases(q.groupBy, q.key, q.figure, { from: q.from, to: q.to, category: q.category }, q.limit, q.offset, defs);
    },
  );

  app.addSchema(ReportSummarySchema);
  app.get(
    '/reports/summary',
    {
      schema: {
        operationId: 'reportSummary',
        summary: 'Case counts for a period (opened_at in [from, to)); a manager below the township counts their department\'s or area\'s cases',
        tags: ['reports'],
        querystring: SummaryQuery,
        response: { 200: Type.Ref(ReportSummarySchema), ...problemResponses(400, ...AUTH_PROBLEMS, 503) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const facts = summaryFacts(principalOf(request));
      if (!facts.ok) throw new ForbiddenError(facts.reason);
      const s = await repository.summary({ from, to, scope: facts.value });
      return { ...s, period: { from: from ?? null, to: to ?? null }, generatedAt: new Date().toISOString() };
    },
  );
};
