/**
 * Plans (domain/plans.ts): one event per revision of a plan item — created,
 * its terms edited, a progress note or a status change — carrying the item as
 * it stands after the revision (and the status before), so the reporting
 * projection keeps each item's latest state by `revision` whatever order the
 * events arrive in. Keyed by the plan (partitionkey `plan:<plan id>`, subject =
 * the item id). Codes, dates and statuses only: the item's title and the notes
 * stay with the plan in the case API.
 */
import { Type } from '@sinclair/typebox';
import { PLAN_ITEM_CHANGES, PLAN_ITEM_STATUSES, PLAN_KINDS } from '../domain/plans';

const Code = Type.String({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Status = Type.Union(PLAN_ITEM_STATUSES.map((s) => Type.Literal(s)));

export const PLAN_ITEM_CHANGED_EVENT = 'org.minqing.plan.item_changed.v1';

export const PLAN_SCHEMAS = {
  [PLAN_ITEM_CHANGED_EVENT]: Type.Object(
    {
      planId: Type.String({ format: 'uuid' }),
      planKind: Type.Union(PLAN_KINDS.map((k) => Type.Literal(k))),
      year: Type.Integer({ minimum: 2000, maximum: 2100 }),
      /** the area of an area plan (null for a department plan) */
      areaCode: Nullable(Code),
      /** the department of a department plan (null for an area plan) */
      departmentCode: Nullable(Code),
      itemId: Type.String({ format: 'uuid' }),
      revision: Type.Integer({ minimum: 1 }),
      change: Type.Union(PLAN_ITEM_CHANGES.map((c) => Type.Literal(c))),
      status: Status,
      previousStatus: Type.Union([Status, Type.Null()]),
      ownerCode: Code,
      /** the owner's department at the time (their duty line) */
      ownerDepartmentCode: Nullable(Code),
      dueDate: LocalDate,
      /** the local date the item was marked done; null unless done */
      doneOn: Type.Union([LocalDate, Type.Null()]),
      villageCodes: Type.Array(Code, { maxItems: 50 }),
      /** the roster cadre who made the change (null: an account outside the roster, e.g. an administrator) */
      actorCode: Nullable(Code),
      at: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
} as const;
export type PlanEventType = keyof typeof PLAN_SCHEMAS;
