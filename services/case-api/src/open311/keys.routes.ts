/**
 * /api/v1/open311/keys — administrators manage the API keys of the Open311
 * GeoReport endpoint (create with a name and organisation, list, revoke). The
 * secret is in the creation's answer only. Every change is in the audit trail.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Code, countedNextCursor, Offset, PageQuery, problemResponses, startOffset, Text } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';
import { KEY_ID_PATTERN, OPEN311_KEY_PATTERN, type Open311Keys } from './keys';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Open311KeySchema = Type.Object(
  {
    id: Type.String({ pattern: KEY_ID_PATTERN, description: 'the key\'s public code (it names the key in lists, cases and the audit trail)' }),
    name: Type.String(),
    organisation: Type.String(),
    servicePointCode: Nullable(Type.String({ description: 'the hall or station whose staff follow up and close the key\'s requests; null: managers do' })),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String(),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
    revokedBy: Nullable(Type.String()),
    lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
    requests: Type.Integer({ minimum: 0, description: 'requests (cases) opened with the key' }),
  },
  { $id: 'Open311Key', additionalProperties: false },
);

const ADMIN = ['admin'] as const;

export const open311KeysRoutes: FastifyPluginAsyncTypebox<{ keys: Open311Keys; audit: AuditLog }> = async (app, { keys, audit }) => {
  app.addSchema(Open311KeySchema);

  app.post('/open311/keys', {
    config: { roles: ADMIN },
    bodyLimit: 4 * 1024,
    schema: {
      operationId: 'createOpen311Key',
      summary: 'Create an API key for a third-party Open311 app (administrators); the secret is shown in this answer only',
      tags: ['open311 keys'],
      body: Type.Object(
        {
          name: Text({ minLength: 1, maxLength: 100, description: 'what the app is called' }),
          organisation: Text({ minLength: 1, maxLength: 200, description: 'who runs it' }),
          servicePointCode: Type.Optional(Nullable(Code({ description: 'the hall or station that follows up its requests' }))),
        },
        { additionalProperties: false },
      ),
      response: {
        201: Type.Object(
          {
            key: Type.Ref(Open311KeySchema),
            secret: Type.String({ pattern: OPEN311_KEY_PATTERN, description: 'the api_key the app sends; shown once, stored only as a hash' }),
          },
          { additionalProperties: false },
        ),
        ...problemResponses(400, 401, 403, 422),
      },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const b = request.body;
    const created = await keys.create({ name: b.name, organisation: b.organisation, servicePointCode: b.servicePointCode ?? null, createdBy: p.username });
    await audit.record(request, { action: 'open311_key.create', subjectType: 'open311_key', subject: created.key.id, details: { servicePointCode: created.key.servicePointCode } });
    return reply.code(201).send(created);
  });

  app.get('/open311/keys', {
    config: { roles: ADMIN },
    schema: {
      operationId: 'listOpen311Keys',
      summary: 'The Open311 API keys, newest first, revoked ones included (administrators)',
      tags: ['open311 keys'],
      querystring: Type.Object({ ...PageQuery(), offset: Offset({ description: 'rows to skip, for callers from before cursors; prefer `cursor`' }) }, { additionalProperties: false }),
      response: {
        200: Type.Object(
          {
            items: Type.Array(Type.Ref(Open311KeySchema)),
            nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last page' }),
            total: Type.Integer({ minimum: 0, description: 'all keys' }),
          },
          { additionalProperties: false },
        ),
        ...problemResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const offset = startOffset('open311-keys', request.query);
    const page = await keys.list(request.query.limit, offset);
    return { ...page, nextCursor: countedNextCursor('open311-keys', page.items.length, page.total, offset) };
  });

  app.post('/open311/keys/:keyId/revoke', {
    config: { roles: ADMIN },
    schema: {
      operationId: 'revokeOpen311Key',
      summary: 'Revoke an Open311 API key at once (administrators); its cases stay attributed to it',
      tags: ['open311 keys'],
      params: Type.Object({ keyId: Type.String({ pattern: KEY_ID_PATTERN }) }),
      response: { 200: Type.Ref(Open311KeySchema), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const p = principalOf(request);
    const { key, changed } = await keys.revoke(request.params.keyId, p.username);
    if (changed) await audit.record(request, { action: 'open311_key.revoke', subjectType: 'open311_key', subject: key.id });
    return key;
  });
};
