/**
 * What the reporting API answers, every property documented and nothing else
 * allowed, so the OpenAPI documents (reporting's, and the case API's report
 * routes that pass the same answers on) tell the truth and a fuzzer can check
 * each answer against them. Requests are in report-api.ts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { COUNT_RULE_CODES, DEFINITIONS_VERSION_CODES, FIGURE_CHOICES, FIGURE_DEFINITION_VERSIONS, FIGURE_NAMES, GROUP_BY, RATE_NAMES } from './figures';
import { CASE_CATEGORIES } from './vocabulary';
import { InspectionGradeSchema } from './inspection';
import { PlanDutySchema } from './plans';
import { GRASSROOTS_DAYS_PER_WEEK, WEEK_STATUSES, WORK_KIND_NAMES, WORK_ROLES } from './work-kinds';

const closed = { additionalProperties: false } as const;
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Enum = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const DateTime = Type.String({ format: 'date-time' });
/**
 * The schema as documented and serialised, typed `unknown` for the handlers:
 * the repositories' row types are wider (plain strings for enums) than the
 * document, which is what the wire carries.
 */
const asAnswer = <T extends TSchema>(schema: T) => Type.Unsafe<unknown>(schema);

export const RateSchema = Type.Object(
  // The satisfaction rate's numerator is weighted (basically satisfied = 0.9): tenths, not a whole number;
  // as an integer the serializer cut 3.6 to 3, and departments no longer added up from their cadres.
  { numerator: Type.Number({ description: 'a count; the satisfaction rate\'s is weighted, in tenths' }), denominator: Type.Integer(), value: Nullable(Type.Number({ description: 'numerator / denominator, 4 decimals; null when the denominator is 0' })) },
  closed,
);
const Quantiles = Type.Object({ median: Nullable(Type.Number()), p90: Nullable(Type.Number()) }, closed);

/** One group's figures (a township, area, department, village or cadre). */
export const GroupFiguresSchema = Type.Object(
  {
    key: Type.String({ description: 'the group: a code, `township`, or `(unassigned)`' }),
    counts: Type.Object(
      // a count some version of the definitions does not give is optional (a report has the counts of its version)
      Object.fromEntries(FIGURE_NAMES.map((n) => [n, FIGURE_DEFINITION_VERSIONS.every((d) => d.counts[n]) ? Type.Integer() : Type.Optional(Type.Integer())])),
      closed,
    ),
    rates: Type.Object(Object.fromEntries(RATE_NAMES.map((n) => [n, RateSchema])), closed),
    escalations: Type.Object({ level1: Type.Integer(), level2: Type.Integer(), level3: Type.Integer() }, closed),
    minutesToAccept: Quantiles,
    minutesToResolve: Quantiles,
    links: Type.Optional(Type.Object({ cases: Type.String({ description: 'URL template of the cases behind a count: fill in {figure}' }) }, closed)),
  },
  closed,
);

/** The period a figure covers, as asked (absent bounds are open). */
export const FiguresPeriodSchema = Type.Object(
  { from: Type.Optional(DateTime), to: Type.Optional(DateTime), category: Type.Optional(Enum(CASE_CATEGORIES)) },
  closed,
);

export const FiguresResponse = Type.Object(
  {
    definitionsVersion: Type.String({ description: 'the version of the figure definitions these figures were computed with (GET /reports/definitions)' }),
    definitions: Type.Unknown({ description: 'the figure definitions of that version (configuration)' }),
    groupBy: Enum(GROUP_BY),
    period: FiguresPeriodSchema,
    generatedAt: DateTime,
    groups: Type.Array(GroupFiguresSchema),
  },
  closed,
);

export const FigureCasesResponse = Type.Object(
  {
    total: Type.Integer(),
    items: Type.Array(
      Type.Object({
        caseId: Type.String({ format: 'uuid' }),
        trackingCode: Type.String(),
        category: Type.String(),
        status: Type.String(),
        openedAt: DateTime,
        callbackAt: Type.Optional(DateTime),
        title: Type.Optional(Type.String({ description: "the case's title (added by the case API from its read model; reporting keeps codes only)" })),
      }, { ...closed, description: 'a case; for a count of callbacks (回访) one item per callback, with `callbackAt`, so a case rated twice is listed twice' }),
    ),
  },
  closed,
);

/** One version of the figure definitions as published (shared figures.ts publishedDefinitions); the console words the codes. */
export const FigureDefinitionsSchema = Type.Object(
  {
    version: Type.String(),
    adoptedOn: Type.String({ format: 'date' }),
    supersedes: Nullable(Type.String()),
    current: Type.Boolean({ description: 'the version live figures and new sign-offs use' }),
    satisfactionWeights: Type.Object({ satisfied: Type.Number(), basically_satisfied: Type.Number(), dissatisfied: Type.Number() }, closed),
    counts: Type.Array(Type.Object({ name: Enum(FIGURE_NAMES), rule: Enum(COUNT_RULE_CODES), unit: Enum(['case', 'callback'] as const) }, closed)),
    rates: Type.Array(Type.Object({ name: Enum(RATE_NAMES), numerator: Enum([...FIGURE_NAMES, 'weightedSatisfaction'] as const), denominator: Enum(FIGURE_NAMES) }, closed)),
    choices: Type.Array(Type.Object({ code: Enum(FIGURE_CHOICES), params: Type.Record(Type.String(), Type.Number()) }, closed)),
  },
  closed,
);
export const FigureDefinitionsResponse = Type.Object(
  {
    current: Enum(DEFINITIONS_VERSION_CODES),
    items: Type.Array(FigureDefinitionsSchema, { description: 'every version this build computes, oldest first (a complete list)' }),
  },
  closed,
);

export const DutyFiguresSchema = Type.Object(
  {
    cadreCode: Type.String(),
    departmentCode: Nullable(Type.String()),
    daysWithWork: Type.Integer(),
    weeks: Type.Number(),
    daysPerWeek: Type.Number(),
    weeksMeetingPlan: Type.Integer(),
    visits: Type.Integer(),
    visitsToLinkedHouseholds: Type.Integer(),
    visitsToKeyHouseholds: Type.Integer(),
    householdsVisited: Type.Integer(),
    diaryEntries: Type.Integer(),
    householdFilesUpdated: Type.Integer(),
    byRole: Type.Object(Object.fromEntries(WORK_ROLES.map((r) => [r, Type.Integer()])), { ...closed, description: 'records in the period per role (六个角色)' }),
    byKind: Type.Object(Object.fromEntries(WORK_KIND_NAMES.map((k) => [k, Type.Integer()])), { ...closed, description: 'records in the period per kind (the table of kinds)' }),
    grassrootsDays: Type.Integer({ description: 'days in the period with at least one record of work done at the grassroots (下基层)' }),
    grassrootsWeeks: Type.Array(
      Type.Object(
        {
          week: Type.String({ description: 'ISO week YYYY-Www, one of `grassroots.weeks`' }),
          days: Type.Integer({ description: 'days at the grassroots in the whole week' }),
          status: Enum(WEEK_STATUSES),
        },
        closed,
      ),
      { description: 'the grassroots-days rule, week by week, in the order of `grassroots.weeks`' },
    ),
    weeksMissingPlan: Type.Integer({ description: 'weeks of `grassroots.weeks` that ended with fewer days at the grassroots than the rule asks' }),
    marketDays: Type.Object(
      {
        rostered: Type.Integer({ description: "occurrences in the period, up to today, of the market-day sessions whose duty roster has the cadre now; a holiday's cancelled market is none" }),
        attended: Type.Integer({ description: 'of those occurrences (and any other in the period), the ones whose latest attendance record is arrived' }),
        absent: Type.Integer({ description: 'the ones whose latest attendance record is absent (with its reason)' }),
      },
      { ...closed, description: '双定 — 定时服务: market-day duty attended of rostered (issue 13); not recorded = rostered − attended − absent' },
    ),
    inspection: Type.Union([
      Type.Object(
        {
          count: Type.Integer({ minimum: 1, description: 'inspections of the cadre dated in the period' }),
          score: Type.Number({ minimum: 0, maximum: 100, description: 'the mean of their scores' }),
          grade: InspectionGradeSchema,
          lastDate: Type.String({ format: 'date' }),
        },
        closed,
      ),
      Type.Null(),
    ], { description: '一听二看三查: the assessment group’s inspections of the cadre in the period (shared inspection.ts); null when not inspected' }),
    plans: PlanDutySchema,
  },
  closed,
);
/** How the grassroots-days rule (每周下基层不少于3天) is judged for a period. */
export const GrassrootsRuleSchema = Type.Object(
  {
    minDaysPerWeek: Type.Integer({ description: `days at the grassroots each ISO week needs (${GRASSROOTS_DAYS_PER_WEEK})` }),
    kinds: Type.Array(Enum(WORK_KIND_NAMES), { description: 'the kinds of work done at the grassroots: a day with one of them counts' }),
    weeks: Type.Array(
      Type.Object(
        {
          week: Type.String({ description: 'ISO week YYYY-Www' }),
          first: Type.String({ format: 'date', description: 'its Monday' }),
          last: Type.String({ format: 'date', description: 'its Sunday' }),
          ended: Type.Boolean({ description: 'the week is over (a week not over is `open` until it meets the rule)' }),
        },
        closed,
      ),
      { description: "the ISO weeks whose Thursday falls in the period (ISO 8601's rule for years, applied to months): each week is judged once, whole" },
    ),
  },
  closed,
);
export const DutyResponse = Type.Object(
  {
    period: Type.String(),
    first: Type.String({ format: 'date' }),
    last: Type.String({ format: 'date' }),
    grassroots: GrassrootsRuleSchema,
    items: Type.Array(DutyFiguresSchema),
  },
  closed,
);
/** One cadre's duty figures (履职) for a period, as reporting computes and the console shows them. */
export type DutyFigures = Static<typeof DutyFiguresSchema>;
export type DutyAnswer = Static<typeof DutyResponse>;

export const AppraisalsResponse = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          period: Type.String(),
          subjectType: Enum(['cadre', 'department'] as const),
          subjectCode: Type.String(),
          appraiserGroup: Type.String(),
          score: Type.Number({ minimum: 0, maximum: 100 }),
          enteredBy: Type.String(),
          enteredAt: DateTime,
        },
        closed,
      ),
    ),
  },
  closed,
);

export const CompositeResponse = Type.Object(
  {
    definitionsVersion: Type.String(),
    definitions: Type.Unknown({ description: 'the composite definitions of that version (configuration)' }),
    figureDefinitionsVersion: Type.String({ description: 'the figure definitions the service part was computed with (GET /reports/definitions)' }),
    period: Type.String(),
    items: Type.Array(
      Type.Object(
        {
          cadreCode: Type.String(),
          composite: Type.Number(),
          parts: Type.Object({ service: Type.Optional(Type.Number()), duty: Type.Optional(Type.Number()), appraisal: Type.Optional(Type.Number()) }, closed),
          partial: Type.Boolean({ description: 'a part had no data and the weights were renormalised over the others' }),
        },
        closed,
      ),
    ),
  },
  closed,
);

const frozenProps = {
  id: Type.String({ format: 'uuid' }),
  groupBy: Enum(GROUP_BY),
  period: FiguresPeriodSchema,
  definitionsVersion: Type.String(),
  note: Type.String(),
  signedBy: Type.String({ description: 'the signed-in user who signed it off' }),
  frozenAt: DateTime,
};
/** A signed-off report as frozen (answer of freezeReport). */
export const FrozenReportSchema = asAnswer(Type.Object({ ...frozenProps, groups: Type.Array(GroupFiguresSchema) }, closed));
export const FrozenReportListResponse = asAnswer(Type.Object(
  {
    items: Type.Array(Type.Object(frozenProps, closed)),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last page' }),
  },
  closed,
));
/** A signed-off report with what changed since (answer of getFrozenReport). */
export const FrozenReportWithAmendment = asAnswer(Type.Object(
  {
    ...frozenProps,
    groups: Type.Array(GroupFiguresSchema),
    amendment: Type.Object(
      {
        amended: Type.Boolean(),
        checkedAt: DateTime,
        changes: Type.Array(Type.Object({ key: Type.String(), path: Type.String(), frozen: Type.Unknown(), current: Type.Unknown() }, closed)),
      },
      closed,
    ),
  },
  closed,
));

export const DeadLettersResponse = Type.Object(
  {
    total: Type.Integer(),
    items: Type.Array(
      Type.Object(
        {
          topic: Type.String(),
          partition: Type.Integer(),
          offset: Type.String({ description: 'Kafka offset (a 64-bit integer, as text)' }),
          eventId: Nullable(Type.String()),
          eventType: Nullable(Type.String()),
          reason: Type.String(),
          headers: Type.Unknown({ description: 'the message headers as received' }),
          value: Nullable(Type.String()),
          receivedAt: DateTime,
        },
        closed,
      ),
    ),
  },
  closed,
);

/** States of a rebuild: `rebuilding` while the shadow projection is built, checked and swapped in. */
export const REBUILD_STATES = ['idle', 'rebuilding', 'failed'] as const;
/**
 * Steps of a running rebuild: `catching_up` (a second consumer re-reads the topic into shadow
 * tables; the live figures keep answering), `checking` (the live consumer paused, the shadow
 * reaches the same point and is compared), `swapping` (one transaction makes it the live projection).
 */
export const REBUILD_PHASES = ['catching_up', 'checking', 'swapping'] as const;
const RebuildStatusObject = Type.Object(
  {
    state: Enum(REBUILD_STATES),
    phase: Nullable(Enum(REBUILD_PHASES)),
    startedAt: Nullable(DateTime),
    finishedAt: Nullable(DateTime),
    error: Nullable(Type.String()),
    startedBy: Nullable(Type.String({ description: 'who asked for it (the verified principal)' })),
    progress: Nullable(Type.Object(
      {
        applied: Type.Integer({ minimum: 0, description: 'messages of the topic the rebuild has read into the shadow projection' }),
        target: Type.Integer({ minimum: 0, description: 'messages on the topic when the rebuild started (later ones are read too before the swap)' }),
      },
      { ...closed, description: 'how far the running (or last) rebuild got' },
    )),
  },
  { ...closed, description: 'the last rebuild of the figures; the live figures answer from the current projection until a rebuilt one has been checked and swapped in' },
);
export type RebuildStatus = Static<typeof RebuildStatusObject>;
export const RebuildStatusSchema = asAnswer(RebuildStatusObject);
