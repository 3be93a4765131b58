/**
 * Notifications (issue 14) in the case API:
 * - the signed-in staff member's in-app notifications (the console's bell):
 *   GET /notifications (newest first, cursor paged), mark one or all read;
 * - hall staff recording a resident's opt-out (the resident's own is on the
 *   tracking page, public/track.routes.ts);
 * - for administrators: deliveries by status — `dead` is the dead-letter list —
 *   and the quiet hours for residents' SMS and e-mail.
 * Notifications carry codes and params; the console words them.
 */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DELIVERY_STATUSES, DomainError, NOTIFICATION_CHANNELS, ProblemType, problemResponses, QuietHoursSchema, RESIDENT_NOTICES, STAFF_NOTICES,
} from '@minqing/shared';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/auth.hook';
import type { CaseAccess } from '../auth/case-access';
import type { CaseService } from '../case.service';
import type { AuditLog } from '../audit/audit.service';
import { NotificationCursorError, type NotificationsRepository } from './notifications.repository';

const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'opaque; the nextCursor of the previous page' }));

export const StaffNotificationSchema = Type.Object(
  {
    id: Type.String({ pattern: '^\\d+$' }),
    code: Enum(STAFF_NOTICES),
    params: Type.Record(Type.String(), Type.Unknown(), { description: 'codes and numbers the console words the notice from (trackingCode, phase, level, minutes, approved …)' }),
    caseId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    read: Type.Boolean(),
  },
  { $id: 'StaffNotification', additionalProperties: false },
);

const DeliverySchema = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String({ format: 'uuid' }),
    eventType: Type.String(),
    caseId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    recipient: Type.String({ description: '`resident`, or `staff:<code>` — never a phone or address' }),
    channel: Enum(NOTIFICATION_CHANNELS),
    code: Enum([...RESIDENT_NOTICES, ...STAFF_NOTICES]),
    status: Enum(DELIVERY_STATUSES),
    attempts: Type.Integer({ minimum: 0 }),
    lastError: Nullable(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'pending only: when it is tried next' })),
    deferredAt: Nullable(Type.String({ format: 'date-time', description: 'the last time quiet hours held it back' })),
    sentAt: Nullable(Type.String({ format: 'date-time' })),
    finishedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'NotificationDelivery', additionalProperties: false },
);

const SettingsSchema = Type.Object(
  {
    set: Type.Boolean({ description: 'false: administrators set nothing, the notifier\'s NOTIFY_QUIET_HOURS applies (default 21:00-08:00)' }),
    quietHours: QuietHoursSchema,
    updatedAt: Nullable(Type.String({ format: 'date-time' })),
    updatedBy: Nullable(Type.String()),
  },
  { $id: 'NotificationSettings', additionalProperties: false },
);

class BadCursorError extends DomainError {
  constructor(message: string) {
    super(ProblemType.validation, 400, 'Invalid request', `querystring/cursor ${message}`, { errors: [{ field: 'querystring/cursor', message }] });
  }
}
class NotificationNotFoundError extends DomainError {
  constructor(id: string) {
    super(ProblemType.notFound, 404, 'Not found', `you have no notification ${id}`);
  }
}

async function paged<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NotificationCursorError) throw new BadCursorError(err.message);
    throw err;
  }
}

export const notificationsRoutes: FastifyPluginAsyncTypebox<{ notifications: NotificationsRepository; service: CaseService; access: CaseAccess; audit: AuditLog }> = async (
  app,
  { notifications, service, access, audit },
) => {
  app.addSchema(StaffNotificationSchema);
  app.addSchema(DeliverySchema);
  app.addSchema(SettingsSchema);

  app.get('/notifications', {
    schema: {
      operationId: 'listNotifications',
      summary: 'Your in-app notifications, newest first: cases assigned to you, reminders, escalations, extensions (every signed-in account; none for accounts outside the roster)',
      description: 'Page with `cursor`: pass the `nextCursor` of the previous page; `hasMore` says whether there is one. `unread` counts all your unread notifications.',
      tags: ['notifications'],
      querystring: Type.Object(
        { cursor: Cursor, limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }), unread: Type.Optional(Type.Boolean({ description: 'only unread ones' })) },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object(
          { items: Type.Array(Type.Ref(StaffNotificationSchema)), nextCursor: Type.Union([Type.String(), Type.Null()]), hasMore: Type.Boolean(), unread: Type.Integer({ minimum: 0 }) },
          { additionalProperties: false },
        ),
        ...problemResponses(400, 401),
      },
    },
  }, async (request) => {
    const p = principalOf(request);
    return paged(() => notifications.page(p.cadreCode, p.username, { limit: request.query.limit, cursor: request.query.cursor, unreadOnly: request.query.unread }));
  });

  app.post('/notifications/:id/read', {
    schema: {
      operationId: 'markNotificationRead',
      summary: 'Mark one of your notifications read',
      tags: ['notifications'],
      params: Type.Object({ id: Type.String({ pattern: '^\\d{1,18}$', description: 'notification id' }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...problemResponses(400, 401, 404) },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    if (!(await notifications.markRead(p.cadreCode, p.username, request.params.id))) throw new NotificationNotFoundError(request.params.id);
    return reply.code(204).send(null);
  });

  app.post('/notifications/read-all', {
    schema: {
      operationId: 'markAllNotificationsRead',
      summary: 'Mark all your notifications read',
      tags: ['notifications'],
      response: { 200: Type.Object({ marked: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }), ...problemResponses(401) },
    },
  }, async (request) => {
    const p = principalOf(request);
    return { marked: await notifications.markAllRead(p.cadreCode, p.username) };
  });

  app.put('/cases/:id/notifications', {
    config: {
      roles: ['hall_staff'],
      // the case must be one these hall staff may see, decided before the body is read
      authorize: async (request: FastifyRequest) => access.assertCanSee(principalOf(request), await service.getCase((request.params as { id: string }).id)),
    },
    schema: {
      operationId: 'setCaseNotifications',
      summary: 'Hall staff: record that the resident wants (or no longer wants) SMS and e-mail about this case',
      tags: ['cases'],
      params: Type.Object({ id: Type.String({ format: 'uuid', description: 'case id' }) }, { additionalProperties: false }),
      body: Type.Object({ notify: Type.Boolean({ description: 'false: the resident opts out' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ notify: Type.Boolean() }, { additionalProperties: false }), ...problemResponses(400, 401, 403, 404) },
    },
  }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    await notifications.setOptOut(id, !request.body.notify, p.username);
    await audit.record(request, { action: request.body.notify ? 'notification.opt_in' : 'notification.opt_out', subjectType: 'case', subject: id, details: { via: 'hall' } });
    return { notify: request.body.notify };
  });

  app.get('/operations/notification-deliveries', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'listNotificationDeliveries',
      summary: 'Notification deliveries by status, newest first — `dead` (the default) is the dead-letter list (administrators)',
      description: 'Page with `cursor`. No personal data: recipients are `resident` or a staff code.',
      tags: ['operations'],
      querystring: Type.Object(
        {
          status: Type.Optional(Enum(DELIVERY_STATUSES)),
          caseId: Type.Optional(Type.String({ format: 'uuid' })),
          cursor: Cursor,
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({ items: Type.Array(Type.Ref(DeliverySchema)), nextCursor: Type.Union([Type.String(), Type.Null()]), hasMore: Type.Boolean() }, { additionalProperties: false }),
        ...problemResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    const q = request.query;
    return paged(() => notifications.deliveries({ status: (q.status ?? 'dead') as (typeof DELIVERY_STATUSES)[number], caseId: q.caseId, limit: q.limit, cursor: q.cursor }));
  });

  app.get('/operations/notification-settings', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'getNotificationSettings',
      summary: 'Quiet hours for residents\' SMS and e-mail (administrators)',
      tags: ['operations'],
      response: { 200: Type.Ref(SettingsSchema), ...problemResponses(401, 403) },
    },
  }, async () => notifications.settings());

  app.put('/operations/notification-settings', {
    config: { roles: ['admin'] },
    schema: {
      operationId: 'putNotificationSettings',
      summary: 'Set the quiet hours (township local time; null: none). Residents\' SMS and e-mail due inside them wait until they end.',
      tags: ['operations'],
      body: Type.Object({ quietHours: QuietHoursSchema }, { additionalProperties: false }),
      response: { 200: Type.Ref(SettingsSchema), ...problemResponses(400, 401, 403) },
    },
  }, async (request) => {
    const p = principalOf(request);
    await notifications.putSettings(request.body.quietHours, p.username);
    await audit.record(request, { action: 'notification.settings', details: { quietHours: request.body.quietHours } });
    return notifications.settings();
  });
};
