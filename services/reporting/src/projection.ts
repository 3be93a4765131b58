/**
 * How each event of the catalogue changes the reporting schema: one handler per
 * CloudEvents type, over that type's own data. The table is keyed by every
 * `EventType`, so a type added to the catalogue without a decision here does
 * not compile. Every lifecycle event first records where the case stands
 * (guarded by seq, so a stale event never overwrites a newer state), then what
 * its own type adds, or explicitly nothing more. Handlers run inside the
 * caller's transaction (see ReportRepository.apply) and never open their own.
 */
import type { CloudEvent, EventDataOf, EventType, LifecycleEventType, PoolClient, WorkEventType } from '@minqing/shared';

/**
 * Every table the projection writes (ReportRepository.apply and the handlers
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
 */
export const PROJECTION_GENERATION = 2;

export const PROJECTION_TABLES = ['processed_events', 'case_facts', 'escalations', 'work_facts', 'callbacks', 'resolutions'] as const;

/** Projects one event of type T. */
export type Handler<T extends EventType> = (tx: PoolClient, event: CloudEvent<T>) => Promise<void>;
/** A handler for every event type in the catalogue. */
export type Projection = { [T in EventType]: Handler<T> };

/** What a lifecycle event adds to the case's facts after where the case stands. */
type Extra<T extends LifecycleEventType> = (tx: PoolClient, d: EventDataOf<T>, event: CloudEvent<T>) => Promise<unknown>;
/** A lifecycle event whose only projection is where the case stands: a decision, not an omission. */
const NOTHING_MORE = Symbol('nothing more');

type LifecycleData = EventDataOf<LifecycleEventType>;

/** Where the case stands after the move (the base every lifecycle event carries); guarded by seq. */
async function whereItStands(tx: PoolClient, d: LifecycleData): Promise<void> {
  await tx.query(
    `UPDATE case_facts SET status = $2, assignee_code = $3, department_code = $4, area_code = $5,
            village_code = coalesce($6, village_code), last_seq = $7
      WHERE case_id = $1 AND last_seq < $7`,
    [d.caseId, d.status, d.assigneeCode, d.departmentCode, d.areaCode, d.villageCode, d.seq],
  );
}

const set = (tx: PoolClient, d: LifecycleData, sql: string, params: unknown[]) =>
  tx.query(`UPDATE case_facts SET ${sql} WHERE case_id = $1`, [d.caseId, ...params]);

const lifecycle = <T extends LifecycleEventType>(extra: Extra<T> | typeof NOTHING_MORE): Handler<T> => async (tx, event) => {
  await whereItStands(tx, event.data);
  if (extra !== NOTHING_MORE) await extra(tx, event.data, event);
};

/**
 * Every callback (回访) and every resolution, one row per event, with whom the
 * case was attributed to at that moment (the event's own attribution; the
 * village falls back to the case's).
 */
const ATTRIBUTION = (d: LifecycleData) => [d.assigneeCode, d.departmentCode, d.areaCode, d.villageCode];
const callback = (tx: PoolClient, d: EventDataOf<'org.minqing.case.follow_up_recorded.v1'>, eventId: string) =>
  tx.query(
    `INSERT INTO callbacks (event_id, case_id, at, satisfaction, assignee_code, department_code, area_code, village_code)
     VALUES ($1,$2,$3,$4,$5,$6,$7, coalesce($8, (SELECT village_code FROM case_facts WHERE case_id = $2)))
     ON CONFLICT DO NOTHING`,
    [eventId, d.caseId, d.at, d.satisfaction, ...ATTRIBUTION(d)],
  );
const resolution = (tx: PoolClient, d: EventDataOf<'org.minqing.case.resolved.v1'>, eventId: string) =>
  tx.query(
    `INSERT INTO resolutions (event_id, case_id, at, on_time, assignee_code, department_code, area_code, village_code)
     VALUES ($1,$2,$3,$4,$5,$6,$7, coalesce($8, (SELECT village_code FROM case_facts WHERE case_id = $2)))
     ON CONFLICT DO NOTHING`,
    [eventId, d.caseId, d.at, d.onTime, ...ATTRIBUTION(d)],
  );

/** The case ended (closed, withdrawn, rejected, merged). */
const ended = (tx: PoolClient, d: LifecycleData) => set(tx, d, 'closed_at = $2', [d.at]);

/** reporting.work_facts.kind of each work-record event. */
export const WORK_KIND: Record<WorkEventType, 'visit' | 'diary' | 'household_file'> = {
  'org.minqing.work.visit_logged.v1': 'visit',
  'org.minqing.work.diary_entry_added.v1': 'diary',
  'org.minqing.work.household_file_updated.v1': 'household_file',
};

const workRecord: Handler<WorkEventType> = async (tx, event) => {
  const d = event.data;
  const household = 'householdCode' in d ? d : null;
  await tx.query(
    `INSERT INTO work_facts (event_id, cadre_code, department_code, village_code, kind, work_date, household_code, linked_household, key_household)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
    [event.id, d.cadreCode, d.departmentCode, d.villageCode, WORK_KIND[event.type], d.date,
      household?.householdCode ?? null, household?.linkedHousehold ?? null, household?.keyHousehold ?? null],
  );
};

export const PROJECTION: Projection = {
  'org.minqing.case.opened.v1': async (tx, event) => {
    const d = event.data;
    await tx.query(
      `INSERT INTO case_facts (case_id, tracking_code, category, priority, channel, service_point_code, village_code, opened_at, opened_event_id)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (case_id) DO NOTHING`,
      [d.caseId, d.trackingCode, d.category, d.priority, d.channel, d.servicePointCode, d.villageCode, d.openedAt, event.id],
    );
  },

  'org.minqing.work.visit_logged.v1': workRecord,
  'org.minqing.work.diary_entry_added.v1': workRecord,
  'org.minqing.work.household_file_updated.v1': workRecord,

  'org.minqing.case.routed.v1': lifecycle((tx, d) => set(tx, d, 'routed_at = coalesce(routed_at, $2)', [d.at])),
  // The first sign-for counts for the response figures.
  'org.minqing.case.accepted.v1': lifecycle((tx, d) =>
    set(tx, d, 'accepted_at = coalesce(accepted_at, $2), accepted_on_time = coalesce(accepted_on_time, $3), minutes_to_accept = coalesce(minutes_to_accept, $4)', [d.at, d.onTime, d.businessMinutesToAccept])),
  'org.minqing.case.returned.v1': lifecycle((tx, d) => set(tx, d, 'returns = greatest(returns, $2)', [d.returnsCount])),
  'org.minqing.case.return_reviewed.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.reassigned.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.work_started.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.waiting_on_resident.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.resumed.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.forwarded_upstream.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.upstream_answered.v1': lifecycle(NOTHING_MORE),
  // The latest resolution counts (a reopened case is judged on its final answer; the redo shows in reopens);
  // every resolution is also kept, with the attribution at the time (figures-2026.2: reopen rate over every case resolved).
  'org.minqing.case.resolved.v1': lifecycle(async (tx, d, event) => {
    await set(tx, d, 'resolved_at = $2, resolved_on_time = $3, minutes_to_resolve = $4', [d.at, d.onTime, d.businessMinutesToResolve]);
    await resolution(tx, d, event.id);
  }),
  // The case's latest answer (figures-2026.1), and every callback (回访) as a rating with the attribution at the time (figures-2026.2).
  'org.minqing.case.follow_up_recorded.v1': lifecycle(async (tx, d, event) => {
    await set(tx, d, 'followed_up_at = $2, satisfaction = $3', [d.at, d.satisfaction]);
    await callback(tx, d, event.id);
  }),
  // Back to work: it is no longer resolved until it is answered again.
  'org.minqing.case.reopened.v1': lifecycle((tx, d) =>
    set(tx, d, 'reopens = greatest(reopens, $2), satisfaction = NULL, followed_up_at = NULL, resolved_at = NULL, resolved_on_time = NULL, minutes_to_resolve = NULL', [d.reopenCount])),
  'org.minqing.case.merged.v1': lifecycle(ended),
  'org.minqing.case.withdrawn.v1': lifecycle(ended),
  'org.minqing.case.rejected.v1': lifecycle(ended),
  'org.minqing.case.closed.v1': lifecycle(ended),
  'org.minqing.case.reminder_sent.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.escalated.v1': lifecycle(async (tx, d, event) => {
    await tx.query(
      `INSERT INTO escalations (event_id, case_id, level, phase, at, department_code, area_code, assignee_code)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
      [event.id, d.caseId, d.level, d.phase, d.at, d.departmentCode, d.areaCode, d.assigneeCode],
    );
    await set(tx, d, 'max_escalation_level = greatest(max_escalation_level, $2)', [d.level]);
  }),
  'org.minqing.case.extension_requested.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.extension_decided.v1': lifecycle(NOTHING_MORE),
  'org.minqing.case.supervised.v1': lifecycle(NOTHING_MORE),
};

/** Project one event with its type's handler, inside the caller's transaction. */
export function project<T extends EventType>(tx: PoolClient, event: CloudEvent<T>): Promise<void> {
  const handler: Handler<T> = PROJECTION[event.type];
  return handler(tx, event);
}
