/**
 * Staff moves on a case: POST /api/v1/cases/{id}/<move>, one route per move of
 * the lifecycle table (path, operationId, summary and body schema from there). The acting staff
 * member is the signed-in account's roster cadre; each answer is the case's new
 * workflow state, or a problem document (400 invalid, 401 not signed in, 403
 * not yours to see or do, 404 no such case, 409 not allowed now).
 */
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { MOVE_LIST, moveBodySchema, problemResponses, type MoveName } from '@minqing/shared';
import type { LifecycleService } from '../lifecycle.service';
import { principalOf } from '../auth/auth.hook';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
export const CaseStateSchema = Type.Object(
  {
    caseId: Type.String(),
    trackingCode: Type.String(),
    status: Type.String(),
    assigneeCode: Nullable(Type.String()),
    escalationLevel: Type.Integer(),
    clock: Nullable(Type.Object({ phase: Type.String(), dueAt: Nullable(Type.String()), paused: Type.Boolean(), startedAt: Type.String() })),
    returnsCount: Type.Integer(),
    reopenCount: Type.Integer(),
    satisfaction: Nullable(Type.String()),
    pendingExtension: Nullable(Type.Object({ phase: Type.String(), minutes: Type.Integer(), reason: Type.String(), requestedBy: Type.String() })),
    mergedInto: Nullable(Type.String()),
    slaPolicyVersion: Type.String(),
    seq: Type.Integer(),
    lastMoveAt: Type.String(),
  },
  { $id: 'CaseState', additionalProperties: true },
);

export const lifecycleRoutes: FastifyPluginAsyncTypebox<{ service: LifecycleService }> = async (app, { service }) => {
  app.addSchema(CaseStateSchema);
  for (const move of MOVE_LIST) {
    app.post(
      `/cases/:id/${move.path}`,
      {
        schema: {
          operationId: move.operationId,
          summary: move.summary,
          tags: ['case moves'],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          body: moveBodySchema(move.name as MoveName),
          response: { 200: Type.Ref(CaseStateSchema), ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
        },
      },
      async (request) => service.move((request.params as { id: string }).id, move.name as MoveName, principalOf(request), (request.body ?? {}) as Record<string, unknown>),
    );
  }
};
