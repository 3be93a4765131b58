/**
 * The residents' page: a tracking code plus the last four digits of the phone
 * given at intake show the case's progress and let the resident rate the
 * outcome. Nothing else about the case (names, phone, notes, staff) is exposed,
 * an unknown code and wrong digits get the same answer (and take the same
 * path), and guessing is slowed per client and per tracking code in PostgreSQL
 * without ever locking the resident out (limits/track-guard.ts).
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AUDIT_RESIDENT_ACTOR, CASE_CATEGORIES, DomainError, RESIDENT_ACTOR, RESIDENT_FOLLOW_UP_METHOD, SATISFACTIONS, ProblemType, problemResponses,
  Text, TRACKING_CODE_PATTERN, type Pool,
} from '@minqing/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CaseService } from '../case.service';
import type { LifecycleService } from '../lifecycle.service';
import { TooManyTriesError, type TrackGuard } from '../limits/track-guard';
import type { AuditLog } from '../audit/audit.service';
import type { NotificationsRepository } from '../notifications/notifications.repository';
import { PUBLIC_CASE_COLUMNS, PublicCases, type PublicCaseRow } from './public-case';

class TrackNotFoundError extends DomainError {
  constructor() {
    super(ProblemType.notFound, 404, 'No such case', 'no case matches this tracking code and these phone digits');
  }
}

const TrackBody = {
  trackingCode: Type.String({ pattern: TRACKING_CODE_PATTERN, description: 'as printed on the receipt, e.g. MQ-7K2D-9QX4' }),
  phoneTail: Type.String({ pattern: '^\\d{4}$', description: 'last four digits of the phone number given at intake' }),
};
const TrackViewSchema = Type.Object(
  {
    trackingCode: Type.String(),
    status: Type.String(),
    category: Type.Union(CASE_CATEGORIES.map((c) => Type.Literal(c))),
    openedAt: Type.String({ format: 'date-time' }),
    expectedReplyBy: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    steps: Type.Array(Type.Object({ kind: Type.String(), at: Type.String({ format: 'date-time' }) }, { additionalProperties: false })),
    reply: Type.Union([Type.String(), Type.Null()]),
    canRate: Type.Boolean(),
    satisfaction: Type.Union([Type.String(), Type.Null()]),
    title: Type.Union([Type.String(), Type.Null()], { description: 'what was asked: the title given at intake' }),
  },
  { $id: 'TrackView', additionalProperties: false },
);

export const trackRoutes: FastifyPluginAsyncTypebox<{
  pool: Pool; service: CaseService; lifecycle: LifecycleService; guard: TrackGuard; audit: AuditLog; notifications: NotificationsRepository;
}> = async (app, { pool, service, lifecycle, guard, audit, notifications }) => {
  app.addSchema(TrackViewSchema);
  // Per client, over both routes, counted in PostgreSQL (every API process shares it).
  const rateLimit = { max: 30, timeWindow: '1 minute' };

  async function find(request: FastifyRequest, reply: FastifyReply, trackingCode: string, phoneTail: string) {
    const client = request.ip;
    try {
      await guard.admit(client, trackingCode);
    } catch (err) {
      if (err instanceof TooManyTriesError) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
      throw err;
    }
    const { rows } = await pool.query<PublicCaseRow & { resident_phone: string }>(
      `SELECT ${PUBLIC_CASE_COLUMNS}, title, resident_phone FROM casework.cases WHERE tracking_code = $1`,
      [trackingCode.toUpperCase()],
    );
    const c = rows[0];
    // An unknown code compares against digits no phone ends in, so both wrong answers take one path.
    const digits = c ? String(c.resident_phone).replace(/\D/g, '').slice(-4) : '----';
    if (digits !== phoneTail) {
      await guard.failed(client, trackingCode);
      throw new TrackNotFoundError();
    }
    await guard.succeeded(client, trackingCode);
    return c!;
  }

  // The public projection, the same one the Open311 endpoint answers with (public-case.ts).
  const publicCases = new PublicCases({ pool, service });
  const view = (c: PublicCaseRow, override: { status?: string; satisfaction?: string | null } = {}) => publicCases.viewOf(c, override);

  app.post('/public/track', {
    config: { rateLimit, public: true },
    bodyLimit: 4 * 1024,
    schema: {
      operationId: 'trackCase',
      summary: 'Residents: the progress of a case, by tracking code and the last four digits of the phone (no sign-in)',
      tags: ['residents'],
      body: Type.Object(TrackBody, { additionalProperties: false }),
      response: { 200: Type.Ref(TrackViewSchema), ...problemResponses(400, 404, 429) },
    },
  }, async (request, reply) => view(await find(request, reply, request.body.trackingCode, request.body.phoneTail)));

  // Notifications (issue 14): the resident opts out of (or back into) SMS and e-mail about this case, behind the same guard.
  app.post('/public/track/notifications', {
    config: { rateLimit, public: true },
    bodyLimit: 4 * 1024,
    schema: {
      operationId: 'setTrackedCaseNotifications',
      summary: 'Residents: stop (or restart) SMS and e-mail about a case, by tracking code and the last four digits of the phone (no sign-in)',
      tags: ['residents'],
      body: Type.Object({ ...TrackBody, notify: Type.Boolean({ description: 'false: no more messages about this case' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ trackingCode: Type.String(), notify: Type.Boolean() }, { additionalProperties: false }), ...problemResponses(400, 404, 429) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const c = await find(request, reply, b.trackingCode, b.phoneTail);
    await notifications.setOptOut(c.id, !b.notify, AUDIT_RESIDENT_ACTOR);
    await audit.record(request, { action: b.notify ? 'notification.opt_in' : 'notification.opt_out', actor: AUDIT_RESIDENT_ACTOR, subjectType: 'case', subject: c.id, details: { trackingCode: c.tracking_code, via: 'tracking page' } });
    return { trackingCode: c.tracking_code, notify: b.notify };
  });

  app.post('/public/track/rating', {
    config: { rateLimit, public: true },
    bodyLimit: 4 * 1024,
    schema: {
      operationId: 'rateCase',
      summary: 'Residents: rate the outcome of a resolved case (records the follow-up, method online)',
      tags: ['residents'],
      body: Type.Object({
        ...TrackBody,
        satisfaction: Type.Union(SATISFACTIONS.map((v) => Type.Literal(v))),
        comment: Type.Optional(Text({ maxLength: 500 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref(TrackViewSchema), ...problemResponses(400, 404, 409, 429) },
    },
  }, async (request, reply) => {
    const b = request.body;
    const c = await find(request, reply, b.trackingCode, b.phoneTail);
    const state = await lifecycle.moveAs(c.id, 'recordFollowUp', RESIDENT_ACTOR, { satisfaction: b.satisfaction, method: RESIDENT_FOLLOW_UP_METHOD, note: b.comment ?? '' });
    await audit.record(request, { action: 'case.move', actor: AUDIT_RESIDENT_ACTOR, subjectType: 'case', subject: c.id, details: { move: 'recordFollowUp', trackingCode: c.tracking_code, via: 'tracking page' } });
    return view(c, { status: state.status, satisfaction: state.satisfaction });
  });
};
