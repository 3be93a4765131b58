/**
 * Routing through the three links (三联) as a pure decision over facts the
 * worker's routing repository gathered from the directory and the case load.
 * The order, first match wins:
 *   1. a category rule names a department (e.g. disputes → the judicial office),
 *      assigned to that department's least-loaded cadre;
 *   2. the household's linked cadre (干部联户), in that cadre's own department
 *      (none when they have none: a case counts under its handling cadre's department, ./attribution);
 *   3. the village's linked department (部门联村), assigned to its least-loaded cadre;
 *   4. otherwise the township's fallback queue (no assignee; the township leadership dispatches).
 * The decision and its reason are recorded on the case. No I/O, so workflow
 * code may import it too.
 */
import type { RoutingDecision } from './directory';

/** Everything the decision may look at, read before deciding. */
export interface RoutingFacts {
  category: string;
  /** as the case gave them */
  householdCode: string | null;
  villageCode: string | null;
  /** the household in the directory, or null when none was given or it is unknown */
  household: {
    villageCode: string;
    cadreCode: string | null;
    /** the linked cadre's department; null when the cadre has none or is not in the directory */
    cadreDepartmentCode: string | null;
  } | null;
  /** the case's village (the household's, else the given one) in the directory, or null */
  village: { code: string; areaCode: string; departmentCode: string } | null;
  /** the category's rule, if there is one */
  categoryRule: { departmentCode: string; reason: string } | null;
  /** least-loaded cadre of each department the decision may assign to (null: the department has none) */
  leastLoadedCadre: Readonly<Record<string, string | null>>;
  /** head of each department the decision may escalate to */
  departmentHeads: Readonly<Record<string, string | null>>;
  /** leader of the village's area */
  areaLeader: string | null;
  /** the township leader escalations end with */
  townshipLeader: string | null;
}

/**
 * The departments the decision may need facts about, whichever rule wins:
 * `assignFrom` (least-loaded cadre: the category rule's and the village's
 * departments) and `escalateTo` (head: those and the linked cadre's). The
 * repository reads exactly these, so it repeats none of the rule order.
 */
export function routingDepartments(facts: Pick<RoutingFacts, 'household' | 'village' | 'categoryRule'>): { assignFrom: string[]; escalateTo: string[] } {
  const distinct = (codes: (string | null | undefined)[]) => [...new Set(codes.filter((c): c is string => !!c))];
  const assignFrom = distinct([facts.categoryRule?.departmentCode, facts.village?.departmentCode]);
  return { assignFrom, escalateTo: distinct([...assignFrom, facts.household?.cadreDepartmentCode]) };
}

export function decideRouting(facts: RoutingFacts): RoutingDecision {
  const { village, household, categoryRule } = facts;
  const villageCode = village?.code ?? household?.villageCode ?? facts.villageCode;
  const areaCode = village?.areaCode ?? null;
  const chain = (departmentCode: string | null, area: string | null): RoutingDecision['escalation'] => ({
    departmentHead: departmentCode ? (facts.departmentHeads[departmentCode] ?? null) : null,
    areaLeader: area ? facts.areaLeader : null,
    township: facts.townshipLeader,
  });
  const leastLoaded = (departmentCode: string) => facts.leastLoadedCadre[departmentCode] ?? null;

  if (categoryRule) {
    return {
      assigneeCode: leastLoaded(categoryRule.departmentCode),
      departmentCode: categoryRule.departmentCode,
      areaCode,
      villageCode,
      rule: 'category',
      reason: `category ${facts.category} goes to department ${categoryRule.departmentCode}: ${categoryRule.reason}`,
      escalation: chain(categoryRule.departmentCode, areaCode),
    };
  }
  if (household?.cadreCode) {
    // Attribution (./attribution): the department of the cadre handling the case, none when they have none.
    const departmentCode = household.cadreDepartmentCode;
    return {
      assigneeCode: household.cadreCode,
      departmentCode,
      areaCode,
      villageCode,
      rule: 'household',
      reason: `household ${facts.householdCode} is linked to cadre ${household.cadreCode} (干部联户)`,
      escalation: chain(departmentCode, areaCode),
    };
  }
  if (village) {
    return {
      assigneeCode: leastLoaded(village.departmentCode),
      departmentCode: village.departmentCode,
      areaCode,
      villageCode: village.code,
      rule: 'village',
      reason: `village ${village.code} is linked to department ${village.departmentCode} (部门联村); assigned to its least-loaded cadre`,
      escalation: chain(village.departmentCode, areaCode),
    };
  }
  return {
    assigneeCode: null,
    departmentCode: null,
    areaCode: null,
    // the village as given: the household's village, if any, is not in the directory either
    villageCode: facts.villageCode,
    rule: 'fallback',
    reason: facts.villageCode
      ? `village ${facts.villageCode} is not in the directory; the township dispatches it`
      : 'no household or village given; the township dispatches it',
    escalation: chain(null, null),
  };
}
