/**
 * Staff moves on a case: POST /api/v1/cases/{id}/<move>. The acting staff
 * member is the signed-in account's roster cadre; each answer is the case's new
 * workflow state, or a problem document (400 invalid, 401 not signed in, 403
 * not yours to see or do, 404 no such case, 409 not allowed now).
 */
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { FOLLOW_UP_METHODS, problemResponses, SATISFACTIONS } from '@minqing/shared';
import { RejectReasonCodes, ReturnReasonCodes } from '@minqing/workflows';
import type { LifecycleService, MoveName } from '../lifecycle.service';
import { principalOf } from '../auth/auth.hook';

const Text = (max = 2000) => Type.String({ minLength: 1, maxLength: max });
const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Body = (props: Record<string, TSchema> = {}) => Type.Object(props, { additionalProperties: false });

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

const MOVES: { name: MoveName; path: string; summary: string; body: TSchema }[] = [
  { name: 'acceptCase', path: 'accept', summary: 'Sign for the case (签收) — the assignee', body: Body() },
  { name: 'returnCase', path: 'return', summary: 'Return the case (退单) with a reason code — the assignee; reviewed, capped', body: Body({ reasonCode: Enum(ReturnReasonCodes), note: Text() }) },
  { name: 'reviewReturn', path: 'return-review', summary: 'Review a return: reroute to someone else or force the dispatch — a manager', body: Body({ decision: Enum(['reroute', 'force_dispatch']), assigneeCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), note: Text() }) },
  { name: 'reassignCase', path: 'reassign', summary: 'Reassign the case — a manager', body: Body({ assigneeCode: Type.String({ minLength: 1, maxLength: 64 }), note: Text() }) },
  { name: 'startWork', path: 'start', summary: 'Start work — the assignee', body: Body() },
  { name: 'waitOnResident', path: 'wait-on-resident', summary: 'Wait on the resident; the resolution clock pauses — the assignee', body: Body({ note: Text() }) },
  { name: 'resumeFromResident', path: 'resume', summary: 'The resident answered; the clock resumes — the assignee', body: Body({ note: Text() }) },
  { name: 'forwardUpstream', path: 'forward-upstream', summary: 'Forward a proxy matter (代办) to a higher authority; the clock pauses — the assignee', body: Body({ authority: Text(200), note: Text() }) },
  { name: 'upstreamAnswered', path: 'upstream-answer', summary: 'The higher authority answered — the assignee', body: Body({ outcome: Text(200), note: Text() }) },
  { name: 'resolveCase', path: 'resolve', summary: 'Resolve with a reply to the resident (答复) — the assignee', body: Body({ reply: Text(5000) }) },
  { name: 'recordFollowUp', path: 'follow-up', summary: 'Record the follow-up (回访) and satisfaction — not the assignee', body: Body({ satisfaction: Enum(SATISFACTIONS), method: Enum(FOLLOW_UP_METHODS), note: Type.String({ maxLength: 2000 }) }) },
  { name: 'reopenCase', path: 'reopen', summary: 'Reopen after a dissatisfied follow-up — hall staff or a manager', body: Body({ reason: Text() }) },
  { name: 'mergeCase', path: 'merge', summary: 'Merge this duplicate into another case — hall staff or a manager', body: Body({ intoCaseId: Type.String({ format: 'uuid' }), note: Text() }) },
  { name: 'withdrawCase', path: 'withdraw', summary: 'Withdraw at the resident\'s request — hall staff or a manager', body: Body({ reason: Text() }) },
  { name: 'rejectCase', path: 'reject', summary: 'Reject as out of scope with a reason — a manager', body: Body({ reasonCode: Enum(RejectReasonCodes), note: Text() }) },
  { name: 'closeCase', path: 'close', summary: 'Close after the follow-up (办结) — hall staff or a manager', body: Body({ note: Type.String({ maxLength: 2000 }) }) },
  { name: 'requestExtension', path: 'extensions', summary: 'Ask, before the deadline, for more time — the assignee', body: Body({ minutes: Type.Integer({ minimum: 1, maximum: 43200 }), reason: Text() }) },
  { name: 'decideExtension', path: 'extensions/decision', summary: 'Approve or refuse an extension — the next level', body: Body({ approve: Type.Boolean(), note: Text() }) },
  { name: 'superviseCase', path: 'supervise', summary: 'Add a supervision note (督办) — a manager', body: Body({ note: Text() }) },
];

export const lifecycleRoutes: FastifyPluginAsyncTypebox<{ service: LifecycleService }> = async (app, { service }) => {
  app.addSchema(CaseStateSchema);
  for (const move of MOVES) {
    app.post(
      `/cases/:id/${move.path}`,
      {
        schema: {
          operationId: move.name === 'resumeFromResident' ? 'resumeCase' : move.name,
          summary: move.summary,
          tags: ['case moves'],
          params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
          body: move.body,
          response: { 200: Type.Ref(CaseStateSchema), ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
        },
      },
      async (request) => service.move((request.params as { id: string }).id, move.name, principalOf(request), (request.body ?? {}) as Record<string, unknown>),
    );
  }
};
