/**
 * Rules of the 三联 roster. No SQL and no HTTP here.
 * - An import is validated row by row (schema, then references against the
 *   document itself and what is stored) and applied whole or not at all.
 * - CSV is one entity per file, a header row of the schema's field names.
 * - The plan's rules (checkRoster) are listed, never enforced at import:
 *   a roster is often loaded in steps and fixed afterwards.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import {
  AreaSchema, CadreSchema, CASE_CATEGORIES, DepartmentSchema, DomainError, encodeCursor, filterFingerprint, HouseholdSchema, NotFoundError, startOffset, RoutingRuleSchema, ServicePointSchema,
  ROSTER_ENTITIES, ROSTER_RULES, SessionSchema, VillageSchema, type Cadre, type DirectoryDocument, type Household, type Village,
} from '@minqing/shared';
import type { CadreWithLinks, DirectoryRepository, HouseholdQuery, ImportCounts, RosterFacts } from './directory.repository';

export const ENTITIES = ROSTER_ENTITIES;
/** The list name in household search cursors. */
const HOUSEHOLDS_LIST = 'households';
export type Entity = (typeof ENTITIES)[number];

/** What the service needs from storage; the repository in production, a fake in unit tests. */
export type DirectoryStore = Pick<
  DirectoryRepository,
  | 'areas' | 'departments' | 'villages' | 'cadres' | 'cadre' | 'households' | 'household' | 'allHouseholds' | 'servicePoints' | 'sessions'
  | 'routingRules' | 'exportDocument' | 'existingCodes' | 'upsert' | 'ruleFacts'
>;

export interface RowError {
  entity: Entity;
  /** 1-based row of the entity's array or of the CSV's data rows; 0 = the whole entity (e.g. a CSV header) */
  row: number;
  /** CSV only: the file line of the row (the header is line 1), as a spreadsheet numbers it */
  line?: number;
  field: string;
  message: string;
}

/** The plan's rules (三联), from the shared list the console words them by. */
export const RULES = ROSTER_RULES;
export type RuleName = (typeof RULES)[number];

export interface RuleViolation {
  rule: RuleName;
  /** which kind of record `subject` is */
  entity: 'areas' | 'cadres' | 'villages' | 'departments';
  subject: string;
  /** the counts the message quotes, for wording it in the reader's language */
  params: Record<string, number>;
  message: string;
}

export interface RuleCheck {
  ok: boolean;
  violationCount: number;
  byRule: Record<RuleName, number>;
  violations: RuleViolation[];
}

export interface ImportResult {
  imported: ImportCounts;
  violationCount: number;
  byRule: Record<RuleName, number>;
  violations: RuleViolation[];
}

/** Errors listed in the problem document; the total is always given. */
const MAX_LISTED_ERRORS = 500;

export class DirectoryImportError extends DomainError {
  constructor(errors: RowError[]) {
    super(
      'urn:minqing:problem:directory-import-invalid',
      422,
      'The roster has invalid rows; nothing was imported',
      `${errors.length} invalid field(s), first: ${errors[0] ? `${errors[0].entity} row ${errors[0].row} ${errors[0].field} ${errors[0].message}` : '-'}`,
      { errors: errors.slice(0, MAX_LISTED_ERRORS), totalErrors: errors.length },
    );
  }
}

const SCHEMAS: Record<Entity, TSchema> = {
  areas: AreaSchema,
  departments: DepartmentSchema,
  villages: VillageSchema,
  cadres: CadreSchema,
  households: HouseholdSchema,
  servicePoints: ServicePointSchema,
  sessions: SessionSchema,
  routingRules: RoutingRuleSchema,
};
const checks = Object.fromEntries(ENTITIES.map((e) => [e, TypeCompiler.Compile(SCHEMAS[e])])) as Record<Entity, TypeCheck<TSchema>>;
const keyField = (entity: Entity) => (entity === 'routingRules' ? 'category' : 'code');
const properties = (entity: Entity) => (SCHEMAS[entity] as unknown as { properties: Record<string, TSchema>; required?: string[] });

/** A readable message for one failed field; TypeBox says "Expected union value" for enums and nullable fields. */
function fieldMessage(schema: TSchema, value: unknown, fallback: string): string {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!anyOf) return fallback;
  const consts = anyOf.map((s) => (s as { const?: unknown }).const).filter((c) => c !== undefined);
  if (consts.length === anyOf.length) return `must be one of ${consts.join(', ')} (got ${JSON.stringify(value)})`;
  const nonNull = anyOf.filter((s) => (s as { type?: string }).type !== 'null');
  if (nonNull.length === 1 && value !== null && value !== undefined) {
    const first = Value.Errors(nonNull[0]!, value).First();
    if (first) return `${first.message} (or null)`;
  }
  return fallback;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export class DirectoryService {
  constructor(private readonly store: DirectoryStore) {}

  // Reads: the routes stay thin, the service says what "not found" is.
  areas() {
    return this.store.areas();
  }
  departments() {
    return this.store.departments();
  }
  villages() {
    return this.store.villages();
  }
  cadres(filter: { department?: string; role?: string } = {}) {
    return this.store.cadres(filter);
  }
  async cadre(code: string): Promise<CadreWithLinks> {
    const found = await this.store.cadre(code);
    if (!found) throw new NotFoundError('cadre', code);
    return found;
  }
  /** A page of households; `cursor` (from the previous page, for the same filters) or `offset` says where it starts. */
  async searchHouseholds(q: Partial<HouseholdQuery> & { cursor?: string }): Promise<{ items: Household[]; total: number; limit: number; offset: number; nextCursor: string | null }> {
    const { cursor, ...filters } = q;
    const limit = Math.min(Math.max(q.limit ?? 20, 1), 100);
    const fp = filterFingerprint({ ...filters });
    const offset = Math.max(startOffset(HOUSEHOLDS_LIST, { cursor, offset: q.offset }, fp, 'body'), 0);
    const page = await this.store.households({ ...filters, limit, offset });
    const nextCursor = offset + page.items.length < page.total && page.items.length === limit ? encodeCursor(HOUSEHOLDS_LIST, [offset + limit], fp) : null;
    return { ...page, limit, offset, nextCursor };
  }
  async household(code: string): Promise<Household> {
    const found = await this.store.household(code);
    if (!found) throw new NotFoundError('household', code);
    return found;
  }
  servicePoints() {
    return this.store.servicePoints();
  }
  sessions() {
    return this.store.sessions();
  }
  routingRules() {
    return this.store.routingRules();
  }
  exportDocument(): Promise<DirectoryDocument> {
    return this.store.exportDocument();
  }

  /** Every problem with the document, or none. */
  async validate(doc: Partial<DirectoryDocument>): Promise<RowError[]> {
    const errors: RowError[] = [];
    const stored = await this.store.existingCodes();
    const codes = (e: 'areas' | 'departments' | 'villages' | 'cadres') => {
      const rows = Array.isArray(doc[e]) ? (doc[e] as { code?: unknown }[]) : [];
      return new Set([...stored[e], ...rows.map((r) => String(r?.code))]);
    };
    const known = { areas: codes('areas'), departments: codes('departments'), villages: codes('villages'), cadres: codes('cadres') };
    const listed = new Set<string>();
    // One error per field of a row: the first (most basic) one.
    const add = (entity: Entity, row: number, field: string, message: string) => {
      const k = `${entity}\u0000${row}\u0000${field}`;
      if (listed.has(k)) return;
      listed.add(k);
      errors.push({ entity, row, field, message });
    };
    // Only well-typed values are looked up; a schema error on the field is already listed (and wins, see add).
    const ref = (entity: Entity, row: number, field: string, value: unknown, set: Set<string>, what: string) => {
      if (typeof value === 'string' && !set.has(value)) add(entity, row, field, `${what} ${JSON.stringify(value)} does not exist`);
    };

    for (const entity of ENTITIES) {
      const rows = doc[entity] as unknown;
      if (rows === undefined) continue;
      if (!Array.isArray(rows)) {
        add(entity, 0, '', 'must be an array of rows');
        continue;
      }
      const seen = new Map<string, number>();
      rows.forEach((r: Record<string, unknown>, i) => {
        const row = i + 1;
        if (!checks[entity].Check(r)) {
          for (const e of checks[entity].Errors(r)) add(entity, row, e.path.replace(/^\//, '') || '(row)', fieldMessage(e.schema, e.value, e.message));
          // Not an object: nothing more to say. Otherwise go on, so one pass lists every error of the row.
          if (typeof r !== 'object' || r === null || Array.isArray(r)) return;
        }
        const key = r[keyField(entity)];
        if (typeof key === 'string') {
          if (seen.has(key)) add(entity, row, keyField(entity), `duplicate of row ${seen.get(key)}`);
          else seen.set(key, row);
        }
        switch (entity) {
          case 'areas':
            ref(entity, row, 'leaderCode', r.leaderCode, known.cadres, 'cadre');
            break;
          case 'departments':
            ref(entity, row, 'headCode', r.headCode, known.cadres, 'cadre');
            break;
          case 'villages':
            ref(entity, row, 'areaCode', r.areaCode, known.areas, 'area');
            ref(entity, row, 'departmentCode', r.departmentCode, known.departments, 'department');
            break;
          case 'cadres':
            ref(entity, row, 'departmentCode', r.departmentCode, known.departments, 'department');
            break;
          case 'households':
            ref(entity, row, 'villageCode', r.villageCode, known.villages, 'village');
            ref(entity, row, 'cadreCode', r.cadreCode, known.cadres, 'cadre');
            break;
          case 'servicePoints':
            ref(entity, row, 'villageCode', r.villageCode, known.villages, 'village');
            break;
          case 'sessions': {
            ref(entity, row, 'villageCode', r.villageCode, known.villages, 'village');
            if (Array.isArray(r.dutyCadreCodes)) r.dutyCadreCodes.forEach((c, k) => ref(entity, row, `dutyCadreCodes/${k}`, c, known.cadres, 'cadre'));
            const [start, end] = [String(r.startTime), String(r.endTime)];
            if (!TIME.test(start)) add(entity, row, 'startTime', 'must be a time of day, 00:00–23:59');
            else if (!TIME.test(end)) add(entity, row, 'endTime', 'must be a time of day, 00:00–23:59');
            else if (end <= start) add(entity, row, 'endTime', `must be after startTime ${start}`);
            break;
          }
          case 'routingRules':
            if (!(CASE_CATEGORIES as readonly string[]).includes(String(r.category))) add(entity, row, 'category', `must be one of ${CASE_CATEGORIES.join(', ')}`);
            ref(entity, row, 'departmentCode', r.departmentCode, known.departments, 'department');
            break;
        }
      });
    }
    return errors;
  }

  /** Validate, then upsert whole; answers the counts and how the roster now stands against the plan. */
  importDocument(doc: Partial<DirectoryDocument>): Promise<ImportResult> {
    return this.apply(doc, (e) => e);
  }

  /**
   * Re-link one household to a cadre (干部联户): the row as stored with its new
   * cadre, validated and upserted like an import row (an unknown cadre → 422),
   * so the link has one rule; answers the household before and after and how the
   * roster now stands against the plan.
   */
  async setHouseholdLinks(code: string, links: { cadreCode: string }): Promise<{ before: Household; after: Household; result: ImportResult }> {
    const before = await this.household(code);
    const after = { ...before, cadreCode: links.cadreCode };
    return { before, after, result: await this.apply({ households: [after] }, (e) => e) };
  }

  /** Re-link one village to its department (部门联村) and area (片区), validated like an import row. */
  async setVillageLinks(code: string, links: { departmentCode: string; areaCode: string }): Promise<{ before: Village; after: Village; result: ImportResult }> {
    const before = (await this.store.villages()).find((v) => v.code === code);
    if (!before) throw new NotFoundError('village', code);
    const after = { ...before, departmentCode: links.departmentCode, areaCode: links.areaCode };
    return { before, after, result: await this.apply({ villages: [after] }, (e) => e) };
  }

  /** One entity from CSV; errors name the data row and the file line. */
  async importCsv(entity: Entity, text: string): Promise<ImportResult> {
    const { doc, lines } = parseCsv(entity, text);
    return this.apply(doc, (e) => (e.row > 0 ? { ...e, line: lines[e.row - 1] } : e));
  }

  private async apply(doc: Partial<DirectoryDocument>, locate: (e: RowError) => RowError): Promise<ImportResult> {
    const errors = await this.validate(doc);
    if (errors.length) throw new DirectoryImportError(errors.map(locate));
    const imported = await this.store.upsert(doc);
    const { violationCount, byRule, violations } = await this.ruleCheck();
    return { imported, violationCount, byRule, violations };
  }

  async exportCsv(entity: Entity): Promise<string> {
    const rows: Record<string, unknown>[] = await {
      areas: () => this.store.areas(),
      departments: () => this.store.departments(),
      villages: () => this.store.villages(),
      cadres: () => this.store.cadres(),
      households: () => this.store.allHouseholds(),
      servicePoints: () => this.store.servicePoints(),
      sessions: () => this.store.sessions(),
      routingRules: () => this.store.routingRules(),
    }[entity]();
    return toCsv(entity, rows);
  }

  async ruleCheck(): Promise<RuleCheck> {
    const violations = checkRoster(await this.store.ruleFacts());
    const byRule = Object.fromEntries(RULES.map((r) => [r, violations.filter((v) => v.rule === r).length])) as Record<RuleName, number>;
    return { ok: violations.length === 0, violationCount: violations.length, byRule, violations };
  }
}

// ---- CSV ------------------------------------------------------------------

const kindOf = (s: TSchema): 'boolean' | 'integer' | 'array' | 'nullable' | 'text' => {
  const t = (s as { type?: string }).type;
  if (t === 'boolean' || t === 'integer' || t === 'array') return t;
  if ((s as { anyOf?: { type?: string }[] }).anyOf?.some((m) => m.type === 'null')) return 'nullable';
  return 'text';
};

/** Rows of one entity as CSV: columns in schema order, arrays joined by ";", null as an empty cell. */
export function toCsv(entity: Entity, rows: Record<string, unknown>[]): string {
  const cols = Object.keys(properties(entity).properties);
  const cells = rows.map((r) => cols.map((c) => {
    const v = r[c];
    if (v === null || v === undefined) return '';
    return Array.isArray(v) ? v.join(';') : String(v);
  }));
  // The BOM lets Excel and WPS open Chinese text as UTF-8; the importer strips it.
  return `\uFEFF${stringify([cols, ...cells])}`;
}

/**
 * CSV text → rows of one entity, typed by the schema (empty cell of a nullable
 * field = null, "true"/"false", integers, ";"-separated lists). The header is
 * checked once so a wrong column is one error, not one per row.
 */
export function parseCsv(entity: Entity, text: string): { doc: Partial<DirectoryDocument>; lines: number[] } {
  const fail = (message: string, line?: number, field = ''): never => {
    throw new DirectoryImportError([{ entity, row: 0, ...(line ? { line } : {}), field, message }]);
  };
  let records: { record: Record<string, string>; info: { lines: number; empty_lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true });
  } catch (err) {
    const e = err as Error & { lines?: number };
    return fail(`not valid CSV: ${e.message}`, e.lines);
  }
  const props = properties(entity);
  const header = Object.keys(records[0]?.record ?? {});
  if (records.length === 0) return { doc: { [entity]: [] }, lines: [] };
  const unknown = header.filter((h) => !(h in props.properties));
  if (unknown.length) fail(`unknown column(s) ${unknown.join(', ')}; the columns are ${Object.keys(props.properties).join(', ')}`, 1, unknown[0]);
  const missing = (props.required ?? []).filter((c) => !header.includes(c));
  if (missing.length) fail(`missing column(s) ${missing.join(', ')}`, 1, missing[0]);

  const lines: number[] = [];
  let prevEnd = 1;
  let prevEmpty = 0;
  const rows = records.map(({ record, info }) => {
    // A quoted cell may span lines: the row starts after the previous row and any skipped empty lines.
    lines.push(prevEnd + 1 + (info.empty_lines - prevEmpty));
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      const kind = kindOf(props.properties[k]!);
      if (kind === 'boolean') out[k] = /^true$/i.test(v) ? true : /^false$/i.test(v) ? false : v;
      else if (kind === 'integer') out[k] = /^-?\d+$/.test(v) ? Number(v) : v;
      else if (kind === 'array') out[k] = v.split(';').map((s) => s.trim()).filter(Boolean);
      else if (kind === 'nullable' && v === '') out[k] = null;
      else out[k] = v;
    }
    return out;
  });
  return { doc: { [entity]: rows } as Partial<DirectoryDocument>, lines };
}

// ---- The plan's rules -------------------------------------------------------

/** The facts of a document, as `DirectoryRepository.ruleFacts` reads them from the database. */
export function rosterFacts(doc: DirectoryDocument): RosterFacts {
  const departments = new Set(doc.departments.map((d) => d.code));
  const villageDept = new Map(doc.villages.map((v) => [v.code, v.departmentCode]));
  const cadreDept = new Map<string, Cadre['departmentCode']>(doc.cadres.map((c) => [c.code, c.departmentCode]));
  const links = new Map<string, { cadreCode: string; linked: number; key: number; outsideDepartment: number }>();
  const unlinked = new Map<string, number>();
  for (const h of doc.households) {
    if (!h.cadreCode) {
      unlinked.set(h.villageCode, (unlinked.get(h.villageCode) ?? 0) + 1);
      continue;
    }
    const l = links.get(h.cadreCode) ?? { cadreCode: h.cadreCode, linked: 0, key: 0, outsideDepartment: 0 };
    l.linked++;
    if (h.isKey) l.key++;
    if ((villageDept.get(h.villageCode) ?? null) !== (cadreDept.get(h.cadreCode) ?? null)) l.outsideDepartment++;
    links.set(h.cadreCode, l);
  }
  const byCode = <T>(xs: T[], key: (x: T) => string) => [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    areas: byCode(doc.areas, (a) => a.code).map((a) => ({ code: a.code, leaderCode: a.leaderCode, villages: doc.villages.filter((v) => v.areaCode === a.code).length })),
    areaLeaders: doc.cadres.filter((c) => c.role === 'area_leader').map((c) => c.code).sort(),
    villagesWithoutDepartment: doc.villages.filter((v) => !departments.has(v.departmentCode)).map((v) => v.code).sort(),
    departmentsWithoutHead: doc.departments.filter((d) => !d.headCode).map((d) => d.code).sort(),
    cadreLinks: byCode([...links.values()], (l) => l.cadreCode),
    unlinkedHouseholds: byCode([...unlinked].map(([villageCode, count]) => ({ villageCode, count })), (u) => u.villageCode),
  };
}

/**
 * The plan (三联): each leader links 2–3 villages/communities (their areas'
 * villages); each cadre with linked households has at least 3 key households
 * (重点户), all in villages of the cadre's department; every village has a
 * linked department; every household a linked cadre; every department a head
 * (the first escalation level).
 */
export function checkRoster(facts: RosterFacts): RuleViolation[] {
  const out: RuleViolation[] = [];
  const byLeader = new Map<string, { villages: number; areas: string[] }>(facts.areaLeaders.map((c) => [c, { villages: 0, areas: [] }]));
  for (const a of facts.areas) {
    if (!a.leaderCode) {
      out.push({ rule: 'leader-links', entity: 'areas', subject: a.code, params: {}, message: `area ${a.code} has no leader (领导联片)` });
      continue;
    }
    const l = byLeader.get(a.leaderCode) ?? { villages: 0, areas: [] };
    l.villages += a.villages;
    l.areas.push(a.code);
    byLeader.set(a.leaderCode, l);
  }
  for (const [leader, l] of [...byLeader].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (l.villages < 2 || l.villages > 3) {
      const through = l.areas.length ? ` through ${l.areas.join(', ')}` : ' (leads no area)';
      out.push({ rule: 'leader-links', entity: 'cadres', subject: leader, params: { villages: l.villages }, message: `leader ${leader} links ${l.villages} villages/communities${through}; the plan asks for 2–3` });
    }
  }
  for (const l of facts.cadreLinks) {
    if (l.key < 3) {
      out.push({ rule: 'key-households', entity: 'cadres', subject: l.cadreCode, params: { linked: l.linked, key: l.key }, message: `cadre ${l.cadreCode} is linked to ${l.linked} households, ${l.key} of them key (重点户); the plan asks for at least 3 key households` });
    }
  }
  for (const v of facts.villagesWithoutDepartment) {
    out.push({ rule: 'village-department', entity: 'villages', subject: v, params: {}, message: `village ${v} has no linked department (部门联村)` });
  }
  for (const u of facts.unlinkedHouseholds) {
    out.push({ rule: 'household-unlinked', entity: 'villages', subject: u.villageCode, params: { count: u.count }, message: `${u.count} households in ${u.villageCode} have no linked cadre (干部联户)` });
  }
  for (const l of facts.cadreLinks) {
    if (l.outsideDepartment > 0) {
      out.push({ rule: 'link-outside-department', entity: 'cadres', subject: l.cadreCode, params: { count: l.outsideDepartment }, message: `cadre ${l.cadreCode} is linked to ${l.outsideDepartment} households in villages not linked to the cadre's department` });
    }
  }
  for (const d of facts.departmentsWithoutHead) {
    out.push({ rule: 'department-head', entity: 'departments', subject: d, params: {}, message: `department ${d} has no head; level-1 escalations have nowhere to go` });
  }
  return out;
}
