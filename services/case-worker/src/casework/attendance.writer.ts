/**
 * Writes a rostered cadre's attendance at a market-day session (双定 — 定时服务)
 * and its event, inside the caller's transaction. The attendance id is the
 * primary key and the event id, so a retried activity inserts nothing twice.
 * Keyed by the cadre (`cadre:<code>`) like work records; the outbox row has no case.
 */
import { SESSION_ATTENDANCE_EVENT, type PoolClient, type SessionAttendanceInput } from '@minqing/shared';
import { appendEvent, type OutboxTarget } from './outbox';

export async function insertSessionAttendance(client: PoolClient, target: OutboxTarget, a: SessionAttendanceInput): Promise<boolean> {
  const inserted = await client.query(
    `INSERT INTO casework.session_attendance (id, session_code, village_code, session_date, cadre_code, department_code, status, reason, recorded_by, on_behalf, recorded_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (id) DO NOTHING`,
    [a.attendanceId, a.sessionCode, a.villageCode, a.date, a.cadreCode, a.departmentCode, a.status, a.reason, a.recordedBy, a.recordedBy !== a.cadreCode, a.recordedAt],
  );
  if (inserted.rowCount === 0) return false; // recorded, with its event, by an earlier attempt
  await appendEvent(client, target, {
    id: a.attendanceId,
    type: SESSION_ATTENDANCE_EVENT,
    subject: a.attendanceId,
    partitionkey: `cadre:${a.cadreCode}`,
    caseId: null,
    time: a.recordedAt,
    data: {
      attendanceId: a.attendanceId, sessionCode: a.sessionCode, villageCode: a.villageCode, date: a.date, cadreCode: a.cadreCode,
      departmentCode: a.departmentCode, status: a.status, reason: a.reason, recordedBy: a.recordedBy, onBehalf: a.recordedBy !== a.cadreCode, recordedAt: a.recordedAt,
    },
  });
  return true;
}
