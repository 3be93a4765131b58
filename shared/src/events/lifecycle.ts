/**
 * Lifecycle events of the case workflow: one CloudEvents type per move, each
 * with its own versioned schema. Every lifecycle event carries the same base
 * (where the case stands after the move, who moved it, when), so the reporting
 * service can compute every figure from the stream alone and explain it case by
 * case; move-specific fields come on top. No personal data.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { FourHelpSchema, FOUR_HELPS } from '../domain/four-helps';
import { CategorySchema, PrioritySchema, SATISFACTIONS, StatusSchema } from '../domain/case';
import { ACTIVITY_EVENT_FIELDS, ACTIVITY_KINDS, fieldSchema, kindRule, roleOfKind, WORK_ACTIVITY_EVENT, WORK_ROLES } from '../domain/work-kinds';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
const Code = Type.String({ minLength: 1, maxLength: 64 });

export const ActorSchema = Type.Object(
  { code: Code, role: Type.String({ minLength: 1, maxLength: 32 }) },
  { additionalProperties: false },
);

/** Fields every lifecycle event has. */
export const LifecycleBase = {
  caseId: Type.String({ format: 'uuid' }),
  /** position of this move in the case's history (1 = opened) */
  seq: Type.Integer({ minimum: 1 }),
  at: Type.String({ format: 'date-time' }),
  actor: Nullable(ActorSchema),
  status: StatusSchema,
  category: CategorySchema,
  priority: PrioritySchema,
  assigneeCode: Nullable(Code),
  departmentCode: Nullable(Code),
  areaCode: Nullable(Code),
  villageCode: Nullable(Code),
  escalationLevel: Type.Integer({ minimum: 0, maximum: 3 }),
  slaPolicyVersion: Type.String(),
};

const event = <E extends Record<string, TSchema> = Record<never, never>>(extra: E = {} as E) => Type.Object({ ...LifecycleBase, ...extra }, { additionalProperties: false });
const Phase = Type.Union([Type.Literal('sign_for'), Type.Literal('resolve'), Type.Literal('follow_up')]);
const Satisfaction = Type.Union(SATISFACTIONS.map((v) => Type.Literal(v)));

export const LIFECYCLE_SCHEMAS = {
  'org.minqing.case.routed.v1': event({
    rule: Type.String(),
    reason: Type.String(),
    dueAt: Nullable(Type.String({ format: 'date-time' })),
  }),
  'org.minqing.case.accepted.v1': event({ dueAt: Nullable(Type.String({ format: 'date-time' })), onTime: Type.Boolean(), businessMinutesToAccept: Type.Integer({ minimum: 0 }) }),
  'org.minqing.case.returned.v1': event({ reasonCode: Type.String(), note: Type.String(), returnsCount: Type.Integer({ minimum: 1 }) }),
  'org.minqing.case.return_reviewed.v1': event({ decision: Type.String(), note: Type.String() }),
  'org.minqing.case.reassigned.v1': event({ fromAssigneeCode: Nullable(Code), note: Type.String() }),
  'org.minqing.case.work_started.v1': event(),
  'org.minqing.case.waiting_on_resident.v1': event({ note: Type.String() }),
  'org.minqing.case.resumed.v1': event({ note: Type.String(), pausedBusinessMinutes: Type.Integer({ minimum: 0 }) }),
  'org.minqing.case.forwarded_upstream.v1': event({ authority: Type.String(), note: Type.String() }),
  'org.minqing.case.upstream_answered.v1': event({ outcome: Type.String(), note: Type.String(), pausedBusinessMinutes: Type.Integer({ minimum: 0 }) }),
  'org.minqing.case.resolved.v1': event({
    dueAt: Nullable(Type.String({ format: 'date-time' })),
    onTime: Type.Boolean(),
    businessMinutesToResolve: Type.Integer({ minimum: 0 }),
    reopenCount: Type.Integer({ minimum: 0 }),
  }),
  'org.minqing.case.follow_up_recorded.v1': event({ satisfaction: Satisfaction, method: Type.String(), onTime: Type.Boolean() }),
  'org.minqing.case.reopened.v1': event({ reason: Type.String(), reopenCount: Type.Integer({ minimum: 1 }) }),
  'org.minqing.case.merged.v1': event({ intoCaseId: Type.String({ format: 'uuid' }), note: Type.String() }),
  'org.minqing.case.withdrawn.v1': event({ reason: Type.String() }),
  'org.minqing.case.rejected.v1': event({ reasonCode: Type.String(), note: Type.String() }),
  'org.minqing.case.closed.v1': event({ satisfaction: Nullable(Satisfaction) }),
  'org.minqing.case.reminder_sent.v1': event({ phase: Phase, fraction: Type.Number(), dueAt: Type.String({ format: 'date-time' }), notifiedCode: Nullable(Code) }),
  'org.minqing.case.escalated.v1': event({ phase: Phase, level: Type.Integer({ minimum: 1, maximum: 3 }), escalatedToCode: Nullable(Code), dueAt: Type.String({ format: 'date-time' }) }),
  'org.minqing.case.extension_requested.v1': event({ phase: Phase, minutes: Type.Integer({ minimum: 1 }), reason: Type.String(), deciderCode: Nullable(Code) }),
  'org.minqing.case.extension_decided.v1': event({ phase: Phase, approved: Type.Boolean(), minutes: Type.Integer({ minimum: 0 }), note: Type.String(), dueAt: Nullable(Type.String({ format: 'date-time' })) }),
  'org.minqing.case.supervised.v1': event({ note: Type.String() }),
} as const;

export type LifecycleEventType = keyof typeof LIFECYCLE_SCHEMAS;

/** Cadres' work records (履职). Keyed by the cadre (partitionkey), subject = the record id. */
const WorkBase = {
  recordId: Type.String({ format: 'uuid' }),
  cadreCode: Code,
  departmentCode: Nullable(Code),
  villageCode: Nullable(Code),
  /** the local date the work was done */
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  role: Nullable(Type.String({ maxLength: 32 })),
  recordedAt: Type.String({ format: 'date-time' }),
  /** 四帮四促 tags of the record (absent: none, and in events from before them) */
  helps: Type.Optional(Type.Array(FourHelpSchema, { uniqueItems: true, maxItems: FOUR_HELPS.length, description: '四帮四促 tags; absent = none' })),
};
const HouseholdWork = {
  householdCode: Code,
  /** the household is linked to this cadre (干部联户) */
  linkedHousehold: Type.Boolean(),
  keyHousehold: Type.Boolean(),
  caseId: Nullable(Type.String({ format: 'uuid' })),
};

/**
 * The work of the six roles (work-kinds.ts) beyond the three kinds above: one
 * type for every such kind, one flat shape naming its `kind` and `role`, with
 * every field any of these kinds has — codes and numbers only (free text such
 * as the place stays with the record) — null where the kind has none or the
 * cadre left an optional one out. Which kind has which role and needs which
 * field is said too, per kind (`allOf` of `if kind … then …`, from the table),
 * for consumers that validate with a full JSON Schema validator.
 */
const ACTIVITY_FIELDS = ACTIVITY_EVENT_FIELDS;
const takesHousehold = (k: (typeof ACTIVITY_KINDS)[number]) => kindRule(k).fields.householdCode !== undefined;
const NOT_NULL = { not: { type: 'null' } };
const ActivityLogged = Type.Object(
  {
    ...WorkBase,
    kind: Type.Union(ACTIVITY_KINDS.map((k) => Type.Literal(k))),
    role: Type.Union(WORK_ROLES.map((r) => Type.Literal(r))),
    /** the household is linked to this cadre (干部联户) / a key household; null for a kind without a household */
    linkedHousehold: Nullable(Type.Boolean()),
    keyHousehold: Nullable(Type.Boolean()),
    ...Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, Nullable(fieldSchema(f))])),
  },
  {
    additionalProperties: false,
    allOf: ACTIVITY_KINDS.map((k) => ({
      if: { properties: { kind: { const: k } }, required: ['kind'] },
      then: {
        properties: {
          role: { const: roleOfKind(k) },
          ...Object.fromEntries(ACTIVITY_FIELDS.map((f) => [f, !kindRule(k).fields[f] ? { type: 'null' } : kindRule(k).fields[f] === 'required' ? NOT_NULL : {}])),
          ...(takesHousehold(k) ? { linkedHousehold: NOT_NULL, keyHousehold: NOT_NULL } : { linkedHousehold: { type: 'null' }, keyHousehold: { type: 'null' } }),
          // the record's village: the one named, or its household's
          ...(kindRule(k).fields.villageCode === 'required' || kindRule(k).fields.householdCode === 'required' ? { villageCode: NOT_NULL } : {}),
        },
      },
    })),
  },
);

export const WORK_SCHEMAS = {
  'org.minqing.work.visit_logged.v1': Type.Object({ ...WorkBase, ...HouseholdWork }, { additionalProperties: false }),
  'org.minqing.work.diary_entry_added.v1': Type.Object({ ...WorkBase }, { additionalProperties: false }),
  'org.minqing.work.household_file_updated.v1': Type.Object({ ...WorkBase, ...HouseholdWork }, { additionalProperties: false }),
  [WORK_ACTIVITY_EVENT]: ActivityLogged,
} as const;
export type WorkEventType = keyof typeof WORK_SCHEMAS;
