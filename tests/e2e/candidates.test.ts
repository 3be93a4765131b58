/**
 * Whom a case can be given to (issue 11): GET /cases/{id}/candidates lists the
 * cadres who take cases — the case's department first, each group by current
 * load — never hall staff, heads, leaders; searchable by name; paged by cursor
 * with the total; a cursor of other filters is refused.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { openCaseAs } from '../support/casework';

const e = env();
const t = township(`cd${Date.now().toString(36)}`);
const servicePoint = t.code('hall');
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
let db: pg.Client;
let caseId: string;
interface Candidate { code: string; sameDepartment: boolean; openCases: number }
const mine = (items: Candidate[]) => items.filter((i) => i.code.endsWith(t.run));

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [servicePoint]);
  await tokenFor(t.hall, { servicePointCode: servicePoint, channel: 'hall' });
  for (const who of [t.head, t.cadre1]) await tokenFor(who);
  const at = { servicePointCode: servicePoint, channel: 'hall', villageCode: t.village, householdCode: t.household };
  await openCaseAs(t.hall, at); // cadre 1 carries one more case
  caseId = (await openCaseAs(t.hall, at)).id;
}, 60_000);
afterAll(async () => {
  await db?.end();
});

describe('GET /cases/{id}/candidates', () => {
  it("lists who can take the case: its department first by load, then other departments; never hall staff, heads or leaders", async () => {
    const r = await http('GET', api(`/cases/${caseId}/candidates?q=${encodeURIComponent(t.run)}&limit=100`), undefined, { 'x-actor': t.head });
    expect(r.status).toBe(200);
    const items = mine(r.json.items);
    expect(items.map((i) => i.code)).toEqual([t.cadre2, t.cadre1, t.judge]);
    expect(items.map((i) => i.sameDepartment)).toEqual([true, true, false]);
    expect(items[0]!.openCases).toBeLessThan(items[1]!.openCases);
    expect(items[1]!.openCases).toBe(2);
    expect(r.json.total).toBe(3);
    expect(r.json.nextCursor).toBeNull();
  });

  it('searches by name and pages by cursor; a cursor of another search is refused', async () => {
    const byName = await http('GET', api(`/cases/${caseId}/candidates?q=${encodeURIComponent('赵淑')}`), undefined, { 'x-actor': t.head });
    expect(mine(byName.json.items).map((i) => i.code)).toEqual([t.judge]);

    const q = encodeURIComponent(t.run);
    const first = await http('GET', api(`/cases/${caseId}/candidates?q=${q}&limit=2`), undefined, { 'x-actor': t.head });
    expect(first.json.items.map((i: { code: string }) => i.code)).toEqual([t.cadre2, t.cadre1]);
    expect(first.json.total).toBe(3);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await http('GET', api(`/cases/${caseId}/candidates?q=${q}&limit=2&cursor=${first.json.nextCursor}`), undefined, { 'x-actor': t.head });
    expect(second.json.items.map((i: { code: string }) => i.code)).toEqual([t.judge]);
    expect(second.json.nextCursor).toBeNull();

    const foreign = await http('GET', api(`/cases/${caseId}/candidates?q=${encodeURIComponent('赵')}&cursor=${first.json.nextCursor}`), undefined, { 'x-actor': t.head });
    expect(foreign.status).toBe(400);
    expect(foreign.json.errors[0].code).toBe('cursor_foreign');
  });

  it('is for managers who may see the case', async () => {
    expect((await http('GET', api(`/cases/${caseId}/candidates`), undefined, { 'x-actor': t.cadre1 })).status).toBe(403);
    expect((await http('GET', api(`/cases/${caseId}/candidates`), undefined, { 'x-actor': t.hall })).status).toBe(403);
  });
});
