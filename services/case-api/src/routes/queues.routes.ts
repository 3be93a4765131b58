/** Lists: case search, a cadre's tasks, escalation queues, a case's timeline. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CASE_CATEGORIES, CasePriority, CaseStatus, Code as CodeString, DASHBOARD_ROLES, Offset, PageAnswer, PageQuery, Text, ForbiddenError, MANAGER_ROLES, NotFoundError, CursorError, problemResponses, TOWNSHIP_WIDE_ROLES, type Principal } from '@minqing/shared';
import type { CaseFilter, QueueRepository } from '../queue.repository';
import { principalOf } from '../auth/auth.hook';
import { CaseAccess } from '../auth/case-access';
import type { CaseChanges } from '../case-changes';
import type { CaseService } from '../case.service';

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const CaseListItemSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trackingCode: Type.String(),
    status: Enum(Object.values(CaseStatus)),
    category: Enum(CASE_CATEGORIES),
    priority: Enum(Object.values(CasePriority)),
    title: Type.String(),
    villageCode: Nullable(Type.String()),
    areaCode: Nullable(Type.String()),
    departmentCode: Nullable(Type.String()),
    assigneeCode: Nullable(Type.String()),
    escalationLevel: Type.Integer(),
    phase: Nullable(Type.String()),
    dueAt: Nullable(Type.String({ format: 'date-time' })),
    paused: Type.Boolean(),
    openedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CaseListItem', additionalProperties: false },
);
const Code = CodeString();
const Page = { ...PageQuery(), offset: Offset({ description: 'rows to skip, for callers from before cursors; prefer `cursor`' }) };

/** The queue a manager sees when they name none: their department, their area, or the township. */
function defaultScope(p: Principal): { scope: 'department' | 'area' | 'township'; code?: string } {
  if (p.role === 'department_head' && p.departmentCode) return { scope: 'department', code: p.departmentCode };
  if (p.role === 'area_leader' && p.areaCodes[0]) return { scope: 'area', code: p.areaCodes[0] };
  return { scope: 'township' };
}

export const queuesRoutes: FastifyPluginAsyncTypebox<{ queues: QueueRepository; access: CaseAccess; service: CaseService; changes: CaseChanges }> = async (app, { queues, access, service, changes }) => {
  const scoped = (p: Principal) => (params: unknown[]) => CaseAccess.scopeSql(p, params);
  app.addSchema(CaseListItemSchema);
  const List = Type.Array(Type.Ref(CaseListItemSchema));

  const CaseFilters = {
    status: Type.Optional(Enum(Object.values(CaseStatus))),
    category: Type.Optional(Enum(CASE_CATEGORIES)),
    village: Type.Optional(Code),
    area: Type.Optional(Code),
    department: Type.Optional(Code),
    assignee: Type.Optional(Code),
    servicePoint: Type.Optional(Code),
    household: Type.Optional(Code),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  };
  const CasePage = PageAnswer(Type.Ref(CaseListItemSchema), { total: Type.Integer({ description: 'cases matching the filters' }) });

  app.get('/cases', {
    schema: {
      operationId: 'listCases',
      summary: 'List the cases you may see, newest first, by status, category, village, area, department, assignee, service point, household, opening date, tracking code or title; paged by cursor',
      description: 'To search by a resident\'s or household head\'s name, use searchCases (POST): names stay out of URLs.',
      tags: ['cases'],
      querystring: Type.Object({
        ...CaseFilters,
        q: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'tracking code, or part of the title (% and _ match themselves)' })),
        ...Page,
      }, { additionalProperties: false }),
      response: { 200: CasePage, ...problemResponses(400, 401) },
    },
  }, async (request) => queues.search(request.query as never, scoped(principalOf(request))));

  // A POST, so that a resident's or a household head's name travels in the body, never in a URL.
  app.post('/cases/search', {
    schema: {
      operationId: 'searchCases',
      summary: 'Search the cases you may see by tracking code, title, resident\'s or household head\'s name, with the filters of listCases; paged by cursor',
      description: 'A search, not a change: POST only so that the search term stays out of URLs.',
      tags: ['cases'],
      body: Type.Object({
        ...CaseFilters,
        q: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'tracking code exactly; part of the title, the resident\'s name or the household head\'s name (% and _ match themselves)' })),
        ...PageQuery(),
      }, { additionalProperties: false }),
      response: { 200: CasePage, ...problemResponses(400, 401) },
    },
  }, async (request) => {
    try {
      return await queues.search({ ...(request.body as CaseFilter), matchNames: true }, scoped(principalOf(request)));
    } catch (err) {
      throw err instanceof CursorError ? new CursorError('body') : err;
    }
  });

  app.get('/cases/:id/timeline', {
    schema: {
      operationId: 'caseTimeline',
      summary: 'Every move of a case, in order, with who and when',
      tags: ['cases'],
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: {
        200: Type.Object({ items: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.String(), actor: Nullable(Type.String()), at: Type.String(), details: Type.Unknown() })) }),
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    await access.assertCanSee(principalOf(request), await service.getCase(request.params.id));
    const items = await queues.timeline(request.params.id);
    if (!items) throw new NotFoundError('case', request.params.id);
    return { items };
  });

  app.get('/tasks', {
    schema: {
      operationId: 'listTasks',
      summary: "The signed-in cadre's inbox: assigned and open cases (new, due soon, overdue), and decisions waiting for them as a manager; managers may name another cadre and then see only that cadre's cases within their own scope, and no decisions",
      tags: ['queues'],
      querystring: Type.Object({ cadre: Type.Optional(Code) }, { additionalProperties: false }),
      response: {
        200: Type.Object({ new: List, dueSoon: List, overdue: List, inProgress: List, decisions: List }),
        ...problemResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const p = principalOf(request);
    const cadre = request.query.cadre ?? p.cadreCode;
    if (!cadre) throw new ForbiddenError('name the cadre whose inbox to read: your account is not a roster cadre');
    const own = cadre === p.cadreCode;
    if (!own && !MANAGER_ROLES.includes(p.role)) throw new ForbiddenError('you may read only your own inbox');
    // A manager reading someone's inbox sees only the cases in their own scope, and
    // never that person's pending decisions: those are theirs alone.
    const items = own ? await queues.tasks(cadre) : await queues.tasks(cadre, scoped(p));
    const now = Date.now();
    const soon = now + 24 * 3600_000;
    const overdue = items.filter((i) => i.dueAt && !i.paused && Date.parse(i.dueAt) < now);
    const rest = items.filter((i) => !overdue.includes(i));
    return {
      overdue,
      new: rest.filter((i) => i.status === CaseStatus.assigned),
      dueSoon: rest.filter((i) => i.status !== CaseStatus.assigned && i.dueAt && !i.paused && Date.parse(i.dueAt) < soon),
      inProgress: rest.filter((i) => i.status !== CaseStatus.assigned && !(i.dueAt && !i.paused && Date.parse(i.dueAt) < soon)),
      decisions: own ? await queues.decisions(cadre) : [],
    };
  });

  app.get('/escalations', {
    config: { roles: DASHBOARD_ROLES },
    schema: {
      operationId: 'escalationQueue',
      summary: "Managers' queue for a department, an area or the township (default: the manager's own): escalated first, then nearest to breach",
      tags: ['queues'],
      querystring: Type.Object({
        scope: Type.Optional(Enum(['department', 'area', 'township'])),
        code: Type.Optional(Code),
        category: Type.Optional(Enum(CASE_CATEGORIES)),
        level: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
        ...Page,
      }, { additionalProperties: false }),
      response: { 200: PageAnswer(Type.Ref(CaseListItemSchema)), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    const p = principalOf(request);
    if (!DASHBOARD_ROLES.includes(p.role)) throw new ForbiddenError('the escalation queue is for managers');
    const raw = request.query as { scope?: 'department' | 'area' | 'township'; code?: string; category?: string; level?: number; limit: number; offset?: number; cursor?: string };
    const q = { ...raw, ...(raw.scope ? { scope: raw.scope } : defaultScope(p)) };
    if (q.scope === 'township' && !TOWNSHIP_WIDE_ROLES.includes(p.role)) throw new ForbiddenError('the township queue is for the township leadership');
    if (q.scope !== 'township' && !q.code) {
      throw Object.assign(new Error('code is required for department and area scopes'), { statusCode: 400, validation: [{ instancePath: '/code', message: 'is required for department and area scopes', params: {} }], validationContext: 'querystring' });
    }
    return queues.escalationQueue(q, scoped(p));
  });

  app.get('/escalations/stream', {
    config: { roles: DASHBOARD_ROLES },
    schema: {
      operationId: 'escalationChanges',
      summary: 'Server-sent events: `changed` whenever cases change, so a live queue refetches (no case data is sent)',
      tags: ['queues'],
      produces: ['text/event-stream'],
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    if (!DASHBOARD_ROLES.includes(p.role)) throw new ForbiddenError('the escalation queue is for managers');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 3000\nevent: ready\ndata: {}\n\n`);
    const unsubscribe = changes.subscribe((at) => res.write(`event: changed\ndata: ${JSON.stringify({ at })}\n\n`));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
    };
    request.raw.on('close', end);
    streams.add(end);
    res.on('close', () => streams.delete(end));
  });
  // Open streams end when the server closes, so shutdown does not wait on them.
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });
};
