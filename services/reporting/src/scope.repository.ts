/**
 * The directory links that decide a manager's figure scope (shared
 * report-access.ts): the villages and cadres of a department, the villages of
 * areas. Read from the case API's `directory` schema, read-only (its owner
 * migrates and writes it; reporting never does), at the time of the request,
 * so a roster change is in force at once.
 */
import type { Pool, ScopeLinks, ScopePrincipal } from '@minqing/shared';

export class ScopeRepository {
  constructor(private readonly pool: Pool) {}

  async links(p: ScopePrincipal): Promise<ScopeLinks> {
    const codes = async (sql: string, param: unknown) => (await this.pool.query<{ code: string }>(sql, [param])).rows.map((r) => r.code);
    const department = p.role === 'department_head' ? p.departmentCode : null;
    const areas = p.role === 'area_leader' ? p.areaCodes : [];
    const [departmentVillages, departmentCadres, areaVillages] = await Promise.all([
      department ? codes('SELECT code FROM directory.villages WHERE department_code = $1', department) : [],
      department ? codes('SELECT code FROM directory.cadres WHERE department_code = $1', department) : [],
      areas.length ? codes('SELECT code FROM directory.villages WHERE area_code = ANY($1::text[])', areas) : [],
    ]);
    return { departmentVillages, departmentCadres, areaVillages };
  }
}
