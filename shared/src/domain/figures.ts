/**
 * Definitions of the evaluation figures (服务绩效). They are configuration with
 * a version, stamped on every report, because weights and definitions differ
 * between places and change over time; a figure is always a numerator over a
 * denominator of named cases, so it can be explained case by case.
 */
import { FormatRegistry } from '@sinclair/typebox';
import { isCalendarDate } from './formats';

/**
 * Every count any version of the definitions gives, in the order reports show
 * them; a version gives the ones in its `counts` (figures-2026.1 has no
 * `everResolved`), so a report recomputed with the version it was frozen with
 * has exactly the shape it was frozen with.
 */
export const FIGURE_NAMES = [
  'cases', 'eligible', 'accepted', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'everResolved', 'rated', 'satisfied', 'basicallySatisfied',
  'dissatisfied', 'returned', 'reopened',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

/** The rates of a report, each a numerator over a denominator. */
export const RATE_NAMES = ['signFor', 'onTimeSignFor', 'resolution', 'onTimeResolution', 'satisfaction', 'returns', 'reopens'] as const;
export type RateName = (typeof RATE_NAMES)[number];

/**
 * The choices a definition embodies, stated so a manager can read them
 * (console: `definitions.choice.<code>`, README "Figure definitions"). They are
 * not configured separately: each follows from the count rules a version uses
 * (CHOICES_OF_RULE), so what is stated is what is counted.
 */
export const FIGURE_CHOICES = [
  'cohort_opened_in_period',
  'eligible_once_routed',
  'withdrawn_after_sign_for_stays',
  'first_sign_for_counts',
  'latest_answer_counts',
  'satisfaction_latest_callback_per_case',
  'satisfaction_every_callback',
  'callback_attributed_when_recorded',
  'basically_satisfied_weight',
  'reopen_rate_over_resolved_now',
  'reopen_rate_over_ever_resolved',
] as const;
export type FigureChoice = (typeof FIGURE_CHOICES)[number];

/**
 * How a count is counted. Each rule has exactly one SQL predicate (reporting,
 * figures.repository.ts RULE_SQL) and one text (console
 * `definitions.rule.<rule>`), and counts either cases or callbacks (回访).
 */
export const COUNT_RULES = {
  all_cases: { unit: 'case', choices: ['cohort_opened_in_period'] },
  eligible: { unit: 'case', choices: ['eligible_once_routed', 'withdrawn_after_sign_for_stays'] },
  accepted: { unit: 'case', choices: ['first_sign_for_counts'] },
  accepted_on_time: { unit: 'case', choices: ['first_sign_for_counts'] },
  resolved_now: { unit: 'case', choices: ['latest_answer_counts'] },
  resolved_now_on_time: { unit: 'case', choices: ['latest_answer_counts'] },
  resolved_ever: { unit: 'case', choices: [] },
  rated_case_latest: { unit: 'case', choices: ['satisfaction_latest_callback_per_case'] },
  satisfied_case_latest: { unit: 'case', choices: ['satisfaction_latest_callback_per_case', 'basically_satisfied_weight'] },
  basically_satisfied_case_latest: { unit: 'case', choices: ['satisfaction_latest_callback_per_case', 'basically_satisfied_weight'] },
  dissatisfied_case_latest: { unit: 'case', choices: ['satisfaction_latest_callback_per_case', 'basically_satisfied_weight'] },
  rated_every_callback: { unit: 'callback', choices: ['satisfaction_every_callback', 'callback_attributed_when_recorded'] },
  satisfied_every_callback: { unit: 'callback', choices: ['satisfaction_every_callback', 'callback_attributed_when_recorded', 'basically_satisfied_weight'] },
  basically_satisfied_every_callback: { unit: 'callback', choices: ['satisfaction_every_callback', 'callback_attributed_when_recorded', 'basically_satisfied_weight'] },
  dissatisfied_every_callback: { unit: 'callback', choices: ['satisfaction_every_callback', 'callback_attributed_when_recorded', 'basically_satisfied_weight'] },
  returned: { unit: 'case', choices: [] },
  reopened_resolved_now: { unit: 'case', choices: ['reopen_rate_over_resolved_now'] },
  reopened_resolved_ever: { unit: 'case', choices: ['reopen_rate_over_ever_resolved'] },
} as const satisfies Record<string, { unit: 'case' | 'callback'; choices: readonly FigureChoice[] }>;
export type CountRule = keyof typeof COUNT_RULES;
export const COUNT_RULE_CODES = Object.keys(COUNT_RULES) as CountRule[];

/** A rate: a count over a count; the satisfaction numerator is the weighted sum of the answers. */
export interface RateDefinition {
  numerator: FigureName | 'weightedSatisfaction';
  denominator: FigureName;
}

export interface FigureDefinitions {
  version: string;
  /** when this version became the one live figures and new sign-offs use (a date) */
  adoptedOn: string;
  /** the version it replaced */
  supersedes: string | null;
  /** weight of each satisfaction answer in the satisfaction rate (one published scheme: basically = 0.9) */
  satisfactionWeights: { satisfied: number; basically_satisfied: number; dissatisfied: number };
  /** the counts this version gives, each with the rule it is counted by */
  counts: Partial<Record<FigureName, CountRule>>;
  rates: Record<RateName, RateDefinition>;
}

const WEIGHTS = { satisfied: 1, basically_satisfied: 0.9, dissatisfied: 0 } as const;
const CASE_RATES = {
  signFor: { numerator: 'accepted', denominator: 'eligible' },
  onTimeSignFor: { numerator: 'acceptedOnTime', denominator: 'eligible' },
  resolution: { numerator: 'resolved', denominator: 'eligible' },
  onTimeResolution: { numerator: 'resolvedOnTime', denominator: 'eligible' },
  satisfaction: { numerator: 'weightedSatisfaction', denominator: 'rated' },
  returns: { numerator: 'returned', denominator: 'eligible' },
} as const satisfies Partial<Record<RateName, RateDefinition>>;
const CASE_COUNTS = {
  cases: 'all_cases',
  eligible: 'eligible',
  accepted: 'accepted',
  acceptedOnTime: 'accepted_on_time',
  resolved: 'resolved_now',
  resolvedOnTime: 'resolved_now_on_time',
} as const satisfies Partial<Record<FigureName, CountRule>>;

/**
 * figures-2026.1: satisfaction over each case's latest callback (a reopen
 * erased the earlier answer), reopen rate over the cases resolved now. Kept so
 * reports signed off with it are re-checked with it.
 */
const FIGURES_2026_1: FigureDefinitions = {
  version: 'figures-2026.1',
  adoptedOn: '2026-11-01',
  supersedes: null,
  satisfactionWeights: WEIGHTS,
  counts: {
    ...CASE_COUNTS,
    rated: 'rated_case_latest',
    satisfied: 'satisfied_case_latest',
    basicallySatisfied: 'basically_satisfied_case_latest',
    dissatisfied: 'dissatisfied_case_latest',
    returned: 'returned',
    reopened: 'reopened_resolved_now',
  },
  rates: { ...CASE_RATES, reopens: { numerator: 'reopened', denominator: 'resolved' } },
};

/**
 * figures-2026.2, as 12345-style evaluations count (issue 10): every callback
 * (回访) is a rating (每次回访计入满意度), counted for whoever the case was
 * attributed to when it was recorded; the reopen rate (重办率) is over every
 * case ever resolved, so a case reopened and not yet answered again stays in
 * numerator and denominator.
 */
const FIGURES_2026_2: FigureDefinitions = {
  version: 'figures-2026.2',
  adoptedOn: '2026-12-02',
  supersedes: 'figures-2026.1',
  satisfactionWeights: WEIGHTS,
  counts: {
    ...CASE_COUNTS,
    everResolved: 'resolved_ever',
    rated: 'rated_every_callback',
    satisfied: 'satisfied_every_callback',
    basicallySatisfied: 'basically_satisfied_every_callback',
    dissatisfied: 'dissatisfied_every_callback',
    returned: 'returned',
    reopened: 'reopened_resolved_ever',
  },
  rates: { ...CASE_RATES, reopens: { numerator: 'reopened', denominator: 'everResolved' } },
};

/** Every version that can be computed, oldest first; the last is the current one. */
export const FIGURE_DEFINITION_VERSIONS = [FIGURES_2026_1, FIGURES_2026_2] as const satisfies readonly FigureDefinitions[];
export const DEFINITIONS_VERSION_CODES = FIGURE_DEFINITION_VERSIONS.map((d) => d.version);
/** The definitions live figures and new sign-offs use. */
export const FIGURE_DEFINITIONS: FigureDefinitions = FIGURE_DEFINITION_VERSIONS[FIGURE_DEFINITION_VERSIONS.length - 1]!;

/** The definitions of a version, or undefined for one this build cannot compute. */
export function figureDefinitions(version: string): FigureDefinitions | undefined {
  return FIGURE_DEFINITION_VERSIONS.find((d) => d.version === version);
}

/** The counts a version gives, in report order. */
export function figureNamesOf(d: FigureDefinitions): FigureName[] {
  return FIGURE_NAMES.filter((n) => d.counts[n] !== undefined);
}

/** The choices a version embodies, with their parameters, in FIGURE_CHOICES order (derived from its rules). */
export function figureChoices(d: FigureDefinitions): { code: FigureChoice; params: Record<string, number> }[] {
  const used = new Set<FigureChoice>(Object.values(d.counts).flatMap((rule) => (rule ? [...COUNT_RULES[rule].choices] : [])));
  return FIGURE_CHOICES.filter((c) => used.has(c)).map((code) => {
    const params: Record<string, number> = code === 'basically_satisfied_weight' ? { weight: d.satisfactionWeights.basically_satisfied } : {};
    return { code, params };
  });
}

/** A version as published (GET /reports/definitions, the `definitions` of a report): rules, rates and stated choices. */
export function publishedDefinitions(d: FigureDefinitions) {
  return {
    version: d.version,
    adoptedOn: d.adoptedOn,
    supersedes: d.supersedes,
    current: d.version === FIGURE_DEFINITIONS.version,
    satisfactionWeights: d.satisfactionWeights,
    counts: figureNamesOf(d).map((name) => ({ name, rule: d.counts[name]!, unit: COUNT_RULES[d.counts[name]!].unit })),
    rates: RATE_NAMES.map((name) => ({ name, ...d.rates[name] })),
    choices: figureChoices(d),
  };
}

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
