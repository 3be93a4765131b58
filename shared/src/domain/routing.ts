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
import type { CadreRole, RoutingDecision } from './directory';
import { StatusGroup } from './lifecycle/statuses';

/** Roster roles that take cases: routing assigns to them, and a manager reassigns or reroutes to them (never hall staff, leaders or heads). */
export const ASSIGNABLE_CADRE_ROLES: readonly CadreRole[] = ['staff', 'village_official', 'trainee'];
/** A cadre's load, which routing balances and a reassigning manager sees: their cases open and not yet answered. */
export const LOAD_STATUSES: readonly string[] = StatusGroup.unanswered;

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

/**
 * The recorded reason of each routing outcome: a code and its params, stored as
 * this English sentence (cases and timelines keep it as it was written). A
 * console words it in its own language from `routingReasonOf`, which reads the
 * code and params back from the sentence by the same templates.
 */
export const ROUTING_REASONS = {
  category: 'category {category} goes to department {department}: {note}',
  household: 'household {household} is linked to cadre {cadre} (干部联户)',
  village: 'village {village} is linked to department {department} (部门联村); assigned to its least-loaded cadre',
  unknown_village: 'village {village} is not in the directory; the township dispatches it',
  nothing_given: 'no household or village given; the township dispatches it',
} as const;
export type RoutingReasonCode = keyof typeof ROUTING_REASONS;

function routingReasonText(code: RoutingReasonCode, params: Record<string, string | null>): string {
  return ROUTING_REASONS[code].replace(/\{(\w+)\}/g, (_m, k: string) => String(params[k] ?? null));
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const REASON_PATTERNS = Object.entries(ROUTING_REASONS).map(([code, template]) => {
  const names: string[] = [];
  // every param but a trailing free text (the category rule's note) is a code: no spaces
  const source = template.split(/(\{\w+\})/).map((part, i, all) => {
    const m = /^\{(\w+)\}$/.exec(part);
    if (!m) return escapeRegExp(part);
    names.push(m[1]!);
    return i === all.length - 2 && all[all.length - 1] === '' ? '([\\s\\S]*)' : '(\\S+)';
  }).join('');
  return { code: code as RoutingReasonCode, names, re: new RegExp(`^${source}$`) };
});

/** The code and params of a recorded routing reason; null for a text no template wrote. */
export function routingReasonOf(text: string | null | undefined): { code: RoutingReasonCode; params: Record<string, string> } | null {
  if (!text) return null;
  for (const { code, names, re } of REASON_PATTERNS) {
    const m = re.exec(text);
    if (m) return { code, params: Object.fromEntries(names.map((n, i) => [n, m[i + 1] ?? ''])) };
  }
  return null;
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
      reason: routingReasonText('category', { category: facts.category, department: categoryRule.departmentCode, note: categoryRule.reason }),
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
      reason: routingReasonText('household', { household: facts.householdCode, cadre: household.cadreCode }),
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
      reason: routingReasonText('village', { village: village.code, department: village.departmentCode }),
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
      ? routingReasonText('unknown_village', { village: facts.villageCode })
      : routingReasonText('nothing_given', {}),
    escalation: chain(null, null),
  };
}
