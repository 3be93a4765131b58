/**
 * The published event contract, generated from the catalogue (never written by
 * hand): the JSON Schema of each event type's data, served at the URL each
 * event names in `ce_dataschema`, a listing of them, and an AsyncAPI 3.0
 * document of the case-events topic and its dead-letter topic whose messages
 * use the same schemas. http/event-contract.ts serves them.
 */
import type { TSchema } from '@sinclair/typebox';
import { EVENT_SCHEMAS, type EventType } from './catalogue';
import { DATA_CONTENT_TYPE, dataSchemaUrl, EVENT_SCHEMAS_PATH, legacyDataSchemaUrn, REQUIRED_HEADERS, SPEC_VERSION } from './cloudevents';

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';
export const ASYNCAPI_PATH = '/asyncapi.json';

export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];

const trim = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** The TypeBox schema as plain JSON Schema (TypeBox's symbol keys dropped). */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

function describeType(type: EventType): string {
  const [, , family, move, version] = /^org\.minqing\.(case|work|inspection|plan)\.([a-z_]+)\.(v\d+)$/.exec(type) ?? [];
  if (!family || !move || !version) return `Data of ${type} events.`;
  const what = family === 'case' ? 'a case' : family === 'work' ? "a cadre's work record" : family === 'plan' ? "a plan's item (片区工作计划 / 年度服务计划)" : "the assessment group's inspection of a cadre (一听二看三查)";
  return `Data of the ${move.replace(/_/g, ' ')} event of ${what}, version ${version}. No personal data.`;
}

/** The JSON Schema (draft-07) of the data of `type`, identified by the URL it is served at. */
export function eventDataJsonSchema(baseUrl: string, type: EventType): Record<string, unknown> {
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: dataSchemaUrl(baseUrl, type),
    title: type,
    description: describeType(type),
    ...plain(EVENT_SCHEMAS[type]),
  };
}

export interface EventSchemaListing {
  items: { type: EventType; schema: string }[];
  /** every type is listed: the catalogue is small and the list is never cut */
  total: number;
  asyncapi: string;
}

export function eventSchemaListing(baseUrl: string): EventSchemaListing {
  return {
    items: EVENT_TYPES.map((type) => ({ type, schema: dataSchemaUrl(baseUrl, type) })),
    total: EVENT_TYPES.length,
    asyncapi: `${trim(baseUrl)}${ASYNCAPI_PATH}`,
  };
}

const KAFKA_BINDING_VERSION = '0.5.0';

/** The CloudEvents binary-mode headers of a message of `type` (cloudevents.ts writes and reads them). */
function headersSchema(baseUrl: string, type: EventType): Record<string, unknown> {
  return {
    type: 'object',
    description: 'CloudEvents 1.0 attributes as Kafka headers (binary content mode).',
    properties: {
      ce_specversion: { type: 'string', const: SPEC_VERSION },
      ce_id: { type: 'string', description: 'stable per event; consumers deduplicate by it' },
      ce_source: { type: 'string', description: 'the producing service, e.g. /minqing/case-worker' },
      ce_type: { type: 'string', const: type },
      ce_subject: { type: 'string', description: 'the case id (case events), the work record id (work events) or the inspection id (inspection events)' },
      ce_time: { type: 'string', format: 'date-time' },
      ce_partitionkey: { type: 'string', description: 'equals the message key: the case id, or `cadre:<code>` for work and inspection events' },
      ce_dataschema: {
        type: 'string',
        enum: [dataSchemaUrl(baseUrl, type), legacyDataSchemaUrn(type)],
        description: 'the URL of the schema of the data; events published before the schemas were served carry a URN instead (still valid: consumers go by ce_type)',
      },
      'content-type': { type: 'string', const: DATA_CONTENT_TYPE },
    },
    required: [...REQUIRED_HEADERS],
  };
}

/**
 * The AsyncAPI 3.0 document of the event topics. `topics` are the configured
 * topic names (CASE_EVENTS_TOPIC, CASE_EVENTS_DLQ_TOPIC).
 */
export function asyncApiDocument(args: { baseUrl: string; topic: string; dlqTopic: string }): Record<string, unknown> {
  const { baseUrl, topic, dlqTopic } = args;
  const ref = (type: EventType) => ({ $ref: `#/components/messages/${type}` });
  const schemas = Object.fromEntries(
    EVENT_TYPES.map((type) => {
      const { $schema: _dialect, $id: _id, ...schema } = eventDataJsonSchema(baseUrl, type);
      return [type, schema];
    }),
  );
  const messages: Record<string, unknown> = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        name: type,
        title: type,
        summary: describeType(type),
        contentType: DATA_CONTENT_TYPE,
        headers: headersSchema(baseUrl, type),
        payload: { $ref: `#/components/schemas/${type}` },
        externalDocs: { description: 'the JSON Schema of the payload, as named by ce_dataschema', url: dataSchemaUrl(baseUrl, type) },
        bindings: { kafka: { key: { type: 'string', description: 'the partition key (ce_partitionkey): one case\'s events stay in order' }, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    ]),
  );
  messages.deadLetter = {
    name: 'deadLetter',
    title: 'A message the reporting consumer could not use',
    summary: 'The original message (key, value and headers unchanged) with the reason and where it came from.',
    headers: {
      type: 'object',
      properties: {
        dlq_reason: { type: 'string' },
        dlq_source_topic: { type: 'string' },
        dlq_source_partition: { type: 'string', pattern: '^\\d+$' },
        dlq_source_offset: { type: 'string', pattern: '^\\d+$' },
      },
      required: ['dlq_reason', 'dlq_source_topic', 'dlq_source_partition', 'dlq_source_offset'],
    },
    payload: { description: 'the original value as it was (it may be what made the message unusable)' },
  };
  const channelMessages = Object.fromEntries(EVENT_TYPES.map((type) => [type, ref(type)]));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'minqing case events',
      version: '1.0.0',
      description:
        `Case lifecycle and work record events as CloudEvents 1.0 in Kafka binary content mode: attributes in \`ce_*\` headers, the data as JSON in the value, the case id (or cadre code) as the key. Each event's \`ce_dataschema\` is the URL of its data schema; the list is at ${trim(baseUrl)}${EVENT_SCHEMAS_PATH}.`,
    },
    defaultContentType: DATA_CONTENT_TYPE,
    channels: {
      caseEvents: {
        address: topic,
        title: 'Case events',
        description: 'Every event of every case and work record, in order per key.',
        messages: channelMessages,
        bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
      },
      deadLetters: {
        address: dlqTopic,
        title: 'Dead letters',
        description: 'Messages of the case-events topic the reporting consumer refused, with the reason.',
        messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
        bindings: { kafka: { topic: dlqTopic, bindingVersion: KAFKA_BINDING_VERSION } },
      },
    },
    operations: {
      publishCaseEvents: {
        action: 'send',
        title: 'The case-worker publishes each committed event (transactional outbox).',
        channel: { $ref: '#/channels/caseEvents' },
        messages: EVENT_TYPES.map((type) => ({ $ref: `#/channels/caseEvents/messages/${type}` })),
      },
      consumeCaseEvents: {
        action: 'receive',
        title: 'Consumers receive every event (reporting keeps the evaluation figures from them).',
        channel: { $ref: '#/channels/caseEvents' },
        messages: EVENT_TYPES.map((type) => ({ $ref: `#/channels/caseEvents/messages/${type}` })),
      },
      publishDeadLetters: {
        action: 'send',
        title: 'Reporting sets aside a message it cannot use.',
        channel: { $ref: '#/channels/deadLetters' },
        messages: [{ $ref: '#/channels/deadLetters/messages/deadLetter' }],
      },
    },
    components: { schemas, messages },
  };
}
