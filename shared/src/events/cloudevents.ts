/**
 * CloudEvents 1.0 in Kafka **binary content mode** (CloudEvents Kafka protocol
 * binding §3.2): attributes travel as `ce_*` headers, `content-type` says how the
 * value is encoded, the value is the event data as JSON, and the message key is
 * the case id (also sent as the `partitionkey` extension) so each case's events
 * stay in order on one partition. Binary mode lets Kafka tooling read the payload
 * as plain JSON and lets consumers route on headers without parsing the body.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS, type EventDataOf, type EventType } from './catalogue';
import { DEFAULT_EVENT_SCHEMA_BASE_URL } from '../config';

export const SPEC_VERSION = '1.0';
export const DATA_CONTENT_TYPE = 'application/json';

export interface CloudEvent<T extends EventType = EventType> {
  specversion: '1.0';
  id: string;
  source: string;
  type: T;
  subject: string;
  time: string;
  datacontenttype: typeof DATA_CONTENT_TYPE;
  dataschema?: string;
  /** Kafka key: the case id for case events, the cadre for work records */
  partitionkey: string;
  data: EventDataOf<T>;
}

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

const checks = new Map<string, TypeCheck<TSchema>>(
  Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, TypeCompiler.Compile(schema as TSchema)]),
);

export function isKnownEventType(type: string): type is EventType {
  return checks.has(type);
}

/** Where the JSON Schema of each event type's data is served, under the public base URL (EVENT_SCHEMA_BASE_URL). */
export const EVENT_SCHEMAS_PATH = '/api/v1/events/schemas';

/**
 * `ce_dataschema` of an event of `type`: the absolute URL its data schema is
 * served at (contract.ts serves it on the case API and on reporting).
 */
export function dataSchemaUrl(baseUrl: string, type: EventType): string {
  return `${baseUrl.replace(/\/+$/, '')}${EVENT_SCHEMAS_PATH}/${type}`;
}

/**
 * What `ce_dataschema` said before the schemas were published (a URN nothing
 * resolves). Events on the topic from then still carry it and stay valid:
 * consumers never check `ce_dataschema`, the type names the schema.
 */
export function legacyDataSchemaUrn(type: EventType): string {
  return `urn:minqing:schema:${type}`;
}

/** The `ce_*` headers every message must carry (binary mode); the consumer refuses a message without one. */
export const REQUIRED_HEADERS = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_time'] as const;

/** First validation error of `data` against its type's schema, or null when valid. */
export function validateEventData(type: string, data: unknown): string | null {
  const check = checks.get(type);
  if (!check) return `unknown event type ${JSON.stringify(type)}`;
  if (check.Check(data)) return null;
  const first = check.Errors(data).First();
  return first ? `data${first.path || '/'}: ${first.message}` : 'data does not match its schema';
}

export function buildEvent<T extends EventType>(args: {
  id: string;
  source: string;
  type: T;
  subject: string;
  time: string;
  data: EventDataOf<T>;
  partitionkey?: string;
  /** the public base URL `ce_dataschema` is built on (EVENT_SCHEMA_BASE_URL); default the local stack's */
  schemaBaseUrl?: string;
}): CloudEvent<T> {
  const problem = validateEventData(args.type, args.data);
  if (problem) throw new Error(`refusing to build invalid ${args.type}: ${problem}`);
  const { schemaBaseUrl, ...fields } = args;
  return {
    specversion: SPEC_VERSION,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: dataSchemaUrl(schemaBaseUrl ?? DEFAULT_EVENT_SCHEMA_BASE_URL, args.type),
    ...fields,
    partitionkey: args.partitionkey ?? args.subject,
  };
}

export function toKafkaRecord(event: CloudEvent): KafkaRecord {
  const headers: Record<string, string> = {
    ce_specversion: event.specversion,
    ce_id: event.id,
    ce_source: event.source,
    ce_type: event.type,
    ce_subject: event.subject,
    ce_time: event.time,
    ce_partitionkey: event.partitionkey,
    'content-type': event.datacontenttype,
  };
  if (event.dataschema) headers.ce_dataschema = event.dataschema;
  return { key: event.partitionkey, value: JSON.stringify(event.data), headers };
}

export type DecodeResult =
  | { ok: true; event: CloudEvent }
  | { ok: false; reason: string; id?: string; type?: string };

type RawHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined;

function header(headers: RawHeaders, name: string): string | undefined {
  const v = headers?.[name];
  if (v === undefined) return undefined;
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? undefined : one.toString();
}

/** A message refused, with what it said it was (no closure per message: every event a consumer reads comes through here). */
function refused(reason: string, id: string | undefined, type: string | undefined): DecodeResult {
  return { ok: false, reason, id, type };
}

/** Decode and validate a Kafka message; never throws. */
export function fromKafkaMessage(msg: { key?: Buffer | string | null; value: Buffer | string | null; headers?: RawHeaders }): DecodeResult {
  const h = msg.headers;
  const id = header(h, 'ce_id');
  const type = header(h, 'ce_type');
  for (const name of REQUIRED_HEADERS) {
    if (!header(h, name)) return refused(`missing header ${name}`, id, type);
  }
  if (header(h, 'ce_specversion') !== SPEC_VERSION) return refused(`unsupported specversion ${header(h, 'ce_specversion')}`, id, type);
  const contentType = header(h, 'content-type') ?? DATA_CONTENT_TYPE;
  if (!contentType.startsWith(DATA_CONTENT_TYPE)) return refused(`unsupported content-type ${contentType}`, id, type);
  if (!type || !isKnownEventType(type)) return refused(`unknown event type ${JSON.stringify(type)}`, id, type);
  const time = header(h, 'ce_time')!;
  if (Number.isNaN(Date.parse(time))) return refused(`ce_time is not a timestamp: ${time}`, id, type);
  if (msg.value === null) return refused('empty value', id, type);
  let data: unknown;
  try {
    data = JSON.parse(msg.value.toString());
  } catch {
    return refused('value is not valid JSON', id, type);
  }
  const problem = validateEventData(type, data);
  if (problem) return refused(problem, id, type);
  const subject = header(h, 'ce_subject')!;
  const partitionkey = header(h, 'ce_partitionkey') ?? subject;
  const key = msg.key?.toString();
  if (key !== undefined && key !== partitionkey) return refused(`message key ${key} does not match the partition key ${partitionkey}`, id, type);
  return {
    ok: true,
    event: {
      specversion: SPEC_VERSION,
      id: id!,
      source: header(h, 'ce_source')!,
      type,
      subject,
      time,
      datacontenttype: DATA_CONTENT_TYPE,
      dataschema: header(h, 'ce_dataschema'),
      partitionkey,
      data: data as CloudEvent['data'],
    },
  };
}
