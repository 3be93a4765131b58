/** The notifier's pure parts: who hears of which event over which channel, quiet hours, templates, backoff; and the SMS adapter against a local gateway. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuietHours, quietUntil, NOTICE_LANGUAGES, RESIDENT_NOTICES } from '@minqing/shared';
import { backoffMs, isStale, planDeliveries } from './plan';
import { RESIDENT_TEMPLATES, renderResident } from './templates';
import { PermanentDeliveryError, SmsGatewayChannel } from './channels';

const ALL = new Set(['sms', 'email', 'inapp'] as const);
const contact = { trackingCode: 'MQ-AAAA-BBBB', priority: 'normal', phone: '13800000000', email: 'w@example.org' };
const base = { caseId: '00000000-0000-4000-8000-000000000001', assigneeCode: 'cadre-1' };

describe('planDeliveries', () => {
  it('tells the resident of the receipt by SMS and e-mail, with codes only', () => {
    const out = planDeliveries({ type: 'org.minqing.case.opened.v1', data: base } as never, contact, ALL);
    expect(out).toEqual([
      { recipient: 'resident', channel: 'sms', code: 'receipt', params: { trackingCode: 'MQ-AAAA-BBBB' } },
      { recipient: 'resident', channel: 'email', code: 'receipt', params: { trackingCode: 'MQ-AAAA-BBBB' } },
    ]);
    expect(JSON.stringify(out)).not.toContain('13800000000');
  });

  it('sends no SMS to a landline, no e-mail without an address, nothing over a channel that is not configured', () => {
    expect(planDeliveries({ type: 'org.minqing.case.accepted.v1', data: base } as never, { ...contact, phone: '0471-1234567', email: null }, ALL)).toEqual([]);
    expect(planDeliveries({ type: 'org.minqing.case.accepted.v1', data: base } as never, contact, new Set(['inapp'] as const))).toEqual([]);
  });

  it('tells staff in the console: the assignee of a routed case, the escalation target, the decider of an extension', () => {
    expect(planDeliveries({ type: 'org.minqing.case.routed.v1', data: base } as never, contact, ALL)).toEqual([
      { recipient: 'staff:cadre-1', channel: 'inapp', code: 'assigned', params: { trackingCode: 'MQ-AAAA-BBBB' } },
    ]);
    const esc = planDeliveries({ type: 'org.minqing.case.escalated.v1', data: { ...base, phase: 'sign_for', level: 2, escalatedToCode: 'leader-1', dueAt: '2026-12-02T00:00:00Z' } } as never, contact, ALL);
    expect(esc).toEqual([{ recipient: 'staff:leader-1', channel: 'inapp', code: 'escalation', params: { trackingCode: 'MQ-AAAA-BBBB', phase: 'sign_for', level: 2, dueAt: '2026-12-02T00:00:00Z' } }]);
    expect(planDeliveries({ type: 'org.minqing.case.extension_requested.v1', data: { ...base, phase: 'resolve', minutes: 60, deciderCode: null } } as never, contact, ALL)).toEqual([]);
    // the case's priority goes along, so the console can word the extension in working days or, for an urgent case, hours
    expect(planDeliveries({ type: 'org.minqing.case.extension_requested.v1', data: { ...base, phase: 'resolve', minutes: 120, deciderCode: 'head-1' } } as never, { ...contact, priority: 'urgent' }, ALL)).toEqual([
      { recipient: 'staff:head-1', channel: 'inapp', code: 'extension_request', params: { trackingCode: 'MQ-AAAA-BBBB', phase: 'resolve', minutes: 120, priority: 'urgent' } },
    ]);
  });

  it('ignores events nobody is told of', () => {
    expect(planDeliveries({ type: 'org.minqing.case.supervised.v1', data: base } as never, contact, ALL)).toEqual([]);
  });
});

describe('quiet hours (township local time, UTC+8)', () => {
  const quiet = parseQuietHours('21:00-08:00');
  it('holds a message sent at 22:30 local until 08:00 the next morning', () => {
    expect(quietUntil(new Date('2026-12-02T14:30:00Z'), quiet, 480)?.toISOString()).toBe('2026-12-03T00:00:00.000Z');
  });
  it('holds a message sent at 06:00 local until 08:00 the same morning', () => {
    expect(quietUntil(new Date('2026-12-01T22:00:00Z'), quiet, 480)?.toISOString()).toBe('2026-12-02T00:00:00.000Z');
  });
  it('lets a message at 12:00 local go, and none when the quiet hours are off or empty', () => {
    expect(quietUntil(new Date('2026-12-02T04:00:00Z'), quiet, 480)).toBeNull();
    expect(quietUntil(new Date('2026-12-02T14:30:00Z'), parseQuietHours('off'), 480)).toBeNull();
    expect(quietUntil(new Date('2026-12-02T14:30:00Z'), { start: '09:00', end: '09:00' }, 480)).toBeNull();
  });
  it('handles a window inside one day', () => {
    expect(quietUntil(new Date('2026-12-02T05:00:00Z'), { start: '12:00', end: '14:00' }, 480)?.toISOString()).toBe('2026-12-02T06:00:00.000Z');
  });
  it('refuses a malformed setting', () => {
    expect(() => parseQuietHours('9pm-8am')).toThrow(/HH:MM/);
  });
});

describe('resident templates', () => {
  it('exist for every notice in both languages and carry the tracking code; the reply goes into "resolution"', () => {
    for (const lang of NOTICE_LANGUAGES) for (const code of RESIDENT_NOTICES) expect(RESIDENT_TEMPLATES[lang][code]({ trackingCode: 'MQ-X' }).text).toContain('MQ-X');
    expect(renderResident('resolution', 'zh-CN', { trackingCode: 'MQ-X', reply: '已修好路灯' }).text).toContain('已修好路灯');
    expect(renderResident('acceptance', 'en', { trackingCode: 'MQ-X' }).subject).toMatch(/accepted/i);
  });
});

describe('backoff', () => {
  it('doubles per attempt up to the cap, with bounded jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((a) => backoffMs(a, 1000, 5000, mid))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffMs(1, 1000, 5000, () => 0)).toBe(800);
    expect(backoffMs(1, 1000, 5000, () => 1)).toBe(1200);
  });
});

describe('SmsGatewayChannel', () => {
  let server: http.Server;
  let url = '';
  let answer = 200;
  const got: { auth?: string; key?: string; body: unknown }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, key: req.headers['idempotency-key'] as string, body: JSON.parse(body) });
        res.writeHead(answer).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const msg = { reference: 'minqing-7', to: '13800000000', subject: 's', text: 't', code: 'receipt', params: {}, caseId: null };

  it('posts JSON with the key and the delivery reference', async () => {
    await new SmsGatewayChannel({ url, apiKey: 'k', sender: 'minqing' }).send(msg);
    expect(got.at(-1)).toEqual({ auth: 'Bearer k', key: 'minqing-7', body: { to: '13800000000', text: 't', reference: 'minqing-7', sender: 'minqing' } });
  });
  it('treats 503 as retryable and 400 as permanent, never naming the phone in the error', async () => {
    const ch = new SmsGatewayChannel({ url, sender: 'minqing' });
    answer = 503;
    const transient = await ch.send(msg).catch((e: Error) => e);
    expect(transient).toBeInstanceOf(Error);
    expect(transient).not.toBeInstanceOf(PermanentDeliveryError);
    answer = 400;
    const permanent = await ch.send(msg).catch((e: Error) => e);
    expect(permanent).toBeInstanceOf(PermanentDeliveryError);
    expect(String((permanent as Error).message)).not.toContain('13800000000');
    answer = 200;
  });
});

describe('stale events', () => {
  const now = new Date('2026-12-02T08:00:00Z');
  it('notify nobody once older than the maximum age, and do until then', () => {
    const day = 24 * 3_600_000;
    expect(isStale('2026-12-01T08:00:01Z', now, day)).toBe(false);
    expect(isStale('2026-12-01T07:59:59Z', now, day)).toBe(true);
    expect(isStale('2026-09-01T08:00:00Z', now, day)).toBe(true);
  });
});
