/**
 * The string formats both APIs and TypeBox's own checkers (events, workflow
 * inputs, the roster import) accept, strictly: an RFC 3339 timestamp with a
 * real calendar date, a real time and an offset a place on Earth uses (at most
 * ±14:00), a calendar date, an evaluation period. Years run 1970–2999: nothing
 * in this system is older, and PostgreSQL and `Date` agree on every such value.
 * The HTTP apps register the same checkers with Ajv (shared/src/http/app.ts),
 * so what the edge accepts is what the database can hold.
 * Pure: workflow code imports this module.
 */
import { FormatRegistry } from '@sinclair/typebox';

export const YEAR_MIN = 1970;
export const YEAR_MAX = 2999;

/** A month 'YYYY-MM' in the years YEAR_MIN–YEAR_MAX (the bounds of every date the APIs take). */
export const MONTH_PATTERN = '^(?:19[7-9]\\d|2\\d{3})-(?:0[1-9]|1[0-2])$';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** A real day of the Gregorian calendar within the years this system knows. */
export function isCalendarDate(y: number, m: number, d: number): boolean {
  return y >= YEAR_MIN && y <= YEAR_MAX && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** `YYYY-MM-DD`, a real date. */
export function isStrictDate(s: string): boolean {
  const m = DATE.exec(s);
  return !!m && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** RFC 3339 `date-time`: a real date and time (no leap second), offset Z or within ±14:00. */
export function isStrictDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return false;
  if (m[7]) {
    const hours = Number(m[8]);
    const minutes = Number(m[9]);
    if (minutes > 59 || hours * 60 + minutes > 14 * 60) return false;
  }
  return !Number.isNaN(Date.parse(s));
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

// TypeBox checks `format` only for formats registered here (Fastify's Ajv gets the same checkers).
FormatRegistry.Set('uuid', isUuid);
FormatRegistry.Set('date-time', isStrictDateTime);
FormatRegistry.Set('date', isStrictDate);
