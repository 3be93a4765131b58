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
 * The one INSERT of an outbox row: `event` for its case — a value, or a column of `from` — taken
 * from `from` when given, and then written only when `from` returned a row: a data-modifying
 * query of a larger statement (case.writer.ts writes a step and its event in one). `param` adds a
 * parameter to the statement it goes into.
 */
export function outboxInsert(
  target: OutboxTarget, event: CloudEvent, caseId: { value: string | null } | { column: string }, param: (value: unknown) => string, from?: string,
): string {
  return `INSERT INTO casework.outbox (event_id, case_id, topic, event_type, event)
       SELECT ${param(event.id)}, ${'column' in caseId ? caseId.column : param(caseId.value)}, ${param(target.topic)}, ${param(event.type)}, ${param(event)}${from ? ` FROM ${from}` : ''}
       ON CONFLICT (event_id) DO NOTHING`;
}

export async function appendEvent<T extends EventType>(client: PoolClient, target: OutboxTarget, e: NewEvent<T>): Promise<CloudEvent<T>> {
  const event = outboxEvent(target, e);
  const values: unknown[] = [];
  await client.query(outboxInsert(target, event, { value: e.caseId }, (v) => `$${values.push(v)}`), values);
  return event;
}
