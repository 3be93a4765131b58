/**
 * Writes an inspection (一听二看三查) and its event, inside the caller's
 * transaction. The inspection id is the primary key and the event id, so a
 * retried activity inserts nothing twice. Keyed by the cadre inspected
 * (`cadre:<code>`), like their work records; the notes and findings stay in
 * this table, the event carries scores and counts.
 */
import { INSPECTION_RECORDED_EVENT, type EventDataOf, type InspectionInput, type PoolClient } from '@minqing/shared';
import { appendEvent, type OutboxTarget } from './outbox';

export function inspectionEventData(r: InspectionInput): EventDataOf<typeof INSPECTION_RECORDED_EVENT> {
  return {
    inspectionId: r.inspectionId, cadreCode: r.cadreCode, departmentCode: r.departmentCode, date: r.date,
    listenScore: r.listen.score, lookScore: r.look.score, checkScore: r.check.score, score: r.score, grade: r.grade,
    ledgerRecordsReviewed: r.look.ledgerHouseholds.length, diaryEntriesReviewed: r.look.diaryRecords.length, householdsChecked: r.check.households.length,
    recordedAt: r.recordedAt,
  };
}

export async function insertInspection(client: PoolClient, target: OutboxTarget, r: InspectionInput): Promise<boolean> {
  const data = inspectionEventData(r);
  const inserted = await client.query(
    `INSERT INTO casework.inspections (id, cadre_code, department_code, inspected_on, listen_date, listen_notes, listen_score, ledger_households, diary_records,
       look_findings, look_score, checked_households, check_findings, check_score, score, grade, recorded_by, recorded_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) ON CONFLICT (id) DO NOTHING`,
    [r.inspectionId, r.cadreCode, r.departmentCode, r.date, r.listen.date, r.listen.notes, r.listen.score, r.look.ledgerHouseholds, r.look.diaryRecords,
      r.look.findings, r.look.score, r.check.households, r.check.findings, r.check.score, r.score, r.grade, r.recordedBy, r.recordedAt],
  );
  if (inserted.rowCount === 0) return false; // recorded, with its event, by an earlier attempt
  await appendEvent(client, target, {
    id: r.inspectionId,
    type: INSPECTION_RECORDED_EVENT,
    subject: r.inspectionId,
    partitionkey: `cadre:${r.cadreCode}`,
    caseId: null,
    time: r.recordedAt,
    data,
  });
  return true;
}
