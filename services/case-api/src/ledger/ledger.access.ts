/**
 * Who sees which ledger record (shared ledger.ts `householdLedgerAccess`,
 * `villageLedgerAccess`) as SQL conditions for lists and exports — the same
 * rule, read for many rows at once: a reader's list holds exactly the records
 * they may open (tests/e2e/ledger.test.ts checks the two agree).
 * Households are `h` (joined with their village `v` and linked cadre `c`),
 * villages are `v`.
 */
import { LEDGER_READ_ALL_ROLES, type LedgerPrincipal } from '@minqing/shared';
import type { ScopeSql } from './ledger.repository';

const adder = (params: unknown[]) => (v: unknown) => {
  params.push(v);
  return `$${params.length}`;
};

/** Households the principal may read (edit or read). */
export function householdScopeSql(p: LedgerPrincipal): ScopeSql {
  return (params) => {
    if (LEDGER_READ_ALL_ROLES.includes(p.role)) return 'TRUE';
    const add = adder(params);
    const or: string[] = [];
    if (p.cadreCode) or.push(`h.cadre_code = ${add(p.cadreCode)}`);
    if (p.role === 'department_head' && p.departmentCode) {
      const d = add(p.departmentCode);
      or.push(`v.department_code = ${d}`, `c.department_code = ${d}`);
    }
    if (p.role === 'area_leader' && p.areaCodes.length) or.push(`v.area_code = ANY(${add(p.areaCodes)}::text[])`);
    return or.length ? `(${or.join(' OR ')})` : 'FALSE';
  };
}

/** Villages the principal may read (edit or read). */
export function villageScopeSql(p: LedgerPrincipal): ScopeSql {
  return (params) => {
    if (LEDGER_READ_ALL_ROLES.includes(p.role)) return 'TRUE';
    const add = adder(params);
    const or: string[] = [];
    if (p.departmentCode) or.push(`v.department_code = ${add(p.departmentCode)}`);
    if (p.role === 'area_leader' && p.areaCodes.length) or.push(`v.area_code = ANY(${add(p.areaCodes)}::text[])`);
    if (p.cadreCode) or.push(`v.code IN (SELECT hh.village_code FROM directory.households hh WHERE hh.cadre_code = ${add(p.cadreCode)})`);
    return or.length ? `(${or.join(' OR ')})` : 'FALSE';
  };
}
