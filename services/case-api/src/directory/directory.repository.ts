/** SQL of the 三联 roster (schema "directory"): lists, search, whole-document upsert and export, facts for the rule check. */
import type {
  Area, Cadre, Department, DirectoryDocument, Household, Pool, RoutingRule, ServicePoint, Session, Village,
} from '@minqing/shared';
import { inTransaction, likeSubstring } from '@minqing/shared';

export interface HouseholdQuery {
  q?: string;
  village?: string;
  cadre?: string;
  isKey?: boolean;
  isVulnerable?: boolean;
  limit: number;
  offset: number;
}

export type CadreWithLinks = Cadre & { linkedHouseholds: number; keyHouseholds: number };

/** What the plan's rules are checked against; the same shape whether read from the database or computed from a document. */
export interface RosterFacts {
  areas: { code: string; leaderCode: string | null; villages: number }[];
  /** codes of cadres whose role is area_leader (one leading no area links nothing) */
  areaLeaders: string[];
  /** villages whose linked department does not exist */
  villagesWithoutDepartment: string[];
  departmentsWithoutHead: string[];
  /** every cadre with at least one linked household */
  cadreLinks: { cadreCode: string; linked: number; key: number; outsideDepartment: number }[];
  unlinkedHouseholds: { villageCode: string; count: number }[];
}

/** The counts of what an upsert wrote, per entity. */
export type ImportCounts = Record<keyof DirectoryDocument, number>;

const area = (r: any): Area => ({ code: r.code, name: r.name, leaderCode: r.leader_code });
const department = (r: any): Department => ({ code: r.code, name: r.name, headCode: r.head_code });
const village = (r: any): Village => ({ code: r.code, name: r.name, kind: r.kind, areaCode: r.area_code, departmentCode: r.department_code });
const cadre = (r: any): Cadre => ({ code: r.code, name: r.name, role: r.role, departmentCode: r.department_code, phone: r.phone });
const household = (r: any): Household => ({
  code: r.code,
  villageCode: r.village_code,
  headName: r.head_name,
  phone: r.phone,
  idTail: r.id_tail,
  address: r.address,
  members: r.members,
  isKey: r.is_key,
  isVulnerable: r.is_vulnerable,
  cadreCode: r.cadre_code,
});
const servicePoint = (r: any): ServicePoint => ({ code: r.code, name: r.name, kind: r.kind, villageCode: r.village_code });
const session = (r: any): Session => ({
  code: r.code,
  name: r.name,
  villageCode: r.village_code,
  weekday: r.weekday,
  startTime: r.start_time,
  endTime: r.end_time,
  dutyCadreCodes: r.duty ?? [],
});
const routingRule = (r: any): RoutingRule => ({ category: r.category, departmentCode: r.department_code, reason: r.reason });

export class DirectoryRepository {
  constructor(private readonly pool: Pool) {}

  async areas(): Promise<Area[]> {
    return (await this.pool.query('SELECT * FROM directory.areas ORDER BY code')).rows.map(area);
  }
  async departments(): Promise<Department[]> {
    return (await this.pool.query('SELECT * FROM directory.departments ORDER BY code')).rows.map(department);
  }
  async villages(): Promise<Village[]> {
    return (await this.pool.query('SELECT * FROM directory.villages ORDER BY code')).rows.map(village);
  }
  async cadres(filter: { department?: string; role?: string } = {}): Promise<Cadre[]> {
    const { rows } = await this.pool.query(
      `SELECT * FROM directory.cadres WHERE ($1::text IS NULL OR department_code = $1) AND ($2::text IS NULL OR role = $2) ORDER BY code`,
      [filter.department ?? null, filter.role ?? null],
    );
    return rows.map(cadre);
  }
  async cadre(code: string): Promise<CadreWithLinks | null> {
    const { rows } = await this.pool.query(
      `SELECT c.*, count(h.code)::int AS linked, count(h.code) FILTER (WHERE h.is_key)::int AS key
         FROM directory.cadres c LEFT JOIN directory.households h ON h.cadre_code = c.code
        WHERE c.code = $1 GROUP BY c.code`,
      [code],
    );
    const r = rows[0];
    return r ? { ...cadre(r), linkedHouseholds: r.linked, keyHouseholds: r.key } : null;
  }

  /**
   * `q` matches a head name or address by substring, a phone, ID-number tail or
   * code exactly (a phone by substring too from 4 digits on); exact matches come first.
   */
  async households(q: HouseholdQuery): Promise<{ items: Household[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    let order = 'code';
    const text = q.q?.trim();
    if (text) {
      const t = p(text);
      const like = p(likeSubstring(text)); // %, _ and \ in the term match themselves
      const exact = `(code = ${t} OR phone = ${t} OR id_tail = upper(${t}) OR head_name = ${t})`;
      const phoneLike = /^\d{4,}$/.test(text) ? ` OR phone LIKE ${like}` : '';
      where.push(`(${exact} OR head_name LIKE ${like} OR address LIKE ${like}${phoneLike})`);
      order = `CASE WHEN ${exact} THEN 0 ELSE 1 END, code`;
    }
    if (q.village) where.push(`village_code = ${p(q.village)}`);
    if (q.cadre) where.push(`cadre_code = ${p(q.cadre)}`);
    if (q.isKey !== undefined) where.push(`is_key = ${p(q.isKey)}`);
    if (q.isVulnerable !== undefined) where.push(`is_vulnerable = ${p(q.isVulnerable)}`);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const page = [...params, q.limit, q.offset];
    // Both at once: a cadre's search-as-you-type waits for the slower of the two, not their sum.
    const [total, { rows }] = await Promise.all([
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM directory.households ${w}`, params),
      this.pool.query(`SELECT * FROM directory.households ${w} ORDER BY ${order} LIMIT $${page.length - 1} OFFSET $${page.length}`, page),
    ]);
    return { items: rows.map(household), total: total.rows[0]?.n ?? 0 };
  }
  async household(code: string): Promise<Household | null> {
    const { rows } = await this.pool.query('SELECT * FROM directory.households WHERE code = $1', [code]);
    return rows[0] ? household(rows[0]) : null;
  }
  async allHouseholds(): Promise<Household[]> {
    return (await this.pool.query('SELECT * FROM directory.households ORDER BY code')).rows.map(household);
  }
  async servicePoints(): Promise<ServicePoint[]> {
    return (await this.pool.query('SELECT * FROM directory.service_points ORDER BY code')).rows.map(servicePoint);
  }
  async sessions(): Promise<Session[]> {
    const { rows } = await this.pool.query(
      `SELECT s.*, coalesce(array_agg(d.cadre_code ORDER BY d.cadre_code) FILTER (WHERE d.cadre_code IS NOT NULL), '{}') AS duty
         FROM directory.sessions s LEFT JOIN directory.session_duty d ON d.session_code = s.code
        GROUP BY s.code ORDER BY s.code`,
    );
    return rows.map(session);
  }
  async routingRules(): Promise<RoutingRule[]> {
    return (await this.pool.query('SELECT * FROM directory.routing_rules ORDER BY category')).rows.map(routingRule);
  }

  async exportDocument(): Promise<DirectoryDocument> {
    const [areas, departments, villages, cadres, households, servicePoints, sessions, routingRules] = await Promise.all([
      this.areas(),
      this.departments(),
      this.villages(),
      this.cadres(),
      this.allHouseholds(),
      this.servicePoints(),
      this.sessions(),
      this.routingRules(),
    ]);
    return { areas, departments, villages, cadres, households, servicePoints, sessions, routingRules };
  }

  /** Codes that exist already (references of a partial import may point at them). */
  async existingCodes(): Promise<Record<'areas' | 'departments' | 'villages' | 'cadres', Set<string>>> {
    const q = async (table: string) => new Set((await this.pool.query(`SELECT code FROM directory.${table}`)).rows.map((r) => r.code as string));
    const [areas, departments, villages, cadres] = await Promise.all([q('areas'), q('departments'), q('villages'), q('cadres')]);
    return { areas, departments, villages, cadres };
  }

  /**
   * Upsert everything given, in one transaction (foreign keys are deferred to
   * the commit). Rows go as one JSON array per table, so 10,000 households are
   * one statement. A session's duty roster is replaced by the imported one.
   */
  async upsert(doc: Partial<DirectoryDocument>): Promise<ImportCounts> {
    return inTransaction(this.pool, async (client) => {
      const counts: ImportCounts = { areas: 0, departments: 0, villages: 0, cadres: 0, households: 0, servicePoints: 0, sessions: 0, routingRules: 0 };
      const run = async (key: keyof DirectoryDocument, rows: unknown[] | undefined, sql: string) => {
        if (!rows?.length) return;
        await client.query(sql, [JSON.stringify(rows)]);
        counts[key] = rows.length;
      };
      await run('departments', doc.departments, `INSERT INTO directory.departments (code, name, head_code)
        SELECT code, name, "headCode" FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, "headCode" text)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, head_code = EXCLUDED.head_code`);
      await run('areas', doc.areas, `INSERT INTO directory.areas (code, name, leader_code)
        SELECT code, name, "leaderCode" FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, "leaderCode" text)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, leader_code = EXCLUDED.leader_code`);
      await run('villages', doc.villages, `INSERT INTO directory.villages (code, name, kind, area_code, department_code)
        SELECT code, name, kind, "areaCode", "departmentCode" FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, kind text, "areaCode" text, "departmentCode" text)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, area_code = EXCLUDED.area_code, department_code = EXCLUDED.department_code`);
      await run('cadres', doc.cadres, `INSERT INTO directory.cadres (code, name, role, department_code, phone)
        SELECT code, name, role, "departmentCode", phone FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, role text, "departmentCode" text, phone text)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, department_code = EXCLUDED.department_code, phone = EXCLUDED.phone`);
      await run('households', doc.households, `INSERT INTO directory.households (code, village_code, head_name, phone, id_tail, address, members, is_key, is_vulnerable, cadre_code)
        SELECT code, "villageCode", "headName", phone, upper("idTail"), address, members, "isKey", "isVulnerable", "cadreCode"
          FROM jsonb_to_recordset($1::jsonb) AS x(code text, "villageCode" text, "headName" text, phone text, "idTail" text, address text, members int, "isKey" boolean, "isVulnerable" boolean, "cadreCode" text)
        ON CONFLICT (code) DO UPDATE SET village_code = EXCLUDED.village_code, head_name = EXCLUDED.head_name, phone = EXCLUDED.phone,
          id_tail = EXCLUDED.id_tail, address = EXCLUDED.address, members = EXCLUDED.members, is_key = EXCLUDED.is_key,
          is_vulnerable = EXCLUDED.is_vulnerable, cadre_code = EXCLUDED.cadre_code`);
      await run('servicePoints', doc.servicePoints, `INSERT INTO directory.service_points (code, name, kind, village_code)
        SELECT code, name, kind, "villageCode" FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, kind text, "villageCode" text)
        ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, village_code = EXCLUDED.village_code`);
      if (doc.sessions?.length) {
        await run('sessions', doc.sessions, `INSERT INTO directory.sessions (code, name, village_code, weekday, start_time, end_time)
          SELECT code, name, "villageCode", weekday, "startTime", "endTime" FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, "villageCode" text, weekday int, "startTime" text, "endTime" text)
          ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, village_code = EXCLUDED.village_code, weekday = EXCLUDED.weekday, start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time`);
        await client.query('DELETE FROM directory.session_duty WHERE session_code = ANY($1)', [doc.sessions.map((s) => s.code)]);
        const duty = doc.sessions.flatMap((s) => s.dutyCadreCodes.map((c) => ({ session: s.code, cadre: c })));
        if (duty.length) {
          await client.query(
            `INSERT INTO directory.session_duty (session_code, cadre_code) SELECT session, cadre FROM jsonb_to_recordset($1::jsonb) AS x(session text, cadre text) ON CONFLICT DO NOTHING`,
            [JSON.stringify(duty)],
          );
        }
      }
      await run('routingRules', doc.routingRules, `INSERT INTO directory.routing_rules (category, department_code, reason)
        SELECT category, "departmentCode", reason FROM jsonb_to_recordset($1::jsonb) AS x(category text, "departmentCode" text, reason text)
        ON CONFLICT (category) DO UPDATE SET department_code = EXCLUDED.department_code, reason = EXCLUDED.reason`);
      return counts;
    });
  }

  /** Aggregates for the plan's rules (the rules themselves live in the service). */
  async ruleFacts(): Promise<RosterFacts> {
    const [areas, leaders, villages, departments, links, unlinked] = await Promise.all([
      this.pool.query(
        `SELECT a.code, a.leader_code, count(v.code)::int AS villages
           FROM directory.areas a LEFT JOIN directory.villages v ON v.area_code = a.code
          GROUP BY a.code ORDER BY a.code`,
      ),
      this.pool.query(`SELECT code FROM directory.cadres WHERE role = 'area_leader' ORDER BY code`),
      this.pool.query(
        `SELECT v.code FROM directory.villages v LEFT JOIN directory.departments d ON d.code = v.department_code
          WHERE d.code IS NULL ORDER BY v.code`,
      ),
      this.pool.query('SELECT code FROM directory.departments WHERE head_code IS NULL ORDER BY code'),
      this.pool.query(
        `SELECT h.cadre_code, count(*)::int AS linked, count(*) FILTER (WHERE h.is_key)::int AS key,
                count(*) FILTER (WHERE v.department_code IS DISTINCT FROM c.department_code)::int AS outside
           FROM directory.households h
           JOIN directory.villages v ON v.code = h.village_code
           JOIN directory.cadres c ON c.code = h.cadre_code
          GROUP BY h.cadre_code ORDER BY h.cadre_code`,
      ),
      this.pool.query(
        `SELECT village_code, count(*)::int AS n FROM directory.households WHERE cadre_code IS NULL GROUP BY village_code ORDER BY village_code`,
      ),
    ]);
    return {
      areas: areas.rows.map((r) => ({ code: r.code, leaderCode: r.leader_code, villages: r.villages })),
      areaLeaders: leaders.rows.map((r) => r.code),
      villagesWithoutDepartment: villages.rows.map((r) => r.code),
      departmentsWithoutHead: departments.rows.map((r) => r.code),
      cadreLinks: links.rows.map((r) => ({ cadreCode: r.cadre_code, linked: r.linked, key: r.key, outsideDepartment: r.outside })),
      unlinkedHouseholds: unlinked.rows.map((r) => ({ villageCode: r.village_code, count: r.n })),
    };
  }
}
