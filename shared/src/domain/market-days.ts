/**
 * 双定 — 定时服务: the market-day sessions of 乌兰 and 三段地 (issue 13). A
 * session (directory.sessions) is held every week on its weekday; each date is
 * an occurrence, cancelled when the township's calendar makes it a holiday
 * (the business calendar is the one source of holidays). The cadres on the
 * session's duty roster record their attendance for an occurrence — arrived,
 * or absent with a reason code —; the area's leader, the township leadership
 * and the assessment group may record it on a rostered cadre's behalf (who
 * recorded it is kept). Pure and deterministic (no I/O, no clocks): the API,
 * the reporting service and the console use the same rules.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { StaffRole } from './access';
import { isoWeekday } from './work-kinds';
import type { BusinessCalendar } from './calendar';
import { MONTH_PATTERN } from './formats';
import { Code } from './text';

export const ATTENDANCE_STATUSES = ['arrived', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Why a rostered cadre was not there: codes, worded by the console (no free text in events). */
export const ABSENCE_REASONS = ['sick_leave', 'personal_leave', 'official_business', 'other_duty', 'other'] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];

/**
 * The window for recording: a rostered cadre records their own attendance on
 * the session's day and up to SELF_DAYS after it (a phone without signal at the
 * market); a manager on a cadre's behalf up to ON_BEHALF_DAYS after it, so the
 * month can be corrected before its figures are signed off. Never before the day.
 */
export const ATTENDANCE_WINDOW = { selfDays: 3, onBehalfDays: 31 } as const;

/**
 * Who may do what with the market-day sessions (operationId → roles). Anyone
 * on a session's duty roster records their own attendance whatever their role;
 * on behalf: the leader of the session's area (领导联片), the township
 * leadership and the assessment group. The session report (attendance, cases
 * opened) is for those who judge duty: managers and the assessment group; hall
 * staff see a session's cases on /sessions.
 */
export const SESSION_OPERATIONS = {
  listSessionDates: ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
  recordSessionAttendance: ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'assessment'],
  sessionDayReport: ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
  sessionMonthReport: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
  exportSessionReport: ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type SessionOperation = keyof typeof SESSION_OPERATIONS;

/** Roles that record attendance on a rostered cadre's behalf (an area leader only for the sessions of their areas). */
export const ATTENDANCE_ON_BEHALF_ROLES: readonly StaffRole[] = ['area_leader', 'township_leader', 'assessment'];

/** Who is asking, as far as the market-day rules go. */
export interface SessionReader {
  role: StaffRole;
  cadreCode: string | null;
  areaCodes: readonly string[];
}
/** A session as far as the rules go: its roster and its village's area. */
export interface SessionScope {
  duty: readonly string[];
  areaCode: string | null;
  villageCode: string;
}

/** Whether `p` records attendance at `s` on a rostered cadre's behalf: the area's leader, the township leadership, the assessment group. */
export function mayRecordOnBehalf(p: SessionReader, s: SessionScope): boolean {
  if (!ATTENDANCE_ON_BEHALF_ROLES.includes(p.role)) return false;
  return p.role !== 'area_leader' || (s.areaCode !== null && p.areaCodes.includes(s.areaCode));
}

/**
 * Whether `p` reads a session's day (its roster's attendance and the cases
 * taken in there): the township-wide roles and department heads any; an area
 * leader the sessions of their areas; a cadre on its roster; hall staff whose
 * service point is in the session's village (`servicePointVillage`: the
 * market-day staff of the community's station). The console asks the same
 * before it calls.
 */
export function mayReadSessionDay(p: SessionReader, s: SessionScope, servicePointVillage: string | null): boolean {
  if (['township_leader', 'assessment', 'admin', 'department_head'].includes(p.role)) return true;
  if (p.role === 'area_leader' && s.areaCode !== null && p.areaCodes.includes(s.areaCode)) return true;
  if (p.cadreCode && s.duty.includes(p.cadreCode)) return true;
  return p.role === 'hall_staff' && servicePointVillage !== null && servicePointVillage === s.villageCode;
}

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Days from `a` to `b` (local dates, 'YYYY-MM-DD'): positive when b is later. */
export const daysBetween = (a: string, b: string): number => dayNumber(b) - dayNumber(a);

/** The first and last day of a month 'YYYY-MM'. */
export function monthRange(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = `${month}-01`;
  const last = dateOf(Date.UTC(y, m, 0) / DAY_MS);
  return { first, last };
}

/** An occurrence of a weekly session: its date, and whether the calendar cancels it (a public holiday). */
export interface SessionOccurrence {
  date: string;
  cancelled: boolean;
  /** why it is cancelled: the calendar's holiday */
  reason: 'holiday' | null;
}

/**
 * The dates a session of ISO `weekday` is held between first..last inclusive,
 * each marked cancelled when the calendar lists the date as a holiday (a
 * 调休 makeup working day does not move a market: markets follow the weekday).
 */
export function sessionOccurrences(weekday: number, first: string, last: string, cal: Pick<BusinessCalendar, 'holidays'>): SessionOccurrence[] {
  const out: SessionOccurrence[] = [];
  const start = dayNumber(first);
  const end = dayNumber(last);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return out;
  for (let d = start; d <= end; d++) {
    const date = dateOf(d);
    if (isoWeekday(date) !== weekday) continue;
    const holiday = cal.holidays.includes(date);
    out.push({ date, cancelled: holiday, reason: holiday ? 'holiday' : null });
  }
  return out;
}

/**
 * The occurrence of a session of ISO `weekday` a case opened on local `date`
 * belongs to: that day when it is a market day, else the latest market day
 * before it (a case entered from the day's notes later in the week counts
 * for the market day it was taken in at).
 */
export function occurrenceOn(weekday: number, date: string): string {
  const back = (isoWeekday(date) - weekday + 7) % 7;
  return dateOf(dayNumber(date) - back);
}

/** Why a date cannot take attendance for a session, or null when it can. */
export type AttendanceDateProblem = 'not_a_session_day' | 'holiday' | 'in_the_future' | 'window_closed';

export function attendanceDateProblem(
  session: { weekday: number },
  date: string,
  today: string,
  onBehalf: boolean,
  cal: Pick<BusinessCalendar, 'holidays'>,
): AttendanceDateProblem | null {
  if (isoWeekday(date) !== session.weekday) return 'not_a_session_day';
  if (cal.holidays.includes(date)) return 'holiday';
  const late = daysBetween(date, today);
  if (late < 0) return 'in_the_future';
  if (late > (onBehalf ? ATTENDANCE_WINDOW.onBehalfDays : ATTENDANCE_WINDOW.selfDays)) return 'window_closed';
  return null;
}

/** What the console posts: the cadre is the signed-in one unless `cadreCode` names a rostered cadre (on behalf). */
export const SessionAttendanceBodySchema = Type.Object(
  {
    date: Type.String({ format: 'date', description: 'the local date of the session (an occurrence of its weekday)' }),
    status: Type.Union(ATTENDANCE_STATUSES.map((s) => Type.Literal(s))),
    reason: Type.Optional(Type.Union(ABSENCE_REASONS.map((s) => Type.Literal(s)), { description: 'required when absent, not allowed when arrived' })),
    cadreCode: Type.Optional(Code({ description: 'a rostered cadre, when recording on their behalf; default: yourself' })),
  },
  { additionalProperties: false },
);
export type SessionAttendanceBody = Static<typeof SessionAttendanceBodySchema>;

/** What the API hands to the worker's workflow (and the worker writes with its event). */
export interface SessionAttendanceInput {
  attendanceId: string;
  sessionCode: string;
  villageCode: string;
  date: string;
  cadreCode: string;
  departmentCode: string | null;
  status: AttendanceStatus;
  reason: AbsenceReason | null;
  /** who recorded it: the cadre themselves, or a manager's cadre code / account name */
  recordedBy: string;
  recordedAt: string;
}

export const sessionAttendanceWorkflowId = (attendanceId: string) => `session-attendance:${attendanceId}`;

// The reports of market days as the API answers them (sessionDayReport, sessionMonthReport): one schema for the
// route's response, the server's types and the console's.

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const closed = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const LocalDate = Type.String({ format: 'date' });
const CancelReason = nullable(oneOf(['holiday'] as const));

/** Where a case opened at a session stands now: answered (resolved), still open, or ended without an answer (withdrawn, rejected, merged). */
export const CASE_OUTCOMES = ['resolved', 'open', 'ended'] as const;
export type CaseOutcome = (typeof CASE_OUTCOMES)[number];

export const RosterLineSchema = Type.Object(
  {
    cadreCode: Type.String(),
    name: Type.String(),
    departmentCode: nullable(Type.String()),
    status: nullable(oneOf(ATTENDANCE_STATUSES)),
    reason: nullable(oneOf(ABSENCE_REASONS)),
    recordedBy: nullable(Type.String()),
    onBehalf: Type.Boolean(),
    recordedAt: nullable(Type.String({ format: 'date-time' })),
    history: Type.Array(
      Type.Object({ status: oneOf(ATTENDANCE_STATUSES), reason: nullable(oneOf(ABSENCE_REASONS)), recordedBy: Type.String(), recordedAt: Type.String({ format: 'date-time' }) }, closed),
      { description: 'every record of the day, oldest first: a later one corrects an earlier one' },
    ),
  },
  closed,
);
export type RosterLine = Static<typeof RosterLineSchema>;

const Counts = { opened: Type.Integer(), resolved: Type.Integer(), open: Type.Integer(), ended: Type.Integer({ description: 'withdrawn, rejected or merged' }) };
const CategoryCountSchema = Type.Object({ category: Type.String(), ...Counts }, closed);
export type CategoryCount = Static<typeof CategoryCountSchema>;

export const DayReportSchema = Type.Object(
  {
    session: Type.Object(
      { code: Type.String(), name: Type.String(), villageCode: Type.String(), areaCode: nullable(Type.String()), weekday: Type.Integer(), startTime: Type.String(), endTime: Type.String() },
      closed,
    ),
    date: LocalDate,
    cancelled: Type.Boolean({ description: 'the calendar makes the date a holiday: no market-day service' }),
    reason: CancelReason,
    roster: Type.Array(RosterLineSchema, { description: 'the duty roster (all of it) with the latest attendance of each' }),
    counts: Type.Object({ rostered: Type.Integer(), arrived: Type.Integer(), absent: Type.Integer(), notRecorded: Type.Integer() }, closed),
    cases: Type.Object({ ...Counts, byCategory: Type.Array(CategoryCountSchema) }, closed),
    caseList: Type.Array(
      Type.Object(
        { id: Type.String({ format: 'uuid' }), trackingCode: Type.String(), title: Type.String(), category: Type.String(), status: Type.String(), outcome: oneOf(CASE_OUTCOMES), openedAt: Type.String({ format: 'date-time' }) },
        closed,
      ),
      { description: 'every case opened at the session that day, or entered later before its next market day (not capped), oldest first' },
    ),
    may: Type.Object({ recordOwn: Type.Boolean(), recordOnBehalf: Type.Boolean() }, { ...closed, description: 'what the caller may do: record their own attendance, record on a rostered cadre’s behalf' }),
    open: Type.Object({ own: Type.Boolean(), onBehalf: Type.Boolean() }, { ...closed, description: 'whether the date still takes attendance (the window), for oneself and on behalf' }),
  },
  closed,
);
export type DayReport = Static<typeof DayReportSchema>;

export const MonthRowSchema = Type.Object(
  {
    sessionCode: Type.String(), sessionName: Type.String(), villageCode: Type.String(), date: LocalDate, cancelled: Type.Boolean(), reason: CancelReason,
    rostered: Type.Integer(), arrived: Type.Integer(), absent: Type.Integer(), notRecorded: Type.Integer(),
    casesOpened: Type.Integer(), casesResolved: Type.Integer(), casesOpen: Type.Integer(),
  },
  closed,
);
/** A market day of the month report; the roster's lines go along for the export only (the API's answer leaves them out). */
export type MonthRow = Static<typeof MonthRowSchema> & { roster?: RosterLine[] };

export const MonthReportSchema = Type.Object(
  {
    month: Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM' }), first: LocalDate, last: LocalDate,
    items: Type.Array(MonthRowSchema, { description: 'every occurrence of every session you may read in the month, by date (a complete list)' }),
    totals: Type.Object(
      {
        sessionsHeld: Type.Integer(), sessionsCancelled: Type.Integer(), rostered: Type.Integer(), arrived: Type.Integer(), absent: Type.Integer(),
        notRecorded: Type.Integer(), casesOpened: Type.Integer(), casesResolved: Type.Integer(), casesOpen: Type.Integer(),
      },
      { ...closed, description: 'over the market days held so far (not cancelled, not still to come)' },
    ),
  },
  closed,
);
export type MonthReport = Omit<Static<typeof MonthReportSchema>, 'items'> & { items: MonthRow[] };
