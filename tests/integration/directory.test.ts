/**
 * The directory (三联 roster) through the API against the real database:
 * import a generated township, list and search it, refuse a bad import whole
 * with row-level errors, CSV round trip, and the plan's rule checks.
 * The test database is shared between files: every code carries this run's
 * id, and assertions look only at this run's rows.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryDocument } from '@minqing/shared';
import { generateTownship } from '../../infra/src/demo-township';
import { adminToken, env, http } from '../support/helpers';

const e = env();
const api = (p: string) => `${e.apiUrl}/api/v1/directory${p}`;
const run = `d${Date.now().toString(36)}`;
const s = (c: string) => `${c}-${run}`;
const ours = (x: { code: string }) => x.code.endsWith(run);
let db: pg.Client;

/** A generated township with every code suffixed by this run's id (or `tag`). */
function uniqueTownship(households: number, seed = 7, tag = run): DirectoryDocument {
  const doc = generateTownship(seed, { households });
  const s = (c: string) => `${c}-${tag}`;
  const n = (c: string | null) => (c === null ? null : s(c));
  return {
    areas: doc.areas.map((a) => ({ ...a, code: s(a.code), leaderCode: n(a.leaderCode) })),
    departments: doc.departments.map((d) => ({ ...d, code: s(d.code), headCode: n(d.headCode) })),
    villages: doc.villages.map((v) => ({ ...v, code: s(v.code), areaCode: s(v.areaCode), departmentCode: s(v.departmentCode) })),
    cadres: doc.cadres.map((c) => ({ ...c, code: s(c.code), departmentCode: n(c.departmentCode) })),
    households: doc.households.map((h) => ({ ...h, code: s(h.code), villageCode: s(h.villageCode), cadreCode: n(h.cadreCode) })),
    servicePoints: doc.servicePoints.map((p) => ({ ...p, code: s(p.code), villageCode: n(p.villageCode) })),
    sessions: doc.sessions.map((x) => ({ ...x, code: s(x.code), villageCode: s(x.villageCode), dutyCadreCodes: x.dutyCadreCodes.map(s) })),
    routingRules: [], // one per category for the whole database; the lifecycle tests own them
  };
}

async function csvExport(entity: string): Promise<{ bytes: Uint8Array; res: Response; lines: string[] }> {
  const res = await fetch(api(`/csv/${entity}`), { headers: { authorization: `Bearer ${await adminToken()}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder('utf-8', { ignoreBOM: false }).decode(bytes);
  return { bytes, res, lines: text.trimEnd().split('\n') };
}
const postCsv = (entity: string, body: string) => http('POST', api(`/csv/${entity}`), body, { 'content-type': 'text/csv' });

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
});
afterAll(async () => db?.end());

describe('directory', () => {
  const doc = uniqueTownship(300);

  it('imports a whole generated township in one go and answers the counts', async () => {
    const res = await http('POST', api('/import'), doc);
    expect(res.status).toBe(200);
    expect(res.json.imported).toEqual({
      areas: 4, departments: 10, villages: 8, cadres: doc.cadres.length, households: 300, servicePoints: 4, sessions: 2, routingRules: 0,
    });
    expect(res.json.violationCount).toBe(res.json.violations.length);
    // The generated township itself breaks no rule of the plan.
    expect(res.json.violations.filter((v: { subject: string }) => v.subject.endsWith(run))).toEqual([]);
  });

  it('lists areas, departments, villages, cadres, service points, sessions and routing rules', async () => {
    const items = async (p: string) => {
      const res = await http('GET', api(p));
      expect(res.status, p).toBe(200);
      return res.json.items as any[];
    };
    expect((await items('/areas')).filter(ours).map((a) => a.leaderCode)).toEqual(expect.arrayContaining([s('leader-city')]));
    expect((await items('/departments')).filter(ours).find((d) => d.code === s('judicial'))).toMatchObject({ name: '司法所', headCode: s('head-judicial') });
    const villages = (await items('/villages')).filter(ours);
    expect(villages).toHaveLength(8);
    expect(villages.filter((v) => v.kind === 'community').map((v) => v.name).sort()).toEqual(['三段地社区', '乌兰社区']);
    const shehui = await items(`/cadres?department=${s('shehui')}`);
    expect(shehui.map((c) => c.code)).toEqual(doc.cadres.filter((c) => c.departmentCode === s('shehui')).map((c) => c.code).sort());
    expect((await items('/cadres?role=township_leader')).filter(ours).map((c) => c.code).sort()).toEqual([s('leader-mayor'), s('leader-secretary')]);
    expect((await items('/service-points')).filter(ours).map((p) => p.kind).sort()).toEqual(['hall', 'social_hall', 'station', 'station']);
    const sessions = (await items('/sessions')).filter(ours);
    expect(sessions.map((x) => [x.villageCode, x.dutyCadreCodes.length])).toEqual([[s('sanduandi'), 4], [s('wulan'), 4]]);
    expect(Array.isArray(await items('/routing-rules'))).toBe(true);

    const h = doc.households.find((x) => x.cadreCode)!;
    const cadre = (await http('GET', api(`/cadres/${h.cadreCode}`))).json;
    expect(cadre.linkedHouseholds).toBe(doc.households.filter((x) => x.cadreCode === h.cadreCode).length);
    expect(cadre.keyHouseholds).toBe(doc.households.filter((x) => x.cadreCode === h.cadreCode && x.isKey).length);
    expect(cadre.keyHouseholds).toBeGreaterThanOrEqual(3);
    const missing = await http('GET', api(`/cadres/${s('nobody')}`));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('finds households by phone, ID tail, head name or address, with filters and pages', async () => {
    const codes = (r: { json: { items: { code: string }[] } }) => r.json.items.map((x) => x.code);
    // The search term is a name, phone or ID tail: it travels in a POST body, never in a URL.
    const search = (body: Record<string, unknown>) => http('POST', api('/households/search'), body);
    const h = doc.households.find((x) => x.phone)!;
    const byPhone = await search({ q: h.phone });
    expect(codes(byPhone)[0]).toBe(h.code); // exact matches first
    expect(codes(await search({ q: h.idTail, village: h.villageCode }))).toContain(h.code);
    expect(codes(await search({ q: h.headName, village: h.villageCode }))).toContain(h.code);
    const street = h.address!.slice(0, -2);
    const byAddress = await search({ q: street, village: h.villageCode, limit: 100 });
    expect(byAddress.json.items.every((x: { address: string }) => x.address.includes(street))).toBe(true);
    expect(codes(byAddress)).toContain(h.code);
    // A LIKE wildcard in q is text, not a pattern.
    expect((await search({ q: '%', village: h.villageCode })).json.total).toBe(0);

    const key = await search({ village: h.villageCode, isKey: true, limit: 100 });
    expect(key.json.total).toBe(doc.households.filter((x) => x.villageCode === h.villageCode && x.isKey).length);
    expect(key.json.items.every((x: { isKey: boolean }) => x.isKey)).toBe(true);
    const mine = await search({ cadre: h.cadreCode, isVulnerable: false, limit: 100 });
    expect(mine.json.total).toBe(doc.households.filter((x) => x.cadreCode === h.cadreCode && !x.isVulnerable).length);

    const p1 = await search({ village: s('wulan'), limit: 5 });
    const p2 = await search({ village: s('wulan'), limit: 5, offset: 5 });
    expect(p1.json).toMatchObject({ total: doc.households.filter((x) => x.villageCode === s('wulan')).length, limit: 5, offset: 0 });
    expect(codes(p2).some((c: string) => codes(p1).includes(c))).toBe(false);
    const tooMany = await search({ limit: 101 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.errors[0].field).toMatch(/limit/);

    expect((await http('GET', api(`/households/${h.code}`))).json).toEqual({ ...h, idTail: h.idTail!.toUpperCase() });
    expect((await http('GET', api(`/households/${s('no-such')}`))).status).toBe(404);
  });

  it('exports the whole roster as JSON', async () => {
    const res = await http('GET', api('/export'));
    expect(res.status).toBe(200);
    expect(res.json.households.filter(ours)).toHaveLength(300);
    expect(res.json.sessions.filter(ours).find((x: { code: string }) => x.code === s('market-wulan'))).toEqual(doc.sessions.find((x) => x.code === s('market-wulan')));
  });

  it('refuses a document with bad rows whole, naming entity, row and field, and changes nothing', async () => {
    const before = doc.households[5]!;
    const bad: Partial<DirectoryDocument> = {
      villages: [{ ...doc.villages[0]!, code: s('new-village'), areaCode: s('no-such-area') }],
      households: [
        { ...before, headName: '改名字' }, // valid on its own, must not be applied
        { ...doc.households[0]!, code: s('new-hh-1'), idTail: '12' },
        { ...doc.households[1]!, code: s('new-hh-2'), villageCode: s('new-village'), members: 0 },
      ],
    };
    const res = await http('POST', api('/import'), bad);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.json).toMatchObject({ type: 'urn:minqing:problem:directory-import-invalid', status: 422, totalErrors: 3 });
    expect(res.json.errors).toEqual([
      expect.objectContaining({ entity: 'villages', row: 1, field: 'areaCode' }),
      expect.objectContaining({ entity: 'households', row: 2, field: 'idTail' }),
      expect.objectContaining({ entity: 'households', row: 3, field: 'members' }),
    ]);
    const stored = await db.query(`SELECT count(*)::int AS n FROM directory.households WHERE code IN ($1, $2)`, [s('new-hh-1'), s('new-hh-2')]);
    expect(stored.rows[0].n).toBe(0);
    expect((await db.query('SELECT 1 FROM directory.villages WHERE code = $1', [s('new-village')])).rowCount).toBe(0);
    expect((await http('GET', api(`/households/${before.code}`))).json.headName).toBe(before.headName);
  });

  it('CSV: export → import is lossless; an edit comes back; a bad line is named by row, line and field', async () => {
    const first = await csvExport('households');
    expect(first.res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(first.res.headers.get('content-disposition')).toBe('attachment; filename="households.csv"');
    expect([...first.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, for Excel/WPS
    const header = first.lines[0]!;
    expect(header).toBe('code,villageCode,headName,phone,idTail,address,members,isKey,isVulnerable,cadreCode');
    const mine = first.lines.filter((l) => l.includes(run));
    expect(mine).toHaveLength(300);

    const again = await postCsv('households', [header, ...mine].join('\n'));
    expect(again.status).toBe(200);
    expect(again.json.imported).toMatchObject({ households: 300, villages: 0 });
    expect((await csvExport('households')).lines.filter((l) => l.includes(run))).toEqual(mine);

    const target = doc.households[9]!;
    const edited = mine.map((l) => (l.startsWith(`${target.code},`) ? l.replace(target.address!, '乌兰社区新楼1号') : l));
    expect((await postCsv('households', [header, ...edited].join('\n'))).status).toBe(200);
    expect((await http('GET', api(`/households/${target.code}`))).json.address).toBe('乌兰社区新楼1号');

    const sessions = await csvExport('sessions');
    const ourSessions = sessions.lines.filter((l) => l.includes(run));
    expect(ourSessions.some((l) => l.includes(`${s('staff-judicial-01')};${s('staff-minzheng-01')}`))).toBe(true); // lists as a;b
    const back = await postCsv('sessions', [sessions.lines[0], ...ourSessions].join('\n'));
    expect(back.status).toBe(200);
    expect((await http('GET', api('/sessions'))).json.items.filter(ours)).toEqual([...doc.sessions].sort((a, b) => a.code.localeCompare(b.code)));

    const broken = `${header}\n${s('x1')},${s('wulan')},王五,13900000000,1234,,2,false,false,\n\n${s('x2')},${s('wulan')},李四,13900000001,1234,,three,false,false,\n`;
    const bad = await postCsv('households', broken);
    expect(bad.status).toBe(422);
    expect(bad.json.errors).toEqual([expect.objectContaining({ entity: 'households', row: 2, line: 4, field: 'members' })]);
    expect((await http('GET', api(`/households/${s('x1')}`))).status).toBe(404);

    const json = await http('POST', api('/csv/households'), { households: [] });
    expect(json.status).toBe(415);
  });

  it('rule check lists what breaks the plan, and an import that breaks it still goes in', async () => {
    const leader = s('leader-solo');
    const lonely = s('lonely');
    const res = await http('POST', api('/import'), {
      cadres: [
        { code: leader, name: '孤单领导', role: 'area_leader', departmentCode: null, phone: null },
        { code: lonely, name: '李四', role: 'staff', departmentCode: s('shehui'), phone: null },
        { code: s('stray'), name: '赵六', role: 'staff', departmentCode: s('judicial'), phone: null },
      ],
      departments: [{ code: s('headless'), name: '无负责人办公室', headCode: null }],
      areas: [{ code: s('area-solo'), name: '单村片区', leaderCode: leader }],
      villages: [{ code: s('solo'), name: '独村嘎查', kind: 'gachaa', areaCode: s('area-solo'), departmentCode: s('shehui') }],
      households: [
        { code: s('hh-lonely'), villageCode: s('solo'), headName: '王五', phone: null, idTail: null, address: null, members: 2, isKey: true, isVulnerable: false, cadreCode: lonely },
        { code: s('hh-unlinked'), villageCode: s('solo'), headName: '钱七', phone: null, idTail: null, address: null, members: 1, isKey: false, isVulnerable: true, cadreCode: null },
        { code: s('hh-stray'), villageCode: s('solo'), headName: '孙八', phone: null, idTail: null, address: null, members: 1, isKey: true, isVulnerable: false, cadreCode: s('stray') },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.violationCount).toBeGreaterThanOrEqual(6);

    const check = await http('GET', api('/rule-check'));
    expect(check.status).toBe(200);
    expect(check.json.ok).toBe(false);
    expect(check.json.violationCount).toBe(check.json.violations.length);
    const mine = check.json.violations.filter((v: { subject: string }) => v.subject.endsWith(run));
    expect(mine.map((v: { rule: string; subject: string }) => [v.rule, v.subject]).sort()).toEqual([
      ['department-head', s('headless')],
      ['household-unlinked', s('solo')],
      ['key-households', lonely],
      ['key-households', s('stray')],
      ['leader-links', leader],
      ['link-outside-department', s('stray')],
    ].sort());
    expect(mine.find((v: { rule: string }) => v.rule === 'leader-links').message).toContain('links 1 villages/communities');
    expect(check.json.byRule['key-households']).toBeGreaterThanOrEqual(2);
  });

  it('imports the full-size demo township (10,000 households) the main job loads, clean under the rule check', async () => {
    const tag = `${run}full`;
    const full = uniqueTownship(10_000, 20261127, tag);
    const res = await http('POST', api('/import'), full);
    expect(res.status).toBe(200);
    expect(res.json.imported).toMatchObject({ households: 10_000, cadres: full.cadres.length });
    const check = (await http('GET', api('/rule-check'))).json;
    expect(check.violations.filter((v: { subject: string }) => v.subject.endsWith(tag))).toEqual([]);
    expect((await http('POST', api('/households/search'), { village: `wulan-${tag}`, limit: 1 })).json.total).toBe(full.households.filter((h) => h.villageCode === `wulan-${tag}`).length);
  });

  it('publishes every directory operation in the OpenAPI document', async () => {
    const spec = (await http('GET', `${e.apiUrl}/openapi.json`)).json;
    const ids = Object.values(spec.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ids).toEqual(expect.arrayContaining([
      'listAreas', 'listDepartments', 'listVillages', 'listCadres', 'getCadre', 'searchHouseholds', 'getHousehold', 'listServicePoints', 'listSessions',
      'listRoutingRules', 'importDirectory', 'importDirectoryCsv', 'exportDirectory', 'exportDirectoryCsv', 'directoryRuleCheck',
    ]));
  });
});
