/**
 * /api/v1/inspections — the assessment group's inspections of cadres
 * (一听二看三查): recorded by the assessment group, read by the township-wide
 * roles (shared INSPECTION_OPERATIONS, decided before the body is read). Thin:
 * the service checks and scores the record and hands it to the worker.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { INSPECTION_OPERATIONS, InspectionGradeSchema, InspectionItem, ListInspectionsQuery, PageAnswer, problemResponses, RecordInspectionBody } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import { idempotencyHeaders } from '../routes/headers';
import type { AuditLog } from '../audit/audit.service';
import type { InspectionService } from './inspection.service';

const Recorded = Type.Object(
  { id: Type.String({ format: 'uuid' }), score: Type.Integer({ minimum: 0, maximum: 100, description: 'the mean of the three parts, whole points' }), grade: InspectionGradeSchema },
  { additionalProperties: false },
);

export const inspectionRoutes: FastifyPluginAsyncTypebox<{ inspections: InspectionService; audit: AuditLog }> = async (app, { inspections, audit }) => {
  app.post('/inspections', {
    config: { roles: INSPECTION_OPERATIONS.recordInspection },
    schema: {
      operationId: 'recordInspection',
      summary: 'Record an inspection of a cadre (一听二看三查): the report heard (听), the ledger and diary reviewed (看), the households checked on the spot (查), each part scored 0–100 — the assessment group; recorded as by the signed-in user',
      description: 'The score is the mean of the three parts; the grade is excellent (≥ 90), good (≥ 75), pass (≥ 60) or fail. 422 names every wrong field with a `code` (unknown_cadre, unknown_households, not_diary_of_cadre, date_in_future, listen_after_inspection).',
      tags: ['inspections'],
      headers: idempotencyHeaders('never records the inspection twice'),
      body: RecordInspectionBody,
      response: {
        201: Recorded,
        200: { ...Recorded, description: 'replay: the inspection this Idempotency-Key recorded earlier' },
        ...problemResponses(400, 401, 403, 409, 422, 503),
      },
    },
  }, async (request, reply) => {
    const { inspection, created } = await inspections.record(principalOf(request), request.body, { idempotencyKey: request.headers['idempotency-key'] });
    if (created) await audit.record(request, { action: 'inspection.record', subjectType: 'inspection', subject: inspection.id, details: { cadre: request.body.cadreCode, grade: inspection.grade } });
    else reply.header('idempotent-replayed', 'true');
    return reply.code(created ? 201 : 200).send(inspection);
  });

  app.get('/inspections', {
    config: { roles: INSPECTION_OPERATIONS.listInspections },
    schema: {
      operationId: 'listInspections',
      summary: 'Inspections (一听二看三查), newest first, searchable by the cadre (code or name) and the notes and findings, in a date range — the township-wide roles',
      tags: ['inspections'],
      querystring: ListInspectionsQuery,
      response: { 200: PageAnswer(InspectionItem), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => inspections.list(request.query));
};
