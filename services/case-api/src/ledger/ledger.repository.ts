/**
 * SQL of the public-condition ledger (民情台帐), schema "directory": the current
 * record and every version of each household and village, the scope a reader
 * sees as a WHERE condition (the same rule as shared ledger.ts, see
 * ledger.access.ts), lists, figures drawn from the household records, and the
 * pending work records of cadres' saves. Records are personal data: nothing
 * here logs them.
 */
import {
  DIFFICULTY_TYPES, inTransaction, likeSubstring, NEED_TYPES, SUPPORT_TYPES,
  type HouseholdLedgerScope, type LedgerData, type LedgerEditor, type LedgerKind, type Pool, type StaffRole, type VillageFromHouseholds,
} from '@minqing/shared';

export interface HouseholdFacts extends HouseholdLedgerScope {
  code: string;
  villageCode: string;
  headName: string;
  members: number;
  isKey: boolean;
  isVulnerable: boolean;
}

export interface VillageFacts {
  code: string;
  name: string;
  kind: 'gachaa' | 'community';
  areaCode: string;
  departmentCode: string;
}

export interface CurrentRecord {
  version: number;
  data: LedgerData;
  updatedAt: string;
  updatedBy: LedgerEditor;
}

export interface VersionRow {
  version: number;
  data: LedgerData;
  changedAt: string;
  changedBy: LedgerEditor;
  changeNote: string;
  workRecord: 'logged' | 'pending' | null;
}

export interface SaveInput {
  kind: LedgerKind;
  code: string;
  baseVersion: number;
  /** compares the stored record with the new one: the changed field paths (none: nothing to save) */
  changes(current: LedgerData | null): string[];
  data: LedgerData;
  changeNote: string;
  editor: LedgerEditor;
  /** a cadre's save of a household record: their work record for it, given the version's instant */
  work?: (version: number, savedAt: Date) => { cadreCode: string; date: string; note: string };
}

export type SaveResult =
  | { outcome: 'saved'; version: number; changedAt: string; fields: string[]; work: PendingWork | null }
  | { outcome: 'unchanged'; version: number }
  | { outcome: 'conflict'; current: number };

export interface PendingWork {
  householdCode: string;
  version: number;
  cadreCode: string;
  date: string;
  note: string;
}

export interface HouseholdListFilter {
  q?: string;
  village?: string;
  cadre?: string;
  keyOnly?: boolean;
  vulnerableOnly?: boolean;
  recorded?: boolean;
  support?: string;
  difficulty?: string;
  need?: string;
  householdCodes?: string[];
}

export interface HouseholdListRow {
  householdCode: string;
  villageCode: string;
  headName: string;
  isKey: boolean;
  isVulnerable: boolean;
  cadreCode: string | null;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  data: LedgerData | null;
}

export interface VillageListRow extends VillageFacts {
  households: number;
  keyHouseholds: number;
  recordedHouseholds: number;
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
  data: LedgerData | null;
}

/** Appends a visibility condition (and its parameters) to a query. */
export type ScopeSql = (params: unknown[]) => string;

const TABLES = {
  household: { current: 'directory.household_ledgers', versions: 'directory.household_ledger_versions', key: 'household_code' },
  village: { current: 'directory.village_ledgers', versions: 'directory.village_ledger_versions', key: 'village_code' },
} as const;

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const editor = (r: { changed_by: string; changed_by_name: string; changed_by_role: string; changed_by_cadre: string | null }): LedgerEditor => ({
  username: r.changed_by,
  name: r.changed_by_name,
  role: r.changed_by_role as StaffRole,
  cadreCode: r.changed_by_cadre,
});

export class LedgerRepository {
  constructor(private readonly pool: Pool) {}

  async household(code: string): Promise<HouseholdFacts | null> {
    const { rows } = await this.pool.query(
      `SELECT h.code, h.village_code, h.head_name, h.members, h.is_key, h.is_vulnerable, h.cadre_code,
              v.department_code AS village_department_code, v.area_code AS village_area_code, c.department_code AS cadre_department_code
         FROM directory.households h
         JOIN directory.villages v ON v.code = h.village_code
         LEFT JOIN directory.cadres c ON c.code = h.cadre_code
        WHERE h.code = $1`,
      [code],
    );
    const r = rows[0];
    return r
      ? {
          code: r.code, villageCode: r.village_code, headName: r.head_name, members: r.members, isKey: r.is_key, isVulnerable: r.is_vulnerable,
          cadreCode: r.cadre_code, villageDepartmentCode: r.village_department_code, villageAreaCode: r.village_area_code, cadreDepartmentCode: r.cadre_department_code,
        }
      : null;
  }

  async village(code: string): Promise<VillageFacts | null> {
    const { rows } = await this.pool.query('SELECT code, name, kind, area_code, department_code FROM directory.villages WHERE code = $1', [code]);
    const r = rows[0];
    return r ? { code: r.code, name: r.name, kind: r.kind, areaCode: r.area_code, departmentCode: r.department_code } : null;
  }

  /** Whether `cadreCode` is linked to a household in the village. */
  async linkedIn(villageCode: string, cadreCode: string | null): Promise<boolean> {
    if (!cadreCode) return false;
    const { rowCount } = await this.pool.query('SELECT 1 FROM directory.households WHERE village_code = $1 AND cadre_code = $2 LIMIT 1', [villageCode, cadreCode]);
    return rowCount === 1;
  }

  async current(kind: LedgerKind, code: string): Promise<CurrentRecord | null> {
    const t = TABLES[kind];
    const { rows } = await this.pool.query(
      `SELECT l.version, l.data, l.updated_at, v.changed_by, v.changed_by_name, v.changed_by_role, v.changed_by_cadre
         FROM ${t.current} l JOIN ${t.versions} v ON v.${t.key} = l.${t.key} AND v.version = l.version
        WHERE l.${t.key} = $1`,
      [code],
    );
    const r = rows[0];
    return r ? { version: r.version, data: r.data, updatedAt: iso(r.updated_at)!, updatedBy: editor(r) } : null;
  }

  /**
   * Saves a new version when the record changed, in one transaction: the
   * version, the current row, and a cadre's pending work record. Saves of one
   * record queue on a transaction lock, so versions are 1, 2, 3, … and a save
   * from an older version than the current is a conflict, never a lost change.
   */
  async save(input: SaveInput): Promise<SaveResult> {
    const t = TABLES[input.kind];
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ledger:${input.kind}:${input.code}`]);
      const { rows } = await client.query<{ version: number; data: LedgerData }>(`SELECT version, data FROM ${t.current} WHERE ${t.key} = $1`, [input.code]);
      const current = rows[0] ?? null;
      const currentVersion = current?.version ?? 0;
      if (currentVersion !== input.baseVersion) return { outcome: 'conflict', current: currentVersion };
      const fields = input.changes(current?.data ?? null);
      if (fields.length === 0) return { outcome: 'unchanged', version: currentVersion };
      const version = currentVersion + 1;
      const e = input.editor;
      const inserted = await client.query<{ changed_at: Date }>(
        `INSERT INTO ${t.versions} (${t.key}, version, data, changed_fields, change_note, changed_by, changed_by_name, changed_by_role, changed_by_cadre)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING changed_at`,
        [input.code, version, JSON.stringify(input.data), fields, input.changeNote, e.username, e.name, e.role, e.cadreCode],
      );
      const changedAt = inserted.rows[0]!.changed_at;
      await client.query(
        `INSERT INTO ${t.current} (${t.key}, version, data, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (${t.key}) DO UPDATE SET version = EXCLUDED.version, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [input.code, version, JSON.stringify(input.data), changedAt, e.username],
      );
      let work: PendingWork | null = null;
      if (input.kind === 'household' && input.work) {
        const w = input.work(version, changedAt);
        await client.query(
          'INSERT INTO directory.household_ledger_work (household_code, version, cadre_code, work_date, note) VALUES ($1, $2, $3, $4, $5)',
          [input.code, version, w.cadreCode, w.date, w.note],
        );
        work = { householdCode: input.code, version, ...w };
      }
      return { outcome: 'saved', version, changedAt: changedAt.toISOString(), fields, work };
    });
  }

  /**
   * Versions newest first, from `before` (exclusive) down, `limit` of them, each
   * with the version before it (for what changed): `limit + 1` rows are read,
   * the last only as the predecessor of the last one shown.
   */
  async versions(kind: LedgerKind, code: string, limit: number, before: number | null): Promise<{ rows: VersionRow[]; predecessor: VersionRow | null; total: number }> {
    const t = TABLES[kind];
    const work = kind === 'household'
      ? `, CASE WHEN w.record_id IS NOT NULL THEN 'logged' WHEN w.household_code IS NOT NULL THEN 'pending' END AS work_state`
      : ', NULL AS work_state';
    const join = kind === 'household' ? 'LEFT JOIN directory.household_ledger_work w ON w.household_code = v.household_code AND w.version = v.version' : '';
    const [{ rows }, total] = await Promise.all([
      this.pool.query(
        `SELECT v.version, v.data, v.changed_at, v.change_note, v.changed_by, v.changed_by_name, v.changed_by_role, v.changed_by_cadre${work}
           FROM ${t.versions} v ${join}
          WHERE v.${t.key} = $1 AND ($2::int IS NULL OR v.version < $2)
          ORDER BY v.version DESC LIMIT $3`,
        [code, before, limit + 1],
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.versions} WHERE ${t.key} = $1`, [code]),
    ]);
    const all: VersionRow[] = rows.map((r) => ({
      version: r.version, data: r.data, changedAt: iso(r.changed_at)!, changedBy: editor(r), changeNote: r.change_note, workRecord: r.work_state ?? null,
    }));
    return { rows: all.slice(0, limit), predecessor: all[limit] ?? null, total: total.rows[0]?.n ?? 0 };
  }

  /** The households `scope` lets the reader see, filtered, ordered by code; `after` is the last code of the previous page. */
  async households(f: HouseholdListFilter, scope: ScopeSql, page: { limit: number; after: string | null } | null): Promise<{ rows: HouseholdListRow[]; total: number }> {
    const params: unknown[] = [];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const w: string[] = [scope(params)];
    const text = f.q?.trim();
    if (text) {
      const exact = add(text);
      const like = add(likeSubstring(text));
      w.push(`(h.code = ${exact} OR h.head_name LIKE ${like} OR h.address LIKE ${like})`);
    }
    if (f.village) w.push(`h.village_code = ${add(f.village)}`);
    if (f.cadre) w.push(`h.cadre_code = ${add(f.cadre)}`);
    if (f.keyOnly) w.push('h.is_key');
    if (f.vulnerableOnly) w.push('h.is_vulnerable');
    if (f.recorded !== undefined) w.push(f.recorded ? 'l.household_code IS NOT NULL' : 'l.household_code IS NULL');
    if (f.support) w.push(`l.data->'living'->'supports' ? ${add(f.support)}`);
    if (f.difficulty) w.push(`l.data->'difficulties'->'types' ? ${add(f.difficulty)}`);
    if (f.need) w.push(`l.data->'needs'->'types' ? ${add(f.need)}`);
    if (f.householdCodes) w.push(`h.code = ANY(${add(f.householdCodes)}::text[])`);
    const from = `FROM directory.households h
                  JOIN directory.villages v ON v.code = h.village_code
                  LEFT JOIN directory.cadres c ON c.code = h.cadre_code
                  LEFT JOIN directory.household_ledgers l ON l.household_code = h.code`;
    const where = w.join(' AND ');
    const countParams = [...params];
    let pageSql = '';
    if (page) {
      if (page.after !== null) w.push(`h.code > ${add(page.after)}`);
      pageSql = ` LIMIT ${add(page.limit + 1)}`;
    }
    const [total, { rows }] = await Promise.all([
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n ${from} WHERE ${where}`, countParams),
      this.pool.query(
        `SELECT h.code, h.village_code, h.head_name, h.is_key, h.is_vulnerable, h.cadre_code, coalesce(l.version, 0) AS version, l.updated_at, l.updated_by, l.data
           ${from} WHERE ${w.join(' AND ')} ORDER BY h.code${pageSql}`,
        params,
      ),
    ]);
    return {
      total: total.rows[0]?.n ?? 0,
      rows: rows.map((r) => ({
        householdCode: r.code, villageCode: r.village_code, headName: r.head_name, isKey: r.is_key, isVulnerable: r.is_vulnerable, cadreCode: r.cadre_code,
        version: r.version, updatedAt: iso(r.updated_at), updatedBy: r.updated_by, data: r.data,
      })),
    };
  }

  /** The villages `scope` lets the reader see, with their roster counts and record state, ordered by code. */
  async villages(f: { q?: string; area?: string }, scope: ScopeSql, page: { limit: number; after: string | null } | null): Promise<{ rows: VillageListRow[]; total: number }> {
    const params: unknown[] = [];
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const w: string[] = [scope(params)];
    const text = f.q?.trim();
    if (text) {
      const exact = add(text);
      w.push(`(v.code = ${exact} OR v.name LIKE ${add(likeSubstring(text))})`);
    }
    if (f.area) w.push(`v.area_code = ${add(f.area)}`);
    const where = w.join(' AND ');
    const countParams = [...params];
    let pageSql = '';
    if (page) {
      if (page.after !== null) w.push(`v.code > ${add(page.after)}`);
      pageSql = ` LIMIT ${add(page.limit + 1)}`;
    }
    const [total, { rows }] = await Promise.all([
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM directory.villages v WHERE ${where}`, countParams),
      this.pool.query(
        `SELECT v.code, v.name, v.kind, v.area_code, v.department_code, coalesce(vl.version, 0) AS version, vl.updated_at, vl.updated_by, vl.data,
                coalesce(n.households, 0) AS households, coalesce(n.key_households, 0) AS key_households, coalesce(n.recorded, 0) AS recorded
           FROM directory.villages v
           LEFT JOIN directory.village_ledgers vl ON vl.village_code = v.code
           LEFT JOIN LATERAL (
             SELECT count(*)::int AS households, count(*) FILTER (WHERE h.is_key)::int AS key_households, count(l.household_code)::int AS recorded
               FROM directory.households h LEFT JOIN directory.household_ledgers l ON l.household_code = h.code
              WHERE h.village_code = v.code) n ON TRUE
          WHERE ${w.join(' AND ')} ORDER BY v.code${pageSql}`,
        params,
      ),
    ]);
    return {
      total: total.rows[0]?.n ?? 0,
      rows: rows.map((r) => ({
        code: r.code, name: r.name, kind: r.kind, areaCode: r.area_code, departmentCode: r.department_code,
        households: r.households, keyHouseholds: r.key_households, recordedHouseholds: r.recorded,
        version: r.version, updatedAt: iso(r.updated_at), updatedBy: r.updated_by, data: r.data,
      })),
    };
  }

  /** A village's figures from the roster, and sums over its household records. */
  async villageFigures(code: string): Promise<{ roster: { households: number; keyHouseholds: number; vulnerableHouseholds: number; members: number; recordedHouseholds: number; recordedKeyHouseholds: number }; fromHouseholds: VillageFromHouseholds }> {
    const num = (path: string) => `coalesce(sum((l.data #>> '{${path}}')::int), 0)::int`;
    const [roster, sums, lists] = await Promise.all([
      this.pool.query(
        `SELECT count(*)::int AS households, count(*) FILTER (WHERE h.is_key)::int AS key, count(*) FILTER (WHERE h.is_vulnerable)::int AS vulnerable,
                coalesce(sum(h.members), 0)::int AS members, count(l.household_code)::int AS recorded,
                count(l.household_code) FILTER (WHERE h.is_key)::int AS recorded_key
           FROM directory.households h LEFT JOIN directory.household_ledgers l ON l.household_code = h.code
          WHERE h.village_code = $1`,
        [code],
      ),
      this.pool.query(
        `SELECT ${num('population,members')} AS members, ${num('population,workingAge')} AS working_age, ${num('population,elderly')} AS elderly,
                ${num('population,children')} AS children, ${num('population,migrantWorkers')} AS migrant_workers,
                count(*) FILTER (WHERE l.data->'living'->>'housingSafety' IN ('grade_c', 'grade_d'))::int AS unsafe
           FROM directory.household_ledgers l JOIN directory.households h ON h.code = l.household_code
          WHERE h.village_code = $1`,
        [code],
      ),
      this.pool.query<{ list: string; value: string; n: number }>(
        `SELECT x.list, x.value, count(*)::int AS n
           FROM directory.household_ledgers l JOIN directory.households h ON h.code = l.household_code
           CROSS JOIN LATERAL (
             SELECT 'support' AS list, s AS value FROM jsonb_array_elements_text(l.data->'living'->'supports') s
             UNION ALL SELECT 'difficulty', s FROM jsonb_array_elements_text(l.data->'difficulties'->'types') s
             UNION ALL SELECT 'need', s FROM jsonb_array_elements_text(l.data->'needs'->'types') s) x
          WHERE h.village_code = $1
          GROUP BY x.list, x.value`,
        [code],
      ),
    ]);
    const r = roster.rows[0];
    const s = sums.rows[0];
    const count = (list: string, values: readonly string[]) =>
      Object.fromEntries(values.map((v) => [v, lists.rows.find((x) => x.list === list && x.value === v)?.n ?? 0]));
    return {
      roster: { households: r.households, keyHouseholds: r.key, vulnerableHouseholds: r.vulnerable, members: r.members, recordedHouseholds: r.recorded, recordedKeyHouseholds: r.recorded_key },
      fromHouseholds: {
        members: s.members, workingAge: s.working_age, elderly: s.elderly, children: s.children, migrantWorkers: s.migrant_workers, unsafeHousing: s.unsafe,
        bySupport: count('support', SUPPORT_TYPES) as VillageFromHouseholds['bySupport'],
        byDifficulty: count('difficulty', DIFFICULTY_TYPES) as VillageFromHouseholds['byDifficulty'],
        byNeed: count('need', NEED_TYPES) as VillageFromHouseholds['byNeed'],
      },
    };
  }

  /** Names for an export: cadres and villages, departments and areas by code. */
  async names(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ key: string; name: string }>(
      `SELECT 'cadre:' || code AS key, name FROM directory.cadres
       UNION ALL SELECT 'village:' || code, name FROM directory.villages
       UNION ALL SELECT 'department:' || code, name FROM directory.departments
       UNION ALL SELECT 'area:' || code, name FROM directory.areas`,
    );
    return new Map(rows.map((r) => [r.key, r.name]));
  }

  // ---- cadres' work records of their saves ----

  /** Work records of saves the worker has not stored yet, oldest first (saved at least `minAgeMs` ago). */
  async pendingWork(limit: number, minAgeMs: number, maxAttempts: number): Promise<PendingWork[]> {
    const { rows } = await this.pool.query(
      `SELECT household_code, version, cadre_code, to_char(work_date, 'YYYY-MM-DD') AS work_date, note
         FROM directory.household_ledger_work
        WHERE record_id IS NULL AND attempts < $3 AND created_at < clock_timestamp() - make_interval(secs => $2::double precision / 1000)
        ORDER BY created_at LIMIT $1`,
      [limit, minAgeMs, maxAttempts],
    );
    return rows.map((r) => ({ householdCode: r.household_code, version: r.version, cadreCode: r.cadre_code, date: r.work_date, note: r.note }));
  }

  async workLogged(w: Pick<PendingWork, 'householdCode' | 'version'>, recordId: string): Promise<void> {
    await this.pool.query(
      'UPDATE directory.household_ledger_work SET record_id = $3, logged_at = clock_timestamp(), attempts = attempts + 1, last_error = NULL WHERE household_code = $1 AND version = $2',
      [w.householdCode, w.version, recordId],
    );
  }

  async workFailed(w: Pick<PendingWork, 'householdCode' | 'version'>, reason: string): Promise<void> {
    await this.pool.query(
      'UPDATE directory.household_ledger_work SET attempts = attempts + 1, last_error = $3 WHERE household_code = $1 AND version = $2 AND record_id IS NULL',
      [w.householdCode, w.version, reason.slice(0, 200)],
    );
  }
}

