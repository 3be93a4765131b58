/**
 * Writes a cadre's work record (履职) and its event, inside the caller's
 * transaction. The record id is the primary key and the event id, so a retried
 * activity inserts nothing twice. Work events are keyed by the cadre
 * (`cadre:<code>`), not a case, and the outbox row has no case.
 */
import { WORK_KINDS, type EventDataOf, type PoolClient, type WorkEventType, type WorkRecordInput } from '@minqing/shared';
import { appendEvent, type OutboxTarget } from './outbox';

/** The event's data: the record without the note, plus the household's links when it concerns one. */
export function workEventData(r: WorkRecordInput): EventDataOf<WorkEventType> {
  const base = { recordId: r.recordId, cadreCode: r.cadreCode, departmentCode: r.departmentCode, villageCode: r.villageCode, date: r.date, role: r.role, recordedAt: r.recordedAt };
  if (r.kind === 'diary') return base;
  if (!r.householdCode || !r.household) throw new Error(`work record ${r.recordId}: a ${r.kind} needs a household`);
  return { ...base, householdCode: r.householdCode, linkedHousehold: r.household.linked, keyHousehold: r.household.key, caseId: r.caseId };
}

export async function insertWorkRecord(client: PoolClient, target: OutboxTarget, r: WorkRecordInput): Promise<boolean> {
  const data = workEventData(r);
  const inserted = await client.query(
    `INSERT INTO casework.work_records (id, cadre_code, kind, work_date, household_code, village_code, case_id, role, note, recorded_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (id) DO NOTHING`,
    [r.recordId, r.cadreCode, r.kind, r.date, r.householdCode, r.villageCode, r.caseId, r.role, r.note, r.recordedAt],
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
