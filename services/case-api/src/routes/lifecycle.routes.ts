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
import type { AuditLog } from '../audit/audit.service';
import { principalOf } from '../auth/auth.hook';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const NullableString = Nullable(Type.String());
/** The case's workflow state after the move (CaseWorkflowState), every property documented. */
export const CaseStateSchema = Type.Object(
  {
    caseId: Type.String({ format: 'uuid' }),
    trackingCode: Type.String(),
    status: Type.String(),
    recorded: Type.Boolean({ description: 'the intake step has committed the case to the read model' }),
    requestHash: Type.String(),
    openedAt: Type.String({ format: 'date-time' }),
    category: Type.String(),
    priority: Type.String(),
    channel: Type.String(),
    servicePointCode: NullableString,
    title: Type.String(),
    description: Type.String(),
    villageCode: NullableString,
    householdCode: NullableString,
    routing: Nullable(Type.Object({
      assigneeCode: NullableString,
      departmentCode: NullableString,
      areaCode: NullableString,
      villageCode: NullableString,
      rule: Type.String(),
      reason: Type.String(),
      escalation: Type.Object({ departmentHead: NullableString, areaLeader: NullableString, township: NullableString }, { additionalProperties: false }),
    }, { additionalProperties: false })),
    assigneeCode: NullableString,
    escalationLevel: Type.Integer(),
    clock: Nullable(Type.Object({ phase: Type.String(), dueAt: NullableString, paused: Type.Boolean(), startedAt: Type.String() }, { additionalProperties: false })),
    returnsCount: Type.Integer(),
    pendingReturn: Nullable(Type.Object({ byCode: Type.String(), reasonCode: Type.String(), note: Type.String() }, { additionalProperties: false })),
    reopenCount: Type.Integer(),
    satisfaction: NullableString,
    pendingExtension: Nullable(Type.Object({ phase: Type.String(), minutes: Type.Integer(), reason: Type.String(), requestedBy: Type.String() }, { additionalProperties: false })),
    mergedInto: NullableString,
    slaPolicyVersion: Type.String(),
    seq: Type.Integer(),
    lastMoveAt: Type.String(),
  },
  { $id: 'CaseState', additionalProperties: false },
);

export const lifecycleRoutes: FastifyPluginAsyncTypebox<{ service: LifecycleService; audit: AuditLog }> = async (app, { service, audit }) => {
  app.addSchema(CaseStateSchema);
  for (const move of MOVE_LIST) {
    app.post(
      `/cases/:id/${move.path}`,
      {
        // Roster staff who may see the case, decided from the params before the body is read.
        config: { authorize: (request) => service.authorizeMoves(principalOf(request), (request.params as { id: string }).id) },
        // The longest move's text, escaped, fits; more is refused (413) before it is read.
        bodyLimit: 32 * 1024,
        schema: {
          operationId: move.operationId,
          summary: move.summary,
          tags: ['case moves'],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          body: moveBodySchema(move.name as MoveName),
          response: { 200: Type.Ref(CaseStateSchema), ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
        },
      },
      async (request) => {
        const id = (request.params as { id: string }).id;
        const args = (request.body ?? {}) as Record<string, unknown>;
        const state = await service.move(id, move.name as MoveName, principalOf(request), args);
        // Who, when, which move, from which client (the audit entry); of the arguments only codes
        // (a new assignee, the case merged into) — notes and replies stay on the case.
        const codes = Object.fromEntries(['assigneeCode', 'intoCaseId'].filter((k) => typeof args[k] === 'string').map((k) => [k, args[k]]));
        await audit.record(request, { action: 'case.move', subjectType: 'case', subject: id, details: { move: move.name, status: state.status, ...codes } });
        return state;
      },
    );
  }
};
