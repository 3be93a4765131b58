/**
 * The public-condition ledger (民情台帐, issue 13) through the real stack: a
 * household's file is kept by its linked cadre, each save a version with who
 * and what changed, older versions kept; a save from an older version is a
 * 409; a cadre not linked to the household is refused (before the body is
 * read); each reader's list holds exactly the records they may open; a cadre's
 * save is their 档案更新 work record once per version, so the duty figures
 * count real file edits; a village's ledger is kept by its department's head
 * and area leader; the CSV export has a BOM, a header row and only the
 * reader's scope, and leaves an audit entry; and no file's text reaches a log.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_HOUSEHOLD_LEDGER, EMPTY_VILLAGE_LEDGER, type HouseholdLedgerData } from '@minqing/shared';
import { env, eventually, http, tokenFor } from '../support/helpers';
import { PROBE_BODY, send } from '../support/openapi';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`lg${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (actor: string) => ({ 'x-actor': actor });
const SENTINEL = `账本哨兵${t.run}`;
const file = (p: string) => api(`/ledger/households/${p}`);
let db: pg.Client;

/** A record of the fixture household (3 members in the roster). */
function record(difficulties: string, over: Partial<HouseholdLedgerData> = {}): HouseholdLedgerData {
  return {
    ...EMPTY_HOUSEHOLD_LEDGER,
    population: { ...EMPTY_HOUSEHOLD_LEDGER.population, members: 3, workingAge: 1, elderly: 2, children: 0 },
    living: { ...EMPTY_HOUSEHOLD_LEDGER.living, incomeSources: ['herding'], mainIncomeSource: 'herding', supports: ['minimum_living'] },
    difficulties: { types: ['illness'], note: difficulties },
    needs: { types: ['medical'], intentions: ['keep_current'], note: '希望了解大病救助政策' },
    ...over,
  };
}

/** The township's local month, as the duty figures name it. */
const thisMonth = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
});
afterAll(async () => {
  await db?.end();
});

describe("a household's file", () => {
  it('is kept by its linked cadre: each save a new version, with who saved it and what changed; older versions kept', async () => {
    const empty = await http('GET', file(t.household), undefined, as(t.cadre1));
    expect(empty.status).toBe(200);
    expect(empty.json).toMatchObject({ householdCode: t.household, headName: '王桂兰', rosterMembers: 3, isKey: true, version: 0, data: null, access: 'edit' });

    const first = await http('PUT', file(t.household), { baseVersion: 0, data: record('老人患慢性病') }, as(t.cadre1));
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ changed: true, workRecord: 'logged', record: { version: 1, updatedBy: { username: t.cadre1, name: '李海燕', role: 'cadre' } } });

    const second = await http('PUT', file(t.household), { baseVersion: 1, data: record(`老人患慢性病，缺劳力 ${SENTINEL}`), changeNote: '再次入户核实' }, as(t.cadre1));
    expect(second.status, second.text).toBe(200);
    expect(second.json).toMatchObject({ changed: true, workRecord: 'logged', record: { version: 2, data: { difficulties: { note: `老人患慢性病，缺劳力 ${SENTINEL}` } } } });

    // the department head reads it, with its history (newest first, what changed, who)
    const history = await http('GET', `${file(t.household)}/history`, undefined, as(t.head));
    expect(history.status).toBe(200);
    expect(history.json.total).toBe(2);
    expect(history.json.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(history.json.items[0]).toMatchObject({
      changedBy: { username: t.cadre1, name: '李海燕', role: 'cadre', cadreCode: t.cadre1 },
      changeNote: '再次入户核实',
      changes: [{ field: 'difficulties.note', before: '老人患慢性病', after: `老人患慢性病，缺劳力 ${SENTINEL}` }],
      workRecord: 'logged',
    });
    expect(history.json.items[1].changes).toEqual(expect.arrayContaining([{ field: 'population.members', before: null, after: 3 }, { field: 'living.supports', before: [], after: ['minimum_living'] }]));
    // paged: one at a time reaches both
    const page1 = await http('GET', `${file(t.household)}/history?limit=1`, undefined, as(t.head));
    const page2 = await http('GET', `${file(t.household)}/history?limit=1&cursor=${page1.json.nextCursor}`, undefined, as(t.head));
    expect([...page1.json.items, ...page2.json.items].map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(page2.json.nextCursor).toBeNull();
    expect(page2.json.items[0].changes.length).toBeGreaterThan(3);

    // the versions are kept as saved: the database refuses to rewrite one
    await expect(db.query('UPDATE directory.household_ledger_versions SET change_note = $2 WHERE household_code = $1', [t.household, 'x'])).rejects.toThrow(/keeps every version/);
  });

  it('a save from an older version is a 409; the same record again writes no version', async () => {
    const stale = await http('PUT', file(t.household), { baseVersion: 1, data: record('别的内容') }, as(t.cadre1));
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'ledger_version_conflict', params: { current: 2, base: 1 } });
    const current = (await http('GET', file(t.household), undefined, as(t.cadre1))).json;
    const same = await http('PUT', file(t.household), { baseVersion: 2, data: current.data }, as(t.cadre1));
    expect(same.json).toMatchObject({ changed: false, workRecord: null, record: { version: 2 } });
  });

  it('refuses a record that does not add up, or text it cannot store, naming the field with a code', async () => {
    const bad = await http('PUT', file(t.household), { baseVersion: 2, data: record('x', { population: { ...EMPTY_HOUSEHOLD_LEDGER.population, members: 3, workingAge: 1, elderly: 1, children: 2 } }) }, as(t.cadre1));
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual([expect.objectContaining({ field: 'body/data/population/members', code: 'sum_mismatch', params: { sum: 4, total: 3 } })]);
    const unknown = await http('PUT', file(t.household), { baseVersion: 2, data: { ...record('x'), gps: '40,111' } }, as(t.cadre1));
    expect(unknown.status).toBe(400);
    const nul = await http('PUT', file(t.household), { baseVersion: 2, data: record('a\u0000b') }, as(t.cadre1));
    expect(nul.status).toBe(400);
    const tooLong = await http('PUT', file(t.household), { baseVersion: 2, data: record('难'.repeat(501)) }, as(t.cadre1));
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.errors).toEqual([expect.objectContaining({ field: 'body/data/difficulties/note', code: 'too_long' })]);
    expect((await http('GET', file(t.household), undefined, as(t.cadre1))).json.version).toBe(2);
  });

  it('is refused to a cadre not linked to the household — reading, its history, and a save before the body is read', async () => {
    for (const who of [t.cadre2, t.judge, t.judicialHead]) {
      expect((await http('GET', file(t.household), undefined, as(who))).status, who).toBe(403);
      expect((await http('GET', `${file(t.household)}/history`, undefined, as(who))).status, who).toBe(403);
    }
    // a body no schema accepts: a refusal at the front door, not a validation error
    const probe = await send(e.apiUrl, 'PUT', `/api/v1/ledger/households/${t.household}`, { token: await tokenFor(t.cadre2), body: PROBE_BODY });
    expect(probe.status).toBe(403);
    // readers who may not change it
    for (const who of [t.head, t.leader, t.township, t.hall]) {
      const read = await http('GET', file(t.household), undefined, as(who));
      expect(read.status, who).toBe(200);
      expect(read.json.access, who).toBe('read');
      expect((await http('PUT', file(t.household), { baseVersion: 2, data: record('x') }, as(who))).status, who).toBe(403);
    }
    expect((await http('GET', file('no-such-household'), undefined, as(t.township))).status).toBe(404);
  });

  it("each reader's list holds exactly the files they may open", async () => {
    const readers = [t.cadre1, t.cadre2, t.judge, t.head, t.judicialHead, t.leader, t.township, t.hall];
    for (const who of readers) {
      const listed = await http('POST', api('/ledger/households/search'), { village: t.village, limit: 100 }, as(who));
      expect(listed.status, who).toBe(200);
      const codes = listed.json.items.map((i: { householdCode: string }) => i.householdCode).sort();
      const opens: string[] = [];
      for (const h of [t.household, t.household2]) if ((await http('GET', file(h), undefined, as(who))).status === 200) opens.push(h);
      expect(codes, who).toEqual(opens.sort());
    }
    // the list says which have a file, and searches by name in the body
    const mine = (await http('POST', api('/ledger/households/search'), { q: '王桂兰', village: t.village, limit: 10 }, as(t.head))).json;
    expect(mine.items).toEqual([expect.objectContaining({ householdCode: t.household, version: 2, supports: ['minimum_living'], difficulties: ['illness'], needs: ['medical'] })]);
    const missing = (await http('POST', api('/ledger/households/search'), { village: t.village, recorded: false, limit: 10 }, as(t.head))).json;
    expect(missing.items.map((i: { householdCode: string }) => i.householdCode)).toEqual([t.household2]);
    const cadreOwn = (await http('POST', api('/ledger/households/search'), { keyOnly: true, limit: 10 }, as(t.cadre1))).json;
    expect(cadreOwn.items.map((i: { householdCode: string }) => i.householdCode)).toEqual([t.household]);
  });

  it("a cadre's saves are their 档案更新 work records, one per version, counted in the duty figures", async () => {
    const records = (await http('GET', api(`/work-records?cadre=${t.cadre1}`), undefined, as(t.cadre1))).json.items.filter((r: { kind: string }) => r.kind === 'household_file');
    expect(records).toHaveLength(2);
    expect(records.every((r: { householdCode: string }) => r.householdCode === t.household)).toBe(true);
    expect(records.map((r: { note: string }) => r.note).sort()).toEqual(['更新民情档案（第1版）', '更新民情档案（第2版）：再次入户核实']);
    const rows = (await db.query('SELECT version, record_id FROM directory.household_ledger_work WHERE household_code = $1 ORDER BY version', [t.household])).rows;
    expect(rows.map((r) => r.version)).toEqual([1, 2]);
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(2);
    expect(rows.map((r) => r.record_id).sort()).toEqual(records.map((r: { id: string }) => r.id).sort());

    const files = async () =>
      (await http('GET', api(`/reports/duty?period=${thisMonth()}`), undefined, as(t.head))).json?.items?.find((i: { cadreCode: string }) => i.cadreCode === t.cadre1)?.householdFilesUpdated;
    expect(await eventually(async () => (await files()) === 2 && 2, 'both saves in the duty figures')).toBe(2);
    // one more version: one more file update
    const current = (await http('GET', file(t.household), undefined, as(t.cadre1))).json;
    const third = await http('PUT', file(t.household), { baseVersion: current.version, data: { ...current.data, notes: '每月走访一次' } }, as(t.cadre1));
    expect(third.json).toMatchObject({ changed: true, workRecord: 'logged', record: { version: 3 } });
    expect(await eventually(async () => (await files()) === 3 && 3, 'the third save in the duty figures')).toBe(3);
  });
});

describe("a village's ledger", () => {
  it('is kept by the linked department head and the area leader, read by the department and cadres linked there', async () => {
    const v = (p = '') => api(`/ledger/villages/${t.village}${p}`);
    const data = {
      ...EMPTY_VILLAGE_LEDGER,
      population: { ...EMPTY_VILLAGE_LEDGER.population, registeredHouseholds: 2, registeredPopulation: 8 },
      industries: { main: ['meat_sheep'], note: '' },
    };
    const first = await http('PUT', v(), { baseVersion: 0, data }, as(t.head));
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({ changed: true, workRecord: null, record: { version: 1, access: 'edit' } });
    const second = await http('PUT', v(), { baseVersion: 1, data: { ...data, infrastructure: { needs: ['roads'], note: '通村路雨季难行' } } }, as(t.leader));
    expect(second.status, second.text).toBe(200);
    const read = await http('GET', v(), undefined, as(t.cadre1));
    expect(read.json).toMatchObject({ version: 2, access: 'read', roster: { households: 2, keyHouseholds: 1, recordedHouseholds: 1 }, fromHouseholds: { members: 3, bySupport: { minimum_living: 1 } } });
    expect((await http('GET', v(), undefined, as(t.judge))).status).toBe(403);
    expect((await http('PUT', v(), { baseVersion: 2, data }, as(t.cadre1))).status).toBe(403);
    expect((await http('PUT', v(), { baseVersion: 2, data }, as(t.judicialHead))).status).toBe(403);
    const history = (await http('GET', v('/history'), undefined, as(t.township))).json;
    expect(history.items.map((x: { changedBy: { username: string } }) => x.changedBy.username)).toEqual([t.leader, t.head]);
    expect(history.items[0].changes).toEqual([{ field: 'infrastructure.needs', before: [], after: ['roads'] }, { field: 'infrastructure.note', before: '', after: '通村路雨季难行' }]);
    const bad = await http('PUT', v(), { baseVersion: 2, data: { ...data, population: { ...data.population, registeredPopulation: 1 } } }, as(t.head));
    expect(bad.json.errors).toEqual([expect.objectContaining({ field: 'body/data/population/registeredPopulation', code: 'fewer_than_households' })]);
    const listed = (await http('GET', api('/ledger/villages?limit=50'), undefined, as(t.judge))).json.items.map((i: { villageCode: string }) => i.villageCode);
    expect(listed).not.toContain(t.village);
  });
});

describe('the export', () => {
  it("is CSV with a BOM and a header row, only the reader's scope, and an audit entry", async () => {
    const res = await fetch(api(`/ledger/export?of=households&village=${t.village}&lang=zh-CN`), { headers: { authorization: `Bearer ${await tokenFor(t.head)}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const [header, ...lines] = text.trim().split('\n');
    expect(header).toContain('户主');
    expect(header).toContain('困难情况');
    expect(lines).toHaveLength(2);
    expect(text).toContain('王桂兰');
    expect(text).toContain('低保');
    expect(text).toContain(SENTINEL);

    // another department's head exports nothing of this village; the hall exports nothing at all
    const other = await fetch(api(`/ledger/export?village=${t.village}`), { headers: { authorization: `Bearer ${await tokenFor(t.judicialHead)}` } });
    const otherLines = (await other.text()).trim().split('\n');
    expect(otherLines).toHaveLength(1);
    expect((await http('GET', api('/ledger/export'), undefined, as(t.hall))).status).toBe(403);
    const en = await (await fetch(api(`/ledger/export?of=villages&village=${t.village}&lang=en`), { headers: { authorization: `Bearer ${await tokenFor(t.head)}` } })).text();
    expect(en.split('\n')[0]).toContain('Registered population');

    const audit = await db.query(`SELECT actor, details FROM directory.audit_events WHERE action = 'ledger.export' AND actor = $1 ORDER BY id`, [t.head]);
    expect(audit.rows[0]).toMatchObject({ actor: t.head, details: { of: 'households', village: t.village, rows: 2 } });
  });
});

describe("the files' text", () => {
  it('is in no audit entry and no log of the stack', async () => {
    const audit = await db.query(`SELECT count(*)::int AS n FROM directory.audit_events WHERE details::text LIKE $1`, [`%${SENTINEL}%`]);
    expect(audit.rows[0].n).toBe(0);
    const updates = await db.query(`SELECT details FROM directory.audit_events WHERE action = 'ledger.update' AND subject = $1 ORDER BY id`, [t.household]);
    expect(updates.rows[1].details).toEqual({ version: 2, fields: ['difficulties.note'] });
    if (!e.ownStack) return;
    for (const f of fs.readdirSync(e.logDir).filter((x) => x.endsWith('.log'))) {
      expect(fs.readFileSync(path.join(e.logDir, f), 'utf8').includes(SENTINEL), f).toBe(false);
    }
  });
});
