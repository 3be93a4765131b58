/**
 * /api/v1/sessions — the market-day sessions (双定 — 定时服务, issue 13): a
 * session's dates with the calendar's holidays, attendance by the cadres on
 * duty (their own, or on their behalf by the area's leader, the township
 * leadership or the assessment group), the report of one occurrence (roster
 * and attendance, the cases opened there by category and where they stand) and
 * of a month (every session), and the month's export (CSV, XLSX). Thin:
 * schemas in, service, reply out; who may use a route is the shared table
 * (SESSION_OPERATIONS), who may act on which session the service.
 */
import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox';
import {
  ABSENCE_REASONS, ATTENDANCE_STATUSES, Code as CodeString, DayReportSchema, MONTH_PATTERN, MonthReportSchema, problemResponses, SESSION_OPERATIONS, SessionAttendanceBodySchema,
  type SessionAttendanceBody, type SessionOperation,
} from '@minqing/shared';
import { principalOf } from '../auth/auth.hook';
import type { AuditLog } from '../audit/audit.service';
import { languageOf, OPEN311_LANGUAGES } from '../open311/labels';
import { idempotencyHeaders } from '../routes/headers';
import { SESSION_EXPORT_FORMATS, sessionReportCsv, sessionReportXlsx } from './sessions.export';
import type { SessionsRepository } from './sessions.repository';
import type { SessionsService } from './sessions.service';

const Code = CodeString();
const tags = ['market-day sessions'];
const roles = (op: SessionOperation) => SESSION_OPERATIONS[op];
const Enum = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const closed = { additionalProperties: false } as const;
const Month = Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM' });
const LocalDate = Type.String({ format: 'date' });
const CancelReason = Nullable(Enum(['holiday'] as const));

const Recorded = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    sessionCode: Type.String(),
    date: LocalDate,
    cadreCode: Type.String(),
    status: Enum(ATTENDANCE_STATUSES),
    reason: Nullable(Enum(ABSENCE_REASONS)),
    recordedBy: Type.String({ description: 'who recorded it (the signed-in account), never a body field' }),
    onBehalf: Type.Boolean(),
  },
  closed,
);


export const sessionsRoutes: FastifyPluginAsyncTypebox<{ sessions: SessionsService; repository: SessionsRepository; audit: AuditLog }> = async (app, { sessions, repository, audit }) => {
  const Params = Type.Object({ code: Code }, closed);

  app.get('/sessions/:code/dates', {
    config: { roles: roles('listSessionDates') },
    schema: {
      operationId: 'listSessionDates',
      summary: "A market-day session's dates in a month, each held or cancelled by the township's calendar (a public holiday)",
      tags,
      params: Params,
      querystring: Type.Object({ month: Month }, closed),
      response: {
        200: Type.Object({ session: Type.String(), month: Month, items: Type.Array(Type.Object({ date: LocalDate, cancelled: Type.Boolean(), reason: CancelReason }, closed)) }, closed),
        ...problemResponses(400, 401, 403, 404),
      },
    },
  }, async (request) => sessions.dates(request.params.code, request.query.month));

  app.post('/sessions/:code/attendance', {
    config: { roles: roles('recordSessionAttendance') },
    schema: {
      operationId: 'recordSessionAttendance',
      summary: "Record attendance at a market-day session: your own when you are on its duty roster (on the day and up to 3 days after), or a rostered cadre's on their behalf as the area's leader, the township leadership or the assessment group (up to 31 days after); absent needs a reason code. Who recorded it is the signed-in account. A later record for the same day corrects the earlier one.",
      tags,
      params: Params,
      headers: idempotencyHeaders('never records it twice'),
      body: SessionAttendanceBodySchema,
      response: {
        201: Recorded,
        200: { ...Recorded, description: 'replay: the record this Idempotency-Key made earlier' },
        ...problemResponses(400, 401, 403, 404, 422, 503),
      },
    },
  }, async (request, reply) => {
    const { answer, created } = await sessions.record(principalOf(request), request.params.code, request.body as SessionAttendanceBody, { idempotencyKey: request.headers['idempotency-key'] });
    if (!created) reply.header('idempotent-replayed', 'true');
    return reply.code(created ? 201 : 200).send(answer);
  });

  app.get('/sessions/:code/report', {
    config: { roles: roles('sessionDayReport') },
    schema: {
      operationId: 'sessionDayReport',
      summary: "The report of one market day: the duty roster and each cadre's attendance, the cases opened at the session that day by category and where they stand now (resolved, open, ended)",
      tags,
      params: Params,
      querystring: Type.Object({ date: LocalDate }, closed),
      response: { 200: DayReportSchema, ...problemResponses(400, 401, 403, 404, 422) },
    },
  }, async (request) => sessions.day(principalOf(request), request.params.code, request.query.date));

  app.get('/sessions/report', {
    config: { roles: roles('sessionMonthReport') },
    schema: {
      operationId: 'sessionMonthReport',
      summary: 'The market-day sessions of a month: every occurrence held or cancelled, attendance of the roster, cases opened and where they stand; an area leader sees the sessions of their areas',
      tags,
      querystring: Type.Object({ month: Month, session: Type.Optional(Code) }, closed),
      response: { 200: MonthReportSchema, ...problemResponses(400, 401, 403) },
    },
  }, async (request) => sessions.month(principalOf(request), request.query.month, request.query.session));

  app.get('/sessions/report/export', {
    config: { roles: roles('exportSessionReport') },
    schema: {
      operationId: 'exportSessionReport',
      summary: "The month's market-day report as CSV (one row per occurrence) or XLSX (that sheet and the attendance of every rostered cadre); headers in the language asked for",
      tags,
      querystring: Type.Object({ month: Month, format: Type.Optional(Enum(SESSION_EXPORT_FORMATS)), session: Type.Optional(Code), lang: Type.Optional(Enum(OPEN311_LANGUAGES)) }, closed),
      produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
      response: {
        200: {
          description: 'CSV (UTF-8 with BOM) or XLSX',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
          },
        },
        ...problemResponses(400, 401, 403),
      },
    },
  }, async (request, reply) => {
    const p = principalOf(request);
    const format = request.query.format ?? 'csv';
    const lang = request.query.lang ?? languageOf(request);
    const report = await sessions.month(p, request.query.month, request.query.session, { withRoster: format === 'xlsx' });
    const villages = await repository.villageNames();
    // cadres' names and attendance in a file: no file without its audit entry
    await audit.record(request, { action: 'sessions.export', subjectType: 'session', details: { month: request.query.month, format, session: request.query.session ?? null, rows: report.items.length } }, { required: true });
    reply.header('cache-control', 'no-store').header('content-disposition', `attachment; filename="market-days-${request.query.month}.${format}"`);
    if (format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await sessionReportXlsx(report, lang, villages));
    return reply.type('text/csv; charset=utf-8').send(sessionReportCsv(report, lang, villages));
  });
};
