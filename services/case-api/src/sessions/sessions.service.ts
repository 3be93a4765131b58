/**
 * Market-day sessions (双定 — 定时服务, issue 13): the schedule with the
 * calendar's holidays, attendance by the cadres on duty, the cases opened at
 * each occurrence, and the session report (one day, or a month of every
 * session). The rules are shared (market-days.ts): who may record on whose
 * behalf, the window, the holidays. Attendance is checked here against the
 * directory and handed to the worker's workflow, which writes the record and
 * its event in one transaction (the API writes no casework table); identity is
 * the verified session's, never a body field.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  attendanceDateProblem, canonicalHash, mayReadSessionDay, mayRecordOnBehalf, isoWeekday as isoWeekdayOf, DEFAULT_CALENDAR, DomainError, localDateOf,
  monthRange, NotFoundError, occurrenceOn, ProblemType, sessionAttendanceWorkflowId, sessionOccurrences, STATUS_MEANING, uuidV5,
  type AbsenceReason, type BusinessCalendar, type CaseOutcome, type CaseStatus, type CategoryCount, type DayReport, type MonthReport, type MonthRow,
  type Principal, type RosterLine, type SessionAttendanceBody, type SessionAttendanceInput,
} from '@minqing/shared';
import { storeByWorker } from '../stored-by-worker';
import type { AttendanceRecord, RosterCadre, SessionCaseRow, SessionRow, SessionsRepository } from './sessions.repository';

const NAMESPACE = '6f1f3a52-8d0c-5e47-9b1a-2c7d4e9f0a31';

export const outcomeOf = (status: string): CaseOutcome => {
  const m = STATUS_MEANING[status as CaseStatus];
  if (!m) return 'open';
  return m.answered ? 'resolved' : m.terminal ? 'ended' : 'open';
};

function invalid(field: string, code: string, message: string, params: Record<string, string | number> = {}, where = 'body'): DomainError {
  return new DomainError(ProblemType.validation, 422, 'Invalid attendance', `${field} ${message}`, {
    errors: [{ field: `${where}/${field}`, message, code, params }],
  });
}
const refused = (code: string, detail: string, params: Record<string, string | number> = {}) =>
  new DomainError(ProblemType.forbidden, 403, 'Forbidden', detail, { code, params });

/** The latest record per cadre, and each cadre's records in order. */
function latestByCadre(records: readonly AttendanceRecord[]): Map<string, AttendanceRecord[]> {
  const by = new Map<string, AttendanceRecord[]>();
  for (const r of records) by.set(r.cadreCode, [...(by.get(r.cadreCode) ?? []), r]);
  return by;
}

export class SessionsService {
  private readonly calendar: BusinessCalendar;

  constructor(
    private readonly deps: {
      repository: SessionsRepository;
      temporal: Client;
      taskQueue: string;
      calendar?: BusinessCalendar;
      waitMs?: number;
      now?: () => Date;
    },
  ) {
    this.calendar = deps.calendar ?? DEFAULT_CALENDAR;
  }

  today(): string {
    return localDateOf(this.deps.now?.() ?? new Date(), this.calendar);
  }

  private async sessionOr404(code: string): Promise<SessionRow> {
    const s = await this.deps.repository.session(code);
    if (!s) throw new NotFoundError('session', code);
    return s;
  }

  /** Whether `p` records on behalf of others at `s` (the shared rule). */
  mayRecordOnBehalf(p: Principal, s: SessionRow): boolean {
    return mayRecordOnBehalf(p, s);
  }

  /** Whether `p` may read a session's day report (the shared rule, which the console asks too). */
  async mayReadDay(p: Principal, s: SessionRow): Promise<boolean> {
    const village = p.role === 'hall_staff' && p.servicePoint ? await this.deps.repository.servicePointVillage(p.servicePoint.code) : null;
    return mayReadSessionDay(p, s, village);
  }

  /** The session `p` is on duty at today: on its roster, its weekday, not a holiday (the first by code when several). */
  async onDutyToday(p: Principal): Promise<string | null> {
    if (!p.cadreCode) return null;
    const today = this.today();
    const held = sessionOccurrences(isoWeekdayOf(today), today, today, this.calendar)[0];
    if (!held || held.cancelled) return null;
    const on = (await this.deps.repository.sessions()).filter((s) => s.weekday === isoWeekdayOf(today) && s.duty.includes(p.cadreCode!));
    return on[0]?.code ?? null;
  }

  /** Whether hall staff may name session `code` as where a case was opened: one held in their service point's village, or one they are on duty at. */
  async hallMayOpenAt(p: Principal, code: string): Promise<boolean> {
    const s = await this.deps.repository.session(code);
    if (!s) return false;
    if (p.cadreCode && s.duty.includes(p.cadreCode)) return true;
    return !!p.servicePoint && (await this.deps.repository.servicePointVillage(p.servicePoint.code)) === s.villageCode;
  }

  /** The sessions a month report covers for `p`: every one, or an area leader's areas'. */
  private readable(p: Principal, all: SessionRow[]): SessionRow[] {
    if (p.role === 'area_leader') return all.filter((s) => s.areaCode !== null && p.areaCodes.includes(s.areaCode));
    return all;
  }

  /** A session's dates in a month, each cancelled or held by the calendar. */
  async dates(code: string, month: string) {
    const s = await this.sessionOr404(code);
    const { first, last } = monthRange(month);
    return { session: s.code, month, items: sessionOccurrences(s.weekday, first, last, this.calendar) };
  }

  async record(p: Principal, code: string, body: SessionAttendanceBody, opts: { idempotencyKey?: string } = {}) {
    const s = await this.sessionOr404(code);
    const cadreCode = body.cadreCode ?? p.cadreCode;
    if (!cadreCode) throw refused('attendance_not_on_roster', `you are not on the duty roster of ${s.code}`, { session: s.code });
    const onBehalf = cadreCode !== p.cadreCode;
    if (onBehalf && !this.mayRecordOnBehalf(p, s)) {
      throw refused('attendance_not_on_behalf', `only the leader of the session's area, the township leadership or the assessment group record attendance for others (${p.role})`);
    }
    if (!s.duty.includes(cadreCode)) {
      if (onBehalf) throw invalid('cadreCode', 'not_on_roster', `${cadreCode} is not on the duty roster of ${s.code}`, { session: s.code });
      throw refused('attendance_not_on_roster', `you are not on the duty roster of ${s.code}`, { session: s.code });
    }
    if (Number.isNaN(Date.parse(`${body.date}T00:00:00Z`))) throw invalid('date', 'bad_format', 'must be a real date');
    const problem = attendanceDateProblem(s, body.date, this.today(), onBehalf, this.calendar);
    if (problem) throw invalid('date', `attendance_${problem}`, `cannot take attendance: ${problem.replace(/_/g, ' ')}`, { weekday: s.weekday });
    if (body.status === 'absent' && !body.reason) throw invalid('reason', 'required', 'is required when absent');
    if (body.status === 'arrived' && body.reason) throw invalid('reason', 'not_allowed', 'is only given when absent');

    const recordedBy = p.cadreCode ?? p.username;
    const attendanceId = opts.idempotencyKey ? uuidV5(`session-attendance:${recordedBy}:${opts.idempotencyKey}`, NAMESPACE) : randomUUID();
    const input: SessionAttendanceInput = {
      attendanceId,
      sessionCode: s.code,
      villageCode: s.villageCode,
      date: body.date,
      cadreCode,
      departmentCode: await this.deps.repository.cadreDepartment(cadreCode),
      status: body.status,
      reason: body.status === 'absent' ? (body.reason ?? null) : null,
      recordedBy,
      recordedAt: (this.deps.now?.() ?? new Date()).toISOString(),
    };
    // the same key again with the same record: the record it made stands (another record under it is a 422)
    const { created } = await storeByWorker({
      temporal: this.deps.temporal, taskQueue: this.deps.taskQueue, workflowType: 'sessionAttendanceWorkflow', workflowId: sessionAttendanceWorkflowId(attendanceId), args: [input],
      requestHash: canonicalHash({ by: recordedBy, session: s.code, ...body }), idempotencyKey: opts.idempotencyKey, waitMs: this.deps.waitMs,
      notStored: { title: 'Attendance not stored', detail: 'the record could not be stored' },
    });
    return { answer: { id: attendanceId, sessionCode: s.code, date: body.date, cadreCode, status: body.status, reason: input.reason, recordedBy, onBehalf }, created };
  }

  /** One occurrence: the roster and their attendance, the cases opened there by category and where they stand now. */
  async day(p: Principal, code: string, date: string): Promise<DayReport> {
    const s = await this.sessionOr404(code);
    if (!(await this.mayReadDay(p, s))) throw refused('session_outside_scope', `the session ${s.code} is outside your role and links (${p.role})`, { session: s.code });
    const [occurrence] = sessionOccurrences(s.weekday, date, date, this.calendar);
    if (!occurrence) throw invalid('date', 'attendance_not_a_session_day', `is not a day of ${s.code}`, { weekday: s.weekday }, 'querystring');
    const [cadres, records, casesAfter] = await Promise.all([
      this.deps.repository.cadres(s.duty),
      this.deps.repository.attendance([s.code], date, date),
      this.deps.repository.cases([s.code], date, addDays(date, 6), this.calendar.utcOffsetMinutes),
    ]);
    const roster = this.rosterLines(s, cadres, records);
    const today = this.today();
    const cases = casesAfter.filter((c) => occurrenceOn(s.weekday, c.date) === date);
    const onBehalf = this.mayRecordOnBehalf(p, s);
    return {
      session: { code: s.code, name: s.name, villageCode: s.villageCode, areaCode: s.areaCode, weekday: s.weekday, startTime: s.startTime, endTime: s.endTime },
      date,
      cancelled: occurrence.cancelled,
      reason: occurrence.reason,
      roster,
      counts: countsOf(roster),
      cases: { ...outcomeCounts(cases), byCategory: byCategory(cases) },
      caseList: cases.map((c) => ({ id: c.id, trackingCode: c.trackingCode, title: c.title, category: c.category, status: c.status, outcome: outcomeOf(c.status), openedAt: c.openedAt })),
      may: { recordOwn: !!p.cadreCode && s.duty.includes(p.cadreCode), recordOnBehalf: onBehalf },
      open: {
        own: attendanceDateProblem(s, date, today, false, this.calendar) === null,
        onBehalf: attendanceDateProblem(s, date, today, true, this.calendar) === null,
      },
    };
  }

  /** Every occurrence of the sessions `p` may read in a month (up to its end; later ones are not held yet), with attendance and cases. */
  async month(p: Principal, month: string, session?: string, opts: { withRoster?: boolean } = {}): Promise<MonthReport> {
    const { first, last } = monthRange(month);
    const today = this.today();
    let sessions = this.readable(p, await this.deps.repository.sessions());
    if (session) sessions = sessions.filter((s) => s.code === session);
    const codes = sessions.map((s) => s.code);
    const [records, cases, cadres] = await Promise.all([
      this.deps.repository.attendance(codes, first, last),
      this.deps.repository.cases(codes, first, addDays(last, 6), this.calendar.utcOffsetMinutes),
      this.deps.repository.cadres([...new Set(sessions.flatMap((s) => s.duty))]),
    ]);
    const items: MonthRow[] = [];
    for (const s of sessions) {
      for (const o of sessionOccurrences(s.weekday, first, last, this.calendar)) {
        const roster = this.rosterLines(s, cadres.filter((c) => s.duty.includes(c.code)), records.filter((r) => r.sessionCode === s.code && r.date === o.date));
        // a cancelled market has nobody to attend; one still to come, nobody missing yet
        const counts = o.cancelled ? { ...countsOf(roster), rostered: 0, notRecorded: 0 } : o.date > today ? { ...countsOf(roster), notRecorded: 0 } : countsOf(roster);
        const at = outcomeCounts(cases.filter((c) => c.sessionCode === s.code && occurrenceOn(s.weekday, c.date) === o.date));
        items.push({
          sessionCode: s.code, sessionName: s.name, villageCode: s.villageCode, date: o.date, cancelled: o.cancelled, reason: o.reason,
          ...counts, casesOpened: at.opened, casesResolved: at.resolved, casesOpen: at.open,
          ...(opts.withRoster ? { roster } : {}),
        });
      }
    }
    items.sort((a, b) => a.date.localeCompare(b.date) || a.sessionCode.localeCompare(b.sessionCode));
    // the totals: the market days held so far (not cancelled, not still to come)
    const held = items.filter((i) => !i.cancelled && i.date <= today);
    const sum = (k: keyof MonthRow) => held.reduce((n, i) => n + (i[k] as number), 0);
    return {
      month, first, last, items,
      totals: {
        sessionsHeld: held.length, sessionsCancelled: items.filter((i) => i.cancelled).length,
        rostered: sum('rostered'), arrived: sum('arrived'), absent: sum('absent'), notRecorded: sum('notRecorded'),
        casesOpened: sum('casesOpened'), casesResolved: sum('casesResolved'), casesOpen: sum('casesOpen'),
      },
    };
  }

  /** The roster as it stands now, each with the day's latest record; a cadre no longer rostered who has a record is listed too. */
  private rosterLines(s: SessionRow, cadres: readonly RosterCadre[], records: readonly AttendanceRecord[]): RosterLine[] {
    const by = latestByCadre(records);
    const codes = [...new Set([...s.duty, ...by.keys()])].sort();
    return codes.map((code) => {
      const cadre = cadres.find((c) => c.code === code);
      const list = by.get(code) ?? [];
      const last = list[list.length - 1];
      return {
        cadreCode: code,
        name: cadre?.name ?? code,
        departmentCode: cadre?.departmentCode ?? null,
        status: last?.status ?? null,
        reason: (last?.reason as AbsenceReason | null) ?? null,
        recordedBy: last?.recordedBy ?? null,
        onBehalf: last?.onBehalf ?? false,
        recordedAt: last?.recordedAt ?? null,
        history: list.map((r) => ({ status: r.status, reason: r.reason as AbsenceReason | null, recordedBy: r.recordedBy, recordedAt: r.recordedAt })),
      };
    });
  }

}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

function countsOf(roster: readonly RosterLine[]) {
  const rostered = roster.length;
  const arrived = roster.filter((r) => r.status === 'arrived').length;
  const absent = roster.filter((r) => r.status === 'absent').length;
  return { rostered, arrived, absent, notRecorded: rostered - arrived - absent };
}

function outcomeCounts(cases: readonly SessionCaseRow[]) {
  const n = (o: CaseOutcome) => cases.filter((c) => outcomeOf(c.status) === o).length;
  return { opened: cases.length, resolved: n('resolved'), open: n('open'), ended: n('ended') };
}

function byCategory(cases: readonly SessionCaseRow[]): CategoryCount[] {
  const cats = [...new Set(cases.map((c) => c.category))].sort();
  return cats.map((category) => ({ category, ...outcomeCounts(cases.filter((c) => c.category === category)) }));
}
