/**
 * The six roles (六个角色) of the township plan and the kinds of work a cadre
 * records in each: ONE table. Everything about a kind of work record is derived
 * from it — the API's request body and its per-kind checks, the event each kind
 * publishes and that event's JSON Schema, the reporting projection's role of a
 * record, the duty figures by role and kind and the grassroots-days rule, the
 * console's form (kinds grouped by role, then only that kind's fields) and its
 * labels. Adding a kind means adding a row here and its labels in the
 * console's two languages (web/src/i18n), nothing else.
 *
 * The plan names five roles and its text breaks off at the sixth (六要当好"…);
 * the sixth here is 调解员 (mediator), the one its own structure implies: the
 * fourth of its "four helps" (四帮四促) is 帮助化解矛盾纠纷，促进和谐安定, and no
 * other role carries it.
 *
 * The grassroots-days rule (每周下基层不少于3天) is counted from the dates of the
 * records cadres make anyway — a day is at the grassroots when it has at least
 * one record of a kind done there (`grassroots: true`) — never from location
 * tracking. Pure: no I/O (the console and the workflow bundle import it).
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { Code, Text } from './text';
import { FourHelpsSchema, type FourHelp } from './four-helps';

/** The six roles, in the plan's order. */
export const WORK_ROLES = ['investigator', 'publicist', 'guide', 'service_attendant', 'civility_officer', 'mediator'] as const;
export type WorkRole = (typeof WORK_ROLES)[number];

/** The holidays of the plan's care visits to poor and vulnerable households (七一、元旦、春节). */
export const HOLIDAYS = ['july_first', 'new_year', 'spring_festival'] as const;
/** What a survey (调查) establishes: the population base, living conditions, development intentions, service needs. */
export const SURVEY_TOPICS = ['population', 'living_conditions', 'development_intentions', 'service_needs'] as const;
/** What development guidance (指导) is about: projects, a local industry, the collective economy, moving into work. */
export const GUIDANCE_FOCUSES = ['projects', 'industry', 'collective_economy', 'employment'] as const;
/** How a mediation (调解) ended for now. */
export const MEDIATION_OUTCOMES = ['settled', 'continuing', 'referred'] as const;

/**
 * The fields a kind may carry beyond kind, date and note. `inEvent: false`:
 * free text, kept in the case-worker's table and never put on an event (events
 * carry codes and numbers only, no personal data).
 */
export const WORK_FIELDS = {
  householdCode: { type: 'household', inEvent: true },
  villageCode: { type: 'village', inEvent: true },
  caseId: { type: 'case', inEvent: true },
  /** people reached: trainees, residents at a clean-up, households surveyed, parties to a dispute */
  participants: { type: 'count', max: 10_000, inEvent: true },
  /** leaflets or booklets handed out */
  copies: { type: 'count', max: 100_000, inEvent: true },
  durationMinutes: { type: 'count', max: 1_440, inEvent: true },
  place: { type: 'text', maxLength: 100, inEvent: false },
  materials: { type: 'text', maxLength: 200, inEvent: false },
  holiday: { type: 'choice', values: HOLIDAYS, inEvent: true },
  topic: { type: 'choice', values: SURVEY_TOPICS, inEvent: true },
  focus: { type: 'choice', values: GUIDANCE_FOCUSES, inEvent: true },
  outcome: { type: 'choice', values: MEDIATION_OUTCOMES, inEvent: true },
} as const;
export type WorkField = keyof typeof WORK_FIELDS;
export const WORK_FIELD_NAMES = Object.keys(WORK_FIELDS) as WorkField[];
/** Fields of the record's details (everything but the household, village and case, which have their own columns). */
export const DETAIL_FIELDS = WORK_FIELD_NAMES.filter((f) => f !== 'householdCode' && f !== 'villageCode' && f !== 'caseId');
export type DetailField = Exclude<WorkField, 'householdCode' | 'villageCode' | 'caseId'>;

export type Presence = 'required' | 'optional';

export interface WorkKindRule {
  role: WorkRole;
  /** done at the grassroots (in a village, a community or a household): its date counts as a day there */
  grassroots: boolean;
  /**
   * The kinds cadres logged before the roles were first-class keep their own
   * event types (consumers of those types keep working); every other kind is
   * published as one type, `org.minqing.work.activity_logged.v1`, with its
   * `kind` and `role`.
   */
  legacyEvent?: 'org.minqing.work.visit_logged.v1' | 'org.minqing.work.diary_entry_added.v1' | 'org.minqing.work.household_file_updated.v1';
  /** the fields it takes; a field not listed is refused */
  fields: Partial<Record<WorkField, Presence>>;
  /** the ISO weekday (1 = Monday … 7 = Sunday) the work is done on, when the plan fixes one */
  weekday?: number;
}

/** The table: kind → its role, whether it is grassroots work, its fields. In the order the console offers them. */
export const WORK_KIND_TABLE = {
  // 调查员: survey, build the public-condition files (民情档案)
  visit: { role: 'investigator', grassroots: true, legacyEvent: 'org.minqing.work.visit_logged.v1', fields: { householdCode: 'required', villageCode: 'optional', caseId: 'optional' } },
  survey: { role: 'investigator', grassroots: true, fields: { villageCode: 'required', topic: 'required', participants: 'required', durationMinutes: 'optional' } },
  household_file: { role: 'investigator', grassroots: true, legacyEvent: 'org.minqing.work.household_file_updated.v1', fields: { householdCode: 'required', villageCode: 'optional', caseId: 'optional' } },
  // the diary is written up, not done in the village: it does not make a day at the grassroots by itself
  diary: { role: 'investigator', grassroots: false, legacyEvent: 'org.minqing.work.diary_entry_added.v1', fields: { householdCode: 'optional', villageCode: 'optional', caseId: 'optional' } },
  // 宣传员: 集中培训、上门宣讲、发放资料
  training: { role: 'publicist', grassroots: true, fields: { villageCode: 'required', place: 'required', participants: 'required', durationMinutes: 'required' } },
  door_to_door: { role: 'publicist', grassroots: true, fields: { householdCode: 'required', durationMinutes: 'optional' } },
  leaflets: { role: 'publicist', grassroots: true, fields: { villageCode: 'required', materials: 'required', copies: 'required' } },
  // 指导员: projects, industries, the collective economy, employment
  development_guidance: { role: 'guide', grassroots: true, fields: { villageCode: 'required', focus: 'required', participants: 'optional', durationMinutes: 'optional' } },
  // 服务员: proxy service (代办), care visits on 七一, 元旦, 春节
  proxy_service: { role: 'service_attendant', grassroots: true, fields: { householdCode: 'required', caseId: 'optional' } },
  holiday_visit: { role: 'service_attendant', grassroots: true, fields: { householdCode: 'required', holiday: 'required' } },
  // 文明员: persuasion against littering and dumping; the Friday clean-up day (每周五环境卫生清扫日)
  civility_persuasion: { role: 'civility_officer', grassroots: true, fields: { villageCode: 'required', place: 'required', participants: 'optional' } },
  cleanup_day: { role: 'civility_officer', grassroots: true, weekday: 5, fields: { villageCode: 'required', place: 'required', participants: 'required', durationMinutes: 'optional' } },
  // 调解员: disputes mediated (帮助化解矛盾纠纷，促进和谐安定)
  mediation: { role: 'mediator', grassroots: true, fields: { villageCode: 'required', participants: 'required', outcome: 'required', caseId: 'optional' } },
} as const satisfies Record<string, WorkKindRule>;

export type WorkKind = keyof typeof WORK_KIND_TABLE;
export const WORK_KIND_NAMES = Object.keys(WORK_KIND_TABLE) as WorkKind[];
const TABLE: Record<WorkKind, WorkKindRule> = WORK_KIND_TABLE;

/** The event type every kind without a legacy type is published as. */
export const WORK_ACTIVITY_EVENT = 'org.minqing.work.activity_logged.v1';
/** Kinds published as WORK_ACTIVITY_EVENT. */
export const ACTIVITY_KINDS = WORK_KIND_NAMES.filter((k) => !TABLE[k].legacyEvent);

/**
 * The fields the activity event carries besides its base (whose village every
 * record has): every field an activity kind takes that may go on an event.
 */
export const ACTIVITY_EVENT_FIELDS = WORK_FIELD_NAMES.filter((f) => f !== 'villageCode' && WORK_FIELDS[f].inEvent && ACTIVITY_KINDS.some((k) => TABLE[k].fields[f]));

export const kindRule = (kind: WorkKind): WorkKindRule => TABLE[kind];
export const roleOfKind = (kind: WorkKind): WorkRole => TABLE[kind].role;
export const isWorkKind = (s: string): s is WorkKind => Object.hasOwn(WORK_KIND_TABLE, s);
/** The fields of a kind, in the table's field order. */
export const fieldsOfKind = (kind: WorkKind): [WorkField, Presence][] =>
  WORK_FIELD_NAMES.flatMap((f) => (TABLE[kind].fields[f] ? [[f, TABLE[kind].fields[f]!] as [WorkField, Presence]] : []));
/** Kinds whose date counts as a day at the grassroots. */
export const GRASSROOTS_KINDS = WORK_KIND_NAMES.filter((k) => TABLE[k].grassroots);
/** The kinds of each role, roles in the plan's order. */
export const KINDS_BY_ROLE: readonly { role: WorkRole; kinds: WorkKind[] }[] = WORK_ROLES.map((role) => ({ role, kinds: WORK_KIND_NAMES.filter((k) => TABLE[k].role === role) }));

/** The event type of a record of `kind`. */
export const eventTypeOfKind = (kind: WorkKind) => TABLE[kind].legacyEvent ?? WORK_ACTIVITY_EVENT;

const Enum = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** The JSON Schema of one field's value (in a request and, for `inEvent` fields, on an event). */
export function fieldSchema(field: WorkField): TSchema {
  const spec = WORK_FIELDS[field];
  switch (spec.type) {
    case 'household':
    case 'village':
      return Code();
    case 'case':
      return Type.String({ format: 'uuid' });
    case 'count':
      return Type.Integer({ minimum: 1, maximum: spec.max });
    case 'text':
      return Text({ minLength: 1, maxLength: spec.maxLength });
    case 'choice':
      return Enum(spec.values);
  }
}

export const WorkKindSchema = Enum(WORK_KIND_NAMES);
export const WorkRoleSchema = Enum(WORK_ROLES);

/**
 * The request body of logWorkRecord: every field of every kind, optional here;
 * which ones a kind takes or needs is `workRecordFieldErrors` (the same table).
 */
export const WorkRecordBodySchema = Type.Object(
  {
    kind: WorkKindSchema,
    date: Type.String({ format: 'date', description: 'local date the work was done' }),
    role: Type.Optional(Type.Union(WORK_ROLES.map((r) => Type.Literal(r)), { description: "the kind's role (六个角色); optional, as the kind decides it — when sent it must be the kind's" })),
    note: Text({ minLength: 1, maxLength: 5000 }),
    ...Object.fromEntries(WORK_FIELD_NAMES.map((f) => [f, Type.Optional(fieldSchema(f))])),
    helps: Type.Optional(FourHelpsSchema),
  },
  { additionalProperties: false },
);

/** A request body as the API reads it. */
export type WorkRecordBody = {
  kind: WorkKind;
  date: string;
  role?: WorkRole;
  note: string;
  householdCode?: string;
  villageCode?: string;
  caseId?: string;
  /** 四帮四促 tags (optional) */
  helps?: FourHelp[];
} & Partial<Record<DetailField, string | number>>;

/** A record's details: the values of its kind's detail fields that were given. */
export type WorkDetails = Partial<Record<DetailField, string | number>>;

/** A field wrong for the record's kind: the problem document's field error (code and params for the console to word it). */
export interface WorkFieldError {
  field: string;
  message: string;
  code: 'required' | 'unknown_property' | 'not_allowed' | 'wrong_weekday';
  params: Record<string, string | number>;
}

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** ISO weekday of a 'YYYY-MM-DD' (1 = Monday … 7 = Sunday). */
export function isoWeekday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * What is wrong with a body for its kind, by the table: a required field
 * missing, a field the kind does not take, a role that is not the kind's, a
 * date on another weekday than the kind's. Empty when it is right. (The
 * schema has already checked each value's type and bounds.)
 */
export function workRecordFieldErrors(body: Record<string, unknown> & { kind: WorkKind; date?: string }): WorkFieldError[] {
  const rule = TABLE[body.kind];
  const errors: WorkFieldError[] = [];
  for (const f of WORK_FIELD_NAMES) {
    const presence = rule.fields[f];
    const given = body[f] !== undefined && body[f] !== null && body[f] !== '';
    if (presence === 'required' && !given) errors.push({ field: f, message: `is required for ${body.kind}`, code: 'required', params: { kind: body.kind } });
    if (!presence && given) errors.push({ field: f, message: `is not a field of ${body.kind}`, code: 'unknown_property', params: { kind: body.kind } });
  }
  if (body.role !== undefined && body.role !== rule.role) {
    errors.push({ field: 'role', message: `must be ${rule.role}, the role of ${body.kind}`, code: 'not_allowed', params: { role: rule.role } });
  }
  if (rule.weekday && typeof body.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(body.date) && isoWeekday(body.date) !== rule.weekday) {
    errors.push({ field: 'date', message: `must be a ${WEEKDAY_NAMES[rule.weekday]} for ${body.kind}`, code: 'wrong_weekday', params: { weekday: rule.weekday } });
  }
  return errors;
}

/** The details of a body: its kind's detail fields that were given (nothing else). */
export function detailsOf(body: Record<string, unknown> & { kind: WorkKind }): WorkDetails {
  const out: WorkDetails = {};
  for (const f of DETAIL_FIELDS) {
    const v = body[f];
    if (TABLE[body.kind].fields[f] && (typeof v === 'string' || typeof v === 'number')) out[f as DetailField] = v;
  }
  return out;
}

// ---- the grassroots-days rule --------------------------------------------

/** 每周下基层不少于3天: days at the grassroots a cadre needs in each ISO week. */
export const GRASSROOTS_DAYS_PER_WEEK = 3;

const DAY_MS = 86_400_000;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

export interface IsoWeek {
  /** 'YYYY-Www' */
  week: string;
  /** its Monday */
  first: string;
  /** its Sunday */
  last: string;
}

/** The ISO week a date falls in (the week belongs to the year of its Thursday). */
export function isoWeekOf(date: string): IsoWeek {
  const ms = msOf(date);
  const monday = ms - (isoWeekday(date) - 1) * DAY_MS;
  const thursday = monday + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const n = Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return { week: `${year}-W${String(n).padStart(2, '0')}`, first: isoDate(monday), last: isoDate(monday + 6 * DAY_MS) };
}

/**
 * The weeks the rule is judged on for the dates first..last: every ISO week
 * whose Thursday falls in them — ISO 8601's own rule for which year a week
 * belongs to, applied to months and quarters — so each week is judged once,
 * whole, in exactly one month. A period too short to hold a Thursday (a day)
 * is judged on the week it falls in.
 */
export function ruleWeeks(first: string, last: string): IsoWeek[] {
  const weeks: IsoWeek[] = [];
  for (let w = isoWeekOf(first); msOf(w.first) <= msOf(last); w = isoWeekOf(isoDate(msOf(w.first) + 7 * DAY_MS))) {
    const thursday = isoDate(msOf(w.first) + 3 * DAY_MS);
    if (thursday >= first && thursday <= last) weeks.push(w);
  }
  return weeks.length ? weeks : [isoWeekOf(first)];
}

export const WEEK_STATUSES = ['met', 'missed', 'open'] as const;
export type WeekStatus = (typeof WEEK_STATUSES)[number];

/**
 * A week meets the rule with GRASSROOTS_DAYS_PER_WEEK days at the grassroots;
 * it misses it once it has ended (its Sunday is before `today`) with fewer;
 * until then it is open.
 */
export function weekStatus(days: number, week: IsoWeek, today: string): WeekStatus {
  if (days >= GRASSROOTS_DAYS_PER_WEEK) return 'met';
  return week.last < today ? 'missed' : 'open';
}

/** Days at the grassroots in each of `weeks`, from the dates of a cadre's records (kind and date). */
export function grassrootsDaysByWeek(records: readonly { kind: WorkKind; date: string }[], weeks: readonly IsoWeek[]): number[] {
  return weeks.map((w) => new Set(records.filter((r) => TABLE[r.kind].grassroots && r.date >= w.first && r.date <= w.last).map((r) => r.date)).size);
}
