/**
 * Business time for deadlines: working days and hours with a holiday calendar
 * and makeup working days (调休). Pure and deterministic (it also runs inside
 * workflow code): no Intl, no ambient clock; the township's timezone is a fixed
 * UTC offset (China has no DST).
 */
import { Type, type Static } from '@sinclair/typebox';

const LocalTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const BusinessCalendarSchema = Type.Object(
  {
    version: Type.String({ minLength: 1 }),
    utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840 }),
    /** ISO weekdays, 1 = Monday … 7 = Sunday */
    workdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 })),
    /** local working intervals of a working day, in order, not overlapping */
    workingHours: Type.Array(Type.Object({ start: LocalTime, end: LocalTime }), { minItems: 1 }),
    /** local dates that are off even if their weekday works */
    holidays: Type.Array(LocalDate),
    /** local dates that work even if their weekday does not (调休) */
    makeupWorkdays: Type.Array(LocalDate),
  },
  { $id: 'BusinessCalendar', additionalProperties: false },
);
export type BusinessCalendar = Static<typeof BusinessCalendarSchema>;

/**
 * The township's calendar. Public holidays follow the State Council's notice
 * for 2026 as best known here; it is data — the township edits it (and adds
 * the next year's notice when it is published).
 */
export const DEFAULT_CALENDAR: BusinessCalendar = {
  version: 'cn-2026.1',
  utcOffsetMinutes: 480,
  workdays: [1, 2, 3, 4, 5],
  workingHours: [
    { start: '08:30', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [
    '2026-01-01', '2026-01-02',
    '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23',
    '2026-04-06',
    '2026-05-01', '2026-05-04', '2026-05-05',
    '2026-06-19',
    '2026-09-25',
    '2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07',
    '2027-01-01',
  ],
  makeupWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

const DAY_MS = 86_400_000;

function minutesOf(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

/** Local calendar day number (days since 1970-01-01 local) of an instant. */
function localDay(t: number, cal: BusinessCalendar): number {
  return Math.floor((t + cal.utcOffsetMinutes * 60_000) / DAY_MS);
}

function dayStartUtc(day: number, cal: BusinessCalendar): number {
  return day * DAY_MS - cal.utcOffsetMinutes * 60_000;
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of a date 'YYYY-MM-DD' (isoDate's inverse; NaN when it is not one). */
function dayOfDate(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/**
 * The township's local date ('YYYY-MM-DD') at an instant, by the calendar's UTC
 * offset. The one place outside the arithmetic below that turns an instant into
 * a local day: callers pass the calendar rather than adding eight hours themselves.
 */
export function localDateOf(instant: Date, cal: BusinessCalendar): string {
  return isoDate(localDay(instant.getTime(), cal));
}

/** The instant a local date ('YYYY-MM-DD') begins in the township (its local midnight). */
export function startOfLocalDate(date: string, cal: BusinessCalendar): Date {
  const day = dayOfDate(date);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(day)) throw new RangeError(`not a date: ${date}`);
  return new Date(dayStartUtc(day, cal));
}

/**
 * A calendar's days as numbers and its hours as minutes, worked out once per calendar object:
 * deadlines are computed day by day, many times per case move, and parsing the same dates and
 * times each time was most of that work. A calendar is data that is never changed in place (a
 * new version is a new object), so the index of an object stays true.
 */
interface CalendarIndex {
  /** local day numbers of `holidays` and `makeupWorkdays` */
  holidays: Set<number>;
  makeup: Set<number>;
  workdays: Set<number>;
  /** the working hours as [start, end) minutes after local midnight */
  hours: [number, number][];
  minutesPerDay: number;
}
const indexes = new WeakMap<BusinessCalendar, CalendarIndex>();

function indexOf(cal: BusinessCalendar): CalendarIndex {
  let index = indexes.get(cal);
  if (!index) {
    const hours = cal.workingHours.map((h): [number, number] => [minutesOf(h.start), minutesOf(h.end)]);
    index = {
      holidays: new Set(cal.holidays.map(dayOfDate)),
      makeup: new Set(cal.makeupWorkdays.map(dayOfDate)),
      workdays: new Set(cal.workdays),
      hours,
      minutesPerDay: hours.reduce((sum, [a, b]) => sum + b - a, 0),
    };
    indexes.set(cal, index);
  }
  return index;
}

export function isWorkingDay(day: number, cal: BusinessCalendar): boolean {
  const index = indexOf(cal);
  if (index.makeup.has(day)) return true;
  if (index.holidays.has(day)) return false;
  const weekday = ((new Date(day * DAY_MS).getUTCDay() + 6) % 7) + 1; // ISO weekday
  return index.workdays.has(weekday);
}

/** Working intervals of a local day as [startMs, endMs) UTC instants. */
function intervals(day: number, cal: BusinessCalendar): [number, number][] {
  if (!isWorkingDay(day, cal)) return [];
  const base = dayStartUtc(day, cal);
  return indexOf(cal).hours.map(([a, b]) => [base + a * 60_000, base + b * 60_000]);
}

/** Working minutes in one working day. */
export function workingMinutesPerDay(cal: BusinessCalendar): number {
  return indexOf(cal).minutesPerDay;
}

const MAX_DAYS = 3660; // a calendar with no working time at all must not loop forever

export function isWorkingInstant(t: Date, cal: BusinessCalendar): boolean {
  const ms = t.getTime();
  return intervals(localDay(ms, cal), cal).some(([a, b]) => ms >= a && ms < b);
}

/** The first instant at or after `t` that is working time. */
export function nextWorkingInstant(t: Date, cal: BusinessCalendar): Date {
  const ms = t.getTime();
  const first = localDay(ms, cal);
  for (let day = first; day < first + MAX_DAYS; day++) {
    for (const [a, b] of intervals(day, cal)) {
      if (ms < b) return new Date(Math.max(ms, a));
    }
  }
  throw new Error(`calendar ${cal.version} has no working time within ${MAX_DAYS} days`);
}

/**
 * The instant at which `minutes` of working time starting at `start` are used
 * up. Ending exactly at a closing time returns that closing instant.
 */
export function addBusinessMinutes(start: Date, minutes: number, cal: BusinessCalendar): Date {
  let left = Math.round(minutes * 60_000); // whole ms: a float product could overshoot a closing time by a hair
  let ms = start.getTime();
  if (left <= 0) return new Date(ms);
  const first = localDay(ms, cal);
  for (let day = first; day < first + MAX_DAYS + Math.ceil(minutes / Math.max(1, workingMinutesPerDay(cal))) * 2; day++) {
    for (const [a, b] of intervals(day, cal)) {
      if (ms >= b) continue;
      const from = Math.max(ms, a);
      const span = b - from;
      if (left <= span) return new Date(from + left);
      left -= span;
      ms = b;
    }
  }
  throw new Error(`calendar ${cal.version} has no working time to add ${minutes} minutes`);
}

/** Working minutes between two instants (0 when b is not after a). */
export function businessMinutesBetween(a: Date, b: Date, cal: BusinessCalendar): number {
  const from = a.getTime();
  const to = b.getTime();
  if (to <= from) return 0;
  let total = 0;
  const perDay = workingMinutesPerDay(cal) * 60_000;
  const firstDay = localDay(from, cal);
  const lastDay = localDay(to, cal);
  for (let day = firstDay; day <= lastDay; day++) {
    if (day > firstDay && day < lastDay) {
      // Whole days in between: no clipping needed.
      if (isWorkingDay(day, cal)) total += perDay;
      continue;
    }
    for (const [s, e] of intervals(day, cal)) {
      const lo = Math.max(s, from);
      const hi = Math.min(e, to);
      if (hi > lo) total += hi - lo;
    }
  }
  return total / 60_000;
}
