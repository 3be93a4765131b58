/**
 * The six roles' work as work records (issue 13), through the real stack: a
 * cadre logs a record of every kind of the table of kinds through the case API;
 * each becomes its event on the topic, valid against the JSON Schema its
 * `ce_dataschema` names (Ajv, with each kind's role and required fields), the
 * activity kinds carrying their kind and role; reporting projects each into
 * work_facts with its kind and role; and the duty figures — per role and kind,
 * and the grassroots-days rule week by week — equal an independent SQL
 * recomputation over the case-worker's own table. A record wrong for its kind
 * is a 422 naming the field; a cadre sees their own duty row, nobody else's.
 */
import pg from 'pg';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY_KINDS, GRASSROOTS_KINDS, roleOfKind, WORK_ACTIVITY_EVENT, WORK_KIND_NAMES, WORK_KINDS, type WorkKind } from '@minqing/shared';
import { env, eventually, header, http, readAll } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { expectedDuty, workBody } from '../support/work';

const e = env();
const t = township(`wr${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (cadre: string) => ({ 'x-actor': cadre });
/** October 2026: five whole weeks by the rule (28 September – 1 November), all over by now. */
const PERIOD = '2026-10';
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
let db: pg.Client;
const logged: { id: string; kind: WorkKind; date: string }[] = [];

/**
 * One record of every kind: the week of 5–11 October gets three days at the
 * grassroots (it meets the rule), 12–18 October two and a diary entry (it
 * misses: the diary is no day there), the others one or none.
 */
function dateOf(kind: WorkKind, i: number): string {
  if (kind === 'cleanup_day') return '2026-10-09'; // a Friday
  if (kind === 'diary') return '2026-10-14';
  return ['2026-10-05', '2026-10-06', '2026-10-13', '2026-10-15', '2026-10-21'][i % 5]!;
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  for (const [i, kind] of WORK_KIND_NAMES.entries()) {
    const body = workBody(kind, { date: dateOf(kind, i), household: t.household, village: t.village });
    const res = await http('POST', api('/work-records'), body, { ...as(t.cadre1), 'idempotency-key': `wr-${t.run}-${kind}` });
    expect(res.status, `${kind}: ${res.text}`).toBe(201);
    expect(res.json).toMatchObject({ kind, date: body.date });
    logged.push({ id: res.json.id, kind, date: String(body.date) });
  }
}, 120_000);
afterAll(async () => db?.end());

describe('logging the work of each role', () => {
  it('refuses a record wrong for its kind, naming each field with a code', async () => {
    const refused = async (body: Record<string, unknown>) => {
      const res = await http('POST', api('/work-records'), body, as(t.cadre1));
      expect(res.status, res.text).toBe(422);
      return res.json.errors.map((x: { field: string; code: string }) => `${x.field}:${x.code}`).sort();
    };
    expect(await refused({ kind: 'holiday_visit', date: '2026-10-20', note: '慰问' })).toEqual(['body/holiday:required', 'body/householdCode:required']);
    expect(await refused({ ...workBody('cleanup_day', { date: '2026-10-08', household: t.household, village: t.village }) })).toEqual(['body/date:wrong_weekday']);
    expect(await refused({ ...workBody('training', { date: '2026-10-20', household: t.household, village: t.village }), holiday: 'new_year' })).toEqual(['body/holiday:unknown_property']);
    expect(await refused({ ...workBody('visit', { date: '2026-10-20', household: t.household, village: t.village }), role: 'mediator' })).toEqual(['body/role:not_allowed']);
    expect(await refused({ ...workBody('mediation', { date: '2026-10-20', household: t.household, village: 'no-such-village' }) })).toEqual(['body/villageCode:invalid']);
    // a value out of the field's bounds is the schema's 400
    const big = await http('POST', api('/work-records'), { ...workBody('training', { date: '2026-10-20', household: t.household, village: t.village }), participants: 0 }, as(t.cadre1));
    expect(big.status).toBe(400);
    expect(big.json.errors[0]).toMatchObject({ field: 'body/participants', code: 'too_small' });
  });

  it('lists the records with their role, by role and by kind', async () => {
    const list = (await http('GET', api(`/work-records?cadre=${t.cadre1}&from=2026-10-01&to=2026-10-31&limit=50`), undefined, as(t.cadre1))).json;
    expect(list.items).toHaveLength(WORK_KIND_NAMES.length);
    for (const item of list.items) expect(item.role).toBe(roleOfKind(item.kind));
    const holiday = list.items.find((i: { kind: string }) => i.kind === 'holiday_visit');
    expect(holiday).toMatchObject({ householdCode: t.household, villageCode: t.village, details: { holiday: 'july_first' } });
    const civility = (await http('GET', api(`/work-records?cadre=${t.cadre1}&from=2026-10-01&to=2026-10-31&role=civility_officer`), undefined, as(t.cadre1))).json.items;
    expect(civility.map((i: { kind: string }) => i.kind).sort()).toEqual(['civility_persuasion', 'cleanup_day']);
    const cleanup = (await http('GET', api(`/work-records?cadre=${t.cadre1}&kind=cleanup_day`), undefined, as(t.cadre1))).json.items;
    expect(cleanup).toEqual([expect.objectContaining({ kind: 'cleanup_day', role: 'civility_officer', date: '2026-10-09', details: expect.objectContaining({ place: '测试place' }) })]);
  });
});

describe('each record on the topic and in reporting', () => {
  it('is its kind\'s event, valid against the published schema, with its kind and role and no free text', async () => {
    const ids = new Set(logged.map((r) => r.id));
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM casework.outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL', [[...ids]])).rows[0].n === ids.size, 'the records published', 60_000);
    const messages = (await readAll(e.KAFKA_BROKERS, e.caseEventsTopic)).filter((m) => ids.has(header(m, 'ce_id') ?? ''));
    expect(messages).toHaveLength(ids.size);
    const ajv = new Ajv({ allErrors: true });
    ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin)(ajv);
    const validators = new Map<string, ValidateFunction>();
    for (const m of messages) {
      const record = logged.find((r) => r.id === header(m, 'ce_id'))!;
      expect(header(m, 'ce_type'), record.kind).toBe(WORK_KINDS[record.kind]);
      expect(header(m, 'ce_partitionkey')).toBe(`cadre:${t.cadre1}`);
      const url = header(m, 'ce_dataschema')!;
      if (!validators.has(url)) validators.set(url, ajv.compile((await http('GET', url, undefined, { authorization: '' })).json));
      const data = JSON.parse(m.value!.toString());
      const validate = validators.get(url)!;
      expect(validate(data), `${record.kind}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(data).toMatchObject({ recordId: record.id, cadreCode: t.cadre1, date: record.date, role: roleOfKind(record.kind) });
      if (ACTIVITY_KINDS.includes(record.kind)) expect(data.kind).toBe(record.kind);
      expect(m.value!.toString()).not.toContain('测试place'); // the place stays with the record
    }
    expect(new Set(messages.map((m) => header(m, 'ce_type')))).toContain(WORK_ACTIVITY_EVENT);
  });

  it('is a work fact with its kind and role', async () => {
    const ids = logged.map((r) => r.id);
    const facts = await eventually(async () => {
      const { rows } = await db.query('SELECT event_id::text AS id, kind, role FROM reporting.work_facts WHERE event_id = ANY($1::uuid[])', [ids]);
      return rows.length === ids.length ? rows : undefined;
    }, 'reporting to apply every record', 60_000);
    for (const f of facts) {
      const record = logged.find((r) => r.id === f.id)!;
      expect({ kind: f.kind, role: f.role }).toEqual({ kind: record.kind, role: roleOfKind(record.kind) });
    }
  });
});

describe('duty figures by role and kind, and the grassroots-days rule', () => {
  it('equal the independent SQL over the case-worker\'s records, read by the cadre themselves', async () => {
    const res = await http('GET', api(`/reports/duty?period=${PERIOD}`), undefined, as(t.cadre1));
    expect(res.status).toBe(200);
    expect(res.json.grassroots).toMatchObject({ minDaysPerWeek: 3, kinds: GRASSROOTS_KINDS });
    expect(res.json.grassroots.weeks.map((w: { week: string }) => w.week)).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']);
    // a cadre's own row, and only it
    expect(res.json.items.map((r: { cadreCode: string }) => r.cadreCode)).toEqual([t.cadre1]);
    const row = res.json.items[0];
    const want = await expectedDuty(db, t.cadre1, '2026-10-01', '2026-10-31', TODAY);
    expect({
      byKind: row.byKind, byRole: row.byRole, grassrootsDays: row.grassrootsDays, grassrootsWeeks: row.grassrootsWeeks,
      weeksMeetingPlan: row.weeksMeetingPlan, weeksMissingPlan: row.weeksMissingPlan, daysWithWork: row.daysWithWork,
    }).toEqual(want);
    // what the test set out to log: one record of every kind, every role, and one week meeting the rule
    expect(Object.values(row.byKind)).toEqual(WORK_KIND_NAMES.map(() => 1));
    expect(row.grassrootsWeeks.map((w: { status: string }) => w.status)).toEqual(['missed', 'met', 'missed', 'missed', 'missed']);
  });

  it('list every cadre of the roster for a manager — one who recorded nothing misses every week — and nobody else\'s row for a cadre', async () => {
    const head = (await http('GET', api(`/reports/duty?period=${PERIOD}`), undefined, as(t.head))).json;
    const quiet = head.items.find((r: { cadreCode: string }) => r.cadreCode === t.cadre2);
    expect(quiet).toMatchObject({ grassrootsDays: 0, weeksMeetingPlan: 0, weeksMissingPlan: 5 });
    expect(head.items.every((r: { departmentCode: string }) => r.departmentCode === t.dept)).toBe(true);
    const other = await http('GET', api(`/reports/duty?period=${PERIOD}&cadre=${t.cadre1}`), undefined, as(t.cadre2));
    expect(other.status).toBe(200);
    expect(other.json.items).toEqual([]);
    const mine = (await http('GET', api(`/reports/duty?period=${PERIOD}`), undefined, as(t.cadre2))).json.items;
    expect(mine.map((r: { cadreCode: string }) => r.cadreCode)).toEqual([t.cadre2]);
  });
});
