/** SQL for the worker's writes: case row, timeline entry and outbox row, one transaction. */
import type { PoolClient } from '@minqing/shared';
import { toKafkaRecord, type CaseWorkflowInput, type CloudEvent } from '@minqing/shared';

export async function insertOpenedCase(
  client: PoolClient,
  input: CaseWorkflowInput,
  event: CloudEvent,
  topic: string,
): Promise<boolean> {
  const r = input.request;
  const inserted = await client.query(
    `INSERT INTO casework.cases (id, tracking_code, status, category, priority, channel, service_point_code,
       title, description, resident_name, resident_phone, village_code, household_code, request_hash,
       opened_by, opened_at, updated_at, dedupe_hash)
     VALUES ($1,$2,'submitted',$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$15,$16)
     ON CONFLICT (id) DO NOTHING`,
    [
      input.caseId, input.trackingCode, r.category, r.priority, r.channel, r.servicePointCode ?? null,
      r.title, r.description, r.resident.name, r.resident.phone, r.villageCode ?? null, r.householdCode ?? null,
      input.requestHash, input.openedBy, input.openedAt, input.dedupeHash ?? null,
    ],
  );
  if (inserted.rowCount === 0) return false; // an earlier attempt committed everything already
  await client.query(
    `INSERT INTO casework.case_timeline (case_id, seq, step, kind, actor, at, details)
     VALUES ($1, 1, 'opened', 'opened', $2, $3, $4)`,
    [input.caseId, input.openedBy, input.openedAt, { channel: r.channel, servicePointCode: r.servicePointCode ?? null }],
  );
  await insertOutbox(client, event, topic);
  return true;
}

export async function insertOutbox(client: PoolClient, event: CloudEvent, topic: string): Promise<void> {
  // Validate the record encoding now, inside the transaction, rather than at publish time.
  toKafkaRecord(event);
  await client.query(
    `INSERT INTO casework.outbox (event_id, case_id, topic, event_type, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
    [event.id, event.subject, topic, event.type, event],
  );
}
