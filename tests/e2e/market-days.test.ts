/**
 * Market-day duty (双定 — 定时服务, issue 13) through the real stack: a cadre on a
 * session's duty roster records their own attendance (identity from the
 * session, never the body); the area's leader records a rostered cadre's on
 * their behalf (who recorded it is kept); the window, the weekday and the
 * calendar's holidays are the rules; each record is an event on the topic,
 * valid against its published schema, projected by reporting, and the duty
 * figures' market days equal an independent SQL recomputation over the
 * case-worker's own table. A case taken in by a cadre on duty today is tied to
 * the session; the day's and the month's reports show the attendance and the
 * cases; the month exports as CSV and XLSX.
 */
import pg from 'pg';
import Ajv from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, SESSION_ATTENDANCE_EVENT } from '@minqing/shared';
import { caseBody, env, eventually, header, http, readAll } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { expectedMarketDays } from '../support/work';

const e = env();
const t = township(`md${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (cadre: string) => ({ 'x-actor': cadre });
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = iso(Date.now() + 8 * 3_600_000);
const MONTH = TODAY.slice(0, 7);
const weekdayOf = (d: string) => ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const shift = (d: string, days: number) => iso(Date.parse(`${d}T00:00:00Z`) + days * DAY);
/** held today (the tests record today's market day); sorts before the other session */
const market = t.code('a-market');
/** held on Thursdays: 1 October 2026 is in the National Day holiday */
const thursdays = t.code('z-thursday');
let db: pg.Client;
const recorded: string[] = [];
let caseId = '';

const attend = (body: Record<string, unknown>, actor: string, session = market) => http('POST', api(`/sessions/${session}/attendance`), body, as(actor));

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(
    `INSERT INTO directory.sessions (code, name, village_code, weekday, start_time, end_time) VALUES ($1, '乌兰集贸日联合办公', $3, $4, '09:00', '12:00'), ($2, '周四联合办公', $3, 4, '09:00', '12:00')`,
    [market, thursdays, t.village, weekdayOf(TODAY)],
  );
  await db.query('INSERT INTO directory.session_duty (session_code, cadre_code) VALUES ($1, $3), ($1, $4), ($1, $5), ($2, $3)', [market, thursdays, t.cadre1, t.cadre2, t.judge]);
}, 60_000);
afterAll(async () => db?.end());

describe('recording attendance', () => {
  it('a rostered cadre records their own: who recorded it is the session, never a body field', async () => {
    const res = await attend({ date: TODAY, status: 'arrived' }, t.cadre1);
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ sessionCode: market, date: TODAY, cadreCode: t.cadre1, status: 'arrived', reason: null, recordedBy: t.cadre1, onBehalf: false });
    recorded.push(res.json.id);
    // another cadre of the roster cannot record for them
    const spoof = await attend({ date: TODAY, status: 'absent', reason: 'other', cadreCode: t.cadre1 }, t.cadre2);
    expect(spoof.status).toBe(403);
    expect(spoof.json.code).toBe('attendance_not_on_behalf');
    // nor can anyone off the roster record their own
    const head = await attend({ date: TODAY, status: 'arrived' }, t.head);
    expect(head.status).toBe(403);
    expect(head.json.code).toBe('attendance_not_on_roster');
  });

  it('the same Idempotency-Key records once', async () => {
    const key = { 'idempotency-key': `md-${t.run}-judge` };
    const first = await http('POST', api(`/sessions/${market}/attendance`), { date: TODAY, status: 'arrived' }, { ...as(t.judge), ...key });
    const again = await http('POST', api(`/sessions/${market}/attendance`), { date: TODAY, status: 'arrived' }, { ...as(t.judge), ...key });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json.id).toBe(first.json.id);
    recorded.push(first.json.id);
    // the same key with another record is refused, not answered with the first one
    const other = await http('POST', api(`/sessions/${market}/attendance`), { date: TODAY, status: 'absent', reason: 'sick_leave' }, { ...as(t.judge), ...key });
    expect(other.status, other.text).toBe(422);
    expect(other.json.type).toBe('urn:minqing:problem:idempotency-key-reused');
  });

  it('the area leader records a rostered cadre on their behalf, absent with a reason; a later record corrects', async () => {
    const res = await attend({ date: TODAY, status: 'absent', reason: 'sick_leave', cadreCode: t.cadre2 }, t.leader);
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ cadreCode: t.cadre2, status: 'absent', reason: 'sick_leave', recordedBy: t.leader, onBehalf: true });
    recorded.push(res.json.id);
    // the judge, first recorded there, is corrected to absent by the leader
    const fix = await attend({ date: TODAY, status: 'absent', reason: 'official_business', cadreCode: t.judge }, t.leader);
    expect(fix.status).toBe(201);
    recorded.push(fix.json.id);
    // and an earlier market day, past the cadre's own window, by the leader only
    const lastWeek = shift(TODAY, -7);
    const own = await attend({ date: lastWeek, status: 'arrived' }, t.cadre1);
    expect(own.status).toBe(422);
    expect(own.json.errors).toEqual([expect.objectContaining({ field: 'body/date', code: 'attendance_window_closed' })]);
    const late = await attend({ date: lastWeek, status: 'arrived', cadreCode: t.cadre1 }, t.leader);
    expect(late.status, late.text).toBe(201);
    recorded.push(late.json.id);
  });

  it('refuses what breaks the rules, naming the field with a code', async () => {
    const refused = async (body: Record<string, unknown>, actor = t.cadre1, session = market) => {
      const res = await attend(body, actor, session);
      expect(res.status, res.text).toBe(422);
      return res.json.errors.map((x: { field: string; code: string }) => `${x.field}:${x.code}`);
    };
    expect(await refused({ date: TODAY, status: 'absent' })).toEqual(['body/reason:required']);
    expect(await refused({ date: TODAY, status: 'arrived', reason: 'other' })).toEqual(['body/reason:not_allowed']);
    expect(await refused({ date: shift(TODAY, 1), status: 'arrived' })).toEqual(['body/date:attendance_not_a_session_day']);
    expect(await refused({ date: shift(TODAY, 7), status: 'arrived' })).toEqual(['body/date:attendance_in_the_future']);
    expect(await refused({ date: '2026-10-01', status: 'arrived', cadreCode: t.cadre1 }, t.leader, thursdays)).toEqual(['body/date:attendance_holiday']);
    expect(await refused({ date: TODAY, status: 'arrived', cadreCode: t.head }, t.leader)).toEqual(['body/cadreCode:not_on_roster']);
    // the schema's 400s: an unknown field (no location, ever), a bad status
    const gps = await attend({ date: TODAY, status: 'arrived', gps: '40.1,111.2' }, t.cadre1);
    expect(gps.status).toBe(400);
    expect((await attend({ date: TODAY, status: 'late' }, t.cadre1)).status).toBe(400);
    expect((await http('POST', api('/sessions/no-such-session/attendance'), { date: TODAY, status: 'arrived' }, as(t.cadre1))).status).toBe(404);
    expect((await http('POST', api(`/sessions/${market}/attendance`), { date: TODAY, status: 'arrived' }, { authorization: '' })).status).toBe(401);
  });

  it("shows the session's dates with the calendar's holidays cancelled", async () => {
    const res = await http('GET', api(`/sessions/${thursdays}/dates?month=2026-10`), undefined, as(t.cadre1));
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([
      { date: '2026-10-01', cancelled: true, reason: 'holiday' },
      { date: '2026-10-08', cancelled: false, reason: null },
      { date: '2026-10-15', cancelled: false, reason: null },
      { date: '2026-10-22', cancelled: false, reason: null },
      { date: '2026-10-29', cancelled: false, reason: null },
    ]);
    expect((await http('GET', api(`/sessions/${thursdays}/dates?month=2026-13`), undefined, as(t.cadre1))).status).toBe(400);
  });
});

describe('cases opened at a session', () => {
  it('are tied to the session the cadre is on duty at today when the intake names no place', async () => {
    const res = await http('POST', api('/cases'), caseBody({ channel: 'market_day', villageCode: t.village, householdCode: t.household, category: 'livelihood_difficulty', servicePointCode: undefined }), { ...as(t.cadre1), 'idempotency-key': `md-case-${t.run}` });
    expect(res.status, res.text).toBe(201);
    caseId = res.json.id;
    const c = await eventually(async () => {
      const r = await http('GET', api(`/cases/${caseId}`));
      return r.status === 200 ? r.json : undefined;
    }, 'the case readable');
    expect(c.servicePointCode).toBe(market);
  });
});

describe('the session report', () => {
  it("shows a day's roster with each attendance and the cases opened there, to the area's leader and the roster", async () => {
    const res = await http('GET', api(`/sessions/${market}/report?date=${TODAY}`), undefined, as(t.leader));
    expect(res.status, res.text).toBe(200);
    const day = res.json;
    expect(day).toMatchObject({ date: TODAY, cancelled: false, counts: { rostered: 3, arrived: 1, absent: 2, notRecorded: 0 }, may: { recordOwn: false, recordOnBehalf: true } });
    const line = (c: string) => day.roster.find((l: { cadreCode: string }) => l.cadreCode === c);
    expect(line(t.cadre1)).toMatchObject({ status: 'arrived', recordedBy: t.cadre1, onBehalf: false });
    expect(line(t.cadre2)).toMatchObject({ status: 'absent', reason: 'sick_leave', recordedBy: t.leader, onBehalf: true });
    expect(line(t.judge)).toMatchObject({ status: 'absent', reason: 'official_business' });
    expect(line(t.judge).history.map((h: { status: string }) => h.status)).toEqual(['arrived', 'absent']);
    expect(day.cases).toMatchObject({ opened: 1, open: 1, resolved: 0 });
    expect(day.cases.byCategory).toEqual([{ category: 'livelihood_difficulty', opened: 1, resolved: 0, open: 1, ended: 0 }]);
    expect(day.caseList.map((c: { id: string }) => c.id)).toEqual([caseId]);
    // the roster reads it too (its own day), and records its own
    const own = await http('GET', api(`/sessions/${market}/report?date=${TODAY}`), undefined, as(t.cadre2));
    expect(own.status).toBe(200);
    expect(own.json.may).toEqual({ recordOwn: true, recordOnBehalf: false });
    // hall staff of no station in the community do not
    const hall = await http('GET', api(`/sessions/${market}/report?date=${TODAY}`), undefined, as(t.hall));
    expect(hall.status).toBe(403);
    expect(hall.json.code).toBe('session_outside_scope');
    expect((await http('GET', api(`/sessions/${market}/report?date=${shift(TODAY, 1)}`), undefined, as(t.leader))).status).toBe(422);
  });

  it("sums the month's sessions for a manager, not for a cadre, and exports it as CSV and XLSX", async () => {
    const res = await http('GET', api(`/sessions/report?month=${MONTH}&session=${market}`), undefined, as(t.leader));
    expect(res.status, res.text).toBe(200);
    const today = res.json.items.find((i: { date: string }) => i.date === TODAY);
    expect(today).toMatchObject({ sessionCode: market, cancelled: false, rostered: 3, arrived: 1, absent: 2, notRecorded: 0, casesOpened: 1, casesOpen: 1 });
    expect(res.json.items.every((i: { date: string }) => weekdayOf(i.date) === weekdayOf(TODAY) && i.date.startsWith(MONTH))).toBe(true);
    expect(res.json.totals.casesOpened).toBe(1);
    expect((await http('GET', api(`/sessions/report?month=${MONTH}`), undefined, as(t.cadre1))).status).toBe(403);
    expect((await http('GET', api('/sessions/report?month=2026-1'), undefined, as(t.leader))).status).toBe(400);

    const csv = await http('GET', api(`/sessions/report/export?month=${MONTH}&session=${market}&lang=zh-CN`), undefined, as(t.leader));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\n');
    expect(lines[0]).toContain('应到人数');
    expect(lines.find((l) => l.includes(TODAY))).toContain('乌兰集贸日联合办公');
    const xlsx = await http('GET', api(`/sessions/report/export?month=${MONTH}&format=xlsx&lang=en`), undefined, as(t.leader));
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx.text.startsWith('PK')).toBe(true); // a zip: the workbook
    expect((await http('GET', api(`/sessions/report/export?month=${MONTH}`), undefined, as(t.cadre1))).status).toBe(403);
  });
});

describe('attendance on the topic, in reporting and in the duty figures', () => {
  it('is an event valid against its published schema, keyed by the cadre, with codes only', async () => {
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM casework.outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL', [recorded])).rows[0].n === recorded.length, 'the records published', 60_000);
    const messages = (await readAll(e.KAFKA_BROKERS, e.caseEventsTopic)).filter((m) => recorded.includes(header(m, 'ce_id') ?? ''));
    expect(messages).toHaveLength(recorded.length);
    const ajv = new Ajv({ allErrors: true });
    ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin)(ajv);
    const validate = ajv.compile((await http('GET', header(messages[0]!, 'ce_dataschema')!, undefined, { authorization: '' })).json);
    for (const m of messages) {
      expect(header(m, 'ce_type')).toBe(SESSION_ATTENDANCE_EVENT);
      const data = JSON.parse(m.value!.toString());
      expect(validate(data), ajv.errorsText(validate.errors)).toBe(true);
      expect(header(m, 'ce_partitionkey')).toBe(`cadre:${data.cadreCode}`);
      expect(data.sessionCode).toBe(market);
    }
  });

  it("counts each cadre's market days — attended and absent of rostered — as the independent SQL does", async () => {
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM reporting.attendance_facts WHERE event_id = ANY($1::uuid[])', [recorded])).rows[0].n === recorded.length, 'reporting to apply every record', 60_000);
    const first = `${MONTH}-01`;
    const last = iso(Date.UTC(Number(MONTH.slice(0, 4)), Number(MONTH.slice(5, 7)), 0));
    for (const cadre of [t.cadre1, t.cadre2, t.judge]) {
      const res = await http('GET', api(`/reports/duty?period=${MONTH}&cadre=${cadre}`));
      expect(res.status).toBe(200);
      const row = res.json.items.find((r: { cadreCode: string }) => r.cadreCode === cadre);
      const want = await expectedMarketDays(db, cadre, first, last, TODAY, DEFAULT_CALENDAR.holidays);
      expect(row?.marketDays, cadre).toEqual(want);
    }
    const cadre2 = (await http('GET', api(`/reports/duty?period=${MONTH}&cadre=${t.cadre2}`), undefined, as(t.head))).json.items[0];
    // (the department head reads their own cadre's row)
    expect(cadre2.marketDays).toMatchObject({ attended: 0, absent: 1 });
    expect(cadre2.marketDays.rostered).toBeGreaterThanOrEqual(1);
  });
});
