/** /api/v1/cases — thin: validate (schemas), check who may, call the service, shape the reply. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { CaseViewSchema, Code, DUPLICATE_SIMILARITY, ForbiddenError, MANAGER_ROLES, OpenCaseBodySchema, PHONE_PATTERN, problemResponses, Text, TRACKING_CODE_PATTERN, type OpenCaseBody, type Principal } from '@minqing/shared';
import type { CaseService } from '../case.service';
import { idempotencyHeaders } from './headers';
import type { LifecycleService } from '../lifecycle.service';
import { principalOf } from '../auth/auth.hook';
import { requireRole } from '../auth/auth.service';
import { CaseAccess } from '../auth/case-access';
import type { AuditLog } from '../audit/audit.service';

const OpenedCaseSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trackingCode: Type.String({ pattern: TRACKING_CODE_PATTERN, description: 'give this to the resident' }),
    status: Type.Literal('submitted'),
    openedAt: Type.String({ format: 'date-time' }),
    expectedReplyBy: Type.String({ format: 'date-time', description: 'the reply date to print on the receipt (sign-for and resolve deadlines under the case\'s policy)' }),
    links: Type.Object({ self: Type.String() }, { additionalProperties: false }),
    duplicate: Type.Optional(Type.Boolean({ description: 'the same household already has this request open; this is that case' })),
  },
  { $id: 'OpenedCase', additionalProperties: false },
);

/** Who opens cases: the hall and stations, cadres on a visit, managers. */
const OPENERS = ['hall_staff', 'cadre', ...MANAGER_ROLES] as const;

/** The market-day sessions an opener may open a case at (sessions.service.ts). */
export interface SessionPlaces {
  /** the session the signed-in staff member is on duty at today (its roster, weekday, not a holiday), or null */
  onDutyToday(p: Principal): Promise<string | null>;
  /** whether hall staff may name this session as where a case was opened: one held in their service point's village, or one they are on duty at */
  hallMayOpenAt(p: Principal, code: string): Promise<boolean>;
}

export const casesRoutes: FastifyPluginAsyncTypebox<{ service: CaseService; access: CaseAccess; lifecycle: LifecycleService; audit: AuditLog; sessions?: SessionPlaces }> = async (app, { service, access, lifecycle, audit, sessions }) => {
  app.addSchema(OpenCaseBodySchema);
  app.addSchema(CaseViewSchema);
  app.addSchema(OpenedCaseSchema);

  app.post(
    '/cases',
    {
      config: { roles: OPENERS },
      schema: {
        operationId: 'openCase',
        summary: 'Open a case for a resident (hall staff; cadres on a visit; managers). Hall staff open at their own service point.',
        tags: ['cases'],
        headers: idempotencyHeaders('never opens a second case'),
        body: Type.Ref(OpenCaseBodySchema),
        response: {
          201: Type.Ref(OpenedCaseSchema),
          200: { ...Type.Ref(OpenedCaseSchema), description: 'replay: the case this Idempotency-Key opened earlier' },
          ...problemResponses(400, 401, 403, 413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      requireRole(p, OPENERS, 'opening cases');
      // The duplicates the clerk saw and overrode are recorded (audit), not part of the request.
      const { duplicateConfirmed, ...request_ } = request.body;
      let body: OpenCaseBody = request_;
      // Market-day duty (双定): a case taken in at a market day is tied to its session — by default the one the opener is on duty at today.
      if (!body.servicePointCode && body.channel === 'market_day' && sessions) {
        const session = await sessions.onDutyToday(p);
        if (session) body = { ...body, servicePointCode: session };
      }
      if (p.role === 'hall_staff' && p.servicePoint) {
        const atSession = !!body.servicePointCode && body.servicePointCode !== p.servicePoint.code && !!sessions && (await sessions.hallMayOpenAt(p, body.servicePointCode));
        if (body.servicePointCode && body.servicePointCode !== p.servicePoint.code && !atSession) {
          throw new ForbiddenError(`you work at ${p.servicePoint.code}; cases you open are opened there`);
        }
        if (!atSession) body = { ...body, servicePointCode: p.servicePoint.code };
      }
      const opened = await service.openCase(body, {
        idempotencyKey: request.headers['idempotency-key'],
        actor: p.cadreCode ?? p.username,
      });
      const self = `/api/v1/cases/${opened.id}`;
      if (opened.created) {
        await audit.record(request, {
          action: 'case.open',
          subjectType: 'case',
          subject: opened.id,
          details: {
            trackingCode: opened.trackingCode, householdCode: body.householdCode ?? null, channel: body.channel, category: body.category,
            ...(duplicateConfirmed?.length ? { duplicateConfirmed } : {}),
          },
        });
      }
      if (!opened.created) reply.header('idempotent-replayed', 'true');
      return reply
        .code(opened.created ? 201 : 200)
        .header('location', self)
        .send({
          id: opened.id,
          trackingCode: opened.trackingCode,
          status: opened.status,
          openedAt: opened.openedAt,
          expectedReplyBy: service.expectedReplyBy(opened.openedAt, body.category, body.priority ?? 'normal'),
          links: { self },
          ...(opened.duplicate ? { duplicate: true } : {}),
        });
    },
  );

  const DuplicateSchema = Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      trackingCode: Type.String(),
      title: Type.String(),
      status: Type.String(),
      openedAt: Type.String({ format: 'date-time' }),
      similarity: Type.Number({ minimum: 0, maximum: 1, description: 'Dice coefficient of character bigrams of the normalised texts' }),
    },
    { additionalProperties: false },
  );
  // A POST, so that the request's text and a phone travel in the body, never in a URL.
  app.post(
    '/cases/duplicates',
    {
      config: { roles: OPENERS },
      schema: {
        operationId: 'findDuplicateCases',
        summary: 'Before opening: open cases of the same household (or phone) and category whose text is similar — likely duplicates, most similar first',
        description: `A check, not a change (POST so that the text stays out of URLs). Similar: the Dice coefficient of character bigrams of the normalised title (and title plus description) is at least ${DUPLICATE_SIMILARITY}. Only cases the caller may see. Opening anyway: send their ids as duplicateConfirmed with openCase.`,
        tags: ['cases'],
        body: Type.Object(
          {
            category: OpenCaseBodySchema.properties.category,
            householdCode: Type.Optional(Code({ description: 'household code from the directory' })),
            residentPhone: Type.Optional(Type.String({ pattern: PHONE_PATTERN })),
            title: Text({ minLength: 1, maxLength: 200 }),
            description: Type.Optional(Text({ maxLength: 5000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(DuplicateSchema) }, { additionalProperties: false }), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      requireRole(p, OPENERS, 'opening cases');
      const b = request.body;
      const items = await service.duplicateCandidates(
        { category: b.category, householdCode: b.householdCode, phone: b.residentPhone, title: b.title, description: b.description },
        (params) => CaseAccess.scopeSql(p, params),
      );
      return { items };
    },
  );

  app.get(
    '/cases/:id',
    {
      schema: {
        operationId: 'getCase',
        summary: 'Read one case (403 when it is outside your role and links)',
        tags: ['cases'],
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'case id' }) }),
        response: { 200: Type.Ref(CaseViewSchema), ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const view = await service.getCase(request.params.id);
      await access.assertCanSee(p, view);
      // The case carries the resident's name and phone: no read without its audit entry.
      await audit.record(request, { action: 'case.read', subjectType: 'case', subject: view.id, details: { householdCode: view.householdCode ?? null } }, { required: true });
      return { ...view, moves: await lifecycle.allowedMoves(p, view) };
    },
  );
};
