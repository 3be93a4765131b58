/**
 * /api/v1/plans — the area leaders' 片区 work plans and the departments' annual
 * service plans, their items and each item's history. Thin: schemas in,
 * service, reply out. Who may use a route is the shared table
 * (PLAN_OPERATIONS), refused at the front door; the plan's own rule (who reads,
 * edits, records progress) is the service's; who changed an item is the
 * session's user, never a body field.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AddPlanItemBodySchema, Code as CodeString, CreatePlanBodySchema, PageAnswer, PageQuery, PLAN_ITEM_STATUSES, PLAN_KINDS, PLAN_OPERATIONS, PlanCountsSchema,
  PlanItemRevisionSchema, PlanItemSchema, PlanProgressBodySchema, PlanSchema, PlanYear, problemResponses, Text, UpdatePlanItemBodySchema,
  type AddPlanItemBody, type CreatePlanBody, type PlanOperation, type PlanProgressBody, type UpdatePlanItemBody,
} from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { PlansService } from './plans.service';

const tags = ['plans'];
const roles = (op: PlanOperation) => PLAN_OPERATIONS[op];
const Code = CodeString();
const PlanParams = Type.Object({ planId: Type.String({ format: 'uuid' }) });
const ItemParams = Type.Object({ planId: Type.String({ format: 'uuid' }), itemId: Type.String({ format: 'uuid' }) });
const PROBLEMS_WRITE = [400, 403, 404, 409, 413, 415, 422, 503] as const;

export const plansRoutes: FastifyPluginAsyncTypebox<{ plans: PlansService; retryEveryMs?: number }> = async (app, { plans, retryEveryMs = 60_000 }) => {
  app.addSchema(PlanCountsSchema);
  app.addSchema(PlanSchema);
  app.addSchema(PlanItemSchema);
  app.addSchema(PlanItemRevisionSchema);

  // Events of revisions whose hand-over to the worker failed are handed over again (each once per revision).
  if (retryEveryMs > 0) {
    const timer = setInterval(() => {
      plans.retryHandOvers().catch((err: unknown) => app.log.warn({ err: (err as Error).name }, 'retrying plan item events failed'));
    }, retryEveryMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }

  app.get('/plans', {
    config: { roles: roles('listPlans') },
    schema: {
      operationId: 'listPlans',
      summary: "Plans you may read — area (片区) work plans and departments' annual service plans — newest year first, each with its items' counts (planned, in progress, done, dropped, overdue); filtered by year, kind, area, department or a word of a title; paged by cursor",
      description: 'The township-wide roles read every plan; an area leader their areas\' plans and the department plans serving a village of their areas; a department\'s staff their department\'s plan; anyone the plans they own an item of.',
      tags,
      querystring: Type.Object(
        {
          year: Type.Optional(PlanYear()),
          kind: Type.Optional(Type.Union(PLAN_KINDS.map((k) => Type.Literal(k)))),
          area: Type.Optional(Code),
          department: Type.Optional(Code),
          q: Type.Optional(Text({ minLength: 1, maxLength: 50, description: 'part of a plan or item title, an area or department name or code' })),
          ...PageQuery({ defaultLimit: 20, maxLimit: 100 }),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(Type.Ref(PlanSchema), { total: Type.Integer({ description: 'plans matching the filters' }) }), ...problemResponses(400) },
    },
  }, async (request) => plans.list(principalOf(request), request.query));

  app.post('/plans', {
    config: { roles: roles('createPlan') },
    bodyLimit: 16 * 1024,
    schema: {
      operationId: 'createPlan',
      summary: "Start a plan: an area's work plan (its area leader) or a department's annual service plan (its head); one per area or department per year",
      description: '409 (`code` plan_exists) when the area or department has its plan for the year; 403 for someone else\'s area or department; 422 naming the field for an unknown area or department.',
      tags,
      body: CreatePlanBodySchema,
      response: { 201: Type.Ref(PlanSchema), ...problemResponses(...PROBLEMS_WRITE) },
    },
  }, async (request, reply) => reply.code(201).send(await plans.create(principalOf(request), request.body as CreatePlanBody)));

  app.get('/plans/:planId', {
    config: { roles: roles('getPlan') },
    schema: {
      operationId: 'getPlan',
      summary: 'A plan with its villages and its items\' counts, and whether you may edit it; 404 for a plan you may not read',
      tags,
      params: PlanParams,
      response: { 200: Type.Ref(PlanSchema), ...problemResponses(400, 404) },
    },
  }, async (request) => plans.get(principalOf(request), request.params.planId));

  app.get('/plans/:planId/items', {
    config: { roles: roles('listPlanItems') },
    schema: {
      operationId: 'listPlanItems',
      summary: "A plan's items by due date, with owner, status, whether overdue and whether you may record progress or edit; filtered by status, owner, overdue or a word; paged by cursor",
      tags,
      params: PlanParams,
      querystring: Type.Object(
        {
          status: Type.Optional(Type.Union(PLAN_ITEM_STATUSES.map((s) => Type.Literal(s)))),
          owner: Type.Optional(Code),
          overdue: Type.Optional(Type.Boolean({ description: 'only open items past their due date' })),
          q: Type.Optional(Text({ minLength: 1, maxLength: 50 })),
          ...PageQuery({ defaultLimit: 50, maxLimit: 100 }),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(Type.Ref(PlanItemSchema), { total: Type.Integer() }), ...problemResponses(400, 404) },
    },
  }, async (request) => plans.items(principalOf(request), request.params.planId, request.query));

  app.post('/plans/:planId/items', {
    config: { roles: roles('addPlanItem') },
    bodyLimit: 16 * 1024,
    schema: {
      operationId: 'addPlanItem',
      summary: "Add an item to a plan you own: title, villages (of the plan's), owner cadre (of the department, for a department plan), due date; recorded as the signed-in user; its event is published",
      description: '422 naming the field (`code` plan_village_outside, plan_owner_unknown, plan_owner_outside_department) for terms outside the plan.',
      tags,
      params: PlanParams,
      body: AddPlanItemBodySchema,
      response: { 201: Type.Ref(PlanItemSchema), ...problemResponses(...PROBLEMS_WRITE) },
    },
  }, async (request, reply) => reply.code(201).send(await plans.addItem(principalOf(request), request.params.planId, request.body as AddPlanItemBody)));

  app.patch('/plans/:planId/items/:itemId', {
    config: { roles: roles('updatePlanItem') },
    bodyLimit: 16 * 1024,
    schema: {
      operationId: 'updatePlanItem',
      summary: "Change an item's terms (title, villages, owner, due date) — the plan's owner; from the current revision (409 `code` plan_item_changed otherwise); kept in its history",
      tags,
      params: ItemParams,
      body: UpdatePlanItemBodySchema,
      response: { 200: Type.Ref(PlanItemSchema), ...problemResponses(...PROBLEMS_WRITE) },
    },
  }, async (request) => plans.updateItem(principalOf(request), request.params.planId, request.params.itemId, request.body as UpdatePlanItemBody));

  app.post('/plans/:planId/items/:itemId/progress', {
    config: { roles: roles('recordPlanProgress') },
    bodyLimit: 16 * 1024,
    schema: {
      operationId: 'recordPlanProgress',
      summary: "Record progress on an item — its owner or the plan's owner: a note, a status change (planned → in progress → done, or dropped with the reason), or both; from the current revision; kept in its history; its event is published",
      description: '409 (`code` plan_move_not_allowed) for a move the statuses do not allow; 409 (`code` plan_item_changed) when the item moved meanwhile; 400 naming body/note (`code` plan_reason_required) when dropping without a reason.',
      tags,
      params: ItemParams,
      body: PlanProgressBodySchema,
      response: { 200: Type.Ref(PlanItemSchema), ...problemResponses(...PROBLEMS_WRITE) },
    },
  }, async (request) => plans.progress(principalOf(request), request.params.planId, request.params.itemId, request.body as PlanProgressBody));

  app.get('/plans/:planId/items/:itemId/history', {
    config: { roles: roles('planItemHistory') },
    schema: {
      operationId: 'planItemHistory',
      summary: "An item's revisions, newest first: what changed, the status before and after, the note, who and when; paged by cursor",
      tags,
      params: ItemParams,
      querystring: Type.Object({ ...PageQuery({ defaultLimit: 20, maxLimit: 100 }) }, { additionalProperties: false }),
      response: { 200: PageAnswer(Type.Ref(PlanItemRevisionSchema), { total: Type.Integer() }), ...problemResponses(400, 404) },
    },
  }, async (request) => plans.history(principalOf(request), request.params.planId, request.params.itemId, request.query));
};
