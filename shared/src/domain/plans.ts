/**
 * Plans (issue 13): each area leader's 片区 work plan (领导联片: "制定长远发展规划和
 * 阶段性工作目标") and each department's annual service plan (部门联村: "制定年度服务
 * 计划"), their items with owners and due dates, tracked to done. ONE module for
 * the kinds and statuses, which moves an item may make, who may read and change
 * what, and the shapes the case API takes and answers; the case API, the
 * reporting projection, the console and the tests take them from here. Pure: no
 * I/O, no Node built-ins (the console imports it).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TOWNSHIP_WIDE_ROLES, STAFF_ROLES, type Principal, type StaffRole } from './access';
import { Code, REVISION_MAX, Text } from './text';

/** area: one per area per year, the area leader's; department: one per department per year, the department head's. */
export const PLAN_KINDS = ['area', 'department'] as const;
export type PlanKind = (typeof PLAN_KINDS)[number];

/** An item's status. `dropped` needs a reason; `done` and `dropped` are final unless reopened (back to in_progress). */
export const PLAN_ITEM_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type PlanItemStatus = (typeof PLAN_ITEM_STATUSES)[number];
/** Statuses of items still to be done (overdue once their due date has passed). */
export const OPEN_PLAN_ITEM_STATUSES: readonly PlanItemStatus[] = ['planned', 'in_progress'];

/** The moves between statuses: from → the statuses it may go to. Reopening a done or dropped item goes back to in_progress. */
export const PLAN_ITEM_MOVES: Readonly<Record<PlanItemStatus, readonly PlanItemStatus[]>> = {
  planned: ['in_progress', 'done', 'dropped'],
  in_progress: ['planned', 'done', 'dropped'],
  done: ['in_progress'],
  dropped: ['in_progress'],
};
export const mayMove = (from: PlanItemStatus, to: PlanItemStatus): boolean => from === to || PLAN_ITEM_MOVES[from].includes(to);

/** What one revision of an item was: its creation, an edit of its terms, a progress note or status change. */
export const PLAN_ITEM_CHANGES = ['created', 'edited', 'progress'] as const;
export type PlanItemChange = (typeof PLAN_ITEM_CHANGES)[number];

/** The years a plan may be for. */
export const PLAN_YEAR_MIN = 2000;
export const PLAN_YEAR_MAX = 2100;

/**
 * Who may use which operation (at the front door; the plan's own rule below
 * decides the rest). Every staff role may list and read plans — each sees the
 * plans its scope allows (planReadable) —; creating and editing is for those who
 * own a plan (area leaders, department heads) and administrators, who act for
 * them; progress is for every role that may own an item (any roster cadre) and
 * the plan's owners; the figures are the managers' and the assessment group's.
 */
export const PLAN_OPERATIONS = {
  listPlans: STAFF_ROLES,
  getPlan: STAFF_ROLES,
  listPlanItems: STAFF_ROLES,
  planItemHistory: STAFF_ROLES,
  createPlan: ['department_head', 'area_leader', 'admin'],
  addPlanItem: ['department_head', 'area_leader', 'admin'],
  updatePlanItem: ['department_head', 'area_leader', 'admin'],
  recordPlanProgress: ['cadre', 'hall_staff', 'department_head', 'area_leader', 'township_leader', 'admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type PlanOperation = keyof typeof PLAN_OPERATIONS;

/** What about a plan decides who reads and edits it. */
export interface PlanScopeFacts {
  kind: PlanKind;
  areaCode: string | null;
  departmentCode: string | null;
}

type Who = Pick<Principal, 'role' | 'cadreCode' | 'departmentCode' | 'areaCodes'>;

/**
 * Who edits a plan (its items' terms): the area leader of its area for an area
 * plan, the head of its department for a department plan, and administrators
 * (who act for them). The township leadership and the assessment group read
 * every plan but edit none: the plan is its owner's commitment.
 */
export function planEditable(p: Who, plan: PlanScopeFacts): boolean {
  if (p.role === 'admin') return true;
  if (plan.kind === 'area') return p.role === 'area_leader' && plan.areaCode !== null && p.areaCodes.includes(plan.areaCode);
  return p.role === 'department_head' && plan.departmentCode !== null && p.departmentCode === plan.departmentCode;
}

/**
 * Who reads a plan: the township-wide roles (leadership, assessment group,
 * administrators) every plan; whoever edits it; a department's staff their
 * department's plan; an area leader the department plans that serve a village
 * of their area (`servesArea`); and anyone who owns one of its items.
 */
export function planReadable(p: Who, plan: PlanScopeFacts, facts: { ownsAnItem: boolean; servesLeadersArea: boolean }): boolean {
  if (TOWNSHIP_WIDE_ROLES.includes(p.role) || planEditable(p, plan) || facts.ownsAnItem) return true;
  if (plan.kind === 'department' && p.departmentCode !== null && p.departmentCode === plan.departmentCode) return true;
  return p.role === 'area_leader' && facts.servesLeadersArea;
}

/** Who records progress on an item: its owner, and whoever edits the plan. */
export const mayRecordProgress = (p: Who, plan: PlanScopeFacts, ownerCode: string): boolean =>
  (p.cadreCode !== null && p.cadreCode === ownerCode) || planEditable(p, plan);

/** The problem codes of these operations (problem documents' `code`), worded by the console. */
export const PLAN_PROBLEM_CODES = [
  'plan_exists', 'plan_item_changed', 'plan_move_not_allowed', 'plan_reason_required', 'plan_village_outside', 'plan_owner_unknown', 'plan_owner_outside_department', 'plan_scope_required',
] as const;
export type PlanProblemCode = (typeof PLAN_PROBLEM_CODES)[number];

// ---- shapes --------------------------------------------------------------------------

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const DateString = (description: string) => Type.String({ pattern: DATE_PATTERN, format: 'date', description });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);
const KindSchema = Type.Union(PLAN_KINDS.map((k) => Type.Literal(k)));
const StatusSchema = Type.Union(PLAN_ITEM_STATUSES.map((s) => Type.Literal(s)));
export const PlanYear = () => Type.Integer({ minimum: PLAN_YEAR_MIN, maximum: PLAN_YEAR_MAX, description: 'the plan year' });
export const PLAN_TITLE_MAX = 200;
export const PLAN_NOTE_MAX = 1000;

/** How many of a plan's items stand where; `overdue`: still open with the due date passed (the township's today). */
export const PlanCountsSchema = Type.Object(
  {
    total: Type.Integer(),
    planned: Type.Integer(),
    inProgress: Type.Integer(),
    done: Type.Integer(),
    dropped: Type.Integer(),
    overdue: Type.Integer(),
    doneLate: Type.Integer({ description: 'done after the due date' }),
  },
  { $id: 'PlanCounts', additionalProperties: false },
);
export type PlanCounts = Static<typeof PlanCountsSchema>;

export const PlanSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    kind: KindSchema,
    year: Type.Integer(),
    areaCode: Nullable(Type.String()),
    departmentCode: Nullable(Type.String()),
    /** the area's or the department's name */
    ownerName: Type.String(),
    title: Type.String(),
    /** the villages the plan covers: the area's, or those the department links (部门联村) */
    villageCodes: Type.Array(Type.String()),
    counts: Type.Ref(PlanCountsSchema),
    /** whether the signed-in user may add and edit items */
    editable: Type.Boolean(),
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Plan', additionalProperties: false },
);
export type Plan = Static<typeof PlanSchema>;

export const PlanItemSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    planId: Type.String({ format: 'uuid' }),
    title: Type.String(),
    villageCodes: Type.Array(Type.String()),
    ownerCode: Type.String(),
    ownerName: Type.String(),
    dueDate: Type.String({ format: 'date' }),
    status: StatusSchema,
    /** the local date it was marked done (null unless done) */
    doneOn: Nullable(Type.String({ format: 'date' })),
    dropReason: Nullable(Type.String()),
    /** open with the due date passed */
    overdue: Type.Boolean(),
    /** the latest progress note */
    lastNote: Nullable(Type.String()),
    revision: Type.Integer({ minimum: 1 }),
    updatedAt: Type.String({ format: 'date-time' }),
    /** whether the signed-in user may record progress / edit its terms */
    mayProgress: Type.Boolean(),
    mayEdit: Type.Boolean(),
  },
  { $id: 'PlanItem', additionalProperties: false },
);
export type PlanItem = Static<typeof PlanItemSchema>;

/** One revision of an item: who changed what, when. */
export const PlanItemRevisionSchema = Type.Object(
  {
    revision: Type.Integer({ minimum: 1 }),
    change: Type.Union(PLAN_ITEM_CHANGES.map((c) => Type.Literal(c))),
    status: StatusSchema,
    previousStatus: Type.Union([StatusSchema, Type.Null()]),
    title: Type.String(),
    ownerCode: Type.String(),
    dueDate: Type.String({ format: 'date' }),
    villageCodes: Type.Array(Type.String()),
    note: Nullable(Type.String()),
    by: Type.Object({ username: Type.String(), name: Type.String(), role: Type.String() }, { additionalProperties: false }),
    at: Type.String({ format: 'date-time' }),
  },
  { $id: 'PlanItemRevision', additionalProperties: false },
);
export type PlanItemRevision = Static<typeof PlanItemRevisionSchema>;

export const CreatePlanBodySchema = Type.Object(
  {
    kind: KindSchema,
    year: PlanYear(),
    areaCode: Type.Optional(Code({ description: 'the area (an area plan)' })),
    departmentCode: Type.Optional(Code({ description: 'the department (a department plan)' })),
    title: Type.Optional(Text({ minLength: 1, maxLength: PLAN_TITLE_MAX })),
  },
  { additionalProperties: false },
);
export type CreatePlanBody = Static<typeof CreatePlanBodySchema>;

const ItemTerms = {
  title: Text({ minLength: 1, maxLength: PLAN_TITLE_MAX }),
  villageCodes: Type.Array(Code(), { maxItems: 50, uniqueItems: true, description: "villages of the plan's the item concerns (may be none: the whole area / all the department's villages)" }),
  ownerCode: Code({ description: 'the cadre who answers for the item' }),
  dueDate: DateString('the local date it is due'),
};

export const AddPlanItemBodySchema = Type.Object({ ...ItemTerms, note: Type.Optional(Text({ maxLength: PLAN_NOTE_MAX })) }, { additionalProperties: false });
export type AddPlanItemBody = Static<typeof AddPlanItemBodySchema>;

export const UpdatePlanItemBodySchema = Type.Object(
  {
    baseRevision: Type.Integer({ minimum: 1, maximum: REVISION_MAX, description: 'the revision this edit starts from (409 plan_item_changed when it is not the current one)' }),
    title: Type.Optional(ItemTerms.title),
    villageCodes: Type.Optional(ItemTerms.villageCodes),
    ownerCode: Type.Optional(ItemTerms.ownerCode),
    dueDate: Type.Optional(ItemTerms.dueDate),
    note: Type.Optional(Text({ maxLength: PLAN_NOTE_MAX })),
  },
  { additionalProperties: false },
);
export type UpdatePlanItemBody = Static<typeof UpdatePlanItemBodySchema>;

export const PlanProgressBodySchema = Type.Object(
  {
    baseRevision: Type.Integer({ minimum: 1, maximum: REVISION_MAX, description: 'the revision this progress starts from (409 plan_item_changed when it is not the current one)' }),
    status: Type.Optional(StatusSchema),
    note: Type.Optional(Text({ maxLength: PLAN_NOTE_MAX, description: 'what was done; required to drop an item (the reason)' })),
  },
  { additionalProperties: false },
);
export type PlanProgressBody = Static<typeof PlanProgressBodySchema>;

/** The item's status on `today`: overdue when still open and its due date has passed. */
export const planItemOverdue = (item: { status: PlanItemStatus; dueDate: string }, today: string): boolean =>
  OPEN_PLAN_ITEM_STATUSES.includes(item.status) && item.dueDate < today;

/** Done on time: on or before the due date. */
export const doneOnTime = (item: { dueDate: string; doneOn: string | null }): boolean => item.doneOn !== null && item.doneOn <= item.dueDate;

// ---- figures (reporting) -----------------------------------------------------------

/** Per plan, the items due in a period: done on time, done late, overdue, still open, dropped. */
export const PlanFiguresRowSchema = Type.Object(
  {
    planId: Type.String({ format: 'uuid' }),
    kind: KindSchema,
    year: Type.Integer(),
    areaCode: Nullable(Type.String()),
    departmentCode: Nullable(Type.String()),
    due: Type.Integer({ description: 'items due in the period' }),
    doneOnTime: Type.Integer(),
    doneLate: Type.Integer(),
    overdue: Type.Integer({ description: 'open, due date passed' }),
    open: Type.Integer({ description: 'open, not yet due' }),
    dropped: Type.Integer(),
    completionRate: Type.Union([Type.Number(), Type.Null()], { description: '(doneOnTime + doneLate) / (due − dropped); null when none count' }),
  },
  { additionalProperties: false },
);
export type PlanFiguresRow = Static<typeof PlanFiguresRowSchema>;

export const PlanFiguresQuery = Type.Object(
  {
    from: DateString('first local date (items due from)'),
    to: DateString('last local date (items due until), inclusive'),
    kind: Type.Optional(KindSchema),
  },
  { additionalProperties: false },
);
export type PlanFiguresQuery = Static<typeof PlanFiguresQuery>;

export const PlanFiguresResponse = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    today: Type.String({ description: "the township's local date the overdue items are judged on" }),
    items: Type.Array(PlanFiguresRowSchema),
  },
  { additionalProperties: false },
);
export type PlanFiguresResponse = Static<typeof PlanFiguresResponse>;

/** completionRate of a figures row. */
export function completionRate(r: { due: number; doneOnTime: number; doneLate: number; dropped: number }): number | null {
  const counted = r.due - r.dropped;
  return counted > 0 ? Math.round(((r.doneOnTime + r.doneLate) / counted) * 1000) / 1000 : null;
}

// ---- the hand-over to the case worker ---------------------------------------------------

/** The data of `org.minqing.plan.item_changed.v1` (events/plans.ts has its schema). */
export interface PlanItemEventData {
  planId: string;
  planKind: PlanKind;
  year: number;
  areaCode: string | null;
  departmentCode: string | null;
  itemId: string;
  revision: number;
  change: PlanItemChange;
  status: PlanItemStatus;
  previousStatus: PlanItemStatus | null;
  ownerCode: string;
  ownerDepartmentCode: string | null;
  dueDate: string;
  doneOn: string | null;
  villageCodes: string[];
  actorCode: string | null;
  at: string;
}

/** What planItemWorkflow carries: the event's id (stable per item and revision) and its data. */
export interface PlanItemEventInput {
  eventId: string;
  data: PlanItemEventData;
}

/** One workflow per item revision: a retried start is the same workflow. */
export const planItemWorkflowId = (itemId: string, revision: number): string => `plan-item:${itemId}:r${revision}`;

/** A cadre's plan items in their duty line (履职, "feeding the duty figures where the plan says so"): the items they own. */
export const PlanDutySchema = Type.Object(
  {
    due: Type.Integer({ description: 'items they own due in the period (not dropped)' }),
    doneOnTime: Type.Integer({ description: 'of those, done by the due date' }),
    doneLate: Type.Integer({ description: 'of those, done after it' }),
    overdue: Type.Integer({ description: 'of those, still open with the due date passed' }),
    done: Type.Integer({ description: 'items they own marked done in the period, whenever due' }),
  },
  { additionalProperties: false, description: 'plans (片区工作计划, 年度服务计划): the items the cadre owns (issue 13)' },
);
export type PlanDuty = Static<typeof PlanDutySchema>;
export const NO_PLAN_DUTY: PlanDuty = { due: 0, doneOnTime: 0, doneLate: 0, overdue: 0, done: 0 };
