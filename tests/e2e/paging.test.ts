/**
 * Lists without silent caps (issue 11), through the real stack: every list
 * operation that takes a `limit` answers a `nextCursor`; a cursor round trip
 * over the case list reaches every case once; a cursor from another list, for
 * other filters or made up is a 400 naming the field with a code; a cadre with
 * 250 households pages through all of them and finds one by name on the
 * server. Intake: likely duplicates are found (same household and category,
 * open, similar text) and a confirmed one is recorded in the audit log; a
 * resident without a phone gets a case; validation errors carry codes.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`pg${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
const marker = `分页${t.run}`;
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  // 250 more households linked to cadre 1, every 15th a key household (17 key ones with the township's own).
  const rows = Array.from({ length: 250 }, (_, i) => i + 1);
  await db.query(
    `INSERT INTO directory.households (code, village_code, head_name, phone, members, is_key, is_vulnerable, cadre_code)
     SELECT $1 || '-' || n, $2, '户主' || n || '号' || $3, NULL, 2, n % 15 = 0, false, $4 FROM unnest($5::int[]) AS n`,
    [t.code('hh'), t.village, t.run, t.cadre1, rows],
  );
  await tokenFor(t.hall);
});
afterAll(async () => {
  await db?.end();
});

describe('every paged list answers nextCursor', () => {
  it('each operation whose query or body takes `limit` has `nextCursor` in its 200 answer (OpenAPI)', async () => {
    const doc = (await (await fetch(`${e.apiUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, any> } };
    const paged: string[] = [];
    const missing: string[] = [];
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        if (typeof op !== 'object' || !op.operationId) continue;
        const query = (op.parameters ?? []).some((p: { name: string }) => p.name === 'limit');
        const body = op.requestBody?.content?.['application/json']?.schema?.properties?.limit !== undefined;
        if (!query && !body) continue;
        paged.push(op.operationId);
        const answer = op.responses?.['200']?.content?.['application/json']?.schema;
        if (!answer?.properties?.nextCursor) missing.push(op.operationId);
      }
    }
    expect(paged).toEqual(expect.arrayContaining(['listCases', 'searchCases', 'escalationQueue', 'searchHouseholds', 'listWorkRecords', 'listOpen311Keys', 'listAuditEvents']));
    expect(missing).toEqual([]);
  });
});

describe('cursor paging over cases', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 7; i++) {
      const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title: `${marker} 第${i}件 ${'甲乙丙丁戊己庚辛'.slice(i)}` }), as(t.hall));
      expect(res.status).toBe(201);
      ids.push(res.json.id);
    }
    await eventually(async () => (await http('GET', api(`/cases?q=${encodeURIComponent(marker)}`))).json?.total === 7, 'all seven cases in the read model', 60_000);
  });

  it('pages of 3 reach every case once, newest first, and the last page says there is no more', async () => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const res = await http('GET', api(`/cases?${new URLSearchParams({ q: marker, limit: '3', ...(cursor ? { cursor } : {}) })}`));
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(7);
      expect(res.json.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.json.items.map((c: { id: string }) => c.id));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('searchCases (POST) finds the cases by the household head’s name and pages the same way', async () => {
    const first = await http('POST', api('/cases/search'), { q: '王桂兰', household: t.household, limit: 4 }, as(t.hall));
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(4);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const second = await http('POST', api('/cases/search'), { q: '王桂兰', household: t.household, limit: 4, cursor: first.json.nextCursor }, as(t.hall));
    expect(second.status).toBe(200);
    expect(second.json.nextCursor).toBeNull();
    expect(new Set([...first.json.items, ...second.json.items].map((c: { id: string }) => c.id)).size).toBe(first.json.total);
  });

  it('a cursor of another list, of other filters, or made up is a 400 naming the field with a code', async () => {
    const page = (await http('GET', api(`/cases?${new URLSearchParams({ q: marker, limit: '2' })}`))).json;
    expect(page.nextCursor).toEqual(expect.any(String));
    const refused = [
      await http('GET', api(`/escalations?scope=township&cursor=${page.nextCursor}`)),
      await http('GET', api(`/cases?${new URLSearchParams({ q: `${marker} 第1件`, limit: '2', cursor: page.nextCursor })}`)),
      await http('GET', api(`/cases?cursor=${Buffer.from('cases.1::["x"]').toString('base64url')}`)),
      await http('GET', api('/cases?cursor=bm90LWEtY3Vyc29y')),
      await http('POST', api('/directory/households/search'), { cursor: page.nextCursor }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(400);
      expect(res.json.errors).toEqual([expect.objectContaining({ field: expect.stringMatching(/^(querystring|body)\/cursor$/), code: 'cursor_foreign' })]);
    }
  });
});

describe('a cadre with 250 households', () => {
  it('pages through every linked household and finds #240 by name on the server', async () => {
    const codes = new Set<string>();
    let cursor: string | null = null;
    let keys = 0;
    for (let i = 0; i < 5; i++) {
      const res = await http('POST', api('/directory/households/search'), { limit: 100, ...(cursor ? { cursor } : {}) }, as(t.cadre1));
      expect(res.status).toBe(200);
      expect(res.json.total).toBe(251);
      for (const h of res.json.items as { code: string; isKey: boolean }[]) {
        codes.add(h.code);
        if (h.isKey) keys++;
      }
      cursor = res.json.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(codes.size).toBe(251);
    expect(keys).toBe(17);
    const found = await http('POST', api('/directory/households/search'), { q: `户主240号${t.run}`, limit: 20 }, as(t.cadre1));
    expect(found.json.items.map((h: { code: string }) => h.code)).toEqual([`${t.code('hh')}-240`]);
    const keyOnly = await http('POST', api('/directory/households/search'), { isKey: true, limit: 100 }, as(t.cadre1));
    expect(keyOnly.json).toMatchObject({ total: 17, nextCursor: null });
  });
});

describe('intake', () => {
  it('finds an open case of the same household and category with similar text as a likely duplicate, and records the confirmation', async () => {
    const title = `${t.run} 三组路灯坏了三天`;
    const first = await http('POST', api('/cases'), caseBody({ category: 'environment_civility', villageCode: t.village, householdCode: t.household2, title, description: '晚上出行不便，请尽快维修' }), as(t.hall));
    expect(first.status).toBe(201);
    await eventually(async () => (await http('GET', api(`/cases/${first.json.id}`))).json?.householdCode === t.household2, 'the case in the read model');

    const check = (body: Record<string, unknown>) => http('POST', api('/cases/duplicates'), { category: 'environment_civility', householdCode: t.household2, ...body }, as(t.hall));
    const similar = await check({ title: `${t.run} 三组路灯坏了 三天了`, description: '晚上出行很不便，请尽快修' });
    expect(similar.status).toBe(200);
    expect(similar.json.items).toEqual([expect.objectContaining({ id: first.json.id, trackingCode: first.json.trackingCode })]);
    expect((await check({ title: '申请临时救助', description: '家中老人住院费用困难' })).json.items).toEqual([]);
    expect((await http('POST', api('/cases/duplicates'), { category: 'livelihood_difficulty', householdCode: t.household2, title }, as(t.hall))).json.items).toEqual([]);

    const again = await http(
      'POST',
      api('/cases'),
      caseBody({ category: 'environment_civility', villageCode: t.village, householdCode: t.household2, title: `${t.run} 三组路灯坏了 三天了`, description: '另一盏路灯', duplicateConfirmed: [first.json.id] }),
      { ...as(t.hall), 'idempotency-key': `dup-${t.run}` },
    );
    expect(again.status).toBe(201);
    expect(again.json.id).not.toBe(first.json.id);
    const audit = await http('GET', api(`/audit?${new URLSearchParams({ action: 'case.open', subject: again.json.id })}`));
    expect(audit.json.items).toEqual([expect.objectContaining({ actor: t.hall, details: expect.objectContaining({ duplicateConfirmed: [first.json.id] }) })]);
  });

  it('opens a case for a resident without a phone', async () => {
    const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: `${t.code('hh')}-7`, resident: { name: `户主7号${t.run}` }, title: `${t.run} 无电话` }), as(t.hall));
    expect(res.status).toBe(201);
    const c = await eventually(async () => (await http('GET', api(`/cases/${res.json.id}`))).json?.resident ?? undefined, 'the case in the read model');
    expect(c).toEqual({ name: `户主7号${t.run}`, phone: null });
  });

  it('a validation error names each field with a code and its params', async () => {
    const res = await http('POST', api('/cases'), caseBody({ title: '', resident: { name: '王桂兰', phone: '12' } }), as(t.hall));
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'body/title', code: 'too_short', params: { min: 1 } }),
        expect.objectContaining({ field: 'body/resident/phone', code: 'bad_format' }),
      ]),
    );
  });
});

describe('signed-off reports', () => {
  it('page newest first, each report once, with a cursor bound to the list', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await http('POST', api('/reports/frozen'), { groupBy: 'department', note: `${marker} 第${i + 1}份` });
      expect(r.status).toBe(201);
      mine.push(r.json.id);
    }
    const seen: { id: string; frozenAt: string }[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 500; page++) {
      const res = await http('GET', api(`/reports/frozen?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...(res.json.items as { id: string; frozenAt: string }[]));
      cursor = res.json.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    expect(seen.filter((s) => mine.includes(s.id)).map((s) => s.id)).toEqual([...mine].reverse());
    const times = seen.map((s) => Date.parse(s.frozenAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // a cursor of another list is refused, not read as the first page
    const cases = await http('GET', api('/cases?limit=1'), undefined, as(t.hall));
    expect(cases.json.nextCursor).toBeTruthy();
    const foreign = await http('GET', api(`/reports/frozen?limit=2&cursor=${cases.json.nextCursor}`));
    expect(foreign.status).toBe(400);
    expect(foreign.json.errors).toEqual([expect.objectContaining({ field: 'querystring/cursor', code: 'cursor_foreign' })]);
  });
});
