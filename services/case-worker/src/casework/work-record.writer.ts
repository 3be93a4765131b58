/**
 * Writes a cadre's work record (履职) and its event, inside the caller's
 * transaction. The record id is the primary key and the event id, so a retried
 * activity inserts nothing twice. Work events are keyed by the cadre
 * (`cadre:<code>`), not a case, and the outbox row has no case. Which event a
 * kind publishes and what it carries is the table of kinds (shared
 * work-kinds.ts): the three kinds logged before the roles were first-class keep
 * their own types; every other kind is `org.minqing.work.activity_logged.v1`
 * with its kind, role and the kind's fields — codes and numbers, never the
 * free text (note, place, materials), which stays in this table.
 */
import {
  ACTIVITY_EVENT_FIELDS, kindRule, normaliseHelps, roleOfKind, WORK_KINDS,
  type EventDataOf, type PoolClient, type WorkEventType, type WorkRecordInput,
} from '@minqing/shared';
import { appendEvent, type OutboxTarget } from './outbox';

/** The event's data: the record without its free text, plus the household's links when it concerns one. */
export function workEventData(r: WorkRecordInput): EventDataOf<WorkEventType> {
  // Always the kind's role (the table): a record started before the roles were first-class may carry none, or a free tag.
  const role = roleOfKind(r.kind);
  // 四帮四促 tags only when the record has some (an event without them decodes as before)
  const helps = normaliseHelps(r.helps);
  const base = { recordId: r.recordId, cadreCode: r.cadreCode, departmentCode: r.departmentCode, villageCode: r.villageCode, date: r.date, role, recordedAt: r.recordedAt, ...(helps.length ? { helps } : {}) };
  const rule = kindRule(r.kind);
  const takesHousehold = rule.fields.householdCode !== undefined;
  if (takesHousehold && rule.fields.householdCode === 'required' && (!r.householdCode || !r.household)) throw new Error(`work record ${r.recordId}: a ${r.kind} needs a household`);
  if (rule.legacyEvent) {
    if (rule.legacyEvent === 'org.minqing.work.diary_entry_added.v1') return base;
    return { ...base, householdCode: r.householdCode!, linkedHousehold: r.household!.linked, keyHousehold: r.household!.key, caseId: r.caseId };
  }
  const details: Record<string, unknown> = r.details ?? {};
  const value = (f: string) => (f === 'householdCode' ? r.householdCode : f === 'caseId' ? r.caseId : details[f]);
  // every field of the activity event, null where this kind has none or it was left out
  const fields = Object.fromEntries(ACTIVITY_EVENT_FIELDS.map((f) => [f, rule.fields[f] ? (value(f) ?? null) : null]));
  return {
    ...base, kind: r.kind,
    linkedHousehold: takesHousehold ? (r.household?.linked ?? null) : null,
    keyHousehold: takesHousehold ? (r.household?.key ?? null) : null,
    ...fields,
  } as EventDataOf<WorkEventType>;
}

export async function insertWorkRecord(client: PoolClient, target: OutboxTarget, r: WorkRecordInput): Promise<boolean> {
  const data = workEventData(r);
  const inserted = await client.query(
    `INSERT INTO casework.work_records (id, cadre_code, kind, work_date, household_code, village_code, case_id, role, note, recorded_at, details, helps)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (id) DO NOTHING`,
    [r.recordId, r.cadreCode, r.kind, r.date, r.householdCode, r.villageCode, r.caseId, roleOfKind(r.kind), r.note, r.recordedAt, JSON.stringify(r.details ?? {}), normaliseHelps(r.helps)],
  );
  if (inserted.rowCount === 0) return false; // recorded, with its event, by an earlier attempt
  await appendEvent(client, target, {
    id: r.recordId,
    type: WORK_KINDS[r.kind],
    subject: r.recordId,
    partitionkey: `cadre:${r.cadreCode}`,
    caseId: null,
    time: r.recordedAt,
    data: data as never,
  });
  return true;
}
