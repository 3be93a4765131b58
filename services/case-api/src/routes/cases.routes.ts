/** /api/v1/cases — thin: validate (schemas), call the service, shape the reply. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CaseViewSchema, OpenCaseBodySchema, problemResponses, TRACKING_CODE_PATTERN } from '@minqing/shared';
import type { CaseService } from '../case.service';

const OpenedCaseSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trackingCode: Type.String({ pattern: TRACKING_CODE_PATTERN, description: 'give this to the resident' }),
    status: Type.Literal('submitted'),
    openedAt: Type.String({ format: 'date-time' }),
    links: Type.Object({ self: Type.String() }),
    duplicate: Type.Optional(Type.Boolean({ description: 'the same household already has this request open; this is that case' })),
  },
  { $id: 'OpenedCase' },
);

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 8,
      maxLength: 128,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Retrying with the same key never opens a second case (IETF draft-ietf-httpapi-idempotency-key-header)',
    }),
  ),
  'x-actor': Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'staff user id, until sign-in exists' })),
});

export const casesRoutes: FastifyPluginAsyncTypebox<{ service: CaseService }> = async (app, { service }) => {
  app.addSchema(OpenCaseBodySchema);
  app.addSchema(CaseViewSchema);
  app.addSchema(OpenedCaseSchema);

  app.post(
    '/cases',
    {
      schema: {
        operationId: 'openCase',
        summary: 'Open a case for a resident (hall staff)',
        tags: ['cases'],
        headers: IdempotencyHeaders,
        body: Type.Ref(OpenCaseBodySchema),
        response: {
          201: Type.Ref(OpenedCaseSchema),
          200: { ...Type.Ref(OpenedCaseSchema), description: 'replay: the case this Idempotency-Key opened earlier' },
          ...problemResponses(400, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const opened = await service.openCase(request.body, {
        idempotencyKey: request.headers['idempotency-key'],
        actor: request.headers['x-actor'] ?? null,
      });
      const self = `/api/v1/cases/${opened.id}`;
      if (!opened.created) reply.header('idempotent-replayed', 'true');
      return reply
        .code(opened.created ? 201 : 200)
        .header('location', self)
        .send({
          id: opened.id,
          trackingCode: opened.trackingCode,
          status: opened.status,
          openedAt: opened.openedAt,
          links: { self },
          ...(opened.duplicate ? { duplicate: true } : {}),
        });
    },
  );

  app.get(
    '/cases/:id',
    {
      schema: {
        operationId: 'getCase',
        summary: 'Read one case',
        tags: ['cases'],
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'case id' }) }),
        response: { 200: Type.Ref(CaseViewSchema), ...problemResponses(400, 404, 503) },
      },
    },
    async (request) => service.getCase(request.params.id),
  );
};
