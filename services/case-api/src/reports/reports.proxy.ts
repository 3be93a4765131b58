/**
 * The evaluation figures, reached through the case API so the console has one
 * origin and one sign-in: GET /api/v1/reports/* is forwarded to the reporting
 * service (internal, not exposed) after the role check. Managers below the
 * township see only their own department's or area's groups and cases; exports
 * and sign-off are for the township leadership and the assessment group.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DASHBOARD_ROLES, DependencyUnavailableError, ForbiddenError, TOWNSHIP_WIDE_ROLES, type Pool, type Principal } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import { requireRole } from '../auth/auth.service';

type GroupBy = 'township' | 'area' | 'department' | 'village' | 'cadre';

export const reportsProxy: FastifyPluginAsyncTypebox<{ reportingUrl: string; pool: Pool }> = async (app, { reportingUrl, pool }) => {
  /** The group keys a manager below the township may see, per grouping; null = all. */
  async function allowedKeys(p: Principal, groupBy: GroupBy): Promise<Set<string> | null> {
    if (TOWNSHIP_WIDE_ROLES.includes(p.role)) return null;
    const keys = async (sql: string, param: unknown) => new Set((await pool.query<{ code: string }>(sql, [param])).rows.map((r) => r.code));
    if (p.role === 'department_head' && p.departmentCode) {
      if (groupBy === 'department') return new Set([p.departmentCode]);
      if (groupBy === 'village') return keys('SELECT code FROM directory.villages WHERE department_code = $1', p.departmentCode);
      if (groupBy === 'cadre') return keys('SELECT code FROM directory.cadres WHERE department_code = $1', p.departmentCode);
    }
    if (p.role === 'area_leader' && p.areaCodes.length) {
      if (groupBy === 'area') return new Set(p.areaCodes);
      if (groupBy === 'village') return keys('SELECT code FROM directory.villages WHERE area_code = ANY($1::text[])', p.areaCodes);
    }
    throw new ForbiddenError(`figures grouped by ${groupBy} are outside your role (${p.role})`);
  }

  async function forward(url: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetch(new URL(url, reportingUrl), { ...init, signal: AbortSignal.timeout(30_000) });
    } catch {
      throw new DependencyUnavailableError('the reporting service');
    }
  }

  app.get('/reports/*', {
    schema: {
      operationId: 'reports',
      summary: 'Evaluation figures, drill-downs and exports (see the reporting service\'s API): managers and the assessment group',
      tags: ['reports'],
      querystring: Type.Record(Type.String(), Type.String()),
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    requireRole(p, DASHBOARD_ROLES, 'the evaluation figures');
    const path = request.url.replace(/^\/api\/v1/, '');
    const query = request.query as Record<string, string>;
    const route = path.split('?')[0] ?? '';
    if ((route.endsWith('/export') || route.startsWith('/reports/frozen') || route.startsWith('/reports/appraisals') || route.startsWith('/reports/composite')) && !TOWNSHIP_WIDE_ROLES.includes(p.role)) {
      throw new ForbiddenError('exports, sign-off, appraisals and composite scores are for the township leadership and the assessment group');
    }
    const groupBy = query.groupBy as GroupBy | undefined;
    const allowed = groupBy ? await allowedKeys(p, groupBy) : TOWNSHIP_WIDE_ROLES.includes(p.role) ? null : route === '/reports/summary' ? null : new Set<string>();
    if (allowed && route === '/reports/figures/cases' && !allowed.has(query.key ?? '')) throw new ForbiddenError(`group ${query.key} is outside your role and links`);
    const res = await forward(`/api/v1${path}`);
    const type = res.headers.get('content-type') ?? 'application/octet-stream';
    reply.code(res.status).type(type);
    const disposition = res.headers.get('content-disposition');
    if (disposition) reply.header('content-disposition', disposition);
    if (allowed && route === '/reports/figures' && res.ok) {
      const body = (await res.json()) as { groups: { key: string }[] };
      return { ...body, groups: body.groups.filter((g) => allowed.has(g.key)) };
    }
    if (route === '/reports/duty' && res.ok && !TOWNSHIP_WIDE_ROLES.includes(p.role)) {
      // Duty figures of the manager's own cadres only (a department head's department; an area leader has none of their own).
      const body = (await res.json()) as { items: { departmentCode: string | null }[] };
      return { ...body, items: body.items.filter((i) => p.role === 'department_head' && i.departmentCode !== null && i.departmentCode === p.departmentCode) };
    }
    return reply.send(Buffer.from(await res.arrayBuffer()));
  });

  app.post('/reports/*', {
    schema: {
      operationId: 'reportsWrite',
      summary: 'Enter appraisal scores or sign off a report (the assessment group)',
      tags: ['reports'],
    },
  }, async (request, reply) => {
    requireRole(principalOf(request), ['assessment', 'admin'], 'appraisal entry and sign-off');
    const path = request.url.replace(/^\/api\/v1/, '');
    const res = await forward(`/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request.body ?? {}) });
    reply.code(res.status).type(res.headers.get('content-type') ?? 'application/json');
    return reply.send(Buffer.from(await res.arrayBuffer()));
  });
};
