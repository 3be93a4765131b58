/**
 * Notifications (issue 14) through the real stack: a case goes through its
 * life via the API; the notifier (case-worker, its own consumer group on the
 * case events) tells the resident by SMS (the sandbox's fake gateway) and
 * e-mail (the sandbox's SMTP catcher), and staff in the console (GET
 * /api/v1/notifications). Exactly one message per expected event at each
 * adapter — also when an event is delivered again; none after the resident
 * opts out (tracking page, or hall staff); none inside quiet hours (deferred,
 * sent once they are lifted); none lost while the gateway is down; a message
 * refused for good lands in the dead-letter list.
 *
 * Quiet hours are controlled the way an administrator would: PUT
 * /api/v1/operations/notification-settings (the test stack starts with
 * NOTIFY_QUIET_HOURS=off, so the time of day the run happens at does not matter).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, findMessage, header, http, sendMessages } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`nt${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
const move = (id: string, path: string, actor: string, body: unknown = {}) => http('POST', api(`/cases/${id}/${path}`), body, as(actor));
let db: pg.Client;

const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
const phoneFor = () => `139${digits()}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sms { to: string; text: string; reference: string }
interface Mail { to: string[]; subject: string; text: string; messageId: string }
const smsTo = async (phone: string): Promise<Sms[]> => (await (await fetch(`${e.sandboxUrl}/api/sms?to=${phone}`)).json()).items;
const mailTo = async (addr: string): Promise<Mail[]> => (await (await fetch(`${e.sandboxUrl}/api/mail?to=${encodeURIComponent(addr)}`)).json()).items;
const gateway = async (down: boolean) => {
  const res = await fetch(`${e.sandboxUrl}/api/gateway`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ down }) });
  expect(res.status).toBe(200);
};
const setQuietHours = async (quietHours: { start: string; end: string } | null) => {
  const res = await http('PUT', api('/operations/notification-settings'), { quietHours });
  expect(res.status, res.text).toBe(200);
  expect(res.json.quietHours).toEqual(quietHours);
};

/** The case's deliveries in one status (admin API), newest first. */
async function deliveries(caseId: string, status: string): Promise<any[]> {
  const res = await http('GET', api(`/operations/notification-deliveries?status=${status}&caseId=${caseId}&limit=200`));
  expect(res.status, res.text).toBe(200);
  expect(res.json.hasMore).toBe(false);
  return res.json.items;
}

/** What arrived at each resident adapter, as notice codes (each message's reference names its delivery). */
async function arrived(caseId: string, phone: string, email: string | null) {
  const sent = await deliveries(caseId, 'sent');
  const codeOf = new Map(sent.map((d) => [`minqing-${d.id}`, d.code as string]));
  const sms = (await smsTo(phone)).map((m) => codeOf.get(m.reference) ?? `unknown:${m.reference}`).sort();
  const mail = email ? (await mailTo(email)).map((m) => codeOf.get(m.messageId.replace(/^<|@minqing>$/g, '')) ?? `unknown:${m.messageId}`).sort() : [];
  return { sms, mail };
}

/** Wait until exactly `codes` arrived over SMS (and e-mail), then a little longer to see nothing more comes. */
async function expectResident(caseId: string, phone: string, email: string | null, codes: string[], what: string) {
  const want = [...codes].sort();
  await eventually(async () => {
    const a = await arrived(caseId, phone, email);
    return a.sms.length >= want.length && (!email || a.mail.length >= want.length) ? a : undefined;
  }, what, 30_000);
  await sleep(1500);
  expect(await arrived(caseId, phone, email), what).toEqual({ sms: want, mail: email ? want : [] });
}

/** The staff member's in-app notifications about this case, as codes. */
async function inApp(actor: string, caseId: string): Promise<{ id: string; code: string; read: boolean; params: Record<string, unknown> }[]> {
  const res = await http('GET', api('/notifications?limit=100'), undefined, as(actor));
  expect(res.status, res.text).toBe(200);
  return res.json.items.filter((n: { caseId: string }) => n.caseId === caseId);
}

async function open(phone: string, extra: Record<string, unknown> = {}, title = '通知') {
  const res = await http('POST', api('/cases'), caseBody({
    villageCode: t.village, householdCode: t.household, title: `${title} ${t.run} ${digits()}`, resident: { name: '王桂兰', phone, ...extra },
  }), as(t.hall));
  expect(res.status, res.text).toBe(201);
  const id = res.json.id as string;
  const trackingCode = res.json.trackingCode as string;
  await eventually(async () => (await http('GET', api(`/cases/${id}`))).json?.status === 'assigned', `case ${id} routed`);
  return { id, trackingCode };
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await setQuietHours(null);
  await gateway(false);
});
afterAll(async () => {
  await gateway(false).catch(() => undefined);
  await db?.end();
});

describe('notifications driven by the case events', () => {
  it('a case through its life: one SMS and one e-mail per resident notice, one in-app notice per staff notice — also when an event comes again', async () => {
    const phone = phoneFor();
    const email = `r-${t.run}@example.org`;
    const c = await open(phone, { email });
    await expectResident(c.id, phone, email, ['receipt'], 'the receipt');
    const [receipt] = await smsTo(phone);
    expect(receipt!.text).toContain(c.trackingCode);
    expect(receipt!.text).toMatch(/已登记/); // zh-CN unless the resident chose otherwise

    expect((await move(c.id, 'accept', t.cadre1)).status).toBe(200);
    expect((await move(c.id, 'start', t.cadre1)).status).toBe(200);
    expect((await move(c.id, 'wait-on-resident', t.cadre1, { note: '需要补充材料' })).status).toBe(200);
    expect((await move(c.id, 'resume', t.cadre1, { note: '材料已补' })).status).toBe(200);
    expect((await move(c.id, 'extensions', t.cadre1, { minutes: 120, reason: '需上级审批' })).status).toBe(200);
    expect((await move(c.id, 'extensions/decision', t.head, { approve: true, note: '同意' })).status).toBe(200);
    const reply = `已协调解决取暖煤 ${t.run}`;
    expect((await move(c.id, 'resolve', t.cadre1, { reply })).status).toBe(200);

    await expectResident(c.id, phone, email, ['receipt', 'acceptance', 'callback_request', 'resolution'], 'the resident\'s four notices');
    const resolved = (await mailTo(email)).find((m) => m.text.includes(reply));
    expect(resolved, 'the resolution mail carries the reply').toBeDefined();

    await eventually(async () => (await inApp(t.cadre1, c.id)).length >= 2 && (await inApp(t.head, c.id)).length >= 1, 'staff notices');
    await sleep(1000);
    expect((await inApp(t.cadre1, c.id)).map((n) => n.code).sort()).toEqual(['assigned', 'extension_decided']);
    const [request] = await inApp(t.head, c.id);
    expect(request).toMatchObject({ code: 'extension_request', read: false, params: { trackingCode: c.trackingCode, minutes: 120, priority: 'normal' } });

    // The same event once more on the topic (a redelivery): nothing new anywhere.
    const opened = await findMessage(e.KAFKA_BROKERS, e.caseEventsTopic, (m) => header(m, 'ce_subject') === c.id && header(m, 'ce_type') === 'org.minqing.case.opened.v1');
    await sendMessages(e.KAFKA_BROKERS, e.caseEventsTopic, [{ key: opened.message.key, value: opened.message.value, headers: opened.message.headers }]);
    await sleep(3000);
    expect(await arrived(c.id, phone, email)).toEqual({ sms: ['acceptance', 'callback_request', 'receipt', 'resolution'], mail: ['acceptance', 'callback_request', 'receipt', 'resolution'] });

    // Reading: the head marks the request read; the unread count follows.
    const before = (await http('GET', api('/notifications?unread=true&limit=100'), undefined, as(t.head))).json;
    expect((await http('POST', api(`/notifications/${request!.id}/read`), undefined, as(t.head))).status).toBe(204);
    const after = (await http('GET', api('/notifications?unread=true&limit=100'), undefined, as(t.head))).json;
    expect(after.unread).toBe(before.unread - 1);
    expect((await inApp(t.head, c.id))[0]!.read).toBe(true);
    // Someone else's notification is not theirs to mark.
    expect((await http('POST', api(`/notifications/${request!.id}/read`), undefined, as(t.cadre2))).status).toBe(404);
  });

  it('writes English to a resident who chose it', async () => {
    const phone = phoneFor();
    const c = await open(phone, { language: 'en' });
    await expectResident(c.id, phone, null, ['receipt'], 'the English receipt');
    expect((await smsTo(phone))[0]!.text).toMatch(/registered.*tracking code/);
  });

  it('nothing more after the resident opts out on the tracking page, or hall staff record it', async () => {
    const phone = phoneFor();
    const email = `o-${t.run}@example.org`;
    const c = await open(phone, { email });
    await expectResident(c.id, phone, email, ['receipt'], 'the receipt');
    const wrong = await http('POST', api('/public/track/notifications'), { trackingCode: c.trackingCode, phoneTail: '0000' === phone.slice(-4) ? '1111' : '0000', notify: false });
    expect(wrong.status).toBe(404);
    const out = await http('POST', api('/public/track/notifications'), { trackingCode: c.trackingCode, phoneTail: phone.slice(-4), notify: false });
    expect(out.status, out.text).toBe(200);
    await move(c.id, 'accept', t.cadre1);
    await move(c.id, 'start', t.cadre1);
    await move(c.id, 'resolve', t.cadre1, { reply: '已处理' });
    await eventually(async () => (await deliveries(c.id, 'suppressed')).length === 4 || undefined, 'accepted and resolved suppressed on both channels');
    expect(await arrived(c.id, phone, email)).toEqual({ sms: ['receipt'], mail: ['receipt'] });

    const phone2 = phoneFor();
    const c2 = await open(phone2);
    await expectResident(c2.id, phone2, null, ['receipt'], 'the receipt');
    expect((await http('PUT', api(`/cases/${c2.id}/notifications`), { notify: false }, as(t.hall))).status).toBe(200);
    await move(c2.id, 'accept', t.cadre1);
    await eventually(async () => (await deliveries(c2.id, 'suppressed')).length === 1 || undefined, 'accepted suppressed');
    expect((await arrived(c2.id, phone2, null)).sms).toEqual(['receipt']);
    // staff are still told
    expect((await inApp(t.cadre1, c2.id)).map((n) => n.code)).toEqual(['assigned']);
  });

  it('holds residents\' messages during quiet hours and sends them once after', async () => {
    const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16); // the township calendar's UTC+8
    await setQuietHours({ start: local(Date.now() - 3_600_000), end: local(Date.now() + 3_600_000) });
    try {
      const phone = phoneFor();
      const email = `q-${t.run}@example.org`;
      const c = await open(phone, { email });
      const held = await eventually(async () => {
        const pending = await deliveries(c.id, 'pending');
        return pending.length === 2 && pending.every((d) => d.deferredAt !== null) ? pending : undefined;
      }, 'the receipt deferred on both channels');
      expect(held.map((d) => d.channel).sort()).toEqual(['email', 'sms']);
      expect(Date.parse(held[0].nextAttemptAt)).toBeGreaterThan(Date.now() + 30 * 60_000);
      // staff are not held
      await eventually(async () => (await inApp(t.cadre1, c.id)).length === 1 || undefined, 'the assignee told at once');
      await sleep(1500);
      expect(await arrived(c.id, phone, email)).toEqual({ sms: [], mail: [] });

      await setQuietHours(null);
      await expectResident(c.id, phone, email, ['receipt'], 'the held receipt, once');
    } finally {
      await setQuietHours(null);
    }
  });

  it('loses nothing while the SMS gateway is down, and sends each message once when it is back', async () => {
    const phone = phoneFor();
    const email = `g-${t.run}@example.org`;
    await gateway(true);
    let c: { id: string; trackingCode: string };
    try {
      c = await open(phone, { email });
      await move(c.id, 'accept', t.cadre1);
      // e-mail is another channel: it goes
      await eventually(async () => (await mailTo(email)).length === 2 || undefined, 'both mails while the gateway is down');
      const failing = await eventually(async () => {
        const pending = (await deliveries(c.id, 'pending')).filter((d) => d.channel === 'sms');
        return pending.length === 2 && pending.every((d) => d.attempts >= 2) ? pending : undefined;
      }, 'the SMS retried');
      expect(failing[0].lastError).toMatch(/503/);
      expect(await smsTo(phone)).toEqual([]);
    } finally {
      await gateway(false);
    }
    await expectResident(c.id, phone, email, ['receipt', 'acceptance'], 'both SMS once the gateway is back');
    expect(await deliveries(c.id, 'dead')).toEqual([]);
  });

  it('puts a message refused for good on the dead-letter list, for administrators only', async () => {
    const phone = phoneFor();
    const c = await open(phone, { email: `nobody-${t.run}@mail.invalid` });
    const dead = await eventually(async () => {
      const d = await deliveries(c.id, 'dead');
      return d.length === 1 ? d : undefined;
    }, 'the refused mail dead-lettered');
    expect(dead[0]).toMatchObject({ channel: 'email', code: 'receipt', recipient: 'resident', status: 'dead', attempts: 1 });
    expect(dead[0].lastError).toMatch(/550/);
    expect(JSON.stringify(dead)).not.toContain('mail.invalid');
    await expectResident(c.id, phone, null, ['receipt'], 'the SMS still went');
    expect((await http('GET', api('/operations/notification-deliveries'), undefined, as(t.head))).status).toBe(403);
  });
});
