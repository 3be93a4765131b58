/** GET /api/v1/audit — the audit trail, for administrators and the assessment group. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_READER_ROLES, AUDIT_SUBJECT_TYPES, DomainError, problemResponses, ProblemType } from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import { requireRole } from '../auth/auth.service';
import { AuditCursorError, type AuditLog } from './audit.service';

const Enum = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
/** One line of text without control characters (a NUL cannot reach PostgreSQL). */
const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

export const AuditEventSchema = Type.Object(
  {
    id: Type.String({ description: 'increasing with the order entries were written' }),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: 'the signed-in user name; for a failed sign-in the name that was tried; `resident` on the tracking page' }),
    actorRole: Nullable(Type.String()),
    action: Enum(AUDIT_ACTIONS),
    outcome: Enum(AUDIT_OUTCOMES),
    subjectType: Type.Union([Enum(AUDIT_SUBJECT_TYPES), Type.Null()]),
    subject: Nullable(Type.String({ description: 'a code: user name, case id, household code, report id' })),
    clientIp: Nullable(Type.String()),
    userAgent: Nullable(Type.String({ description: 'truncated to 200 characters' })),
    requestId: Nullable(Type.String()),
    details: Type.Record(Type.String(), Type.Unknown(), { description: 'codes and counts only, never residents\' personal data' }),
  },
  { $id: 'AuditEvent', additionalProperties: false },
);

class BadQueryError extends DomainError {
  constructor(field: string, message: string) {
    super(ProblemType.validation, 400, 'Invalid request', `querystring/${field} ${message}`, { errors: [{ field: `querystring/${field}`, message }] });
  }
}

/** A timestamp PostgreSQL will take: parsed here, years 1900–9999, passed on in UTC. */
function instant(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  const year = Number.isFinite(t) ? new Date(t).getUTCFullYear() : NaN;
  if (!(year >= 1900 && year <= 9999)) throw new BadQueryError(field, 'must be a date-time between the years 1900 and 9999');
  return new Date(t).toISOString();
}

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditLog }> = async (app, { audit }) => {
  app.addSchema(AuditEventSchema);

  app.get('/audit', {
    config: { roles: AUDIT_READER_ROLES },
    schema: {
      operationId: 'listAuditEvents',
      summary: 'The audit trail, newest first: sign-ins, account changes, roster imports, case moves, reads of residents\' and households\' details, exports, sign-offs, rebuilds, appraisals (administrators and the assessment group)',
      description: 'Filters combine (AND). Page with `cursor`: pass the `nextCursor` of the previous page; `hasMore` says whether there is one.',
      tags: ['audit'],
      querystring: Type.Object(
        {
          actor: Type.Optional(Text(200)),
          action: Type.Optional(Enum(AUDIT_ACTIONS)),
          subject: Type.Optional(Text(200)),
          outcome: Type.Optional(Enum(AUDIT_OUTCOMES)),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'entries at or after' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'entries before' })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'opaque; the nextCursor of the previous page' })),
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({ items: Type.Array(Type.Ref(AuditEventSchema)), nextCursor: Nullable(Type.String()), hasMore: Type.Boolean() }, { additionalProperties: false }),
        ...problemResponses(400, 401, 403),
      },
    },
  }, async (request) => {
    requireRole(principalOf(request), AUDIT_READER_ROLES, 'the audit trail');
    const q = request.query;
    const from = instant('from', q.from);
    const to = instant('to', q.to);
    try {
      const page = await audit.page({
        ...(q.actor !== undefined ? { actor: q.actor } : {}),
        ...(q.action !== undefined ? { action: q.action as never } : {}),
        ...(q.subject !== undefined ? { subject: q.subject } : {}),
        ...(q.outcome !== undefined ? { outcome: q.outcome as never } : {}),
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        limit: q.limit,
      });
      return { ...page, hasMore: page.nextCursor !== null };
    } catch (err) {
      if (err instanceof AuditCursorError) throw new BadQueryError('cursor', err.message);
      throw err;
    }
  });
};
