/**
 * The ledger service with an in-memory repository and a fake work-record path
 * (unit level; tests/e2e/ledger.test.ts runs it against the real stack): a save
 * is a version only when something changed and only from the current version,
 * a cadre's save is their work record once per version (pending, and retried,
 * while the worker is away), the history says what changed, and only the linked
 * cadre saves.
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_HOUSEHOLD_LEDGER, DomainError, ForbiddenError, type HouseholdLedgerData, type LedgerData, type Principal } from '@minqing/shared';
import { householdCsv, localTime, safeCell } from './ledger.csv';
import { LedgerService, LedgerVersionConflictError, ledgerWorkKey, type WorkLogger } from './ledger.service';
import type { HouseholdFacts, LedgerRepository, PendingWork, SaveInput, SaveResult, VersionRow } from './ledger.repository';

class MemoryRepository {
  saved: (VersionRow & { code: string })[] = [];
  work = new Map<string, PendingWork & { recordId: string | null; attempts: number }>();
  clock = Date.parse('2026-11-20T15:30:00Z'); // 23:30 in the township: its date is still the 20th
  households: Record<string, HouseholdFacts> = {
    H1: { code: 'H1', villageCode: 'V1', headName: '王桂兰', members: 3, isKey: true, isVulnerable: false, cadreCode: 'C1', villageDepartmentCode: 'D1', villageAreaCode: 'A1', cadreDepartmentCode: 'D1' },
  };
  async household(code: string) {
    return this.households[code] ?? null;
  }
  async current(_kind: string, code: string) {
    const mine = this.saved.filter((v) => v.code === code);
    const last = mine[mine.length - 1];
    return last ? { version: last.version, data: last.data, updatedAt: last.changedAt, updatedBy: last.changedBy } : null;
  }
  async save(input: SaveInput): Promise<SaveResult> {
    const current = await this.current(input.kind, input.code);
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== input.baseVersion) return { outcome: 'conflict', current: currentVersion };
    const fields = input.changes(current?.data ?? null);
    if (!fields.length) return { outcome: 'unchanged', version: currentVersion };
    const version = currentVersion + 1;
    const savedAt = new Date((this.clock += 60_000));
    this.saved.push({ code: input.code, version, data: input.data, changedAt: savedAt.toISOString(), changedBy: input.editor, changeNote: input.changeNote, workRecord: input.work ? 'pending' : null });
    let work: PendingWork | null = null;
    if (input.work) {
      work = { householdCode: input.code, version, ...input.work(version, savedAt) };
      this.work.set(`${input.code}/${version}`, { ...work, recordId: null, attempts: 0 });
    }
    return { outcome: 'saved', version, changedAt: savedAt.toISOString(), fields, work };
  }
  async versions(_kind: string, code: string, limit: number, before: number | null) {
    const all = this.saved.filter((v) => v.code === code && (before === null || v.version < before)).reverse()
      .map((v) => ({ ...v, workRecord: this.work.get(`${code}/${v.version}`)?.recordId ? ('logged' as const) : v.workRecord }));
    return { rows: all.slice(0, limit), predecessor: all[limit] ?? null, total: this.saved.filter((v) => v.code === code).length };
  }
  async workLogged(w: PendingWork, recordId: string) {
    const row = this.work.get(`${w.householdCode}/${w.version}`)!;
    Object.assign(row, { recordId, attempts: row.attempts + 1 });
  }
  async workFailed(w: PendingWork) {
    this.work.get(`${w.householdCode}/${w.version}`)!.attempts++;
  }
  async pendingWork(limit: number) {
    return [...this.work.values()].filter((w) => !w.recordId).slice(0, limit);
  }
}

class FakeWork implements WorkLogger {
  away = false;
  logged = new Map<string, { cadre: string; body: unknown }>();
  async log(actor: { code: string }, body: { householdCode: string; date: string; note: string }, opts: { idempotencyKey?: string }) {
    if (this.away) throw new DomainError('urn:minqing:problem:dependency-unavailable', 503, 'unavailable', 'the case worker is not reachable');
    const key = `${actor.code}:${opts.idempotencyKey}`;
    if (!this.logged.has(key)) this.logged.set(key, { cadre: actor.code, body });
    return { record: { id: `record-${key}` } };
  }
}

const principal = (over: Partial<Principal> = {}): Principal => ({
  username: 'C1', name: '李海燕', role: 'cadre', cadreCode: 'C1', cadreRole: 'staff', departmentCode: 'D1', areaCodes: [], servicePoint: null, channel: null, expiresAt: '2026-11-21T00:00:00Z', ...over,
});

function setup() {
  const repo = new MemoryRepository();
  const work = new FakeWork();
  const svc = new LedgerService({ repository: repo as unknown as LedgerRepository, work, actors: { find: async (code) => ({ code, role: 'staff' }) } });
  return { repo, work, svc };
}

const record = (difficulties: string, members = 3): HouseholdLedgerData => ({
  ...EMPTY_HOUSEHOLD_LEDGER,
  population: { ...EMPTY_HOUSEHOLD_LEDGER.population, members, workingAge: 1, elderly: 2, children: members - 3 },
  difficulties: { types: ['illness'], note: difficulties },
});

describe('saving a household record', () => {
  it('writes version after version, each the cadre\'s work record once (key per household and version, dated in the township)', async () => {
    const { svc, work } = setup();
    const first = await svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: record('看病难') });
    expect(first).toMatchObject({ changed: true, workRecord: 'logged', record: { version: 1, access: 'edit' } });
    const second = await svc.saveHousehold(principal(), 'H1', { baseVersion: 1, data: record('看病难，缺劳力'), changeNote: '入户核实' });
    expect(second).toMatchObject({ changed: true, workRecord: 'logged', record: { version: 2 }, fields: ['difficulties.note'] });
    expect([...work.logged.keys()]).toEqual([`C1:${ledgerWorkKey('H1', 1)}`, `C1:${ledgerWorkKey('H1', 2)}`]);
    expect(work.logged.get(`C1:${ledgerWorkKey('H1', 2)}`)!.body).toEqual({ kind: 'household_file', date: '2026-11-20', householdCode: 'H1', note: '更新民情档案（第2版）：入户核实' });
  });

  it('saving the same record again writes nothing and logs no work', async () => {
    const { svc, work } = setup();
    await svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: record('看病难') });
    const again = await svc.saveHousehold(principal(), 'H1', { baseVersion: 1, data: { ...record(' 看病难 ') } });
    expect(again).toMatchObject({ changed: false, workRecord: null, record: { version: 1 } });
    expect(work.logged.size).toBe(1);
  });

  it('a save from an older version is a conflict, not a lost change', async () => {
    const { svc } = setup();
    await svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: record('看病难') });
    await expect(svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: record('别的') })).rejects.toBeInstanceOf(LedgerVersionConflictError);
    await expect(svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: record('别的') })).rejects.toMatchObject({ status: 409, extensions: { code: 'ledger_version_conflict', params: { current: 1, base: 0 } } });
  });

  it('is refused to anyone but the linked cadre, and for a record that does not add up (400 with field codes)', async () => {
    const { svc } = setup();
    await expect(svc.saveHousehold(principal({ username: 'C2', cadreCode: 'C2' }), 'H1', { baseVersion: 0, data: record('x') })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(svc.saveHousehold(principal({ username: 'head', role: 'department_head', cadreCode: 'H' }), 'H1', { baseVersion: 0, data: record('x') })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(svc.saveHousehold(principal(), 'H9', { baseVersion: 0, data: record('x') })).rejects.toMatchObject({ status: 404 });
    const bad = { ...record('x'), population: { ...record('x').population, children: 5 } };
    await expect(svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: bad })).rejects.toMatchObject({
      status: 400,
      extensions: { errors: [expect.objectContaining({ field: 'body/data/population/children', code: 'exceeds_total' }), expect.objectContaining({ field: 'body/data/population/members', code: 'sum_mismatch' })] },
    });
  });

  it('keeps the work record pending while the worker is away, and logs it once when retried', async () => {
    const { svc, work, repo } = setup();
    work.away = true;
    const saved = await svc.saveHousehold(principal(), 'H1', { baseVersion: 0, data: record('看病难') });
    expect(saved).toMatchObject({ changed: true, workRecord: 'pending', record: { version: 1 } });
    expect(await svc.retryPendingWork()).toBe(0);
    work.away = false;
    expect(await svc.retryPendingWork()).toBe(1);
    expect(await svc.retryPendingWork()).toBe(0);
    expect(work.logged.size).toBe(1);
    expect(repo.work.get('H1/1')).toMatchObject({ recordId: `record-C1:${ledgerWorkKey('H1', 1)}`, attempts: 3 });
  });
});

describe('the history', () => {
  it('newest first, who saved each version and what it changed from the one before; paged', async () => {
    const { svc } = setup();
    for (const [i, note] of ['看病难', '看病难，缺劳力', '看病难，缺劳力，住房漏雨'].entries()) await svc.saveHousehold(principal(), 'H1', { baseVersion: i, data: record(note) });
    const first = await svc.history(principal({ username: 'assess', role: 'assessment', cadreCode: null }), 'household', 'H1', { limit: 2 });
    expect(first.total).toBe(3);
    expect(first.items.map((v) => v.version)).toEqual([3, 2]);
    expect(first.items[0]).toMatchObject({ changedBy: { username: 'C1', name: '李海燕', role: 'cadre' }, changes: [{ field: 'difficulties.note', before: '看病难，缺劳力', after: '看病难，缺劳力，住房漏雨' }] });
    expect(first.nextCursor).not.toBeNull();
    const rest = await svc.history(principal({ username: 'assess', role: 'assessment', cadreCode: null }), 'household', 'H1', { limit: 2, cursor: first.nextCursor! });
    expect(rest.items.map((v) => v.version)).toEqual([1]);
    expect(rest.items[0]!.changes.map((c) => c.field)).toEqual(['population.members', 'population.workingAge', 'population.elderly', 'population.children', 'difficulties.types', 'difficulties.note']);
    expect(rest.nextCursor).toBeNull();
    // another reader's cursor, or one for another record, is refused
    await expect(svc.history(principal({ username: 'assess', role: 'assessment', cadreCode: null }), 'household', 'H1', { limit: 2, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ status: 400 });
  });

  it('is refused to a cadre not linked to the household', async () => {
    const { svc } = setup();
    await expect(svc.history(principal({ username: 'C2', cadreCode: 'C2' }), 'household', 'H1', { limit: 5 })).rejects.toMatchObject({ status: 403 });
  });
});

describe('the CSV export', () => {
  it('has a BOM and a header row in the reader\'s language, choices by their labels, and keeps formulas as text', () => {
    const data: LedgerData = { ...record('=HYPERLINK("x")'), living: { ...EMPTY_HOUSEHOLD_LEDGER.living, supports: ['minimum_living', 'old_age_allowance'] } };
    const row = { householdCode: 'H1', villageCode: 'V1', headName: '王桂兰', isKey: true, isVulnerable: false, cadreCode: 'C1', version: 2, updatedAt: '2026-11-20T02:05:00Z', updatedBy: 'C1', data };
    const names = new Map([['village:V1', '乌兰社区'], ['cadre:C1', '李海燕']]);
    const zh = householdCsv([row], names, 'zh-CN');
    expect(zh.startsWith('\uFEFF')).toBe(true);
    const [header, line] = zh.slice(1).trim().split('\n');
    expect(header).toContain('户主');
    expect(header).toContain('困难情况');
    expect(line).toContain('乌兰社区');
    expect(line).toContain('低保；高龄津贴');
    expect(line).toContain("'=HYPERLINK");
    expect(line).toContain('2026-11-20 10:05');
    expect(householdCsv([row], names, 'en').split('\n')[0]).toContain('Head of household');
    expect(safeCell('-1')).toBe("'-1");
    expect(localTime(null)).toBe('');
  });
});
