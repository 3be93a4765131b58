/**
 * /api/v1/work-records — cadres record their grassroots work (履职): household
 * visits, public-condition diary entries (民情日记), household file updates.
 * Thin: the service checks the record against the directory and hands it to
 * the worker (workflow), which writes the record and its event in one
 * transaction; duty figures come from these records only, never from location
 * tracking.
 */
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import { PageAnswer, PageQuery, problemResponses, WORK_KIND_NAMES, WORK_ROLES, Code, Text } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import { idempotencyHeaders } from '../routes/headers';
import type { LifecycleService } from '../lifecycle.service';
import type { WorkRecordBody, WorkService } from './work.service';

const Body = Type.Object(
  {
    kind: Type.Union(WORK_KIND_NAMES.map((k) => Type.Literal(k))),
    date: Type.String({ format: 'date', description: 'local date the work was done' }),
    householdCode: Type.Optional(Code()),
    villageCode: Type.Optional(Code()),
    caseId: Type.Optional(Type.String({ format: 'uuid' })),
    role: Type.Optional(Type.Union(WORK_ROLES.map((r) => Type.Literal(r)))),
    note: Text({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);

const Kind = Type.Union(WORK_KIND_NAMES.map((k) => Type.Literal(k)));
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
    role: Nullable(Type.String()),
    note: Type.String(),
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
      summary: 'Log a household visit, a diary entry or a household file update (by the signed-in cadre)',
      tags: ['work records'],
      headers: idempotencyHeaders('never logs the record twice'),
      body: Body,
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
      querystring: Type.Object({ cadre: Code(), from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })), ...PageQuery() }, { additionalProperties: false }),
      response: { 200: PageAnswer(WorkRecordItem), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    // Own records, or those of cadres whose duty figures the caller sees (the same scope as /reports/duty).
    return work.listFor(principalOf(request), request.query);
  });
};
