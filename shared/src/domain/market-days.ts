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
import { Type, type Static } from '@sinclair/typebox';
import type { StaffRole } from './access';
import { isoWeekday } from './work-kinds';
import type { BusinessCalendar } from './calendar';
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

// The reports of market days as the API answers them (sessionDayReport, sessionMonthReport): one shape for the server and the console.

/** Where a case opened at a session stands now: answered (resolved), still open, or ended without an answer (withdrawn, rejected, merged). */
export type CaseOutcome = 'resolved' | 'open' | 'ended';

export interface RosterLine {
  cadreCode: string;
  name: string;
  departmentCode: string | null;
  /** the latest record, or null when none was made */
  status: AttendanceStatus | null;
  reason: AbsenceReason | null;
  recordedBy: string | null;
  onBehalf: boolean;
  recordedAt: string | null;
  /** every record for the day, oldest first (a later one corrects) */
  history: { status: AttendanceStatus; reason: AbsenceReason | null; recordedBy: string; recordedAt: string }[];
}

export interface CategoryCount { category: string; opened: number; resolved: number; open: number; ended: number }

export interface DayReport {
  session: { code: string; name: string; villageCode: string; areaCode: string | null; weekday: number; startTime: string; endTime: string };
  date: string;
  cancelled: boolean;
  reason: 'holiday' | null;
  roster: RosterLine[];
  counts: { rostered: number; arrived: number; absent: number; notRecorded: number };
  cases: { opened: number; resolved: number; open: number; ended: number; byCategory: CategoryCount[] };
  caseList: { id: string; trackingCode: string; title: string; category: string; status: string; outcome: CaseOutcome; openedAt: string }[];
  /** what the caller may do: record their own attendance, record on a rostered cadre's behalf */
  may: { recordOwn: boolean; recordOnBehalf: boolean };
  /** whether the date still takes records (by the window) for oneself / on behalf */
  open: { own: boolean; onBehalf: boolean };
}

export interface MonthRow {
  sessionCode: string;
  sessionName: string;
  villageCode: string;
  date: string;
  cancelled: boolean;
  reason: 'holiday' | null;
  rostered: number;
  arrived: number;
  absent: number;
  notRecorded: number;
  casesOpened: number;
  casesResolved: number;
  casesOpen: number;
  /** the roster's lines, for the export only */
  roster?: RosterLine[];
}

export interface MonthReport {
  month: string;
  first: string;
  last: string;
  items: MonthRow[];
  totals: { sessionsHeld: number; sessionsCancelled: number; rostered: number; arrived: number; absent: number; notRecorded: number; casesOpened: number; casesResolved: number; casesOpen: number };
}
