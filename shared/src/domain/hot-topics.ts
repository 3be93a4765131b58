/**
 * Hot topics and "this month's topic" (每月一题): the month's recurring issues
 * across cases — cases of one category whose keywords overlap, ranked by how
 * many cases (households, villages) they reach — and the one topic a month the
 * township takes up for proactive governance, with its history of changes.
 * ONE module for who may do what, the month's bounds and the shapes the case
 * API answers; the console and the tests take them from here. The clustering
 * itself runs in the case API (word segmentation is a native library, and case
 * texts never leave the case API: no events, no URLs, no logs). Pure: no I/O,
 * no Node built-ins (the console imports it).
 */
import { Type, type Static } from '@sinclair/typebox';
import { DASHBOARD_ROLES, type StaffRole } from './access';
import { localDateOf, startOfLocalDate, type BusinessCalendar } from './calendar';
import { CategorySchema } from './case';
import { MONTH_PATTERN } from './formats';
import { Text } from './text';
import { CaseStatus, type CaseCategory } from './vocabulary';

/**
 * Who may use which operation. Managers and the assessment group read the hot
 * topics of the cases they may see (a department head the department's, an area
 * leader the area's, the township-wide roles all). The month's topic is the
 * township's, chosen from the topics of every case: taken up by those who lead
 * the whole township and see every case — the township leadership (and
 * administrators, who act for it) — not by a department head or an area leader,
 * whose topics are their part's only, nor by the assessment group, which judges
 * the work rather than directing it.
 */
export const HOT_TOPIC_OPERATIONS = {
  listHotTopics: DASHBOARD_ROLES,
  hotTopicCases: DASHBOARD_ROLES,
  listMonthlyTopics: DASHBOARD_ROLES,
  monthlyTopicHistory: DASHBOARD_ROLES,
  takeUpHotTopic: ['township_leader', 'admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type HotTopicOperation = keyof typeof HOT_TOPIC_OPERATIONS;

// ---- months ------------------------------------------------------------------

const MONTH = new RegExp(MONTH_PATTERN);
export const isMonth = (s: string): boolean => MONTH.test(s);

/** The township's month at an instant (by the calendar's UTC offset). */
export const monthOf = (instant: Date, cal: BusinessCalendar): string => localDateOf(instant, cal).slice(0, 7);

/** The month before / after `month` (any 'YYYY-MM': the month before 1970-01 is 1969-12, which has no cases). */
export function shiftMonth(month: string, by: number): string {
  if (!/^\d{4}-(?:0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`not a month: ${JSON.stringify(month)}`);
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The instants a month of the township begins and ends [from, to): its local midnights. */
export function monthBounds(month: string, cal: BusinessCalendar): { from: Date; to: Date } {
  return { from: startOfLocalDate(`${month}-01`, cal), to: startOfLocalDate(`${shiftMonth(month, 1)}-01`, cal) };
}

// ---- what a topic is ------------------------------------------------------------

/** A topic needs at least this many cases: one case is a case, two that say the same are a recurring issue. */
export const HOT_TOPIC_MIN_CASES = 2;
/** How many of a topic's keywords make its label. */
export const HOT_TOPIC_LABEL_TERMS = 3;

/** How a topic compares with the previous month: its cases then (same category, sharing its keywords). */
export const TRENDS = ['new', 'up', 'same', 'down'] as const;
export type Trend = (typeof TRENDS)[number];
export function trendOf(count: number, previous: number): Trend {
  if (previous === 0) return 'new';
  return count > previous ? 'up' : count < previous ? 'down' : 'same';
}

/** A topic's id: its category and a digest of the keyword it grew from; opaque, a code (no text in URLs). */
export const TOPIC_ID_PATTERN = '^[a-z_]{1,40}\\.[0-9a-f]{12}$';

/** The problem codes of these operations (problem documents' `code`), worded by the console. */
export const HOT_TOPIC_PROBLEM_CODES = ['hot_topic_not_found', 'monthly_topic_taken', 'monthly_topic_changed'] as const;

// ---- shapes --------------------------------------------------------------------

const Enum = <T extends string>(values: readonly T[], description?: string) => Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {});
const Count = (description: string) => Type.Integer({ minimum: 0, description });
export const MonthSchema = (description = 'a month YYYY-MM, not after the current one') => Type.String({ pattern: MONTH_PATTERN, description });
export const TopicIdSchema = () => Type.String({ pattern: TOPIC_ID_PATTERN, maxLength: 60, description: 'a topic of that month (its `id` in listHotTopics)' });

export const HotTopicSchema = Type.Object(
  {
    id: Type.String({ description: 'stable within the month while the keyword it grew from leads it' }),
    category: CategorySchema,
    keywords: Type.Array(Type.String(), { minItems: 1, description: 'the words its cases share, most shared first; the first few are its label' }),
    caseCount: Count('cases of the month in this topic (within what you may see)'),
    householdCount: Count('distinct households among them'),
    villageCount: Count('distinct villages and communities among them'),
    villages: Type.Array(Type.Object({ code: Type.String(), cases: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }), { description: 'every village of its cases, most cases first' }),
    previousCount: Count("the previous month's cases of the same category sharing its keywords"),
    trend: Enum(TRENDS, 'new: none the previous month; up, same or down against it'),
    takenUp: Type.Boolean({ description: "whether it is the month's topic (每月一题) as taken up" }),
  },
  { $id: 'HotTopic', additionalProperties: false },
);
export type HotTopic = Static<typeof HotTopicSchema>;

export const HotTopicCaseSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trackingCode: Type.String(),
    status: Enum(Object.values(CaseStatus)),
    category: CategorySchema,
    title: Type.String(),
    villageCode: Type.Union([Type.String(), Type.Null()]),
    openedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'HotTopicCase', additionalProperties: false },
);
export type HotTopicCase = Static<typeof HotTopicCaseSchema>;

const Person = Type.Object(
  { username: Type.String(), name: Type.String(), role: Type.String({ description: 'the role at the time' }) },
  { additionalProperties: false },
);

/** One decision: the topic taken up for a month (a revision; the newest is the month's topic). */
export const MonthlyTopicSchema = Type.Object(
  {
    month: Type.String(),
    revision: Type.Integer({ minimum: 1, description: '1 when first taken up; each change adds one' }),
    current: Type.Boolean({ description: "whether this is the month's topic now (the newest revision)" }),
    topicId: Type.String(),
    category: CategorySchema,
    keywords: Type.Array(Type.String()),
    villages: Type.Array(Type.String(), { description: 'village codes of its cases when taken up, most cases first' }),
    caseCount: Count('its cases when taken up'),
    householdCount: Count('households among them'),
    note: Type.String({ description: 'what the township means to do about it' }),
    reason: Type.Union([Type.String(), Type.Null()], { description: 'why the month\'s topic was changed to this one; null for the first' }),
    takenBy: Person,
    takenAt: Type.String({ format: 'date-time' }),
    revisions: Type.Integer({ minimum: 1, description: 'revisions the month has in all' }),
  },
  { $id: 'MonthlyTopic', additionalProperties: false },
);
export type MonthlyTopic = Static<typeof MonthlyTopicSchema>;

export const TakeUpBodySchema = Type.Object(
  {
    month: MonthSchema(),
    topicId: TopicIdSchema(),
    note: Text({ minLength: 1, maxLength: 1000, description: 'what the township means to do about it' }),
    reason: Type.Optional(Text({ minLength: 1, maxLength: 500, description: 'required when the month already has a topic: why it is changed (kept in its history)' })),
    replacesRevision: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: "the month's current revision you are changing (as you saw it): another change since then is a 409" })),
  },
  { additionalProperties: false },
);
export type TakeUpBody = Static<typeof TakeUpBodySchema>;

export type { CaseCategory };
