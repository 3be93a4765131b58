/**
 * /api/v1/cases/{id}/helps — a case's 四帮四促 tags: read (anyone who may see
 * the case, with the help its category suggests), changed (HELPS_TAG_ROLES on
 * a case they may see, naming the revision they changed; written with its
 * event by the worker and kept in the audit trail), and every revision.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FourHelpSchema, FourHelpsSchema, HELPS_TAG_ROLES, PageAnswer, PageQuery, problemResponses, SetCaseHelpsBodySchema, type SetCaseHelpsBody } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';
import { idempotencyHeaders } from '../routes/headers';
import type { FourHelpsService } from './four-helps.service';

const Params = Type.Object({ id: Type.String({ format: 'uuid', description: 'case id' }) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(s: T) => Type.Union([s, Type.Null()]);
const CaseHelps = Type.Object(
  {
    caseId: Type.String({ format: 'uuid' }),
    helps: FourHelpsSchema,
    revision: Type.Integer({ minimum: 0, description: 'the revision of the tags (0: never tagged); send it back with a change' }),
    suggested: Nullable(FourHelpSchema),
    mayChange: Type.Boolean({ description: 'whether the signed-in person may change the tags' }),
    changedAt: Nullable(Type.String({ format: 'date-time' })),
    changedBy: Nullable(Type.String({ description: 'the cadre code of who set the tags last' })),
  },
  { $id: 'CaseHelps', additionalProperties: false, description: '四帮四促 tags of a case' },
);
const Revision = Type.Object(
  {
    revision: Type.Integer({ minimum: 1 }),
    helps: FourHelpsSchema,
    actorCode: Nullable(Type.String()),
    at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const fourHelpsRoutes: FastifyPluginAsyncTypebox<{ helps: FourHelpsService; audit: AuditLog }> = async (app, { helps, audit }) => {
  app.addSchema(CaseHelps);

  app.get('/cases/:id/helps', {
    schema: {
      operationId: 'getCaseHelps',
      summary: "A case's 四帮四促 tags, the help its category suggests and whether you may change them — for whoever may see the case",
      tags: ['cases'],
      params: Params,
      response: { 200: Type.Ref(CaseHelps), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => helps.view(principalOf(request), request.params.id));

  app.put('/cases/:id/helps', {
    // the role, the roster and whether the case is theirs to see: decided before the body is read
    config: { roles: HELPS_TAG_ROLES, authorize: (request) => helps.authorize(principalOf(request), (request.params as { id: string }).id) },
    schema: {
      operationId: 'setCaseHelps',
      summary: "Set a case's 四帮四促 tags (the whole set; empty clears) — hall staff, cadres, department heads, area leaders, the township leadership and administrators who are roster staff, on a case they may see; 409 when the tags changed since `revision`",
      tags: ['cases'],
      params: Params,
      headers: idempotencyHeaders('never records the change twice'),
      body: SetCaseHelpsBodySchema,
      response: { 200: Type.Ref(CaseHelps), ...problemResponses(400, 401, 403, 404, 409, 422, 503) },
    },
  }, async (request, reply) => {
    const body = request.body as SetCaseHelpsBody;
    const { view, created } = await helps.set(principalOf(request), request.params.id, body, { idempotencyKey: request.headers['idempotency-key'] });
    if (!created) reply.header('idempotent-replayed', 'true');
    else await audit.record(request, { action: 'case.helps_set', subjectType: 'case', subject: request.params.id, details: { revision: view.revision, helps: view.helps } });
    return view;
  });

  app.get('/cases/:id/helps/history', {
    schema: {
      operationId: 'caseHelpsHistory',
      summary: "Every revision of a case's 四帮四促 tags, newest first, with who set them and when — for whoever may see the case",
      tags: ['cases'],
      params: Params,
      querystring: Type.Object({ ...PageQuery() }, { additionalProperties: false }),
      response: { 200: PageAnswer(Revision), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => helps.history(principalOf(request), request.params.id, request.query));
};
