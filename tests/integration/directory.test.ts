/**
 * The directory (三联 roster) through the API against the real database:
 * import a generated township, list and search it, reject a bad import whole
 * with row-level errors, CSV round trip, and the plan's rule checks.
 * Codes are made unique per run (the test database is shared between files).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryDocument } from '@minqing/shared';
import { generateTownship } from '../../infra/src/demo-township';
import { env, http } from '../support/helpers';

const e = env();
const api = (p: string) => `${e.apiUrl}/api/v1/directory${p}`;
const run = `d${Date.now().toString(36)}`;
let db: pg.Client;

/** A generated township with every code suffixed by this run's id. */
function uniqueTownship(households: number): DirectoryDocument {
  const doc = generateTownship(7, { households });
  const s = (c: string | null) => (c === null ? null : `${c}-${run}`);
  return {
    areas: doc.areas.map((a) => ({ ...a, code: s(a.code)!, leaderCode: s(a.leaderCode) })),
    departments: doc.departments.map((d) => ({ ...d, code: s(d.code)!, headCode: s(d.headCode) })),
    villages: doc.villages.map((v) => ({ ...v, code: s(v.code)!, areaCode: s(v.areaCode)!, departmentCode: s(v.departmentCode)! })),
    cadres: doc.cadres.map((c) => ({ ...c, code: s(c.code)!, departmentCode: s(c.departmentCode) })),
    households: doc.households.map((h) => ({ ...h, code: s(h.code)!, villageCode: s(h.villageCode)!, cadreCode: s(h.cadreCode) })),
    servicePoints: doc.servicePoints.map((p) => ({ ...p, code: s(p.code)!, villageCode: s(p.villageCode) })),
    sessions: doc.sessions.map((x) => ({ ...x, code: s(x.code)!, villageCode: s(x.villageCode)!, dutyCadreCodes: x.dutyCadreCodes.map((c) => s(c)!) })),
    routingRules: [], // global per category; left to the lifecycle tests
  };
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
});
afterAll(async () => db?.end());

describe('directory import', () => {
  const doc = uniqueTownship(600);

  it('imports a whole township in one go and lists it', async () => {
    const res = await http('POST', api('/import'), doc);
    expect(res.status).toBe(200);
    expect(res.json.imported).toMatchObject({ areas: 4, departments: 10, villages: 8, households: 600, sessions: 2, servicePoints: 4 });
    expect(res.json.imported.cadres).toBe(doc.cadres.length);

    const villages = (await http('GET', api('/villages'))).json.items.filter((v: { code: string }) => v.code.endsWith(run));
    expect(villages).toHaveLength(8);
    expect(villages.filter((v: { kind: string }) => v.kind === 'community').map((v: { name: string }) => v.name).sort()).toEqual(['三段地社区', '乌兰社区']);

    const h = doc.households[17]!;
    const byPhone = (await http('GET', api(`/households?q=${h.phone ?? h.headName}`))).json;
    expect(byPhone.items.map((x: { code: string }) => x.code)).toContain(h.code);
    const byTail = (await http('GET', api(`/households?q=${h.idTail}&village=${h.villageCode}`))).json;
    expect(byTail.items.map((x: { code: string }) => x.code)).toContain(h.code);
    const keyOnly = (await http('GET', api(`/households?village=${h.villageCode}&isKey=true&limit=100`))).json;
    expect(keyOnly.items.every((x: { isKey: boolean }) => x.isKey)).toBe(true);

    const cadre = (await http('GET', api(`/cadres/${h.cadreCode}`))).json;
    expect(cadre.keyHouseholds).toBeGreaterThanOrEqual(3);
    expect(cadre.linkedHouseholds).toBe(doc.households.filter((x) => x.cadreCode === h.cadreCode).length);

    const sessions = (await http('GET', api('/sessions'))).json.items.filter((x: { code: string }) => x.code.endsWith(run));
    expect(sessions[0].dutyCadreCodes.length).toBe(4);
  });

  it('a document with bad rows is refused whole, naming entity, row and field', async () => {
    const bad: Partial<DirectoryDocument> = {
      villages: [{ ...doc.villages[0]!, code: `new-village-${run}`, areaCode: `no-such-area-${run}` }],
      households: [
        { ...doc.households[0]!, code: `new-hh-1-${run}`, idTail: '12' },
        { ...doc.households[1]!, code: `new-hh-2-${run}`, villageCode: `new-village-${run}`, members: 0 },
      ],
    };
    const res = await http('POST', api('/import'), bad);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json.errors).toEqual(expect.arrayContaining([
      expect.objectContaining({ entity: 'villages', row: 1, field: 'areaCode' }),
      expect.objectContaining({ entity: 'households', row: 1, field: 'idTail' }),
      expect.objectContaining({ entity: 'households', row: 2, field: 'members' }),
    ]));
    const stored = await db.query(`SELECT count(*)::int AS n FROM directory.households WHERE code LIKE 'new-hh-%-${run}'`);
    expect(stored.rows[0].n).toBe(0);
    expect((await db.query('SELECT 1 FROM directory.villages WHERE code = $1', [`new-village-${run}`])).rowCount).toBe(0);
  });

  it('CSV export and re-import round-trip, and a bad CSV line is named', async () => {
    const csv = await fetch(api('/csv/households'));
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await csv.text();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('code,villageCode,headName,phone,idTail,address,members,isKey,isVulnerable,cadreCode');
    const ours = [lines[0], ...lines.filter((l) => l.includes(`-${run},`))].join('\n');
    const again = await fetch(api('/csv/households'), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: ours });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { imported: { households: number } }).imported.households).toBe(600);

    const broken = `${lines[0]}\nx-${run},wulan-${run},王五,13900000000,1234,,three,false,false,\n`;
    const bad = await fetch(api('/csv/households'), { method: 'POST', headers: { 'content-type': 'text/csv' }, body: broken });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ entity: 'households', row: 1, field: 'members' })]);
  });
});

describe('rule check', () => {
  it('lists leaders linking other than 2–3 villages and cadres with fewer than 3 key households', async () => {
    const lonely = `lonely-${run}`;
    const res = await http('POST', api('/import'), {
      cadres: [
        { code: `leader-solo-${run}`, name: '孤单领导', role: 'area_leader', departmentCode: null, phone: null },
        { code: lonely, name: '李四', role: 'staff', departmentCode: `shehui-${run}`, phone: null },
      ],
      areas: [{ code: `area-solo-${run}`, name: '单村片区', leaderCode: `leader-solo-${run}` }],
      villages: [{ code: `solo-${run}`, name: '独村嘎查', kind: 'gachaa', areaCode: `area-solo-${run}`, departmentCode: `shehui-${run}` }],
      households: [{ code: `hh-lonely-${run}`, villageCode: `solo-${run}`, headName: '王五', phone: null, idTail: null, address: null, members: 2, isKey: true, isVulnerable: false, cadreCode: lonely }],
    });
    expect(res.status).toBe(200);
    const check = (await http('GET', api('/rule-check'))).json;
    expect(check.ok).toBe(false);
    expect(check.violations).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'leader-links', subject: `leader-solo-${run}` }),
      expect.objectContaining({ rule: 'key-households', subject: lonely }),
    ]));
    // The generated township itself breaks no rule.
    expect(check.violations.filter((v: { subject: string }) => v.subject.endsWith(run) && !v.subject.includes('solo') && !v.subject.includes('lonely'))).toEqual([]);
  });
});
