/**
 * The scope leaks issue 15 reported, closed: another manager's pending
 * decisions are theirs alone, and another cadre's inbox shows only what is in
 * the reader's own scope; a cadre's raw work records and diary notes are read
 * with the scope of the duty figures (/reports/duty); a case is merged only
 * into a case the mover may see.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`sc${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
const ids = (items: { id: string }[]) => items.map((i) => i.id);
const spHall = t.code('sp-hall');
const spMarket = t.code('sp-market');
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL), ($2, '集市服务点', 'station', NULL)`, [spHall, spMarket]);
  await tokenFor(t.hall, { servicePointCode: spMarket, channel: 'market_day' });
});
afterAll(async () => {
  await db?.end();
});

async function openRouted(actor: string | null, overrides: Record<string, unknown> = {}) {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, ...overrides }), actor ? as(actor) : {});
  expect(res.status).toBe(201);
  await eventually(async () => (await http('GET', api(`/cases/${res.json.id}`))).json?.status === 'assigned', `case ${res.json.id} to be routed`);
  return res.json.id as string;
}

describe("a manager's inbox", () => {
  it("pending decisions are read by the manager they wait for only; another cadre's inbox only within the reader's scope", async () => {
    const returned = await openRouted(null, { title: `待决 ${t.run}` });
    expect((await http('POST', api(`/cases/${returned}/return`), { reasonCode: 'wrong_area', note: '不属于本村' }, as(t.cadre1))).json.status).toBe('returned');
    const open = await openRouted(null, { title: `在办 ${t.run}` });

    const own = (await http('GET', api('/tasks'), undefined, as(t.head))).json;
    expect(ids(own.decisions)).toContain(returned);
    // Another department's head, and even the township leadership, do not see the head's decisions.
    for (const other of [t.judicialHead, t.township]) {
      const res = await http('GET', api(`/tasks?cadre=${t.head}`), undefined, as(other));
      expect(res.status, other).toBe(200);
      expect(res.json.decisions, other).toEqual([]);
    }
    // Not a manager: not someone else's inbox at all.
    expect((await http('GET', api(`/tasks?cadre=${t.head}`), undefined, as(t.cadre2))).status).toBe(403);

    // The cadre's inbox: their own department's head sees the case, another department's head nothing of it.
    const all = (body: Record<string, { id: string }[]>) => ['new', 'dueSoon', 'overdue', 'inProgress', 'decisions'].flatMap((k) => ids(body[k] ?? []));
    expect(all((await http('GET', api(`/tasks?cadre=${t.cadre1}`), undefined, as(t.head))).json)).toContain(open);
    const foreign = await http('GET', api(`/tasks?cadre=${t.cadre1}`), undefined, as(t.judicialHead));
    expect(foreign.status).toBe(200);
    expect(all(foreign.json)).toEqual([]);
  });
});

describe('work records and diary notes', () => {
  it('are read with the scope of the duty figures', async () => {
    const date = '2026-12-01';
    for (const cadre of [t.cadre1, t.judge]) {
      const res = await http('POST', api('/work-records'), { kind: 'diary', date, note: `民情日记 ${cadre}` }, as(cadre));
      expect(res.status, cadre).toBe(201);
    }
    const read = async (reader: string | null, cadre: string) => (await http('GET', api(`/work-records?cadre=${cadre}`), undefined, reader ? as(reader) : {})).status;
    expect(await read(t.cadre1, t.cadre1)).toBe(200); // own
    expect(await read(t.leader, t.leader)).toBe(200); // own, though an area leader has no cadres of their own
    expect(await read(t.head, t.cadre1)).toBe(200); // the department's cadre
    expect(await read(t.township, t.cadre1)).toBe(200);
    expect(await read(null, t.judge)).toBe(200); // administrators: township-wide
    for (const [reader, cadre] of [[t.judicialHead, t.cadre1], [t.head, t.judge], [t.leader, t.cadre1], [t.cadre2, t.cadre1], [t.hall, t.cadre1]] as const) {
      expect(await read(reader, cadre), `${reader} reading ${cadre}`).toBe(403);
    }
    const notes = (await http('GET', api(`/work-records?cadre=${t.cadre1}`), undefined, as(t.head))).json.items.map((i: { note: string }) => i.note);
    expect(notes).toContain(`民情日记 ${t.cadre1}`);

    // The same answer as the duty figures give each manager, for these two cadres.
    await eventually(async () => {
      const codes = (await http('GET', api('/reports/duty?period=2026-12'), undefined, as(t.township))).json?.items?.map((i: { cadreCode: string }) => i.cadreCode) ?? [];
      return codes.includes(t.cadre1) && codes.includes(t.judge);
    }, 'both diary entries in the duty figures');
    for (const manager of [t.head, t.judicialHead, t.leader, t.township]) {
      const duty = await http('GET', api('/reports/duty?period=2026-12'), undefined, as(manager));
      expect(duty.status, manager).toBe(200);
      const inDuty = duty.json.items.map((i: { cadreCode: string }) => i.cadreCode);
      for (const cadre of [t.cadre1, t.judge]) {
        expect(inDuty.includes(cadre), `${manager}: duty figures vs work records of ${cadre}`).toBe((await read(manager, cadre)) === 200);
      }
    }
  });
});

describe('merging', () => {
  it('hall staff merge a case only into a case they may see', async () => {
    const mine = await openRouted(t.hall, { title: `重复件 ${t.run}`, servicePointCode: spMarket, channel: 'market_day' });
    const alsoMine = await openRouted(t.hall, { title: `原件 ${t.run}`, servicePointCode: spMarket, channel: 'market_day' });
    const elsewhere = await openRouted(null, { title: `别处 ${t.run}`, servicePointCode: spHall });
    expect((await http('GET', api(`/cases/${elsewhere}`), undefined, as(t.hall))).status).toBe(403);

    const refused = await http('POST', api(`/cases/${mine}/merge`), { intoCaseId: elsewhere, note: '重复' }, as(t.hall));
    expect(refused.status).toBe(403);
    expect(refused.json.type).toBe('urn:minqing:problem:forbidden');
    expect((await http('GET', api(`/cases/${mine}`), undefined, as(t.hall))).json.status).toBe('assigned');
    const missing = await http('POST', api(`/cases/${mine}/merge`), { intoCaseId: '00000000-0000-4000-8000-000000000000', note: '重复' }, as(t.hall));
    expect(missing.status).toBe(422);

    const merged = await http('POST', api(`/cases/${mine}/merge`), { intoCaseId: alsoMine, note: '重复' }, as(t.hall));
    expect(merged.status).toBe(200);
    expect(merged.json).toMatchObject({ status: 'merged', mergedInto: alsoMine });
  });
});
