/**
 * 一听二看三查 and the evaluation sheet (评先选优, issue 13), through the real
 * stack: the assessment group records inspections of cadres (the report heard,
 * the ledger and diary reviewed, households checked), each scored and graded by
 * the shared scale; only the assessment group records them, the township-wide
 * roles read them, paged and searchable; a wrong record is a 400 or 422 naming
 * the field. Each inspection is its event on the topic (valid against its
 * published schema, no free text), projected by reporting, and shown beside the
 * duty figures — equal to an independent SQL recomputation over the
 * case-worker's table. The period's evaluation sheet carries it; the assessment
 * group signs the sheet off, a later inspection shows as an amendment, and the
 * signed sheet downloads as XLSX and as a PDF with the cadres' names in it.
 */
import pg from 'pg';
import Ajv from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSPECTION_RECORDED_EVENT } from '@minqing/shared';
import { env, eventually, header, http, readAll } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { expectedInspection, workBody } from '../support/work';

const e = env();
const t = township(`in${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (cadre: string) => ({ 'x-actor': cadre });
/** August 2026: no other test writes in it, so the sheet's rows of this run's cadres change only here. */
const PERIOD = '2026-08';
const assessor = `assess-${t.run}`;
let db: pg.Client;
let token: string;
let diaryId: string;
const byAssessor = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, ...extra });
const recorded: { id: string; date: string; cadre: string }[] = [];

const body = (over: Record<string, unknown> = {}) => ({
  cadreCode: t.cadre1,
  date: '2026-08-12',
  listen: { date: '2026-08-11', notes: '汇报了联系户走访情况', score: 92 },
  look: { ledgerHouseholds: [t.household], diaryRecords: [diaryId], findings: '台帐完整，日记及时', score: 88 },
  check: { households: [t.household], findings: '走访户评价较好', score: 90 },
  ...over,
});

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  expect((await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: 'test-assessor-pass', mustChangePassword: false })).status).toBe(201);
  token = (await http('POST', api('/auth/session'), { username: assessor, password: 'test-assessor-pass' })).json.token;
  const diary = await http('POST', api('/work-records'), workBody('diary', { date: '2026-08-10', household: t.household, village: t.village }), { ...as(t.cadre1), 'idempotency-key': `in-diary-${t.run}` });
  expect(diary.status, diary.text).toBe(201);
  diaryId = diary.json.id;
}, 120_000);
afterAll(async () => db?.end());

describe('recording an inspection', () => {
  it('is the assessment group’s: a cadre, a township leader and hall staff are refused', async () => {
    for (const who of [t.cadre1, t.township, t.hall]) {
      expect((await http('POST', api('/inspections'), body(), as(who))).status, who).toBe(403);
    }
    expect((await http('GET', api('/inspections'), undefined, as(t.cadre1))).status).toBe(403);
    expect((await http('GET', api('/inspections'), undefined, as(t.township))).status).toBe(200);
  });

  it('refuses a bad record, naming each field with a code', async () => {
    const bad = await http('POST', api('/inspections'), body({ check: { households: [], findings: 'x', score: 101 } }), byAssessor());
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0]).toMatchObject({ field: 'body/check/score', code: 'too_large' });
    expect((await http('POST', api('/inspections'), body({ recordedBy: 'someone-else' }), byAssessor())).status).toBe(400);
    const refused = async (b: Record<string, unknown>) => {
      const res = await http('POST', api('/inspections'), b, byAssessor());
      expect(res.status, res.text).toBe(422);
      return res.json.errors.map((x: { field: string; code: string }) => `${x.field}:${x.code}`).sort();
    };
    expect(await refused(body({ cadreCode: `nobody-${t.run}` }))).toEqual(['body/cadreCode:unknown_cadre']);
    expect(await refused(body({ look: { ledgerHouseholds: [`no-hh-${t.run}`], diaryRecords: [], findings: 'x', score: 80 } }))).toEqual(['body/look/ledgerHouseholds:unknown_households']);
    // the diary entry is cadre 1's, not cadre 2's
    expect(await refused(body({ cadreCode: t.cadre2 }))).toEqual(['body/look/diaryRecords:not_diary_of_cadre']);
    expect(await refused(body({ date: '2999-01-01', listen: { date: '2026-08-20', notes: 'x', score: 80 } }))).toEqual(['body/date:date_in_future']);
    expect(await refused(body({ listen: { date: '2026-08-13', notes: 'x', score: 80 } }))).toEqual(['body/listen/date:listen_after_inspection']);
  });

  it('scores and grades it, records who entered it, and replays a retry', async () => {
    const first = await http('POST', api('/inspections'), body(), byAssessor({ 'idempotency-key': `in-1-${t.run}` }));
    expect(first.status, first.text).toBe(201);
    expect(first.json).toMatchObject({ score: 90, grade: 'excellent' });
    const again = await http('POST', api('/inspections'), body(), byAssessor({ 'idempotency-key': `in-1-${t.run}` }));
    expect([again.status, again.json.id, again.headers.get('idempotent-replayed')]).toEqual([200, first.json.id, 'true']);
    recorded.push({ id: first.json.id, date: '2026-08-12', cadre: t.cadre1 });
    const second = await http('POST', api('/inspections'), body({ date: '2026-08-20', listen: { date: '2026-08-20', notes: '汇报了代办事项', score: 70 }, look: { ledgerHouseholds: [], diaryRecords: [], findings: '日记不全', score: 65 }, check: { households: [t.household], findings: '一户问题未解决', score: 72 } }), byAssessor());
    expect(second.json).toMatchObject({ score: 69, grade: 'pass' });
    recorded.push({ id: second.json.id, date: '2026-08-20', cadre: t.cadre1 });
    const third = await http('POST', api('/inspections'), body({ cadreCode: t.judge, look: { ledgerHouseholds: [], diaryRecords: [], findings: '台帐基本相符', score: 80 } }), byAssessor());
    expect(third.status, third.text).toBe(201);
    recorded.push({ id: third.json.id, date: '2026-08-12', cadre: t.judge });
  });
});

describe('the list of inspections', () => {
  it('pages by cursor, newest first, and finds by cadre name and by the findings', async () => {
    const page1 = (await http('GET', api(`/inspections?cadre=${t.cadre1}&limit=1`), undefined, byAssessor())).json;
    expect(page1.items.map((i: { date: string }) => i.date)).toEqual(['2026-08-20']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await http('GET', api(`/inspections?cadre=${t.cadre1}&limit=1&cursor=${page1.nextCursor}`), undefined, byAssessor())).json;
    expect(page2.items.map((i: { date: string }) => i.date)).toEqual(['2026-08-12']);
    expect(page2.items[0]).toMatchObject({ cadreName: '李海燕', departmentCode: t.dept, recordedBy: assessor, look: { diaryRecords: [diaryId], ledgerHouseholds: [t.household] }, grade: 'excellent' });
    expect(page2.nextCursor).toBeNull();
    const foreign = await http('GET', api(`/inspections?cadre=${t.cadre2}&limit=1&cursor=${page1.nextCursor}`), undefined, byAssessor());
    expect(foreign.status).toBe(400);
    const byName = (await http('GET', api(`/inspections?q=${encodeURIComponent('赵淑珍')}&from=2026-08-01&to=2026-08-31`), undefined, byAssessor())).json.items;
    expect(byName.map((i: { id: string }) => i.id)).toEqual([recorded[2]!.id]);
    const byFinding = (await http('GET', api(`/inspections?q=${encodeURIComponent('一户问题未解决')}&cadre=${t.cadre1}`), undefined, byAssessor())).json.items;
    expect(byFinding.map((i: { id: string }) => i.id)).toEqual([recorded[1]!.id]);
  });
});

describe('each inspection on the topic and beside the duty figures', () => {
  it('is its event, valid against the published schema, keyed by the cadre, without the notes and findings', async () => {
    const ids = new Set(recorded.map((r) => r.id));
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM casework.outbox WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL', [[...ids]])).rows[0].n === ids.size, 'the inspections published', 60_000);
    const messages = (await readAll(e.KAFKA_BROKERS, e.caseEventsTopic)).filter((m) => ids.has(header(m, 'ce_id') ?? ''));
    expect(messages).toHaveLength(ids.size);
    const ajv = new Ajv({ allErrors: true });
    ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin)(ajv);
    const validate = ajv.compile((await http('GET', header(messages[0]!, 'ce_dataschema')!, undefined, { authorization: '' })).json);
    for (const m of messages) {
      const r = recorded.find((x) => x.id === header(m, 'ce_id'))!;
      expect(header(m, 'ce_type')).toBe(INSPECTION_RECORDED_EVENT);
      expect(header(m, 'ce_partitionkey')).toBe(`cadre:${r.cadre}`);
      const data = JSON.parse(m.value!.toString());
      expect(validate(data), ajv.errorsText(validate.errors)).toBe(true);
      expect(data).toMatchObject({ inspectionId: r.id, cadreCode: r.cadre, date: r.date });
      expect(m.value!.toString()).not.toMatch(/汇报|台帐|走访户|assess-/);
    }
  });

  it('shows on /duty per cadre — inspected or not, the grade — equal to the SQL over the case-worker’s table', async () => {
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM reporting.inspection_facts WHERE event_id = ANY($1::uuid[])', [recorded.map((r) => r.id)])).rows[0].n === recorded.length, 'reporting to apply the inspections', 60_000);
    const duty = (await http('GET', api(`/reports/duty?period=${PERIOD}`), undefined, byAssessor())).json.items as { cadreCode: string; inspection: unknown }[];
    for (const cadre of [t.cadre1, t.cadre2, t.judge]) {
      const row = duty.find((r) => r.cadreCode === cadre)!;
      expect(row.inspection, cadre).toEqual(await expectedInspection(db, cadre, '2026-08-01', '2026-08-31'));
    }
    expect(duty.find((r) => r.cadreCode === t.cadre1)!.inspection).toEqual({ count: 2, score: 79.5, grade: 'good', lastDate: '2026-08-20' });
    expect(duty.find((r) => r.cadreCode === t.cadre2)!.inspection).toBeNull();
    // a cadre sees their own row with it
    const own = (await http('GET', api(`/reports/duty?period=${PERIOD}`), undefined, as(t.cadre1))).json.items;
    expect(own).toEqual([expect.objectContaining({ cadreCode: t.cadre1, inspection: expect.objectContaining({ grade: 'good' }) })]);
  });
});

describe('the evaluation sheet of the period', () => {
  let signedId: string;

  it('has a row per cadre and per department with the inspection, the composite under its named weights', async () => {
    const res = await http('GET', api(`/reports/evaluation?period=${PERIOD}`), undefined, as(t.township));
    expect(res.status, res.text).toBe(200);
    const { sheet } = res.json;
    expect(sheet).toMatchObject({ period: PERIOD, first: '2026-08-01', last: '2026-08-31', compositeVersion: 'composite-2026.1', weights: { service: 0.6, duty: 0.2, appraisal: 0.2 } });
    const row = sheet.cadres.find((r: { code: string }) => r.code === t.cadre1);
    expect(row).toMatchObject({ subjectType: 'cadre', name: '李海燕', departmentCode: t.dept, inspection: { count: 2, score: 79.5, grade: 'good' } });
    expect(sheet.cadres.find((r: { code: string }) => r.code === t.cadre2).inspection).toBeNull();
    // the judicial office's one inspection: (92 + 80 + 90) / 3 = 87, good
    expect(sheet.departments.find((r: { code: string }) => r.code === t.judicial)).toMatchObject({ name: '司法所', inspection: { count: 1, score: 87, grade: 'good' } });
    expect((await http('GET', api(`/reports/evaluation?period=${PERIOD}`), undefined, as(t.head))).status).toBe(403);
    expect((await http('GET', api('/reports/evaluation?period=2026-13'), undefined, as(t.township))).status).toBe(400);
  });

  it('is signed off by the assessment group only, frozen, and a later inspection shows as an amendment', async () => {
    expect((await http('POST', api('/reports/evaluation/sign-off'), { period: PERIOD, note: '八月考核' }, as(t.township))).status).toBe(403);
    expect((await http('POST', api('/reports/evaluation/sign-off'), { period: PERIOD, note: '' }, byAssessor())).status).toBe(400);
    const signed = await http('POST', api('/reports/evaluation/sign-off'), { period: PERIOD, note: '八月考核' }, byAssessor());
    expect(signed.status, signed.text).toBe(201);
    expect(signed.json).toMatchObject({ period: PERIOD, signedBy: assessor, compositeVersion: 'composite-2026.1', note: '八月考核' });
    signedId = signed.json.id;
    const latest = (await http('GET', api(`/reports/evaluation?period=${PERIOD}`), undefined, byAssessor())).json.signed;
    expect(latest.id).toBe(signedId);
    const list = (await http('GET', api(`/reports/evaluation/sheets?period=${PERIOD}&limit=1`), undefined, as(t.township))).json;
    expect(list.items[0].id).toBe(signedId);
    // cadre 2 inspected after the sign-off: the frozen sheet keeps "not inspected", the amendment says what changed
    const later = await http('POST', api('/inspections'), body({ cadreCode: t.cadre2, look: { ledgerHouseholds: [], diaryRecords: [], findings: '补查', score: 60 } }), byAssessor());
    expect(later.status).toBe(201);
    const amended = await eventually(async () => {
      const s = (await http('GET', api(`/reports/evaluation/sheets/${signedId}`), undefined, byAssessor())).json;
      return s.amendment.amended && s.amendment.changes.some((c: { key: string }) => c.key === `cadre:${t.cadre2}`) ? s : undefined;
    }, 'the later inspection to show as an amendment', 60_000);
    expect(amended.sheet.cadres.find((r: { code: string }) => r.code === t.cadre2).inspection).toBeNull();
    expect(amended.amendment.changes.find((c: { key: string; path: string }) => c.key === `cadre:${t.cadre2}` && c.path === 'inspection')).toMatchObject({ frozen: null });
  });

  it('downloads as XLSX and as PDF, with the cadres’ names in it', async () => {
    const xlsx = await fetch(api(`/reports/evaluation/sheets/${signedId}/export?format=xlsx`), { headers: byAssessor() });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const names = wb.getWorksheet('干部')!.getColumn(2).values;
    expect(names).toEqual(expect.arrayContaining(['李海燕', '陈永明', '赵淑珍']));
    const pdf = await fetch(api(`/reports/evaluation/sheets/${signedId}/export?format=pdf`), { headers: byAssessor() });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.arrayBuffer())), { mergePages: true });
    for (const name of ['评先选优考核表', '李海燕', '陈永明', '赵淑珍', '司法所']) expect(text).toContain(name);
    expect((await http('GET', api(`/reports/evaluation/sheets/${signedId}/export?format=doc`), undefined, byAssessor())).status).toBe(400);
    const audit = (await http('GET', api(`/audit?action=report.export&actor=${assessor}`), undefined, byAssessor())).json.items;
    expect(audit.map((a: { subject: string }) => a.subject)).toContain(`evaluation-sheet/${signedId}`);
  });
});
