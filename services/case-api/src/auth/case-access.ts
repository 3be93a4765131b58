/**
 * The case visibility rule (shared/domain/access.ts `canSeeCase`) applied to
 * the read model: as a check on one case, and as a SQL condition on lists.
 */
import { canSeeCase, ForbiddenError, TOWNSHIP_WIDE_ROLES, type CaseView, type Pool, type Principal } from '@minqing/shared';

export class CaseAccess {
  constructor(private readonly pool: Pool) {}

  /** 403 unless the principal may see this case. */
  async assertCanSee(p: Principal, c: Pick<CaseView, 'id' | 'departmentCode' | 'areaCode' | 'assigneeCode' | 'servicePointCode' | 'openedBy' | 'householdCode'>): Promise<void> {
    let householdCadreCode: string | null = null;
    if (c.householdCode && p.cadreCode && !TOWNSHIP_WIDE_ROLES.includes(p.role)) {
      const { rows } = await this.pool.query<{ cadre_code: string | null }>('SELECT cadre_code FROM directory.households WHERE code = $1', [c.householdCode]);
      householdCadreCode = rows[0]?.cadre_code ?? null;
    }
    if (!canSeeCase(p, { ...c, householdCadreCode })) {
      throw new ForbiddenError(`case ${c.id} is outside what your role and links (${p.role}) let you see`);
    }
  }

  /** The same rule as a WHERE condition on casework.cases (parameters appended to `params`). */
  static scopeSql(p: Principal, params: unknown[]): string {
    if (TOWNSHIP_WIDE_ROLES.includes(p.role)) return 'TRUE';
    const add = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const or: string[] = [];
    if (p.cadreCode) {
      const me = add(p.cadreCode);
      or.push(`assignee_code = ${me}`, `household_code IN (SELECT h.code FROM directory.households h WHERE h.cadre_code = ${me})`);
      if (p.role === 'hall_staff') or.push(`opened_by = ${me}`);
    }
    if (p.role === 'department_head' && p.departmentCode) or.push(`department_code = ${add(p.departmentCode)}`);
    if (p.role === 'area_leader' && p.areaCodes.length) or.push(`area_code = ANY(${add(p.areaCodes)}::text[])`);
    if (p.role === 'hall_staff' && p.servicePoint) or.push(`service_point_code = ${add(p.servicePoint.code)}`);
    return or.length ? `(${or.join(' OR ')})` : 'FALSE';
  }
}
