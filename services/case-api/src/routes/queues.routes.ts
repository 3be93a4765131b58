/** Lists: case search, a cadre's tasks, escalation queues, a case's timeline. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CASE_CATEGORIES, CaseStatus, NotFoundError, problemResponses } from '@minqing/shared';
import type { QueueRepository } from '../queue.repository';

const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const CaseListItemSchema = Type.Object(
  {
    id: Type.String(),
    trackingCode: Type.String(),
    status: Type.String(),
    category: Type.String(),
    priority: Type.String(),
    title: Type.String(),
    villageCode: Nullable(Type.String()),
    areaCode: Nullable(Type.String()),
    departmentCode: Nullable(Type.String()),
    assigneeCode: Nullable(Type.String()),
    escalationLevel: Type.Integer(),
    phase: Nullable(Type.String()),
    dueAt: Nullable(Type.String()),
    paused: Type.Boolean(),
    openedAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'CaseListItem' },
);
const Code = Type.String({ minLength: 1, maxLength: 64 });
const Page = { limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }), offset: Type.Integer({ minimum: 0, default: 0 }) };
const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const queuesRoutes: FastifyPluginAsyncTypebox<{ queues: QueueRepository }> = async (app, { queues }) => {
  app.addSchema(CaseListItemSchema);
  const List = Type.Array(Type.Ref(CaseListItemSchema));

  app.get('/cases', {
    schema: {
      operationId: 'listCases',
      summary: 'Search cases by status, category, village, area, department, assignee, opening date, tracking code or title',
      tags: ['cases'],
      querystring: Type.Object({
        status: Type.Optional(Enum(Object.values(CaseStatus))),
        category: Type.Optional(Enum(CASE_CATEGORIES)),
        village: Type.Optional(Code),
        area: Type.Optional(Code),
        department: Type.Optional(Code),
        assignee: Type.Optional(Code),
        from: Type.Optional(Type.String({ format: 'date-time' })),
        to: Type.Optional(Type.String({ format: 'date-time' })),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        ...Page,
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: List, total: Type.Integer() }), ...problemResponses(400) },
    },
  }, async (request) => queues.search(request.query as never));

  app.get('/cases/:id/timeline', {
    schema: {
      operationId: 'caseTimeline',
      summary: 'Every move of a case, in order, with who and when',
      tags: ['cases'],
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: {
        200: Type.Object({ items: Type.Array(Type.Object({ seq: Type.Integer(), kind: Type.String(), actor: Nullable(Type.String()), at: Type.String(), details: Type.Unknown() })) }),
        ...problemResponses(400, 404),
      },
    },
  }, async (request) => {
    const items = await queues.timeline(request.params.id);
    if (!items) throw new NotFoundError('case', request.params.id);
    return { items };
  });

  app.get('/tasks', {
    schema: {
      operationId: 'listTasks',
      summary: "A cadre's inbox: assigned and open cases (new, due soon, overdue), and decisions waiting for them as a manager",
      tags: ['queues'],
      querystring: Type.Object({ cadre: Code }, { additionalProperties: false }),
      response: {
        200: Type.Object({ new: List, dueSoon: List, overdue: List, inProgress: List, decisions: List }),
        ...problemResponses(400),
      },
    },
  }, async (request) => {
    const items = await queues.tasks(request.query.cadre);
    const now = Date.now();
    const soon = now + 24 * 3600_000;
    const overdue = items.filter((i) => i.dueAt && !i.paused && Date.parse(i.dueAt) < now);
    const rest = items.filter((i) => !overdue.includes(i));
    return {
      overdue,
      new: rest.filter((i) => i.status === 'assigned'),
      dueSoon: rest.filter((i) => i.status !== 'assigned' && i.dueAt && !i.paused && Date.parse(i.dueAt) < soon),
      inProgress: rest.filter((i) => i.status !== 'assigned' && !(i.dueAt && !i.paused && Date.parse(i.dueAt) < soon)),
      decisions: await queues.decisions(request.query.cadre),
    };
  });

  app.get('/escalations', {
    schema: {
      operationId: 'escalationQueue',
      summary: "Managers' queue for a department, an area or the township: escalated first, then nearest to breach",
      tags: ['queues'],
      querystring: Type.Object({
        scope: Enum(['department', 'area', 'township']),
        code: Type.Optional(Code),
        category: Type.Optional(Enum(CASE_CATEGORIES)),
        level: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
        ...Page,
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: List }), ...problemResponses(400) },
    },
  }, async (request) => {
    const q = request.query as { scope: 'department' | 'area' | 'township'; code?: string; category?: string; level?: number; limit: number; offset: number };
    if (q.scope !== 'township' && !q.code) {
      throw Object.assign(new Error('code is required for department and area scopes'), { statusCode: 400, validation: [{ instancePath: '/code', message: 'is required for department and area scopes', params: {} }], validationContext: 'querystring' });
    }
    return { items: await queues.escalationQueue(q) };
  });
};
