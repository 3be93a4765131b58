/**
 * /api/v1/work-records — cadres record their grassroots work (履职): the work
 * of the plan's six roles, one kind per activity (shared work-kinds.ts).
 * Thin: the service checks the record against the directory and hands it to
 * the worker (workflow), which writes the record and its event in one
 * transaction; duty figures come from these records only, never from location
 * tracking.
 */
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { DETAIL_FIELDS, fieldSchema, FourHelpsSchema, PageAnswer, PageQuery, problemResponses, WorkKindSchema, WorkRecordBodySchema, WorkRoleSchema, Code, type WorkRecordBody } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import { idempotencyHeaders } from '../routes/headers';
import type { LifecycleService } from '../lifecycle.service';
import type { WorkService } from './work.service';

const Kind = WorkKindSchema;
const Logged = Type.Object({ id: Type.String({ format: 'uuid' }), kind: Kind, date: Type.String({ format: 'date' }) }, { additionalProperties: false });
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const WorkRecordItem = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    // (typed as the rows are read; the document says what is sent)
    kind: Type.Unsafe<string>(Kind),
    date: Type.String({ format: 'date' }),
    householdCode: Nullable(Type.String()),
    villageCode: Nullable(Type.String()),
    caseId: Nullable(Type.String({ format: 'uuid' })),
    role: Type.Unsafe<string>({ ...WorkRoleSchema, description: "the kind's role (六个角色)" }),
    note: Type.String(),
    details: Type.Object(Object.fromEntries(DETAIL_FIELDS.map((f) => [f, Type.Optional(fieldSchema(f))])), { additionalProperties: false, description: "the kind's own fields that were given (participants, place, holiday, …)" }),
    helps: FourHelpsSchema,
    recordedAt: Type.Unsafe<Date | string>(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export const workRoutes: FastifyPluginAsyncTypebox<{ work: WorkService; lifecycle: LifecycleService }> = async (app, { work, lifecycle }) => {
  app.post('/work-records', {
    // Roster staff log their own work: decided before the body is read.
    config: { authorize: (request) => lifecycle.actor(principalOf(request)) },
    schema: {
      operationId: 'logWorkRecord',
      summary: "Log a work record of one of the six roles (六个角色) — a visit, a survey, a training, a holiday visit, the Friday clean-up, a mediation, … — by the signed-in cadre; which fields a kind takes is the table of kinds (shared work-kinds.ts)",
      tags: ['work records'],
      headers: idempotencyHeaders('never logs the record twice'),
      body: WorkRecordBodySchema,
      response: {
        201: Logged,
        200: { ...Logged, description: 'replay: the record this Idempotency-Key logged earlier' },
        ...problemResponses(400, 401, 403, 422, 503),
      },
    },
  }, async (request, reply) => {
    const actor = await lifecycle.actor(principalOf(request));
    const { record, created } = await work.log(actor, request.body as WorkRecordBody, { idempotencyKey: request.headers['idempotency-key'] });
    if (!created) reply.header('idempotent-replayed', 'true');
    return reply.code(created ? 201 : 200).send(record);
  });

  app.get('/work-records', {
    schema: {
      operationId: 'listWorkRecords',
      summary: "A cadre's work records in a date range: your own, or a cadre's whose duty figures you see (township-wide roles: anyone's; a department head: the department's cadres')",
      tags: ['work records'],
      querystring: Type.Object(
        {
          cadre: Code(),
          from: Type.Optional(Type.String({ format: 'date' })),
          to: Type.Optional(Type.String({ format: 'date' })),
          role: Type.Optional(WorkRoleSchema),
          kind: Type.Optional(WorkKindSchema),
          ...PageQuery(),
        },
        { additionalProperties: false },
      ),
      response: { 200: PageAnswer(WorkRecordItem), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    // Own records, or those of cadres whose duty figures the caller sees (the same scope as /reports/duty).
    return work.listFor(principalOf(request), request.query);
  });
};
