import { describe, expect, it } from 'vitest';
import { buildEvent, fromKafkaMessage, toKafkaRecord } from './cloudevents';
import { EventType, type CaseOpenedV1 } from './catalogue';

const data: CaseOpenedV1 = {
  caseId: '731b1418-a19c-420d-b63e-77434e42d274',
  trackingCode: 'MQ-NS7P-S8YC',
  category: 'policy_question',
  priority: 'normal',
  channel: 'hall',
  servicePointCode: 'hall-main',
  villageCode: 'wulan',
  householdCode: null,
  openedAt: '2026-11-27T00:38:12.755Z',
  openedBy: 'staff-1',
};

const event = () =>
  buildEvent({ id: 'e1c7a0c4-2b7e-5d5c-8a8e-0f3f4d1c2b3a', source: '/minqing/case-worker', type: EventType.caseOpenedV1, subject: data.caseId, time: data.openedAt, data });

const asMessage = (r: ReturnType<typeof toKafkaRecord>) => ({
  key: Buffer.from(r.key),
  value: Buffer.from(r.value),
  headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Buffer.from(v)])),
});

describe('CloudEvents on Kafka (binary mode)', () => {
  it('round-trips: what the producer encodes, the consumer decodes and validates', () => {
    const record = toKafkaRecord(event());
    expect(record.key).toBe(data.caseId);
    expect(record.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_type: 'org.minqing.case.opened.v1',
      ce_subject: data.caseId,
      'content-type': 'application/json',
    });
    const decoded = fromKafkaMessage(asMessage(record));
    expect(decoded).toEqual({ ok: true, event: event() });
  });

  it('the producer refuses to build an event whose data breaks its schema', () => {
    expect(() =>
      buildEvent({ id: 'x', source: 's', type: EventType.caseOpenedV1, subject: data.caseId, time: data.openedAt, data: { ...data, category: 'nope' as never } }),
    ).toThrow(/category/);
  });

  it.each([
    ['a missing ce_id', (m: any) => delete m.headers.ce_id, /ce_id/],
    ['another spec version', (m: any) => (m.headers.ce_specversion = Buffer.from('0.3')), /specversion/],
    ['an unknown type', (m: any) => (m.headers.ce_type = Buffer.from('org.minqing.case.exploded.v1')), /unknown event type/],
    ['data that is not JSON', (m: any) => (m.value = Buffer.from('{')), /not valid JSON/],
    ['data missing a field', (m: any) => (m.value = Buffer.from(JSON.stringify({ ...data, trackingCode: undefined }))), /trackingCode/],
    ['a key that is not the partition key', (m: any) => (m.key = Buffer.from('someone-else')), /does not match/],
    ['a bad time', (m: any) => (m.headers.ce_time = Buffer.from('yesterday')), /ce_time/],
  ])('the consumer rejects %s with a reason', (_label, mutate, reason) => {
    const m = asMessage(toKafkaRecord(event()));
    mutate(m);
    const decoded = fromKafkaMessage(m);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(reason);
  });
});
