/**
 * How each event of the catalogue changes the reporting schema: one fold per
 * CloudEvents type, over that type's own data. The table is keyed by every
 * `EventType`, so a type added to the catalogue without a decision here does
 * not compile. Every lifecycle event first records where the case stands
 * (guarded by seq, so a stale event never overwrites a newer state), then what
 * its own type adds, or explicitly nothing more.
 *
 * A chunk of events is applied set-based (ReportRepository.apply): the folds
 * run in memory over the rows of the chunk's cases as they stand (read once,
 * locked), each contributing to the batch of the table it writes, and
 * `writeFold` then writes every batch in one statement, inside the caller's
 * transaction. A case's events are folded in the order of their seq,
 * so events of one case arriving out of order within a chunk (a redelivery)
 * give what they give in order; in order, each fold does exactly what one SQL
 * statement per event used to do.
 */
import {
  CASE_HELPS_TAGGED_EVENT, CaseStatus, helpsText, INSPECTION_RECORDED_EVENT, PLAN_ITEM_CHANGED_EVENT, roleOfKind, SESSION_ATTENDANCE_EVENT, WORK_ACTIVITY_EVENT, WORK_KIND_NAMES, WORK_KINDS,
  type CloudEvent, type EventDataOf, type EventType, type LifecycleEventType, type PoolClient, type WorkEventType, type WorkKind,
} from '@minqing/shared';

/**
 * Every table the projection writes (ReportRepository.apply and the folds
 * below), in the order they can be created. The SQL names them unqualified: the
 * consumer's transaction sets the schema (`reporting`, or a rebuild's shadow
 * copy, see rebuild.ts), and a rebuild copies, fills and swaps exactly these.
 */
/**
 * The generation of this projection code. Raise it when a change needs the
 * events read again to fill what it adds (a new table or column filled from
 * events); at start the reporting service then rebuilds by itself into shadow
 * tables (Rebuilder.upgradeIfOutdated), the live figures answering meanwhile.
 * 2: every callback and resolution kept (callbacks, resolutions) for figures-2026.2.
 * 3: every work fact has its role (the six roles' work, issue 13).
 * 4: market-day attendance (attendance_facts), inspections (一听二看三查, inspection_facts) and the other issue-13 facts;
 *    四帮四促 tags on case_facts (helps, helps_revision) and work_facts (helps); plan item revisions (plan_facts).
 */
export const PROJECTION_GENERATION = 4;

export const PROJECTION_TABLES = ['processed_events', 'case_facts', 'escalations', 'work_facts', 'callbacks', 'resolutions', 'attendance_facts', 'inspection_facts', 'plan_facts'] as const;

/** PostgreSQL types of the columns a batch writes (the element type of the array each column travels in). */
type PgType = 'uuid' | 'text' | 'timestamptz' | 'date' | 'boolean' | 'integer' | 'bigint';
type Columns<R> = { readonly [K in keyof R]: PgType };

const names = <R>(spec: Columns<R>) => Object.keys(spec) as (keyof R & string)[];
/** `unnest($n::type[], …)`: the rows of `spec`'s columns, from one array parameter per column (`columnsOf`), numbered after `before`. */
const unnestOf = <R>(spec: Columns<R>, before: number) => `unnest(${names(spec).map((n, i) => `$${before + i + 1}::${spec[n]}[]`).join(', ')})`;

/** The rows as one array per column, in `spec`'s order (the parameters of `unnestOf(spec)`). */
export function columnsOf<R>(spec: Columns<R>, rows: readonly R[]): unknown[][] {
  return names(spec).map((k) => rows.map((r) => r[k] ?? null));
}

/** A case's row of case_facts: every column the projection writes (timestamps as ISO strings). */
export interface CaseFacts {
  case_id: string;
  tracking_code: string;
  category: string;
  priority: string;
  channel: string;
  service_point_code: string | null;
  village_code: string | null;
  opened_at: string;
  opened_event_id: string;
  status: string;
  assignee_code: string | null;
  department_code: string | null;
  area_code: string | null;
  routed_at: string | null;
  accepted_at: string | null;
  accepted_on_time: boolean | null;
  minutes_to_accept: number | null;
  resolved_at: string | null;
  resolved_on_time: boolean | null;
  minutes_to_resolve: number | null;
  followed_up_at: string | null;
  satisfaction: string | null;
  closed_at: string | null;
  returns: number;
  reopens: number;
  max_escalation_level: number;
  last_seq: number;
  /** 四帮四促 tags now (comma-joined codes in the plan's order, shared helpsText; null = none) and their revision (0 = never tagged) */
  helps: string | null;
  helps_revision: number;
}
export const CASE_FACTS: Columns<CaseFacts> = {
  case_id: 'uuid', tracking_code: 'text', category: 'text', priority: 'text', channel: 'text', service_point_code: 'text',
  village_code: 'text', opened_at: 'timestamptz', opened_event_id: 'uuid', status: 'text', assignee_code: 'text',
  department_code: 'text', area_code: 'text', routed_at: 'timestamptz', accepted_at: 'timestamptz', accepted_on_time: 'boolean',
  minutes_to_accept: 'integer', resolved_at: 'timestamptz', resolved_on_time: 'boolean', minutes_to_resolve: 'integer',
  followed_up_at: 'timestamptz', satisfaction: 'text', closed_at: 'timestamptz', returns: 'integer', reopens: 'integer',
  max_escalation_level: 'integer', last_seq: 'integer', helps: 'text', helps_revision: 'integer',
};

/** `(every column but the key) = ROW(u.…)`: an existing row of case_facts takes the values of the row `u`. */
const CASE_FACTS_SET = ((cols: string[]) => `(${cols.join(', ')}) = ROW(${cols.map((c) => 'u.' + c).join(', ')})`)(names(CASE_FACTS).filter((c) => c !== 'case_id'));

/** One row per escalation event. */
export interface EscalationRow { event_id: string; case_id: string; level: number; phase: string; at: string; department_code: string | null; area_code: string | null; assignee_code: string | null }
const ESCALATIONS: Columns<EscalationRow> = {
  event_id: 'uuid', case_id: 'uuid', level: 'integer', phase: 'text', at: 'timestamptz', department_code: 'text', area_code: 'text', assignee_code: 'text',
};
/** One row per work record (履职), with its kind and the kind's role (六个角色). */
export interface WorkRow {
  event_id: string; cadre_code: string; department_code: string | null; village_code: string | null; kind: string; role: string; work_date: string;
  household_code: string | null; linked_household: boolean | null; key_household: boolean | null;
  /** 四帮四促 tags (comma-joined codes, shared helpsText; null = none) */
  helps: string | null;
}
const WORK_FACTS: Columns<WorkRow> = {
  event_id: 'uuid', cadre_code: 'text', department_code: 'text', village_code: 'text', kind: 'text', role: 'text', work_date: 'date',
  household_code: 'text', linked_household: 'boolean', key_household: 'boolean', helps: 'text',
};
/** One row per market-day attendance event (双定 — 定时服务); the latest per session, date and cadre counts. */
export interface AttendanceRow {
  event_id: string; session_code: string; village_code: string; session_date: string; cadre_code: string; department_code: string | null;
  status: string; reason: string | null; recorded_by: string; on_behalf: boolean; recorded_at: string;
}
const ATTENDANCE_FACTS: Columns<AttendanceRow> = {
  event_id: 'uuid', session_code: 'text', village_code: 'text', session_date: 'date', cadre_code: 'text', department_code: 'text',
  status: 'text', reason: 'text', recorded_by: 'text', on_behalf: 'boolean', recorded_at: 'timestamptz',
};
/** One row per plan item revision (片区工作计划, 年度服务计划): the item as it stood after it; the latest revision per item counts. */
export interface PlanFactRow {
  event_id: string; plan_id: string; plan_kind: string; plan_year: number; area_code: string | null; department_code: string | null; item_id: string; revision: number;
  owner_code: string; owner_department_code: string | null; due_date: string; status: string; done_on: string | null; at: string;
}
const PLAN_FACTS: Columns<PlanFactRow> = {
  event_id: 'uuid', plan_id: 'uuid', plan_kind: 'text', plan_year: 'integer', area_code: 'text', department_code: 'text', item_id: 'uuid', revision: 'integer',
  owner_code: 'text', owner_department_code: 'text', due_date: 'date', status: 'text', done_on: 'date', at: 'timestamptz',
};
/** One row per inspection (一听二看三查) of a cadre by the assessment group. */
export interface InspectionRow {
  event_id: string; cadre_code: string; department_code: string | null; inspected_on: string; listen_score: number; look_score: number; check_score: number;
  score: number; grade: string; ledger_records: number; diary_entries: number; households_checked: number;
}
const INSPECTION_FACTS: Columns<InspectionRow> = {
  event_id: 'uuid', cadre_code: 'text', department_code: 'text', inspected_on: 'date', listen_score: 'integer', look_score: 'integer', check_score: 'integer',
  score: 'integer', grade: 'text', ledger_records: 'integer', diary_entries: 'integer', households_checked: 'integer',
};
/** One row per callback (回访) or per resolution, with whom the case was attributed to at that moment. */
interface AttributedRow { event_id: string; case_id: string; at: string; assignee_code: string | null; department_code: string | null; area_code: string | null; village_code: string | null }
export interface CallbackRow extends AttributedRow { satisfaction: string }
export interface ResolutionRow extends AttributedRow { on_time: boolean }
const ATTRIBUTED = { event_id: 'uuid', case_id: 'uuid', at: 'timestamptz', assignee_code: 'text', department_code: 'text', area_code: 'text', village_code: 'text' } as const;
const CALLBACKS: Columns<CallbackRow> = { ...ATTRIBUTED, satisfaction: 'text' };
const RESOLUTIONS: Columns<ResolutionRow> = { ...ATTRIBUTED, on_time: 'boolean' };

/** A uuid as PostgreSQL prints it (the key of a case in a fold). */
const key = (uuid: string) => uuid.toLowerCase();

/**
 * What a chunk's events make of the projection, in memory: the case_facts rows
 * of its cases (as they stood before the chunk, then as each fold leaves them)
 * and the rows each table gains.
 */
export class Fold {
  /** by case: its row, or null when the projection has none (yet) */
  private readonly facts = new Map<string, CaseFacts | null>();
  /** cases whose row the folds created (the projection had none) */
  private readonly created = new Set<string>();
  /** cases whose existing row the folds changed */
  private readonly changed = new Set<string>();
  readonly escalations: EscalationRow[] = [];
  readonly work: WorkRow[] = [];
  readonly callbacks: CallbackRow[] = [];
  readonly resolutions: ResolutionRow[] = [];
  readonly attendance: AttendanceRow[] = [];
  readonly inspections: InspectionRow[] = [];
  readonly plans: PlanFactRow[] = [];

  /** `rows`: the current case_facts rows of the chunk's cases (a case without one has none yet). */
  constructor(rows: readonly CaseFacts[]) {
    for (const r of rows) this.facts.set(key(r.case_id), r);
  }

  /** The case's row as it stands, or null. */
  row(caseId: string): CaseFacts | null {
    return this.facts.get(key(caseId)) ?? null;
  }

  /** A row for a case that has none (a row it already has is kept: the first opened counts). */
  open(row: CaseFacts): void {
    if (this.row(row.case_id)) return;
    this.facts.set(key(row.case_id), row);
    this.created.add(key(row.case_id));
  }

  /** Changes the case's row, when it has one (an event of a case the projection does not know changes no row). */
  update(caseId: string, change: (row: CaseFacts) => void): void {
    const row = this.row(caseId);
    if (!row) return;
    change(row);
    if (!this.created.has(key(caseId))) this.changed.add(key(caseId));
  }

  /** The rows to insert into case_facts, as the folds left them. */
  createdFacts(): CaseFacts[] {
    return [...this.created].map((c) => this.facts.get(c)!);
  }

  /** The existing rows of case_facts to update, as the folds left them. */
  changedFacts(): CaseFacts[] {
    return [...this.changed].map((c) => this.facts.get(c)!);
  }
}

/** Folds one event of type T into the chunk's fold. */
export type FoldOf<T extends EventType> = (fold: Fold, event: CloudEvent<T>) => void;
/** A fold for every event type in the catalogue. */
export type Projection = { [T in EventType]: FoldOf<T> };

/** What a lifecycle event adds to the case's facts after where the case stands. */
type Extra<T extends LifecycleEventType> = (fold: Fold, d: EventDataOf<T>, event: CloudEvent<T>) => void;
/** A lifecycle event whose only projection is where the case stands: a decision, not an omission. */
const NOTHING_MORE = Symbol('nothing more');

type LifecycleData = EventDataOf<LifecycleEventType>;

/** Where the case stands after the move (the base every lifecycle event carries); guarded by seq. */
function whereItStands(fold: Fold, d: LifecycleData): void {
  const row = fold.row(d.caseId);
  if (!row || row.last_seq >= d.seq) return;
  fold.update(d.caseId, (r) => {
    Object.assign(r, { status: d.status, assignee_code: d.assigneeCode, department_code: d.departmentCode, area_code: d.areaCode, last_seq: d.seq });
    r.village_code = d.villageCode ?? r.village_code;
  });
}

const set = (fold: Fold, d: LifecycleData, change: (row: CaseFacts) => void) => fold.update(d.caseId, change);

const lifecycle = <T extends LifecycleEventType>(extra: Extra<T> | typeof NOTHING_MORE): FoldOf<T> => (fold, event) => {
  whereItStands(fold, event.data);
  if (extra !== NOTHING_MORE) extra(fold, event.data, event);
};

/**
 * Every callback (回访) and every resolution, one row per event, with whom the
 * case was attributed to at that moment (the event's own attribution; the
 * village falls back to the case's).
 */
const attribution = (fold: Fold, d: LifecycleData, eventId: string): AttributedRow => ({
  event_id: eventId, case_id: d.caseId, at: d.at, assignee_code: d.assigneeCode, department_code: d.departmentCode, area_code: d.areaCode,
  village_code: d.villageCode ?? fold.row(d.caseId)?.village_code ?? null,
});

/** The case ended (closed, withdrawn, rejected, merged). */
const ended = (fold: Fold, d: LifecycleData) => set(fold, d, (r) => { r.closed_at = d.at; });

/**
 * reporting.work_facts.kind of each work-record event: the legacy types name
 * their kind (the table of kinds says which type each kind publishes), the
 * activity type carries it in its data. The role is always the kind's (the
 * table), whatever free tag an event from before the roles carried.
 */
const LEGACY_KIND = new Map<string, WorkKind>(WORK_KIND_NAMES.filter((k) => WORK_KINDS[k] !== WORK_ACTIVITY_EVENT).map((k) => [WORK_KINDS[k], k]));
export function workKindOf(event: CloudEvent<WorkEventType>): WorkKind {
  if (event.type === WORK_ACTIVITY_EVENT) return (event.data as EventDataOf<typeof WORK_ACTIVITY_EVENT>).kind;
  return LEGACY_KIND.get(event.type)!;
}

const workRecord: FoldOf<WorkEventType> = (fold, event) => {
  const d = event.data;
  const kind = workKindOf(event);
  const household = 'householdCode' in d && typeof d.householdCode === 'string' && 'linkedHousehold' in d ? d : null;
  fold.work.push({
    event_id: event.id, cadre_code: d.cadreCode, department_code: d.departmentCode, village_code: d.villageCode, kind, role: roleOfKind(kind), work_date: d.date,
    household_code: household?.householdCode ?? null,
    linked_household: (household?.linkedHousehold as boolean | undefined) ?? null,
    key_household: (household?.keyHousehold as boolean | undefined) ?? null,
    helps: helpsText(d.helps),
  });
};

export const PROJECTION: Projection = {
  'org.minqing.case.opened.v1': (fold, event) => {
    const d = event.data;
    fold.open({
      case_id: d.caseId, tracking_code: d.trackingCode, category: d.category, priority: d.priority, channel: d.channel,
      service_point_code: d.servicePointCode, village_code: d.villageCode, opened_at: d.openedAt, opened_event_id: event.id,
      // the columns' defaults
      status: CaseStatus.submitted, assignee_code: null, department_code: null, area_code: null, routed_at: null, accepted_at: null,
      accepted_on_time: null, minutes_to_accept: null, resolved_at: null, resolved_on_time: null, minutes_to_resolve: null,
      followed_up_at: null, satisfaction: null, closed_at: null, returns: 0, reopens: 0, max_escalation_level: 0, last_seq: 1,
      // 四帮四促 tags given at intake are the tags' revision 1
      helps: helpsText(d.helps), helps_revision: d.helps?.length ? 1 : 0,
    });
  },
  // A later revision of the tags replaces an earlier one (a redelivered older revision changes nothing).
  [CASE_HELPS_TAGGED_EVENT]: (fold, event) => {
    const d = event.data;
    fold.update(d.caseId, (r) => {
      if (d.revision <= r.helps_revision) return;
      r.helps = helpsText(d.helps);
      r.helps_revision = d.revision;
    });
  },

  'org.minqing.work.visit_logged.v1': workRecord,
  'org.minqing.work.diary_entry_added.v1': workRecord,
  'org.minqing.work.household_file_updated.v1': workRecord,
  [WORK_ACTIVITY_EVENT]: workRecord,
  [INSPECTION_RECORDED_EVENT]: (fold, event) => {
    const d = event.data;
    fold.inspections.push({
      event_id: event.id, cadre_code: d.cadreCode, department_code: d.departmentCode, inspected_on: d.date, listen_score: d.listenScore, look_score: d.lookScore,
      check_score: d.checkScore, score: d.score, grade: d.grade, ledger_records: d.ledgerRecordsReviewed, diary_entries: d.diaryEntriesReviewed, households_checked: d.householdsChecked,
    });
  },
  // Every revision kept; the figures read each item's latest (by revision), so the order events arrive in does not matter.
  [PLAN_ITEM_CHANGED_EVENT]: (fold, event) => {
    const d = event.data;
    fold.plans.push({
      event_id: event.id, plan_id: d.planId, plan_kind: d.planKind, plan_year: d.year, area_code: d.areaCode, department_code: d.departmentCode, item_id: d.itemId,
      revision: d.revision, owner_code: d.ownerCode, owner_department_code: d.ownerDepartmentCode, due_date: d.dueDate, status: d.status, done_on: d.doneOn, at: d.at,
    });
  },
  [SESSION_ATTENDANCE_EVENT]: (fold, event) => {
    const d = event.data;
    fold.attendance.push({
      event_id: event.id, session_code: d.sessionCode, village_code: d.villageCode, session_date: d.date, cadre_code: d.cadreCode, department_code: d.departmentCode,
      status: d.status, reason: d.reason, recorded_by: d.recordedBy, on_behalf: d.onBehalf, recorded_at: d.recordedAt,
    });
  },

  'org.minqing.case.routed.v1': lifecycle((fold, d) => set(fold, d, (r) => { r.routed_at ??= d.at; })),
  // The first sign-for counts for the response figures.
  'org.minqing.case.accepted.v1': lifecycle((fold, d) => set(fold, d, (r) => {
    r.accepted_at ??= d.at;
    r.accepted_on_time ??= d.onTime;
    r.minutes_to_accept ??= d.businessMinutesToAccept;
  })),
  'org.minqing.case.returned.v1': lifecycle((fold, d) => set(fold, d, (r) => { r.returns = Math.max(r.returns, d.returnsCount); })),
  'org.minqing.case.return_reviewed.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.reassigned.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.work_started.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.waiting_on_resident.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.resumed.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.forwarded_upstream.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.upstream_answered.v1': lifecycle(NOTHING_MORE),
  // The latest resolution counts (a reopened case is judged on its final answer; the redo shows in reopens);
  // every resolution is also kept, with the attribution at the time (figures-2026.2: reopen rate over every case resolved).
  'org.minqing.case.resolved.v1': lifecycle((fold, d, event) => {
    set(fold, d, (r) => Object.assign(r, { resolved_at: d.at, resolved_on_time: d.onTime, minutes_to_resolve: d.businessMinutesToResolve }));
    fold.resolutions.push({ ...attribution(fold, d, event.id), on_time: d.onTime });
  }),
  // The case's latest answer (figures-2026.1), and every callback (回访) as a rating with the attribution at the time (figures-2026.2).
  'org.minqing.case.follow_up_recorded.v1': lifecycle((fold, d, event) => {
    set(fold, d, (r) => Object.assign(r, { followed_up_at: d.at, satisfaction: d.satisfaction }));
    fold.callbacks.push({ ...attribution(fold, d, event.id), satisfaction: d.satisfaction });
  }),
  // Back to work: it is no longer resolved until it is answered again.
  'org.minqing.case.reopened.v1': lifecycle((fold, d) => set(fold, d, (r) => Object.assign(r, {
    reopens: Math.max(r.reopens, d.reopenCount), satisfaction: null, followed_up_at: null, resolved_at: null, resolved_on_time: null, minutes_to_resolve: null,
  }))),
  'org.minqing.case.merged.v1': lifecycle(ended),
  'org.minqing.case.withdrawn.v1': lifecycle(ended),
  'org.minqing.case.rejected.v1': lifecycle(ended),
  'org.minqing.case.closed.v1': lifecycle(ended),
  'org.minqing.case.reminder_sent.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.escalated.v1': lifecycle((fold, d, event) => {
    fold.escalations.push({ event_id: event.id, case_id: d.caseId, level: d.level, phase: d.phase, at: d.at, department_code: d.departmentCode, area_code: d.areaCode, assignee_code: d.assigneeCode });
    set(fold, d, (r) => { r.max_escalation_level = Math.max(r.max_escalation_level, d.level); });
  }),
  'org.minqing.case.extension_requested.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.extension_decided.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.supervised.v1': lifecycle(NOTHING_MORE),
};

/** The case an event changes the facts of (null for a work record). */
function caseOf(event: CloudEvent): string | null {
  const d = event.data as { caseId?: unknown; recordId?: unknown };
  return 'recordId' in d || typeof d.caseId !== 'string' ? null : d.caseId;
}
/** Where an event stands in its case's history: opened first, then each move by its seq. */
const seqOf = (event: CloudEvent) => ('seq' in event.data ? event.data.seq : 0);

/**
 * Fold events (each applied once: new, already deduplicated) into the chunk's
 * fold, every case's events in the order of their seq (the sort is stable:
 * events of equal seq keep their order of arrival).
 */
export function foldEvents(fold: Fold, events: readonly CloudEvent[]): void {
  const byCase = new Map<string, CloudEvent[]>();
  for (const event of events) {
    const c = caseOf(event);
    if (c === null) {
      PROJECTION[event.type](fold, event as never);
      continue;
    }
    const list = byCase.get(key(c));
    if (list) list.push(event);
    else byCase.set(key(c), [event]);
  }
  for (const list of byCase.values()) {
    list.sort((a, b) => seqOf(a) - seqOf(b));
    for (const event of list) PROJECTION[event.type](fold, event as never);
  }
}

/** The cases whose facts `events` change. */
export const casesOf = (events: readonly CloudEvent[]) => [...new Set(events.map(caseOf).filter((c): c is string => c !== null).map(key))];

/**
 * SQL: the current case_facts rows (as JSON: timestamps exactly as stored) of
 * the cases in the uuid[] parameter `param`, locked until the transaction ends
 * (a second consumer of the same schema waits, then folds on top of what this
 * one wrote). ReportRepository.apply reads them in its first statement.
 */
export const lockedFactsOf = (param: string) => `SELECT to_json(c) AS f FROM (SELECT * FROM case_facts WHERE case_id = ANY(${param}::uuid[]) ORDER BY case_id FOR UPDATE) c`;

/** Every table's rows in ONE statement (data-modifying WITH queries; an empty batch writes nothing); the parameters are `writeParams`. */
const WRITE = (() => {
  let n = 0;
  /** the next parameters, for rows of `spec` */
  const rowsOf = <R>(spec: Columns<R>) => {
    const text = unnestOf(spec, n);
    n += names(spec).length;
    return text;
  };
  const cols = <R>(spec: Columns<R>) => names(spec).join(', ');
  return `WITH created AS (INSERT INTO case_facts (${cols(CASE_FACTS)}) SELECT * FROM ${rowsOf(CASE_FACTS)} ON CONFLICT (case_id) DO NOTHING),
  changed AS (UPDATE case_facts f SET ${CASE_FACTS_SET} FROM ${rowsOf(CASE_FACTS)} AS u(${cols(CASE_FACTS)}) WHERE f.case_id = u.case_id),
  escalated AS (INSERT INTO escalations (${cols(ESCALATIONS)}) SELECT * FROM ${rowsOf(ESCALATIONS)} ON CONFLICT DO NOTHING),
  worked AS (INSERT INTO work_facts (${cols(WORK_FACTS)}) SELECT * FROM ${rowsOf(WORK_FACTS)} ON CONFLICT DO NOTHING),
  called AS (INSERT INTO callbacks (${cols(CALLBACKS)}) SELECT * FROM ${rowsOf(CALLBACKS)} ON CONFLICT DO NOTHING),
  resolved AS (INSERT INTO resolutions (${cols(RESOLUTIONS)}) SELECT * FROM ${rowsOf(RESOLUTIONS)} ON CONFLICT DO NOTHING),
  attended AS (INSERT INTO attendance_facts (${cols(ATTENDANCE_FACTS)}) SELECT * FROM ${rowsOf(ATTENDANCE_FACTS)} ON CONFLICT DO NOTHING),
  inspected AS (INSERT INTO inspection_facts (${cols(INSPECTION_FACTS)}) SELECT * FROM ${rowsOf(INSPECTION_FACTS)} ON CONFLICT DO NOTHING),
  planned AS (INSERT INTO plan_facts (${cols(PLAN_FACTS)}) SELECT * FROM ${rowsOf(PLAN_FACTS)} ON CONFLICT DO NOTHING)
  SELECT 1`;
})();
const writeParams = (fold: Fold) => [
  ...columnsOf(CASE_FACTS, fold.createdFacts()), ...columnsOf(CASE_FACTS, fold.changedFacts()), ...columnsOf(ESCALATIONS, fold.escalations),
  ...columnsOf(WORK_FACTS, fold.work), ...columnsOf(CALLBACKS, fold.callbacks), ...columnsOf(RESOLUTIONS, fold.resolutions),
  ...columnsOf(ATTENDANCE_FACTS, fold.attendance), ...columnsOf(INSPECTION_FACTS, fold.inspections),
  ...columnsOf(PLAN_FACTS, fold.plans),
];

/** Write what the fold made, in one statement, inside the caller's transaction. */
export async function writeFold(tx: PoolClient, fold: Fold): Promise<void> {
  await tx.query(WRITE, writeParams(fold));
}
