/**
 * Routing through the three links (三联), in this order:
 *   1. a category rule names a department (e.g. disputes → the judicial office);
 *   2. the household's linked cadre (干部联户);
 *   3. the village's linked department (部门联村), auto-assigned to its least-loaded cadre;
 *   4. otherwise the township's fallback queue (no assignee; the township leadership dispatches).
 * The decision and the reason are recorded on the case.
 */
import type { Pool, RoutingDecision } from '@minqing/shared';

const OPEN = `status NOT IN ('closed','withdrawn','rejected','merged','resolved','followed_up')`;

export class RoutingRepository {
  constructor(private readonly pool: Pool) {}

  private async one<T>(sql: string, params: unknown[]): Promise<T | null> {
    const { rows } = await this.pool.query(sql, params);
    return (rows[0] as T | undefined) ?? null;
  }

  private async leastLoadedCadre(departmentCode: string): Promise<string | null> {
    const row = await this.one<{ code: string }>(
      `SELECT c.code
         FROM directory.cadres c
         LEFT JOIN casework.cases k ON k.assignee_code = c.code AND k.${OPEN}
        WHERE c.department_code = $1 AND c.role IN ('staff','village_official','trainee')
        GROUP BY c.code
        ORDER BY count(k.id), c.code
        LIMIT 1`,
      [departmentCode],
    );
    return row?.code ?? null;
  }

  private async chain(departmentCode: string | null, areaCode: string | null): Promise<RoutingDecision['escalation']> {
    const head = departmentCode ? await this.one<{ head_code: string | null }>('SELECT head_code FROM directory.departments WHERE code = $1', [departmentCode]) : null;
    const leader = areaCode ? await this.one<{ leader_code: string | null }>('SELECT leader_code FROM directory.areas WHERE code = $1', [areaCode]) : null;
    const township = await this.one<{ code: string }>(`SELECT code FROM directory.cadres WHERE role = 'township_leader' ORDER BY code LIMIT 1`, []);
    return { departmentHead: head?.head_code ?? null, areaLeader: leader?.leader_code ?? null, township: township?.code ?? null };
  }

  async route(args: { category: string; villageCode: string | null; householdCode: string | null }): Promise<RoutingDecision> {
    const household = args.householdCode
      ? await this.one<{ village_code: string; cadre_code: string | null }>('SELECT village_code, cadre_code FROM directory.households WHERE code = $1', [args.householdCode])
      : null;
    const villageCode = household?.village_code ?? args.villageCode;
    const village = villageCode
      ? await this.one<{ code: string; area_code: string; department_code: string }>('SELECT code, area_code, department_code FROM directory.villages WHERE code = $1', [villageCode])
      : null;
    const areaCode = village?.area_code ?? null;

    const rule = await this.one<{ department_code: string; reason: string }>('SELECT department_code, reason FROM directory.routing_rules WHERE category = $1', [args.category]);
    if (rule) {
      return {
        assigneeCode: await this.leastLoadedCadre(rule.department_code),
        departmentCode: rule.department_code,
        areaCode,
        villageCode: village?.code ?? villageCode,
        rule: 'category',
        reason: `category ${args.category} goes to department ${rule.department_code}: ${rule.reason}`,
        escalation: await this.chain(rule.department_code, areaCode),
      };
    }
    if (household?.cadre_code) {
      const cadre = await this.one<{ department_code: string | null }>('SELECT department_code FROM directory.cadres WHERE code = $1', [household.cadre_code]);
      const departmentCode = cadre?.department_code ?? village?.department_code ?? null;
      return {
        assigneeCode: household.cadre_code,
        departmentCode,
        areaCode,
        villageCode: village?.code ?? villageCode,
        rule: 'household',
        reason: `household ${args.householdCode} is linked to cadre ${household.cadre_code} (干部联户)`,
        escalation: await this.chain(departmentCode, areaCode),
      };
    }
    if (village) {
      return {
        assigneeCode: await this.leastLoadedCadre(village.department_code),
        departmentCode: village.department_code,
        areaCode,
        villageCode: village.code,
        rule: 'village',
        reason: `village ${village.code} is linked to department ${village.department_code} (部门联村); assigned to its least-loaded cadre`,
        escalation: await this.chain(village.department_code, areaCode),
      };
    }
    return {
      assigneeCode: null,
      departmentCode: null,
      areaCode: null,
      villageCode: args.villageCode,
      rule: 'fallback',
      reason: args.villageCode ? `village ${args.villageCode} is not in the directory; the township dispatches it` : 'no household or village given; the township dispatches it',
      escalation: await this.chain(null, null),
    };
  }
}
