/**
 * /api/v1/operations — what operators must act on. `failures`: activities the
 * worker gave up on because the database refused their data for good (a
 * permanent data error, see services/case-worker/src/activities.ts), newest
 * first, instead of a workflow retrying them forever. Administrators only; no
 * personal data (workflow ids, activity names, SQLSTATEs, redacted messages).
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { countedNextCursor, Offset, PageQuery, problemResponses, startOffset } from '@minqing/shared';
import type { OperationsRepository } from './operations.repository';

const FailureSchema = Type.Object(
  {
    id: Type.Integer(),
    workflowId: Type.String({ description: 'a case id, or `work-record:<record id>`' }),
    workflowType: Type.String(),
    activityType: Type.String(),
    attempt: Type.Integer({ minimum: 1 }),
    sqlstate: Type.String({ description: 'PostgreSQL SQLSTATE (class 22 data exception, 23502, 23514)' }),
    message: Type.String({ description: 'the database\'s message, quoted values blanked' }),
    failedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ActivityFailure', additionalProperties: false },
);

export const operationsRoutes: FastifyPluginAsyncTypebox<{ operations: OperationsRepository }> = async (app, { operations }) => {
  app.addSchema(FailureSchema);
  app.get('/operations/failures', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'listActivityFailures',
      summary: 'Activities that failed for good (the database refused their data), newest first — administrators',
      tags: ['operations'],
      querystring: Type.Object(
        { ...PageQuery(), offset: Offset({ description: 'rows to skip, for callers from before cursors; prefer `cursor`' }) },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({ items: Type.Array(Type.Ref(FailureSchema)), nextCursor: Type.Union([Type.String(), Type.Null()]), total: Type.Integer() }, { additionalProperties: false }),
        ...problemResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const offset = startOffset('activity-failures', request.query);
    const page = await operations.failures(request.query.limit, offset);
    return { ...page, nextCursor: countedNextCursor('activity-failures', page.items.length, page.total, offset) };
  });
};
