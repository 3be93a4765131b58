/**
 * The one outbox writer: every event of `casework` — case lifecycle and work
 * records alike — is built here (CloudEvents via the shared `buildEvent`, which
 * validates the data against the catalogue) and inserted here, inside the
 * caller's transaction or statement, next to the row it describes. Event ids are chosen by
 * the caller and stable across retries ((case id, step), or the record id), so
 * a retried write inserts nothing and a re-published row is deduplicated downstream.
 */
import { buildEvent, toKafkaRecord, type CloudEvent, type EventDataOf, type EventType, type PoolClient } from '@minqing/shared';

/** Where this process's events come from and go to. */
export interface OutboxTarget {
  /** CloudEvents `source` */
  source: string;
  /** Kafka topic the relay publishes the row to */
  topic: string;
  /** EVENT_SCHEMA_BASE_URL: `ce_dataschema` is the URL of the event's schema under it */
  schemaBaseUrl: string;
}

export interface NewEvent<T extends EventType> {
  id: string;
  type: T;
  subject: string;
  time: string;
  data: EventDataOf<T>;
  /** Kafka key; default the subject (the case id) */
  partitionkey?: string;
  /** the case the event belongs to (null for work records); the relay keeps each case's events in order */
  caseId: string | null;
}

/** The event of `e`, built and checked (the catalogue's schema, and that it encodes as a Kafka record) before anything is written. */
export function outboxEvent<T extends EventType>(target: OutboxTarget, e: NewEvent<T>): CloudEvent<T> {
  const event = buildEvent({ id: e.id, source: target.source, type: e.type, subject: e.subject, time: e.time, data: e.data, partitionkey: e.partitionkey, schemaBaseUrl: target.schemaBaseUrl });
  // Fail inside the transaction, not at publish time, if the record cannot be encoded.
  toKafkaRecord(event);
  return event;
}

/**
 * The outbox row of `event` as one data-modifying query of a larger statement (case.writer.ts
 * writes a step and its event in one): inserted with the case id in column `caseIdColumn` of
 * `from`, so only when `from` returned a row. `param` adds a parameter to that statement.
 */
export function outboxInsertFrom(target: OutboxTarget, event: CloudEvent, from: string, caseIdColumn: string, param: (value: unknown) => string): string {
  return `INSERT INTO casework.outbox (event_id, case_id, topic, event_type, event)
       SELECT ${param(event.id)}, ${caseIdColumn}, ${param(target.topic)}, ${param(event.type)}, ${param(event)} FROM ${from}
       ON CONFLICT (event_id) DO NOTHING`;
}

export async function appendEvent<T extends EventType>(client: PoolClient, target: OutboxTarget, e: NewEvent<T>): Promise<CloudEvent<T>> {
  const event = outboxEvent(target, e);
  await client.query(
    `INSERT INTO casework.outbox (event_id, case_id, topic, event_type, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
    [event.id, e.caseId, target.topic, event.type, event],
  );
  return event;
}
