/**
 * Rules of the roster: row validation, whole-or-nothing import, CSV both ways
 * and the plan's rule check. Storage is a hand-written in-memory fake of the
 * repository (a unit-test fake only; tests/integration/directory.test.ts runs
 * the real PostgreSQL repository).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { NotFoundError, type DirectoryDocument, type Household } from '@minqing/shared';
import type { HouseholdQuery, ImportCounts, RosterFacts } from './directory.repository';
import {
  checkRoster, DirectoryImportError, DirectoryService, parseCsv, rosterFacts, toCsv, type DirectoryStore, type RowError,
} from './directory.service';

const empty = (): DirectoryDocument => ({ areas: [], departments: [], villages: [], cadres: [], households: [], servicePoints: [], sessions: [], routingRules: [] });

/** FAKE store: keeps a document in memory; upserts merge by code like the SQL does. */
class FakeStore implements DirectoryStore {
  upserts: Partial<DirectoryDocument>[] = [];
  householdQueries: HouseholdQuery[] = [];
  constructor(public doc: DirectoryDocument = empty()) {}
  async areas() { return this.doc.areas; }
  async departments() { return this.doc.departments; }
  async villages() { return this.doc.villages; }
  async cadres() { return this.doc.cadres; }
  async cadre(code: string) {
    const c = this.doc.cadres.find((x) => x.code === code);
    const mine = this.doc.households.filter((h) => h.cadreCode === code);
    return c ? { ...c, linkedHouseholds: mine.length, keyHouseholds: mine.filter((h) => h.isKey).length } : null;
  }
  async households(q: HouseholdQuery) {
    this.householdQueries.push(q);
    return { items: this.doc.households.slice(q.offset, q.offset + q.limit), total: this.doc.households.length };
  }
  async household(code: string) { return this.doc.households.find((h) => h.code === code) ?? null; }
  async allHouseholds() { return this.doc.households; }
  async servicePoints() { return this.doc.servicePoints; }
  async sessions() { return this.doc.sessions; }
  async routingRules() { return this.doc.routingRules; }
  async exportDocument() { return this.doc; }
  async existingCodes() {
    const s = (rows: { code: string }[]) => new Set(rows.map((r) => r.code));
    return { areas: s(this.doc.areas), departments: s(this.doc.departments), villages: s(this.doc.villages), cadres: s(this.doc.cadres) };
  }
  async upsert(part: Partial<DirectoryDocument>): Promise<ImportCounts> {
    this.upserts.push(part);
    const counts = { areas: 0, departments: 0, villages: 0, cadres: 0, households: 0, servicePoints: 0, sessions: 0, routingRules: 0 };
    for (const key of Object.keys(counts) as (keyof DirectoryDocument)[]) {
      const rows = (part[key] ?? []) as { code?: string; category?: string }[];
      const id = (r: { code?: string; category?: string }) => r.code ?? r.category;
      const current = this.doc[key] as { code?: string; category?: string }[];
      (this.doc[key] as unknown[]) = [...current.filter((r) => !rows.some((n) => id(n) === id(r))), ...rows];
      counts[key] = rows.length;
    }
    return counts;
  }
  async ruleFacts() { return rosterFacts(this.doc); }
}

/** A tiny township that keeps every rule: one area of two villages, one department, one cadre with 3 key households. */
function township(): DirectoryDocument {
  const hh = (n: number, village: string, isKey: boolean): Household => ({
    code: `hh-${n}`, villageCode: village, headName: '王桂兰', phone: '13912345678', idTail: '123X', address: `${village}1组${n}号`,
    members: 3, isKey, isVulnerable: false, cadreCode: 'staff-1',
  });
  return {
    areas: [{ code: 'area-1', name: '东部片区', leaderCode: 'leader-1' }],
    departments: [{ code: 'dept-1', name: '社会事务办', headCode: 'head-1' }],
    villages: [
      { code: 'wulan', name: '乌兰社区', kind: 'community', areaCode: 'area-1', departmentCode: 'dept-1' },
      { code: 'galutu', name: '嘎鲁图嘎查', kind: 'gachaa', areaCode: 'area-1', departmentCode: 'dept-1' },
    ],
    cadres: [
      { code: 'leader-1', name: '宝音', role: 'area_leader', departmentCode: null, phone: null },
      { code: 'head-1', name: '张建国', role: 'department_head', departmentCode: 'dept-1', phone: null },
      { code: 'staff-1', name: '李海燕', role: 'staff', departmentCode: 'dept-1', phone: '13800000001' },
    ],
    households: [hh(1, 'wulan', true), hh(2, 'wulan', true), hh(3, 'galutu', true), hh(4, 'galutu', false)],
    servicePoints: [{ code: 'hall-main', name: '一站式便民服务大厅', kind: 'hall', villageCode: null }],
    sessions: [{ code: 'market-wulan', name: '乌兰集贸日', villageCode: 'wulan', weekday: 3, startTime: '09:00', endTime: '12:00', dutyCadreCodes: ['staff-1', 'head-1'] }],
    routingRules: [{ category: 'dispute_mediation', departmentCode: 'dept-1', reason: '矛盾纠纷调解' }],
  };
}

async function importErrors(p: Promise<unknown>): Promise<RowError[]> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DirectoryImportError);
  expect((err as DirectoryImportError).status).toBe(422);
  return (err as DirectoryImportError).extensions.errors as RowError[];
}

describe('DirectoryService.validate', () => {
  it('accepts a consistent document', async () => {
    expect(await new DirectoryService(new FakeStore()).validate(township())).toEqual([]);
  });

  it('names entity, 1-based row and field for schema errors, in words a clerk can act on', async () => {
    const doc = township();
    doc.households[0] = { ...doc.households[0]!, idTail: '12' };
    doc.households[2] = { ...doc.households[2]!, members: 0 };
    doc.villages[1] = { ...doc.villages[1]!, kind: 'town' as never };
    (doc.cadres[2] as Record<string, unknown>).nickname = '小李';
    delete (doc.areas[0] as Partial<(typeof doc.areas)[number]>).name;
    const errors = await new DirectoryService(new FakeStore()).validate(doc);
    expect(errors).toEqual(expect.arrayContaining([
      { entity: 'households', row: 1, field: 'idTail', message: expect.stringMatching(/pattern|null/) },
      { entity: 'households', row: 3, field: 'members', message: expect.stringContaining('1') },
      { entity: 'villages', row: 2, field: 'kind', message: 'must be one of gachaa, community (got "town")' },
      { entity: 'cadres', row: 3, field: 'nickname', message: expect.stringMatching(/unexpected/i) },
      { entity: 'areas', row: 1, field: 'name', message: expect.stringMatching(/required/i) },
    ]));
    expect(errors).toHaveLength(5);
  });

  it('checks references against the document and what is already stored', async () => {
    const stored = new FakeStore(township());
    const part: Partial<DirectoryDocument> = {
      villages: [{ code: 'new-v', name: '新嘎查', kind: 'gachaa', areaCode: 'area-1', departmentCode: 'no-dept' }],
      households: [
        { ...township().households[0]!, code: 'hh-new-1', villageCode: 'new-v' }, // village from this document
        { ...township().households[0]!, code: 'hh-new-2', villageCode: 'nowhere', cadreCode: 'nobody', members: 0 }, // schema and references: all listed at once
      ],
      sessions: [{ ...township().sessions[0]!, dutyCadreCodes: ['staff-1', 'ghost'] }],
      areas: [{ code: 'area-2', name: '西部片区', leaderCode: 'ghost-leader' }],
    };
    const errors = await new DirectoryService(stored).validate(part);
    expect(errors.map((e) => [e.entity, e.row, e.field])).toEqual([
      ['areas', 1, 'leaderCode'],
      ['villages', 1, 'departmentCode'],
      ['households', 2, 'members'],
      ['households', 2, 'villageCode'],
      ['households', 2, 'cadreCode'],
      ['sessions', 1, 'dutyCadreCodes/1'],
    ]);
    expect(errors[3]!.message).toBe('village "nowhere" does not exist');
  });

  it('refuses duplicate codes, unknown routing categories and market-day sessions that end before they start', async () => {
    const doc = township();
    doc.households.push({ ...doc.households[1]! });
    doc.routingRules.push({ category: 'weather', departmentCode: 'dept-1', reason: '?' });
    doc.sessions[0] = { ...doc.sessions[0]!, startTime: '14:00', endTime: '12:00' };
    const errors = await new DirectoryService(new FakeStore()).validate(doc);
    expect(errors).toEqual([
      { entity: 'households', row: 5, field: 'code', message: 'duplicate of row 2' },
      { entity: 'sessions', row: 1, field: 'endTime', message: 'must be after startTime 14:00' },
      { entity: 'routingRules', row: 2, field: 'category', message: expect.stringContaining('dispute_mediation') },
    ]);
  });

  it('reports a part that is not a list of rows', async () => {
    const errors = await new DirectoryService(new FakeStore()).validate({ villages: 'wulan' as never });
    expect(errors).toEqual([{ entity: 'villages', row: 0, field: '', message: 'must be an array of rows' }]);
  });
});

describe('DirectoryService.importDocument', () => {
  it('imports nothing when any row is invalid, and lists every error', async () => {
    const store = new FakeStore();
    const doc = township();
    doc.households[3] = { ...doc.households[3]!, villageCode: 'nowhere' };
    const errors = await importErrors(new DirectoryService(store).importDocument(doc));
    expect(errors).toEqual([expect.objectContaining({ entity: 'households', row: 4, field: 'villageCode' })]);
    expect(store.upserts).toEqual([]);
  });

  it('upserts a valid document once and answers counts and the rule check', async () => {
    const store = new FakeStore();
    const result = await new DirectoryService(store).importDocument(township());
    expect(store.upserts).toHaveLength(1);
    expect(result.imported).toEqual({ areas: 1, departments: 1, villages: 2, cadres: 3, households: 4, servicePoints: 1, sessions: 1, routingRules: 1 });
    expect(result).toMatchObject({ violationCount: 0, violations: [] });
  });

  it('imports a roster that breaks the plan, and counts what it breaks', async () => {
    const doc = township();
    doc.households[0]!.isKey = false;
    doc.households[3]!.cadreCode = null;
    const result = await new DirectoryService(new FakeStore()).importDocument(doc);
    expect(result.violationCount).toBe(2);
    expect(result.byRule).toMatchObject({ 'key-households': 1, 'household-unlinked': 1, 'leader-links': 0 });
  });
});

describe('CSV', () => {
  const header = 'code,villageCode,headName,phone,idTail,address,members,isKey,isVulnerable,cadreCode';

  it('types cells by the schema: empty nullable → null, booleans, integers, ";" lists', () => {
    const { doc } = parseCsv('households', `\uFEFF${header}\nhh-9,wulan,王五,,123x,,2,TRUE,false,staff-1\n`);
    expect(doc.households).toEqual([{ code: 'hh-9', villageCode: 'wulan', headName: '王五', phone: null, idTail: '123x', address: null, members: 2, isKey: true, isVulnerable: false, cadreCode: 'staff-1' }]);
    const sessions = parseCsv('sessions', 'code,name,villageCode,weekday,startTime,endTime,dutyCadreCodes\nm,集贸日,wulan,3,09:00,12:00,a; b;c\n').doc.sessions!;
    expect(sessions[0]).toMatchObject({ weekday: 3, dutyCadreCodes: ['a', 'b', 'c'] });
  });

  it('names the data row and the file line of a bad cell, across quoted line breaks and blank lines', async () => {
    const csv = [
      header,
      'hh-1,wulan,王五,13900000000,1234,"乌兰社区',
      '3号楼",2,false,false,staff-1',
      '',
      'hh-2,wulan,李四,13900000001,1234,,three,false,false,staff-1',
    ].join('\n');
    const errors = await importErrors(new DirectoryService(new FakeStore(township())).importCsv('households', csv));
    expect(errors).toEqual([{ entity: 'households', row: 2, line: 5, field: 'members', message: expect.any(String) }]);
  });

  it('refuses an unknown or missing column once, not once per row, and text that is not CSV', async () => {
    const svc = new DirectoryService(new FakeStore(township()));
    const unknown = await importErrors(svc.importCsv('households', `${header},colour\nhh-1,wulan,王五,,,,2,false,false,,red\nhh-2,wulan,王六,,,,2,false,false,,blue\n`));
    expect(unknown).toEqual([expect.objectContaining({ entity: 'households', row: 0, line: 1, field: 'colour' })]);
    const missing = await importErrors(svc.importCsv('villages', 'code,name\nx,某村\n'));
    expect(missing).toEqual([expect.objectContaining({ entity: 'villages', row: 0, field: 'kind', message: expect.stringContaining('areaCode') })]);
    const broken = await importErrors(svc.importCsv('areas', 'code,name,leaderCode\na,"unterminated\n'));
    expect(broken[0]!.message).toMatch(/^not valid CSV/);
  });

  it('exports what it imports: every entity survives a round trip', async () => {
    const doc = township();
    doc.households[1]!.phone = null;
    doc.households[2]!.address = '嘎鲁图嘎查"东"组, 3号'; // quotes and commas need CSV quoting
    const svc = new DirectoryService(new FakeStore(doc));
    for (const entity of ['areas', 'departments', 'villages', 'cadres', 'households', 'servicePoints', 'sessions', 'routingRules'] as const) {
      const text = await svc.exportCsv(entity);
      expect(text.startsWith('\uFEFF'), entity).toBe(true);
      expect(parseCsv(entity, text).doc[entity], entity).toEqual(doc[entity]);
    }
    const rows = parse(await svc.exportCsv('sessions'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]!.dutyCadreCodes).toBe('staff-1;head-1');
    expect(toCsv('areas', []).trimEnd()).toBe('\uFEFFcode,name,leaderCode');
  });
});

describe('the plan’s rules (checkRoster)', () => {
  const clean: RosterFacts = {
    areas: [{ code: 'a1', leaderCode: 'l1', villages: 2 }, { code: 'a2', leaderCode: 'l2', villages: 3 }],
    areaLeaders: ['l1', 'l2'],
    villagesWithoutDepartment: [],
    departmentsWithoutHead: [],
    cadreLinks: [{ cadreCode: 'c1', linked: 40, key: 3, outsideDepartment: 0 }],
    unlinkedHouseholds: [],
  };
  const rules = (f: Partial<RosterFacts>) => checkRoster({ ...clean, ...f }).map((v) => [v.rule, v.entity, v.subject]);

  it('finds nothing in a roster that keeps the plan', () => {
    expect(checkRoster(clean)).toEqual([]);
  });

  it('each leader links 2–3 villages or communities, summed over the areas they lead', () => {
    expect(rules({ areas: [{ code: 'a1', leaderCode: 'l1', villages: 1 }, { code: 'a2', leaderCode: 'l2', villages: 4 }] })).toEqual([
      ['leader-links', 'cadres', 'l1'],
      ['leader-links', 'cadres', 'l2'],
    ]);
    // Two areas of 2 under one leader = 4 links.
    expect(rules({ areas: [{ code: 'a1', leaderCode: 'l1', villages: 2 }, { code: 'a2', leaderCode: 'l1', villages: 2 }], areaLeaders: ['l1'] })).toEqual([['leader-links', 'cadres', 'l1']]);
    // An area leader who leads no area links none; an area with no leader is named too.
    expect(rules({ areaLeaders: ['l1', 'l2', 'l3'] })).toEqual([['leader-links', 'cadres', 'l3']]);
    expect(rules({ areas: [...clean.areas, { code: 'a3', leaderCode: null, villages: 2 }] })).toEqual([['leader-links', 'areas', 'a3']]);
  });

  it('each cadre with linked households has at least 3 key households, in their department’s villages', () => {
    const found = checkRoster({ ...clean, cadreLinks: [{ cadreCode: 'c1', linked: 40, key: 2, outsideDepartment: 0 }, { cadreCode: 'c2', linked: 5, key: 3, outsideDepartment: 5 }] });
    expect(found.map((v) => [v.rule, v.subject])).toEqual([['key-households', 'c1'], ['link-outside-department', 'c2']]);
    expect(found[0]!.message).toContain('2 of them key');
  });

  it('every village has a linked department, every household a linked cadre, every department a head', () => {
    expect(rules({ villagesWithoutDepartment: ['v9'], unlinkedHouseholds: [{ villageCode: 'v1', count: 7 }], departmentsWithoutHead: ['d1'] })).toEqual([
      ['village-department', 'villages', 'v9'],
      ['household-unlinked', 'villages', 'v1'],
      ['department-head', 'departments', 'd1'],
    ]);
  });

  it('reads the same facts from a document as the repository reads from the database', () => {
    const doc = township();
    doc.households.push({ ...doc.households[0]!, code: 'hh-x', cadreCode: 'head-1' }, { ...doc.households[0]!, code: 'hh-y', villageCode: 'galutu', cadreCode: null });
    doc.cadres.push({ code: 'leader-2', name: '巴特尔', role: 'area_leader', departmentCode: null, phone: null });
    doc.cadres[1] = { ...doc.cadres[1]!, departmentCode: null };
    expect(rosterFacts(doc)).toEqual({
      areas: [{ code: 'area-1', leaderCode: 'leader-1', villages: 2 }],
      areaLeaders: ['leader-1', 'leader-2'],
      villagesWithoutDepartment: [],
      departmentsWithoutHead: [],
      cadreLinks: [{ cadreCode: 'head-1', linked: 1, key: 1, outsideDepartment: 1 }, { cadreCode: 'staff-1', linked: 4, key: 3, outsideDepartment: 0 }],
      unlinkedHouseholds: [{ villageCode: 'galutu', count: 1 }],
    });
  });
});

describe('DirectoryService reads', () => {
  it('caps a household page at 100 and answers the page it used', async () => {
    const store = new FakeStore(township());
    const page = await new DirectoryService(store).searchHouseholds({ q: '王', limit: 500, offset: -3 });
    expect(store.householdQueries[0]).toMatchObject({ q: '王', limit: 100, offset: 0 });
    expect(page).toMatchObject({ total: 4, limit: 100, offset: 0 });
  });

  it('a cadre comes with linked and key household counts; unknown codes are not found', async () => {
    const svc = new DirectoryService(new FakeStore(township()));
    expect(await svc.cadre('staff-1')).toMatchObject({ linkedHouseholds: 4, keyHouseholds: 3 });
    await expect(svc.cadre('nobody')).rejects.toBeInstanceOf(NotFoundError);
    await expect(svc.household('hh-0')).rejects.toBeInstanceOf(NotFoundError);
  });
});
