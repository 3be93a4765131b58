/**
 * The facts routing needs, read from the directory (owned by the case API,
 * read here) and the case load; the three-links order itself is the pure
 * `decideRouting` in @minqing/shared (domain/routing.ts). This file reads and
 * decides nothing: it asks `routingDepartments` which departments matter and
 * reads their least-loaded cadre and head, whichever rule ends up winning.
 */
import { ASSIGNABLE_CADRE_ROLES, decideRouting, LOAD_STATUSES, routingDepartments, type Pool, type RoutingDecision, type RoutingFacts } from '@minqing/shared';

/** A cadre's load: cases still owed an answer (`status = ANY(...)`). */
const OPEN = LOAD_STATUSES;

export class RoutingRepository {
  constructor(private readonly pool: Pool) {}

  private async one<T>(sql: string, params: unknown[]): Promise<T | null> {
    const { rows } = await this.pool.query(sql, params);
    return (rows[0] as T | undefined) ?? null;
  }

  /** Least-loaded assignable cadre of each department (ties: the lowest code); departments without one are absent. */
  private async leastLoadedCadres(departmentCodes: string[]): Promise<Record<string, string>> {
    if (departmentCodes.length === 0) return {};
    const { rows } = await this.pool.query<{ department_code: string; code: string }>(
      `SELECT DISTINCT ON (c.department_code) c.department_code, c.code
         FROM directory.cadres c
         LEFT JOIN casework.cases k ON k.assignee_code = c.code AND k.status = ANY($2::text[])
        WHERE c.department_code = ANY($1::text[]) AND c.role = ANY($3::text[])
        GROUP BY c.department_code, c.code
        ORDER BY c.department_code, count(k.id), c.code`,
      [departmentCodes, OPEN, ASSIGNABLE_CADRE_ROLES],
    );
    return Object.fromEntries(rows.map((r) => [r.department_code, r.code]));
  }

  private async departmentHeads(departmentCodes: string[]): Promise<Record<string, string | null>> {
    if (departmentCodes.length === 0) return {};
    const { rows } = await this.pool.query<{ code: string; head_code: string | null }>(
      'SELECT code, head_code FROM directory.departments WHERE code = ANY($1::text[])',
      [departmentCodes],
    );
    return Object.fromEntries(rows.map((r) => [r.code, r.head_code]));
  }

  async facts(args: { category: string; villageCode: string | null; householdCode: string | null }): Promise<RoutingFacts> {
    const household = args.householdCode
      ? await this.one<{ village_code: string; cadre_code: string | null; cadre_department_code: string | null }>(
        `SELECT h.village_code, h.cadre_code, c.department_code AS cadre_department_code
           FROM directory.households h LEFT JOIN directory.cadres c ON c.code = h.cadre_code
          WHERE h.code = $1`,
        [args.householdCode],
      )
      : null;
    const villageCode = household?.village_code ?? args.villageCode;
    const [village, rule] = await Promise.all([
      villageCode
        ? this.one<{ code: string; area_code: string; department_code: string }>('SELECT code, area_code, department_code FROM directory.villages WHERE code = $1', [villageCode])
        : null,
      this.one<{ department_code: string; reason: string }>('SELECT department_code, reason FROM directory.routing_rules WHERE category = $1', [args.category]),
    ]);
    const known: Pick<RoutingFacts, 'household' | 'village' | 'categoryRule'> = {
      household: household ? { villageCode: household.village_code, cadreCode: household.cadre_code, cadreDepartmentCode: household.cadre_department_code } : null,
      village: village ? { code: village.code, areaCode: village.area_code, departmentCode: village.department_code } : null,
      categoryRule: rule ? { departmentCode: rule.department_code, reason: rule.reason } : null,
    };
    const departments = routingDepartments(known);
    const [leastLoadedCadre, departmentHeads, area, township] = await Promise.all([
      this.leastLoadedCadres(departments.assignFrom),
      this.departmentHeads(departments.escalateTo),
      village ? this.one<{ leader_code: string | null }>('SELECT leader_code FROM directory.areas WHERE code = $1', [village.area_code]) : null,
      this.one<{ code: string }>(`SELECT code FROM directory.cadres WHERE role = 'township_leader' ORDER BY code LIMIT 1`, []),
    ]);
    return {
      category: args.category,
      householdCode: args.householdCode,
      villageCode: args.villageCode,
      ...known,
      leastLoadedCadre,
      departmentHeads,
      areaLeader: area?.leader_code ?? null,
      townshipLeader: township?.code ?? null,
    };
  }

  async route(args: { category: string; villageCode: string | null; householdCode: string | null }): Promise<RoutingDecision> {
    return decideRouting(await this.facts(args));
  }
}
