/**
 * The public-condition ledger's rules (民情台帐): who may read or change which
 * record (shared ledger.ts), the checks across fields, saving a version only
 * when something changed and only from the current version, the history with
 * what changed between versions, lists in the reader's scope, the CSV export —
 * and a cadre's save of a household record as their work record (履职: 档案更新,
 * kind `household_file`) through the work-record path, one per saved version
 * (the Idempotency-Key names the household and the version), retried until the
 * worker has stored it. No SQL here (ledger.repository.ts), no HTTP (routes).
 */
import {
  DEFAULT_CALENDAR, decodeCursor, diffLedger, DomainError, encodeCursor, filterFingerprint, ForbiddenError, householdLedgerAccess, ledgerErrors,
  localDateOf, normalizeLedger, NotFoundError, ProblemType, villageLedgerAccess, CursorError,
  type BusinessCalendar, type HouseholdLedgerData, type HouseholdLedgerItem, type HouseholdLedgerView, type LedgerAccess, type LedgerData, type LedgerEditor,
  type LedgerKind, type LedgerVersion, type Logger, type Principal, type VillageLedgerData, type VillageLedgerItem, type VillageLedgerView,
} from '@minqing/shared';
import type { Actor } from '@minqing/workflows';
import { householdCsv, villageCsv, type CsvLanguage } from './ledger.csv';
import { householdScopeSql, villageScopeSql } from './ledger.access';
import type { HouseholdFacts, HouseholdListFilter, LedgerRepository, PendingWork, VillageFacts } from './ledger.repository';

/** The work-record path as the ledger uses it (WorkService.log). */
export interface WorkLogger {
  log(actor: Actor, body: { kind: 'household_file'; date: string; householdCode: string; note: string }, opts: { idempotencyKey?: string }): Promise<{ record: { id: string } }>;
}

export interface LedgerSave<T extends LedgerData> {
  baseVersion: number;
  data: T;
  changeNote?: string;
}

export interface SaveAnswer<V> {
  record: V;
  /** false: the record was already so; no version was written */
  changed: boolean;
  /** the cadre's work record for this version (household records saved by their linked cadre) */
  workRecord: 'logged' | 'pending' | null;
  /** the field paths the new version changed */
  fields: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/** The Idempotency-Key of the work record of one saved version: a retry logs it once. */
export const ledgerWorkKey = (householdCode: string, version: number): string => `ledger-${householdCode}-v${version}`;

/** The note of that work record: the change note when the cadre gave one. */
export const ledgerWorkNote = (version: number, changeNote: string): string => `更新民情档案（第${version}版）${changeNote ? `：${changeNote}` : ''}`;

const LIST = { history: 'ledger-history', households: 'ledger-households', villages: 'ledger-villages' } as const;

export class LedgerVersionConflictError extends DomainError {
  constructor(current: number, base: number) {
    super(ProblemType.conflict, 409, 'The record changed meanwhile', `the record is at version ${current}, not ${base}: reload it and make the change again`, {
      code: 'ledger_version_conflict',
      params: { current, base },
    });
  }
}

function invalid(errors: ReturnType<typeof ledgerErrors>): DomainError {
  return new DomainError(ProblemType.validation, 400, 'Invalid request', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
}

const editorOf = (p: Principal): LedgerEditor => ({ username: p.username, name: p.name, role: p.role, cadreCode: p.cadreCode });

/** Paths of what changed, for the audit trail and the version row. */
const fieldsOf = (kind: LedgerKind, before: LedgerData | null, after: LedgerData) => diffLedger(kind, before, after).map((c) => c.field);

export class LedgerService {
  private readonly calendar: BusinessCalendar;

  constructor(
    private readonly deps: {
      repository: LedgerRepository;
      work: WorkLogger;
      actors: { find(code: string): Promise<Actor | null> };
      logger?: Logger;
      calendar?: BusinessCalendar;
    },
  ) {
    this.calendar = deps.calendar ?? DEFAULT_CALENDAR;
  }

  // ---- access ----

  /** The household and what `p` may do with its record: 404 when there is none, 403 when `p` may not read it. */
  async householdFor(p: Principal, code: string): Promise<{ facts: HouseholdFacts; access: Exclude<LedgerAccess, 'none'> }> {
    const facts = await this.deps.repository.household(code);
    if (!facts) throw new NotFoundError('household', code);
    const access = householdLedgerAccess(p, facts);
    if (access === 'none') throw new ForbiddenError(`the ledger of household ${code} is outside your role and links (${p.role})`);
    return { facts, access };
  }

  async villageFor(p: Principal, code: string): Promise<{ facts: VillageFacts; access: Exclude<LedgerAccess, 'none'> }> {
    const facts = await this.deps.repository.village(code);
    if (!facts) throw new NotFoundError('village', code);
    const access = villageLedgerAccess(p, { departmentCode: facts.departmentCode, areaCode: facts.areaCode, linkedHere: await this.deps.repository.linkedIn(code, p.cadreCode) });
    if (access === 'none') throw new ForbiddenError(`the ledger of village ${code} is outside your role and links (${p.role})`);
    return { facts, access };
  }

  /** 403 unless `p` keeps (may change) this household's record: its linked cadre. */
  async assertMayEditHousehold(p: Principal, code: string): Promise<void> {
    const { access } = await this.householdFor(p, code);
    if (access !== 'edit') throw new ForbiddenError(`only the cadre linked to household ${code} changes its ledger`);
  }

  async assertMayEditVillage(p: Principal, code: string): Promise<void> {
    const { access } = await this.villageFor(p, code);
    if (access !== 'edit') throw new ForbiddenError(`only the head of the linked department or the area's leader changes the ledger of village ${code}`);
  }

  // ---- households ----

  async household(p: Principal, code: string): Promise<HouseholdLedgerView> {
    const { facts, access } = await this.householdFor(p, code);
    return this.householdView(facts, access);
  }

  private async householdView(facts: HouseholdFacts, access: 'edit' | 'read'): Promise<HouseholdLedgerView> {
    const current = await this.deps.repository.current('household', facts.code);
    return {
      householdCode: facts.code,
      villageCode: facts.villageCode,
      headName: facts.headName,
      rosterMembers: facts.members,
      isKey: facts.isKey,
      isVulnerable: facts.isVulnerable,
      cadreCode: facts.cadreCode,
      version: current?.version ?? 0,
      updatedAt: current?.updatedAt ?? null,
      updatedBy: current?.updatedBy ?? null,
      access,
      data: (current?.data as HouseholdLedgerData | undefined) ?? null,
    };
  }

  async saveHousehold(p: Principal, code: string, body: LedgerSave<HouseholdLedgerData>): Promise<SaveAnswer<HouseholdLedgerView>> {
    const { facts, access } = await this.householdFor(p, code);
    if (access !== 'edit' || !p.cadreCode) throw new ForbiddenError(`only the cadre linked to household ${code} changes its ledger`);
    const cadreCode = p.cadreCode;
    const data = normalizeLedger(body.data);
    const errors = ledgerErrors('household', data);
    if (errors.length) throw invalid(errors);
    const changeNote = (body.changeNote ?? '').trim();
    const saved = await this.deps.repository.save({
      kind: 'household',
      code,
      baseVersion: body.baseVersion,
      data,
      changeNote,
      editor: editorOf(p),
      changes: (current) => fieldsOf('household', current, data),
      work: (version, savedAt) => ({ cadreCode, date: localDateOf(savedAt, this.calendar), note: ledgerWorkNote(version, changeNote) }),
    });
    if (saved.outcome === 'conflict') throw new LedgerVersionConflictError(saved.current, body.baseVersion);
    const workRecord = saved.outcome === 'saved' && saved.work ? await this.logWork(saved.work) : null;
    return { record: await this.householdView(facts, access), changed: saved.outcome === 'saved', workRecord, fields: saved.outcome === 'saved' ? saved.fields : [] };
  }

  // ---- villages ----

  async village(p: Principal, code: string): Promise<VillageLedgerView> {
    const { facts, access } = await this.villageFor(p, code);
    return this.villageView(facts, access);
  }

  private async villageView(facts: VillageFacts, access: 'edit' | 'read'): Promise<VillageLedgerView> {
    const [current, figures] = await Promise.all([this.deps.repository.current('village', facts.code), this.deps.repository.villageFigures(facts.code)]);
    return {
      villageCode: facts.code,
      name: facts.name,
      kind: facts.kind,
      areaCode: facts.areaCode,
      departmentCode: facts.departmentCode,
      ...figures,
      version: current?.version ?? 0,
      updatedAt: current?.updatedAt ?? null,
      updatedBy: current?.updatedBy ?? null,
      access,
      data: (current?.data as VillageLedgerData | undefined) ?? null,
    };
  }

  async saveVillage(p: Principal, code: string, body: LedgerSave<VillageLedgerData>): Promise<SaveAnswer<VillageLedgerView>> {
    const { facts, access } = await this.villageFor(p, code);
    if (access !== 'edit') throw new ForbiddenError(`only the head of the linked department or the area's leader changes the ledger of village ${code}`);
    const data = normalizeLedger(body.data);
    const errors = ledgerErrors('village', data);
    if (errors.length) throw invalid(errors);
    const saved = await this.deps.repository.save({
      kind: 'village',
      code,
      baseVersion: body.baseVersion,
      data,
      changeNote: (body.changeNote ?? '').trim(),
      editor: editorOf(p),
      changes: (current) => fieldsOf('village', current, data),
    });
    if (saved.outcome === 'conflict') throw new LedgerVersionConflictError(saved.current, body.baseVersion);
    return { record: await this.villageView(facts, access), changed: saved.outcome === 'saved', workRecord: null, fields: saved.outcome === 'saved' ? saved.fields : [] };
  }

  // ---- history ----

  /** A record's versions, newest first, each with what it changed from the one before; paged by cursor. */
  async history(p: Principal, kind: LedgerKind, code: string, q: { limit: number; cursor?: string }): Promise<Page<LedgerVersion>> {
    if (kind === 'household') await this.householdFor(p, code);
    else await this.villageFor(p, code);
    const scope = filterFingerprint({ kind, code });
    let before: number | null = null;
    if (q.cursor !== undefined) {
      const [v] = decodeCursor(LIST.history, q.cursor, scope);
      if (typeof v !== 'number' || v < 1) throw new CursorError();
      before = v;
    }
    const { rows, predecessor, total } = await this.deps.repository.versions(kind, code, q.limit, before);
    const items = rows.map((r, i) => {
      const prev = rows[i + 1] ?? predecessor;
      return {
        version: r.version,
        changedAt: r.changedAt,
        changedBy: r.changedBy,
        changeNote: r.changeNote,
        changes: diffLedger(kind, prev ? prev.data : null, r.data),
        workRecord: r.workRecord,
      };
    });
    const last = rows[rows.length - 1];
    return { items, nextCursor: predecessor && last ? encodeCursor(LIST.history, [last.version], scope) : null, total };
  }

  // ---- lists ----

  async searchHouseholds(p: Principal, f: HouseholdListFilter & { limit: number; cursor?: string }): Promise<Page<HouseholdLedgerItem>> {
    const { limit, cursor, ...filter } = f;
    const fp = filterFingerprint({ ...filter, reader: p.username });
    let after: string | null = null;
    if (cursor !== undefined) {
      const [code] = decodeCursor(LIST.households, cursor, fp, 'body');
      if (typeof code !== 'string') throw new CursorError('body');
      after = code;
    }
    const { rows, total } = await this.deps.repository.households(filter, householdScopeSql(p), { limit, after });
    const shown = rows.slice(0, limit);
    const items = shown.map((r) => {
      const d = r.data as HouseholdLedgerData | null;
      return {
        householdCode: r.householdCode,
        villageCode: r.villageCode,
        headName: r.headName,
        isKey: r.isKey,
        isVulnerable: r.isVulnerable,
        cadreCode: r.cadreCode,
        version: r.version,
        updatedAt: r.updatedAt,
        members: d?.population.members ?? null,
        supports: d?.living.supports ?? [],
        difficulties: d?.difficulties.types ?? [],
        needs: d?.needs.types ?? [],
        needsNote: d?.needs.note ?? '',
      };
    });
    const nextCursor = rows.length > limit ? encodeCursor(LIST.households, [shown[shown.length - 1]!.householdCode], fp) : null;
    return { items, nextCursor, total };
  }

  async villages(p: Principal, q: { q?: string; area?: string; limit: number; cursor?: string }): Promise<Page<VillageLedgerItem>> {
    const { limit, cursor, ...filter } = q;
    const fp = filterFingerprint({ ...filter, reader: p.username });
    let after: string | null = null;
    if (cursor !== undefined) {
      const [code] = decodeCursor(LIST.villages, cursor, fp);
      if (typeof code !== 'string') throw new CursorError();
      after = code;
    }
    const { rows, total } = await this.deps.repository.villages(filter, villageScopeSql(p), { limit, after });
    const shown = rows.slice(0, limit);
    return {
      items: shown.map((r) => ({
        villageCode: r.code, name: r.name, kind: r.kind, areaCode: r.areaCode, departmentCode: r.departmentCode,
        households: r.households, keyHouseholds: r.keyHouseholds, recordedHouseholds: r.recordedHouseholds, version: r.version, updatedAt: r.updatedAt,
      })),
      nextCursor: rows.length > limit ? encodeCursor(LIST.villages, [shown[shown.length - 1]!.code], fp) : null,
      total,
    };
  }

  /** The reader's whole scope (optionally one village, key households only) as CSV, and how many rows it has. */
  async exportCsv(p: Principal, q: { of: 'households' | 'villages'; village?: string; keyOnly?: boolean }, lang: CsvLanguage): Promise<{ csv: string; rows: number }> {
    const names = await this.deps.repository.names();
    if (q.of === 'villages') {
      const { rows } = await this.deps.repository.villages(q.village ? { q: q.village } : {}, villageScopeSql(p), null);
      const chosen = q.village ? rows.filter((r) => r.code === q.village) : rows;
      return { csv: villageCsv(chosen, names, lang), rows: chosen.length };
    }
    const { rows } = await this.deps.repository.households({ village: q.village, keyOnly: q.keyOnly }, householdScopeSql(p), null);
    return { csv: householdCsv(rows, names, lang), rows: rows.length };
  }

  // ---- cadres' work records ----

  /** Logs the work record of one saved version; 'pending' (kept for a retry) when the worker has not stored it. */
  async logWork(w: PendingWork): Promise<'logged' | 'pending'> {
    try {
      const actor = await this.deps.actors.find(w.cadreCode);
      if (!actor) {
        await this.deps.repository.workFailed(w, 'not roster staff');
        return 'pending';
      }
      const { record } = await this.deps.work.log(
        actor,
        { kind: 'household_file', date: w.date, householdCode: w.householdCode, note: w.note },
        { idempotencyKey: ledgerWorkKey(w.householdCode, w.version) },
      );
      await this.deps.repository.workLogged(w, record.id);
      return 'logged';
    } catch (err) {
      // Codes only: the note may quote the cadre's change note.
      const reason = err instanceof DomainError ? err.problemType : err instanceof Error ? err.name : 'error';
      this.deps.logger?.warn({ household: w.householdCode, version: w.version, reason }, 'ledger work record not stored yet; will retry');
      await this.deps.repository.workFailed(w, reason).catch(() => undefined);
      return 'pending';
    }
  }

  /** Retries work records of saves the worker did not store in time (e.g. it was down). */
  async retryPendingWork(opts: { limit?: number; minAgeMs?: number; maxAttempts?: number } = {}): Promise<number> {
    const pending = await this.deps.repository.pendingWork(opts.limit ?? 20, opts.minAgeMs ?? 30_000, opts.maxAttempts ?? 50);
    let logged = 0;
    for (const w of pending) if ((await this.logWork(w)) === 'logged') logged++;
    return logged;
  }
}
