import { describe, expect, it } from 'vitest';
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument, EVENT_TYPES, eventDataJsonSchema, eventSchemaListing } from './contract';
import { EVENT_SCHEMAS } from './catalogue';
import { buildEvent, dataSchemaUrl, fromKafkaMessage, legacyDataSchemaUrn, toKafkaRecord } from './cloudevents';

const BASE = 'https://minqing.example/gov';

describe('the published event contract', () => {
  it('has one schema per catalogue type, at the URL events name in ce_dataschema', () => {
    expect(EVENT_TYPES.sort()).toEqual(Object.keys(EVENT_SCHEMAS).sort());
    const listing = eventSchemaListing(`${BASE}/`);
    expect(listing.total).toBe(EVENT_TYPES.length);
    expect(listing.items.map((i) => i.schema)).toEqual(EVENT_TYPES.map((t) => `${BASE}/api/v1/events/schemas/${t}`));
    expect(listing.asyncapi).toBe(`${BASE}/asyncapi.json`);
    for (const type of EVENT_TYPES) {
      const schema = eventDataJsonSchema(BASE, type);
      expect(schema.$id).toBe(dataSchemaUrl(BASE, type));
      expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', title: type, type: 'object', additionalProperties: false });
      // the catalogue's schema, keyword for keyword
      expect(schema.properties).toEqual(JSON.parse(JSON.stringify(EVENT_SCHEMAS[type].properties)));
    }
  });

  it('is a valid AsyncAPI 3.0 document (@asyncapi/parser, no errors) with the topics, every message, and the same schemas', async () => {
    const doc = asyncApiDocument({ baseUrl: BASE, topic: 'case-events', dlqTopic: 'case-events.dlq' });
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc)); // as served
    const errors = diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('/')}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(document!.channels().all().map((c) => c.address()).sort()).toEqual(['case-events', 'case-events.dlq']);
    const events = document!.channels().get('caseEvents')!;
    expect(events.messages().all().map((m) => m.name()).sort()).toEqual([...EVENT_TYPES].sort());
    expect(document!.operations().all().map((o) => `${o.action()} ${o.channels().all()[0]?.address()}`).sort()).toEqual([
      'receive case-events',
      'send case-events',
      'send case-events.dlq',
    ]);
    // Each message's payload is the served schema (without $id/$schema), and its headers pin ce_type and ce_dataschema.
    for (const message of events.messages().all()) {
      const type = message.name() as (typeof EVENT_TYPES)[number];
      const { $id: _id, $schema: _dialect, ...served } = eventDataJsonSchema(BASE, type);
      expect(message.payload()!.id()).toBe(type); // the components schema named after the type…
      expect((doc.components as { schemas: Record<string, unknown> }).schemas[type]).toEqual(served); // …which is the served one
      const headers = message.headers()!.json() as { properties: Record<string, { const?: string; enum?: string[] }> };
      expect(headers.properties.ce_type!.const).toBe(type);
      expect(headers.properties.ce_dataschema!.enum).toEqual([dataSchemaUrl(BASE, type), legacyDataSchemaUrn(type)]);
    }
  });
});

describe('ce_dataschema', () => {
  const data = {
    caseId: '731b1418-a19c-420d-b63e-77434e42d274', trackingCode: 'MQ-NS7P-S8YC', category: 'policy_question', priority: 'normal', channel: 'hall',
    servicePointCode: null, villageCode: 'wulan', householdCode: null, openedAt: '2026-11-27T00:38:12.755Z', openedBy: null,
  } as const;
  const record = (schemaBaseUrl?: string) =>
    toKafkaRecord(buildEvent({ id: 'e1', source: '/minqing/case-worker', type: 'org.minqing.case.opened.v1', subject: data.caseId, time: data.openedAt, data, schemaBaseUrl }));
  const asMessage = (headers: Record<string, string>, value: string, key: string) => ({ key: Buffer.from(key), value: Buffer.from(value), headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])) });

  it('is the absolute URL of the schema under the configured base (the local stack by default)', () => {
    expect(record(BASE).headers.ce_dataschema).toBe(`${BASE}/api/v1/events/schemas/org.minqing.case.opened.v1`);
    expect(record().headers.ce_dataschema).toBe('http://127.0.0.1:8080/api/v1/events/schemas/org.minqing.case.opened.v1');
  });

  it.each([
    ['the URL', (h: Record<string, string>) => h],
    ['the URN of events published before the schemas were served', (h: Record<string, string>) => ({ ...h, ce_dataschema: 'urn:minqing:schema:org.minqing.case.opened.v1' })],
    ['no ce_dataschema at all', ({ ce_dataschema: _gone, ...h }: Record<string, string>) => h],
  ])('does not decide whether a message is accepted: %s decodes', (_label, headers) => {
    const r = record(BASE);
    const decoded = fromKafkaMessage(asMessage(headers(r.headers), r.value, r.key));
    expect(decoded.ok).toBe(true);
  });
});
