/**
 * The walking skeleton through every real layer: HTTP → Temporal workflow →
 * PostgreSQL (case, timeline, outbox in one transaction) → relay → Kafka
 * (CloudEvents binary mode) → reporting consumer → reporting API.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { deriveCaseId, EventType, fromKafkaMessage, TRACKING_CODE_PATTERN } from '@minqing/shared';
import { adminToken, caseBody, committedToEnd, env, eventually, findMessage, header, http, reportingGroupId, sendMessages, uniqueKey } from '../support/helpers';
import { testTemporalClient } from '../support/temporal';

const e = env();
let db: pg.Client;
let temporal: Client;

const summary = async () => (await http('GET', `${e.reportingUrl}/api/v1/reports/summary`)).json;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  temporal = await testTemporalClient(e);
});

afterAll(async () => {
  await db?.end();
  await temporal?.connection.close();
});

describe('opening a case', () => {
  it('goes from HTTP to PostgreSQL, to Kafka as a CloudEvent, to the reporting summary', async () => {
    const before = await summary();
    const body = caseBody({ category: 'dispute_mediation', channel: 'market_day' });
    const res = await http('POST', `${e.apiUrl}/api/v1/cases`, body);

    expect(res.status).toBe(201);
    const id: string = res.json.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.json.trackingCode).toMatch(new RegExp(TRACKING_CODE_PATTERN));
    expect(res.json.status).toBe('submitted');
    expect(res.headers.get('location')).toBe(`/api/v1/cases/${id}`);

    // The row, its timeline entry and its outbox row are in PostgreSQL.
    const row = await eventually(async () => (await db.query('SELECT * FROM casework.cases WHERE id = $1', [id])).rows[0], 'case row');
    expect(['submitted', 'assigned']).toContain(row.status); // routing may already have assigned it
    expect(row).toMatchObject({
      category: 'dispute_mediation',
      channel: 'market_day',
      title: body.title,
      resident_name: '王桂兰',
      tracking_code: res.json.trackingCode,
    });
    const timeline = await db.query('SELECT step FROM casework.case_timeline WHERE case_id = $1 ORDER BY seq', [id]);
    expect(timeline.rows[0]?.step).toBe('opened'); // routing may already have added its entry
    const outbox = await eventually(
      async () => (await db.query(`SELECT * FROM casework.outbox WHERE case_id = $1 AND event_type = 'org.minqing.case.opened.v1' AND published_at IS NOT NULL`, [id])).rows[0],
      'outbox row published',
    );
    expect(outbox.event_type).toBe(EventType.caseOpenedV1);

    // The CloudEvent is on Kafka, keyed by case id, with the right attributes.
    const { message } = await findMessage(e.KAFKA_BROKERS, e.caseEventsTopic, (m) => m.key?.toString() === id && header(m, 'ce_type') === 'org.minqing.case.opened.v1');
    expect(header(message, 'ce_specversion')).toBe('1.0');
    expect(header(message, 'ce_type')).toBe('org.minqing.case.opened.v1');
    expect(header(message, 'ce_id')).toBe(outbox.event_id);
    expect(header(message, 'ce_subject')).toBe(id);
    expect(header(message, 'ce_source')).toBe('/minqing/case-worker');
    expect(header(message, 'content-type')).toBe('application/json');
    expect(Date.parse(header(message, 'ce_time')!)).not.toBeNaN();
    const decoded = fromKafkaMessage(message);
    expect(decoded.ok).toBe(true);
    const value = message.value!.toString();
    expect(JSON.parse(value)).toMatchObject({ caseId: id, category: 'dispute_mediation', channel: 'market_day' });
    // No personal data leaves the case store in events.
    expect(value).not.toContain('王桂兰');
    expect(value).not.toContain('13912345678');

    // The reporting service counts it.
    const after = await eventually(async () => {
      const s = await summary();
      return s.totalCases === before.totalCases + 1 ? s : undefined;
    }, 'reporting to count the case');
    expect(after.byCategory.dispute_mediation).toBe((before.byCategory.dispute_mediation ?? 0) + 1);
    expect(after.byChannel.market_day).toBe((before.byChannel.market_day ?? 0) + 1);

    // And the API reads it back from the read model.
    const got = await http('GET', `${e.apiUrl}/api/v1/cases/${id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({ id, category: 'dispute_mediation', trackingCode: res.json.trackingCode });
  });

  it('counts a duplicate delivery of the same event once', async () => {
    const opened = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody());
    expect(opened.status).toBe(201);
    const id = opened.json.id;
    const { message } = await findMessage(e.KAFKA_BROKERS, e.caseEventsTopic, (m) => m.key?.toString() === id && header(m, 'ce_type') === 'org.minqing.case.opened.v1');
    // The count before: once this case is counted and nothing else is on its way (cases an earlier
    // test file opened last may still be in the outbox or on the topic, and would land in between).
    const groupId = await reportingGroupId();
    const before = await eventually(async () => {
      const counted = await db.query('SELECT 1 FROM reporting.case_facts WHERE case_id = $1', [id]);
      const waiting = await db.query('SELECT 1 FROM casework.outbox WHERE published_at IS NULL LIMIT 1');
      if (counted.rowCount !== 1 || waiting.rowCount !== 0 || !(await committedToEnd(e.KAFKA_BROKERS, groupId, e.caseEventsTopic))) return undefined;
      return summary();
    }, 'first delivery counted, and nothing else on its way');

    // Redeliver the very same record (same ce_id), then open a marker case, and
    // wait until the consumer has committed past both.
    await sendMessages(e.KAFKA_BROKERS, e.caseEventsTopic, [{ key: message.key, value: message.value, headers: message.headers }]);
    const marker = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody());
    expect(marker.status).toBe(201);

    // The marker is on Kafka once its outbox row is published; then wait until the
    // consumer has committed up to every partition's end (duplicate and marker included).
    await eventually(
      async () => {
        const r = await db.query('SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS waiting, count(*)::int AS total FROM casework.outbox WHERE case_id = $1', [marker.json.id]);
        return r.rows[0].total >= 2 && r.rows[0].waiting === 0; // opened and routed, both on Kafka
      },
      'marker published',
    );
    await eventually(() => committedToEnd(e.KAFKA_BROKERS, groupId, e.caseEventsTopic), 'the reporting consumer to commit up to the end of the topic');

    const after = await summary();
    expect(after.totalCases).toBe(before.totalCases + 1); // the marker only
    const seen = await db.query('SELECT count(*)::int AS n FROM reporting.processed_events WHERE event_id = $1', [header(message, 'ce_id')]);
    expect(seen.rows[0].n).toBe(1);
    const facts = await db.query('SELECT count(*)::int AS n FROM reporting.case_facts WHERE case_id = $1', [id]);
    expect(facts.rows[0].n).toBe(1);
  });
});

describe('idempotent intake', () => {
  it('a retried request with the same Idempotency-Key returns the same case and opens nothing new', async () => {
    const key = uniqueKey('retry');
    const body = caseBody({ category: 'proxy_matter' });
    const first = await http('POST', `${e.apiUrl}/api/v1/cases`, body, { 'idempotency-key': key });
    const second = await http('POST', `${e.apiUrl}/api/v1/cases`, body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.json.id).toBe(first.json.id);
    expect(second.json.trackingCode).toBe(first.json.trackingCode);
    await eventually(async () => (await db.query('SELECT 1 FROM reporting.case_facts WHERE case_id = $1', [first.json.id])).rowCount === 1, 'counted');
    const rows = await db.query('SELECT count(*)::int AS n FROM casework.cases WHERE id = $1', [first.json.id]);
    expect(rows.rows[0].n).toBe(1);
  });

  it('the same Idempotency-Key with a different body is refused with 422', async () => {
    const key = uniqueKey('reuse');
    const first = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ title: 'A' }), { 'idempotency-key': key });
    expect(first.status).toBe(201);
    const second = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ title: 'B' }), { 'idempotency-key': key });
    expect(second.status).toBe(422);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(second.json.type).toBe('urn:minqing:problem:idempotency-key-reused');
  });
});

describe('bad input', () => {
  it('gets a 400 problem document naming the bad fields, and starts no workflow', async () => {
    const key = uniqueKey('bad');
    const res = await http(
      'POST',
      `${e.apiUrl}/api/v1/cases`,
      caseBody({ category: 'not-a-category', resident: { name: '王桂兰', phone: '12345' }, colour: 'red' }),
      { 'idempotency-key': key },
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ type: 'urn:minqing:problem:validation-error', status: 400, title: 'Invalid request' });
    const fields = res.json.errors.map((x: { field: string }) => x.field).sort();
    expect(fields).toEqual(['body/category', 'body/colour', 'body/resident/phone']);
    // The id this key would have opened has no workflow behind it.
    await expect(temporal.workflow.getHandle(deriveCaseId(key)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });

  it.each([
    ['malformed JSON', '{"category":', { 'content-type': 'application/json' }, 400, 'urn:minqing:problem:malformed-body'],
    ['a form body', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'urn:minqing:problem:unsupported-media-type'],
    ['a too large body', JSON.stringify({ description: 'x'.repeat(300 * 1024) }), { 'content-type': 'application/json' }, 413, 'urn:minqing:problem:payload-too-large'],
    ['an empty body', '', { 'content-type': 'application/json' }, 400, 'urn:minqing:problem:malformed-body'],
  ])('%s gets a clear problem, not a 500', async (_label, raw, headers, status, type) => {
    const res = await fetch(`${e.apiUrl}/api/v1/cases`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${await adminToken()}` }, body: raw });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const json = (await res.json()) as { type: string };
    expect(json.type).toBe(type);
    expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('an unknown case id is a 404 problem and a malformed one a 400', async () => {
    const missing = await http('GET', `${e.apiUrl}/api/v1/cases/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.json.type).toBe('urn:minqing:problem:not-found');
    const malformed = await http('GET', `${e.apiUrl}/api/v1/cases/12345`);
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors[0].field).toBe('params/id');
  });
});

describe('events that fail validation', () => {
  it('go to the dead-letter topic with the reason and are counted, not dropped', async () => {
    const before = await summary();
    const caseId = '11111111-2222-4333-8444-555555555555';
    const eventId = `bad-${Date.now()}`;
    await sendMessages(e.KAFKA_BROKERS, e.caseEventsTopic, [
      {
        key: caseId,
        value: JSON.stringify({ caseId, category: 'nonsense' }),
        headers: {
          ce_specversion: '1.0',
          ce_id: eventId,
          ce_source: '/tests',
          ce_type: 'org.minqing.case.opened.v1',
          ce_subject: caseId,
          ce_time: new Date().toISOString(),
          'content-type': 'application/json',
        },
      },
    ]);
    const { message } = await findMessage(e.KAFKA_BROKERS, e.dlqTopic, (m) => header(m, 'ce_id') === eventId);
    expect(header(message, 'dlq_reason')).toMatch(/data\//);
    expect(header(message, 'dlq_source_topic')).toBe(e.caseEventsTopic);
    const after = await eventually(async () => {
      const s = await summary();
      return s.deadLetters === before.deadLetters + 1 ? s : undefined;
    }, 'the dead letter to be counted');
    expect(after.totalCases).toBe(before.totalCases);
    const row = await db.query('SELECT reason FROM reporting.dead_letters WHERE event_id = $1', [eventId]);
    expect(row.rows[0].reason).toMatch(/category|required/);
    const listed = (await http('GET', `${e.reportingUrl}/api/v1/reports/dead-letters`)).json;
    expect(listed.items.find((d: { eventId: string }) => d.eventId === eventId)).toMatchObject({ eventType: 'org.minqing.case.opened.v1', topic: e.caseEventsTopic });
  });
});

describe('service contracts', () => {
  it('the case API publishes OpenAPI 3 with stable operation ids', async () => {
    const doc = (await http('GET', `${e.apiUrl}/openapi.json`)).json;
    expect(doc.openapi).toMatch(/^3\./);
    const ops = Object.values(doc.paths).flatMap((p: any) => Object.values(p).map((o: any) => o.operationId));
    expect(ops).toEqual(expect.arrayContaining(['openCase', 'getCase']));
  });

  it('the reporting API publishes OpenAPI 3 with reportSummary', async () => {
    const doc = (await http('GET', `${e.reportingUrl}/openapi.json`)).json;
    expect(doc.paths['/api/v1/reports/summary'].get.operationId).toBe('reportSummary');
  });

  it.each(['apiUrl', 'reportingUrl', 'workerUrl'] as const)('%s answers /healthz and /readyz', async (which) => {
    expect((await http('GET', `${e[which]}/healthz`)).status).toBe(200);
    const ready = await http('GET', `${e[which]}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.json.status).toBe('ready');
  });

  it('the relay exposes its lag, and nothing waits unpublished', async () => {
    const lag = await eventually(async () => {
      const l = (await http('GET', `${e.workerUrl}/outbox/lag`)).json;
      return l.unpublished === 0 ? l : undefined;
    }, 'outbox drained');
    expect(lag.leader).toBe(true);
    expect(lag.published).toBeGreaterThan(0);
  });
});
