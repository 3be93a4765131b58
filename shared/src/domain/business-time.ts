/**
 * Business time for SLA deadlines: the working calendar (workdays, office hours
 * with a lunch break, public holidays, makeup workdays 调休) and a small
 * immutable SLA clock that can pause while the case waits on the resident.
 *
 * Pure and deterministic, so workflow code may call it: no I/O, no Intl, no
 * ambient clock — every "now" is passed in. The township's timezone is a fixed
 * UTC offset (China has no DST), so local days are plain arithmetic on the offset.
 *
 * The calendar arithmetic (addBusinessMinutes and friends) lives in ./calendar,
 * which running case workflows already replay against. It is re-exported here,
 * not re-implemented: two algorithms that could disagree by a millisecond would
 * make a deadline depend on which module a workflow happened to import, and a
 * changed deadline in a replayed history is a non-determinism failure.
 * One caveat: ./calendar's addBusinessMinutes can spill a fractional budget
 * that ends exactly at a closing time into the next opening (float noise, see
 * addBusiness below). Whole minutes are exact; the clock functions here, which
 * do see fractions after a pause, go through addSlaMinutes, which corrects it.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  addBusinessMinutes, businessMinutesBetween, isWorkingDay, isWorkingInstant, workingMinutesPerDay, type BusinessCalendar,
} from './calendar';
import './formats';

export {
  BusinessCalendarSchema, DEFAULT_CALENDAR, addBusinessMinutes, businessMinutesBetween, isWorkingInstant, localDateOf, nextWorkingInstant, startOfLocalDate,
  workingMinutesPerDay, type BusinessCalendar,
} from './calendar';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Days since 1970-01-01 of a local date 'YYYY-MM-DD', or null if it is not a real date. */
function dayNumber(date: string): number | null {
  const m = LOCAL_DATE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** Whether a local date ('YYYY-MM-DD') is a working day: weekday rule, then holidays, then 调休 makeup days. */
export function isWorkingDate(date: string, cal: BusinessCalendar): boolean {
  const day = dayNumber(date);
  if (day === null) throw new RangeError(`not a date: ${date}`);
  return isWorkingDay(day, cal);
}

/**
 * Problems with a calendar that its schema cannot see. The arithmetic assumes
 * ordered, non-overlapping intervals; the township edits this data by hand, so
 * check it before it is published (an empty list means it is usable).
 */
export function checkCalendar(cal: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(cal.utcOffsetMinutes) || Math.abs(cal.utcOffsetMinutes) > 14 * 60) {
    problems.push(`utcOffsetMinutes ${cal.utcOffsetMinutes} is not a whole number of minutes within ±14 h`);
  }
  if (cal.workingHours.length === 0) problems.push('workingHours is empty');
  let previousEnd = -1;
  for (const { start, end } of cal.workingHours) {
    const s = LOCAL_TIME.exec(start);
    const e = LOCAL_TIME.exec(end);
    if (!s || !e) {
      problems.push(`working interval ${start}–${end} is not HH:MM–HH:MM`);
      continue;
    }
    const from = Number(s[1]) * 60 + Number(s[2]);
    const to = Number(e[1]) * 60 + Number(e[2]);
    if (to <= from) problems.push(`working interval ${start}–${end} ends before it starts`);
    if (from < previousEnd) problems.push(`working interval ${start}–${end} overlaps or precedes the one before it`);
    previousEnd = Math.max(previousEnd, to);
  }
  const weekdays = new Set<number>();
  for (const d of cal.workdays) {
    if (!Number.isInteger(d) || d < 1 || d > 7) problems.push(`workday ${d} is not an ISO weekday (1 = Monday … 7 = Sunday)`);
    if (weekdays.has(d)) problems.push(`workday ${d} is listed twice`);
    weekdays.add(d);
  }
  const seen = new Map<string, 'holiday' | 'makeup workday'>();
  const dates: [string, 'holiday' | 'makeup workday'][] = [
    ...cal.holidays.map((d) => [d, 'holiday'] as [string, 'holiday']),
    ...cal.makeupWorkdays.map((d) => [d, 'makeup workday'] as [string, 'makeup workday']),
  ];
  for (const [date, kind] of dates) {
    const day = dayNumber(date);
    if (day === null) {
      problems.push(`${kind} ${date} is not a date`);
      continue;
    }
    const other = seen.get(date);
    if (other) problems.push(other === kind ? `${kind} ${date} is listed twice` : `${date} is both a holiday and a makeup workday`);
    seen.set(date, kind);
    const isoWeekday = ((new Date(day * DAY_MS).getUTCDay() + 6) % 7) + 1;
    if (kind === 'makeup workday' && weekdays.has(isoWeekday)) problems.push(`makeup workday ${date} is already a regular workday`);
  }
  if (weekdays.size === 0 && cal.makeupWorkdays.length === 0) problems.push('the calendar has no working days');
  return problems;
}

// ---- clocks in their own time -------------------------------------------------

/** 'business': working minutes of the calendar; 'clock': plain elapsed minutes (urgent cases). */
export type ClockMode = 'business' | 'clock';
export const ClockModeSchema = Type.Union([Type.Literal('business'), Type.Literal('clock')]);

/** The latest closing instant of a working interval strictly before `t`, or null. */
function previousClosing(t: number, cal: BusinessCalendar): number | null {
  const offset = cal.utcOffsetMinutes * MINUTE_MS;
  const today = Math.floor((t + offset) / DAY_MS);
  for (let day = today; day > today - 3660; day--) {
    if (!isWorkingDay(day, cal)) continue;
    const base = day * DAY_MS - offset;
    for (let i = cal.workingHours.length - 1; i >= 0; i--) {
      const end = cal.workingHours[i]!.end;
      const closing = base + (Number(end.slice(0, 2)) * 60 + Number(end.slice(3, 5))) * MINUTE_MS;
      if (closing < t) return closing;
    }
  }
  return null;
}

/**
 * addBusinessMinutes, safe for fractional minutes. A clock that paused holds
 * fractional minutes (instants have milliseconds), and ./calendar compares
 * `minutes × 60 000` with an interval's length in floating point: when the rest
 * of a budget exactly fills an interval but the product comes out a hair too
 * large (2085.1145 × 60 000 = 125 106 870.00000001), it spills into the next
 * opening — Friday 17:30 becomes Monday 08:30. For a budget of at least a
 * millisecond the true end is never an opening instant (it lies in
 * (opening, closing]), so such a result is stepped back to the closing before it.
 */
function addBusiness(start: Date, minutes: number, cal: BusinessCalendar): Date {
  const end = addBusinessMinutes(start, minutes, cal);
  const t = end.getTime();
  if (minutes * MINUTE_MS < 1 || !isWorkingInstant(end, cal) || isWorkingInstant(new Date(t - 1), cal)) return end;
  const closing = previousClosing(t, cal);
  return closing !== null && closing > start.getTime() ? new Date(closing) : end;
}

/**
 * The instant `minutes` after `start` in the given time: business minutes
 * (starting outside hours begins at the next opening; a budget that ends
 * exactly at a closing time ends at that closing instant), or plain minutes.
 */
export function addSlaMinutes(start: Date, minutes: number, mode: ClockMode, cal: BusinessCalendar): Date {
  if (mode === 'clock') return new Date(start.getTime() + minutes * MINUTE_MS);
  return addBusiness(start, minutes, cal);
}

/** Minutes from a to b in the given time (0 when b is not after a). */
export function slaMinutesBetween(a: Date, b: Date, mode: ClockMode, cal: BusinessCalendar): number {
  if (b.getTime() <= a.getTime()) return 0;
  if (mode === 'clock') return (b.getTime() - a.getTime()) / MINUTE_MS;
  return businessMinutesBetween(a, b, cal);
}

// ---- the SLA clock --------------------------------------------------------------

/**
 * A deadline that can pause. Only `consumedMinutes` (up to the last pause) and
 * `runningSince` (null while paused) are stored; the due instant is derived, so
 * a pause of any length moves it by exactly the paused time in the clock's own
 * time. Plain JSON, so it can live in workflow state and in history.
 */
export const SlaClockSchema = Type.Object(
  {
    budgetMinutes: Type.Number({ minimum: 0, description: 'the whole budget, in the clock mode\'s minutes' }),
    mode: ClockModeSchema,
    consumedMinutes: Type.Number({ minimum: 0, description: 'used up before the current run (paused time not counted)' }),
    runningSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null while paused' }),
  },
  { $id: 'SlaClock' },
);
export type SlaClock = Readonly<Static<typeof SlaClockSchema>>;

function checkMinutes(minutes: number, what: string): void {
  if (!Number.isFinite(minutes) || minutes < 0) throw new RangeError(`${what} must be a finite number of minutes ≥ 0, got ${minutes}`);
}

/** A running clock for a budget, started at `at`. */
export function startClock(budget: { readonly minutes: number; readonly mode: ClockMode }, at: Date): SlaClock {
  checkMinutes(budget.minutes, 'budget');
  return { budgetMinutes: budget.minutes, mode: budget.mode, consumedMinutes: 0, runningSince: at.toISOString() };
}

/** Minutes of the budget used up by `at` (paused time excluded). */
export function consumedMinutesAt(clock: SlaClock, at: Date, cal: BusinessCalendar): number {
  if (clock.runningSince === null) return clock.consumedMinutes;
  return clock.consumedMinutes + slaMinutesBetween(new Date(clock.runningSince), at, clock.mode, cal);
}

/**
 * Stops the clock at `at`, banking the time used so far. Needs the calendar
 * because business time used depends on it. Pausing a paused clock is a no-op.
 * Generic so a caller's richer clock record (phase, reminders fired …) keeps its fields.
 */
export function pauseClock<C extends SlaClock>(clock: C, at: Date, cal: BusinessCalendar): C {
  if (clock.runningSince === null) return clock;
  return { ...clock, consumedMinutes: consumedMinutesAt(clock, at, cal), runningSince: null };
}

/** Restarts a paused clock at `at`. Resuming a running clock is a no-op. */
export function resumeClock<C extends SlaClock>(clock: C, at: Date): C {
  if (clock.runningSince !== null) return clock;
  return { ...clock, runningSince: at.toISOString() };
}

/** Grants more time (an approved extension); works paused or running. */
export function extendClock<C extends SlaClock>(clock: C, minutes: number): C {
  checkMinutes(minutes, 'extension');
  return { ...clock, budgetMinutes: clock.budgetMinutes + minutes };
}

/**
 * The instant the budget runs out if the clock keeps running; null while
 * paused (a paused clock has no due time). Already overdue: the instant it ran out.
 */
export function dueAt(clock: SlaClock, cal: BusinessCalendar): Date | null {
  return instantAtFraction(clock, 1, cal);
}

/**
 * The instant at which `fraction` of the budget is used up, if the clock keeps
 * running; null while paused. A moment that passed during a pause (or before
 * the last resume) comes back as the resume instant — never in the past of it.
 */
export function instantAtFraction(clock: SlaClock, fraction: number, cal: BusinessCalendar): Date | null {
  if (clock.runningSince === null) return null;
  const left = Math.max(0, fraction * clock.budgetMinutes - clock.consumedMinutes);
  return addSlaMinutes(new Date(clock.runningSince), left, clock.mode, cal);
}

/**
 * Share of the budget used by `at`: 0 at start, 1 at the deadline, above 1
 * when overdue (1.5 = half a budget late). A zero budget is used up at once.
 */
export function fractionUsed(clock: SlaClock, at: Date, cal: BusinessCalendar): number {
  if (clock.budgetMinutes <= 0) return 1;
  return consumedMinutesAt(clock, at, cal) / clock.budgetMinutes;
}

/** Whether the budget is used up at `at`. */
export function isOverdue(clock: SlaClock, at: Date, cal: BusinessCalendar): boolean {
  return fractionUsed(clock, at, cal) >= 1;
}

/** Business minutes in `days` working days of this calendar (one day = its working minutes per day). */
export function workingDays(days: number, cal: BusinessCalendar): number {
  return days * workingMinutesPerDay(cal);
}
