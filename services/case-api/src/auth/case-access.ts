/**
 * The case visibility rule (shared/domain/access.ts `canSeeCase`) applied to
 * the read model: as a check on one case, and as a SQL condition on lists.
 */
import { canSeeCase, ForbiddenError, TOWNSHIP_WIDE_ROLES, type CaseScopeFacts, type CaseView, type Pool, type Principal } from '@minqing/shared';

function check(p: Principal, id: string, facts: CaseScopeFacts): void {
  if (!canSeeCase(p, facts)) throw new ForbiddenError(`case ${id} is outside what your role and links (${p.role}) let you see`);
}

export class CaseAccess {
  constructor(private readonly pool: Pool) {}

  /** 403 unless the principal may see this case. */
  async assertCanSee(p: Principal, c: Pick<CaseView, 'id' | 'departmentCode' | 'areaCode' | 'assigneeCode' | 'servicePointCode' | 'openedBy' | 'householdCode'>): Promise<void> {
    let householdCadreCode: string | null = null;
    if (c.householdCode && p.cadreCode && !TOWNSHIP_WIDE_ROLES.includes(p.role)) {
      const { rows } = await this.pool.query<{ cadre_code: string | null }>('SELECT cadre_code FROM directory.households WHERE code = $1', [c.householdCode]);
      householdCadreCode = rows[0]?.cadre_code ?? null;
    }
    check(p, c.id, { ...c, householdCadreCode });
  }

  /**
   * The same check on a case named by id, in one query: the case's scope and its household's
   * cadre together, none of its text (the check before every move). False when the read
   * model has no such case (yet): the caller then looks further (CaseService.getCase).
   */
  async assertCanSeeStored(p: Principal, id: string): Promise<boolean> {
    const { rows: [c] } = await this.pool.query<CaseScopeFacts>(
      `SELECT c.department_code AS "departmentCode", c.area_code AS "areaCode", c.assignee_code AS "assigneeCode",
              c.service_point_code AS "servicePointCode", c.opened_by AS "openedBy", h.cadre_code AS "householdCadreCode"
         FROM casework.cases c LEFT JOIN directory.households h ON h.code = c.household_code
        WHERE c.id = $1`,
      [id],
    );
    if (!c) return false;
    check(p, id, c);
    return true;
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
