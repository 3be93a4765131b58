/** SQL of the 三联 roster (schema "directory"): lists, search, whole-document import and export, rule checks. */
import type {
  Area, Cadre, Department, DirectoryDocument, Household, Pool, RoutingRule, ServicePoint, Session, Village,
} from '@minqing/shared';
import { inTransaction } from '@minqing/shared';

export interface HouseholdQuery {
  q?: string;
  village?: string;
  cadre?: string;
  isKey?: boolean;
  isVulnerable?: boolean;
  limit: number;
  offset: number;
}

export interface RuleViolation {
  rule: 'leader-links' | 'key-households' | 'household-unlinked' | 'department-head';
  subject: string;
  message: string;
}

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
  async cadre(code: string): Promise<(Cadre & { linkedHouseholds: number; keyHouseholds: number }) | null> {
    const { rows } = await this.pool.query(
      `SELECT c.*, count(h.code)::int AS linked, count(h.code) FILTER (WHERE h.is_key)::int AS key
         FROM directory.cadres c LEFT JOIN directory.households h ON h.cadre_code = c.code
        WHERE c.code = $1 GROUP BY c.code`,
      [code],
    );
    const r = rows[0];
    return r ? { ...cadre(r), linkedHouseholds: r.linked, keyHouseholds: r.key } : null;
  }
  async households(q: HouseholdQuery): Promise<{ items: Household[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (q.q) add(`(head_name LIKE '%' || ? || '%' OR phone = ? OR id_tail = upper(?) OR address LIKE '%' || ? || '%' OR code = ?)`, q.q);
    if (q.village) add('village_code = ?', q.village);
    if (q.cadre) add('cadre_code = ?', q.cadre);
    if (q.isKey !== undefined) add('is_key = ?', q.isKey);
    if (q.isVulnerable !== undefined) add('is_vulnerable = ?', q.isVulnerable);
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM directory.households ${w}`, params);
    params.push(q.limit, q.offset);
    const { rows } = await this.pool.query(`SELECT * FROM directory.households ${w} ORDER BY code LIMIT $${params.length - 1} OFFSET $${params.length}`, params);
    return { items: rows.map(household), total: total.rows[0]?.n ?? 0 };
  }
  async household(code: string): Promise<Household | null> {
    const { rows } = await this.pool.query('SELECT * FROM directory.households WHERE code = $1', [code]);
    return rows[0] ? household(rows[0]) : null;
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
      this.pool.query('SELECT * FROM directory.households ORDER BY code').then((r) => r.rows.map(household)),
      this.servicePoints(),
      this.sessions(),
      this.routingRules(),
    ]);
    return { areas, departments, villages, cadres, households, servicePoints, sessions, routingRules };
  }

  /** Codes that exist already, per entity (for reference checks of a partial import). */
  async existingCodes(): Promise<Record<'areas' | 'departments' | 'villages' | 'cadres' | 'sessions', Set<string>>> {
    const q = async (table: string) => new Set((await this.pool.query(`SELECT code FROM directory.${table}`)).rows.map((r) => r.code as string));
    return { areas: await q('areas'), departments: await q('departments'), villages: await q('villages'), cadres: await q('cadres'), sessions: await q('sessions') };
  }

  /**
   * Upsert everything given, in one transaction (foreign keys are deferred to
   * the commit). Rows are sent as one JSON array per table, so 10,000
   * households are one statement.
   */
  async upsert(doc: Partial<DirectoryDocument>): Promise<Record<string, number>> {
    return inTransaction(this.pool, async (client) => {
      const counts: Record<string, number> = {};
      const run = async (key: string, rows: unknown[] | undefined, sql: string) => {
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

  async isEmpty(): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT NOT EXISTS (SELECT 1 FROM directory.villages) AS empty');
    return rows[0].empty;
  }

  /**
   * The plan's rules: each leader links 2–3 villages/communities (their area's);
   * each cadre with linked households has at least 3 key households; every
   * household has a linked cadre; every department has a head.
   */
  async ruleCheck(): Promise<RuleViolation[]> {
    const out: RuleViolation[] = [];
    const leaders = await this.pool.query(
      `SELECT a.leader_code, a.code AS area, count(v.code)::int AS n
         FROM directory.areas a LEFT JOIN directory.villages v ON v.area_code = a.code
        GROUP BY a.code ORDER BY a.code`,
    );
    for (const r of leaders.rows) {
      if (!r.leader_code) out.push({ rule: 'leader-links', subject: r.area, message: `area ${r.area} has no leader (领导联片)` });
      else if (r.n < 2 || r.n > 3) out.push({ rule: 'leader-links', subject: r.leader_code, message: `leader ${r.leader_code} links ${r.n} villages/communities through area ${r.area}; the plan asks for 2–3` });
    }
    const cadres = await this.pool.query(
      `SELECT cadre_code, count(*) FILTER (WHERE is_key)::int AS key FROM directory.households
        WHERE cadre_code IS NOT NULL GROUP BY cadre_code HAVING count(*) FILTER (WHERE is_key) < 3 ORDER BY cadre_code`,
    );
    for (const r of cadres.rows) {
      out.push({ rule: 'key-households', subject: r.cadre_code, message: `cadre ${r.cadre_code} is linked to ${r.key} key households (重点户); the plan asks for at least 3` });
    }
    const unlinked = await this.pool.query(
      `SELECT village_code, count(*)::int AS n FROM directory.households WHERE cadre_code IS NULL GROUP BY village_code ORDER BY village_code`,
    );
    for (const r of unlinked.rows) {
      out.push({ rule: 'household-unlinked', subject: r.village_code, message: `${r.n} households in ${r.village_code} have no linked cadre (干部联户)` });
    }
    const heads = await this.pool.query(`SELECT code FROM directory.departments WHERE head_code IS NULL ORDER BY code`);
    for (const r of heads.rows) out.push({ rule: 'department-head', subject: r.code, message: `department ${r.code} has no head; escalations at level 1 have nowhere to go` });
    return out;
  }
}
