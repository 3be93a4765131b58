/**
 * Definitions of the evaluation figures (服务绩效). They are configuration with
 * a version, stamped on every report, because weights and definitions differ
 * between places and change over time; a figure is always a numerator over a
 * denominator of named cases, so it can be explained case by case.
 */
import { FormatRegistry } from '@sinclair/typebox';
import { isCalendarDate } from './formats';

export const FIGURE_DEFINITIONS = {
  version: 'figures-2026.1',
  /** weight of each satisfaction answer in the satisfaction rate (one published scheme: basically = 0.9) */
  satisfactionWeights: { satisfied: 1, basically_satisfied: 0.9, dissatisfied: 0 },
  /**
   * A case counts towards the response figures once it was routed, unless it
   * was withdrawn, rejected or merged before anyone signed for it.
   */
  eligible: 'routed, and not withdrawn/rejected/merged before sign-for',
} as const;

export const FIGURE_NAMES = [
  'cases', 'eligible', 'accepted', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'rated', 'satisfied', 'basicallySatisfied',
  'dissatisfied', 'returned', 'reopened',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export const GROUP_BY = ['township', 'area', 'department', 'village', 'cadre'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/**
 * The composite evaluation score: configuration with a version, stamped on
 * every report. Service performance uses one published 三率 weighting
 * (response 0.1, resolution 0.5, satisfaction 0.4); duty performance is the
 * share of the plan's three grassroots days a week that were recorded; the
 * democratic appraisal is the mean score of the appraiser groups.
 */
export const COMPOSITE_DEFINITIONS = {
  version: 'composite-2026.1',
  weights: { service: 0.6, duty: 0.2, appraisal: 0.2 },
  serviceRates: { signFor: 0.1, resolution: 0.5, satisfaction: 0.4 },
  dutyDaysPerWeekTarget: 3,
} as const;

export const APPRAISER_GROUPS = ['party_members', 'residents_representatives', 'leaders', 'staff'] as const;
/**
 * A day 'YYYY-MM-DD', an ISO week 'YYYY-Www', a month 'YYYY-MM', a quarter
 * 'YYYY-Qn' or a year 'YYYY', in the years 1970–2999. The pattern refuses
 * impossible months and days (it lets 02-29 through); `isPeriod` also refuses
 * 29 February of a common year and week 53 of a year that has 52.
 */
export const PERIOD_PATTERN =
  '^(?:19[7-9]\\d|2\\d{3})(?:-(?:0[1-9]|1[0-2])|-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2\\d))|-Q[1-4]|-W(?:0[1-9]|[1-4]\\d|5[0-3]))?$';
const PERIOD = new RegExp(PERIOD_PATTERN);

/** ISO weeks in a year: 53 when it starts on a Thursday, or is a leap year starting on a Wednesday. */
function isoWeeksIn(year: number): number {
  const p = (y: number) => (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400)) % 7;
  return p(year) === 4 || p(year - 1) === 3 ? 53 : 52;
}

/** A period this system can compute figures for (see PERIOD_PATTERN). */
export function isPeriod(period: string): boolean {
  if (!PERIOD.test(period)) return false;
  const year = Number(period.slice(0, 4));
  const day = /^\d{4}-(\d{2})-(\d{2})$/.exec(period);
  if (day) return isCalendarDate(year, Number(day[1]), Number(day[2]));
  const week = /-W(\d{2})$/.exec(period);
  if (week) return Number(week[1]) <= isoWeeksIn(year);
  return true;
}

FormatRegistry.Set('period', isPeriod);

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The local dates [first, last] of a period. */
export function periodDates(period: string): { first: string; last: string } {
  if (!isPeriod(period)) throw new RangeError(`not a period: ${JSON.stringify(period)}`);
  const year = Number(period.slice(0, 4));
  if (period.length === 4) return { first: `${year}-01-01`, last: `${year}-12-31` };
  const week = /-W(\d{2})$/.exec(period);
  if (week) {
    // ISO week 1 is the week with the year's first Thursday.
    const jan4 = Date.UTC(year, 0, 4);
    const monday = jan4 - (((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000) + (Number(week[1]) - 1) * 7 * 86_400_000;
    return { first: iso(monday), last: iso(monday + 6 * 86_400_000) };
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(period)) return { first: period, last: period };
  const q = /Q([1-4])$/.exec(period);
  const startMonth = q ? (Number(q[1]) - 1) * 3 + 1 : Number(period.slice(5, 7));
  const months = q ? 3 : 1;
  const first = `${year}-${String(startMonth).padStart(2, '0')}-01`;
  return { first, last: iso(Date.UTC(year, startMonth - 1 + months, 0)) };
}
