/**
 * /api/v1/work-records — cadres record their grassroots work (履职): household
 * visits, public-condition diary entries (民情日记), household file updates.
 * Thin: the service checks the record against the directory and hands it to
 * the worker (workflow), which writes the record and its event in one
 * transaction; duty figures come from these records only, never from location
 * tracking.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DASHBOARD_ROLES, ForbiddenError, problemResponses, WORK_KIND_NAMES, WORK_ROLES } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { LifecycleService } from '../lifecycle.service';
import type { WorkRecordBody, WorkService } from './work.service';

const Body = Type.Object(
  {
    kind: Type.Union(WORK_KIND_NAMES.map((k) => Type.Literal(k))),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'local date the work was done' }),
    householdCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    villageCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    caseId: Type.Optional(Type.String({ format: 'uuid' })),
    role: Type.Optional(Type.Union(WORK_ROLES.map((r) => Type.Literal(r)))),
    note: Type.String({ minLength: 1, maxLength: 5000 }),
  },
  { additionalProperties: false },
);

const Logged = Type.Object({ id: Type.String(), kind: Type.String(), date: Type.String() });

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 128,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Retrying with the same key never logs the record twice (IETF draft-ietf-httpapi-idempotency-key-header)',
    }),
  ),
});

export const workRoutes: FastifyPluginAsyncTypebox<{ work: WorkService; lifecycle: LifecycleService }> = async (app, { work, lifecycle }) => {
  app.post('/work-records', {
    schema: {
      operationId: 'logWorkRecord',
      summary: 'Log a household visit, a diary entry or a household file update (by the signed-in cadre)',
      tags: ['work records'],
      headers: IdempotencyHeaders,
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
      summary: "A cadre's work records in a date range",
      tags: ['work records'],
      querystring: Type.Object({ cadre: Type.String({ minLength: 1, maxLength: 64 }), from: Type.Optional(Type.String({ format: 'date' })), to: Type.Optional(Type.String({ format: 'date' })) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    const q = request.query;
    // Own records; managers and the assessment group read anyone's.
    const p = principalOf(request);
    if (q.cadre !== p.cadreCode && !DASHBOARD_ROLES.includes(p.role)) throw new ForbiddenError('you may read only your own work records');
    return { items: await work.list(q) };
  });
};
