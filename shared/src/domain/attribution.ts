/**
 * Attribution: which department, area and village a case counts under at each
 * step — in its events (hence every figure), in the read model (the case page,
 * the queues, who may see and manage it) and in its escalation chain. One rule:
 *
 * - **department**: the department of the cadre handling the case (its
 *   assignee) — routing's choice when it is routed, the new assignee's own
 *   department from the directory when a manager reassigns or reroutes it; none
 *   when that cadre has no department (area or township leaders, hall staff).
 *   While no cadre holds it, the department whose queue it waits in (routing's;
 *   none for the township's fallback queue).
 * - **area and village**: where the resident is — the case's village (the
 *   household's) and that village's area. They do not move with the cadre.
 * - **escalation**: level 1 is the head of the case's department, so it follows
 *   the department; levels 2 and 3 (area leader, township) follow the area.
 *
 * So a department's figures are the sum of its cadres' (plus its unassigned
 * queue) and an area's the sum of its villages'.
 *
 * Reading the directory is I/O, which the workflow may not do: the case API
 * reads the new assignee's facts when it validates the move and sends them with
 * the Update (`assignee`); the workflow's validator refuses a move that gives
 * the case to a cadre without them.
 */
import type { RoutingDecision } from './directory';
import type { MoveDef, Rejection } from './lifecycle/moves';

/** What the directory says about a cadre a case is given to. */
export interface AssigneeFacts {
  code: string;
  /** the cadre's own department; null when they have none */
  departmentCode: string | null;
  /** that department's head (level 1 of the escalation chain); null without one */
  departmentHead: string | null;
}

/**
 * The case's placement once `to` handles it: the department and level 1 of the
 * escalation chain follow the cadre; the area, the village, levels 2–3 and
 * routing's own record (rule, reason, whom it first chose) stay.
 */
export function reattribute(routing: RoutingDecision, to: AssigneeFacts): RoutingDecision {
  return { ...routing, departmentCode: to.departmentCode, escalation: { ...routing.escalation, departmentHead: to.departmentHead } };
}

/** The staff codes a move gives the case to with these arguments (a field shown only for another choice gives nothing). */
export function assigneesGiven(def: MoveDef, args: Record<string, unknown>): string[] {
  return Object.entries(def.fields)
    .filter(([, f]) => f.kind === 'staff')
    .filter(([, f]) => !f.when || args[f.when.field] === f.when.equals)
    .map(([name]) => args[name])
    .filter((v): v is string => typeof v === 'string');
}

const isCodeOrNull = (v: unknown) => v === null || (typeof v === 'string' && v.length > 0);

/** Whether `v` is a well-formed AssigneeFacts. */
export function isAssigneeFacts(v: unknown): v is AssigneeFacts {
  if (!v || typeof v !== 'object') return false;
  const f = v as Record<string, unknown>;
  return typeof f.code === 'string' && f.code.length > 0 && isCodeOrNull(f.departmentCode) && isCodeOrNull(f.departmentHead);
}

/**
 * For the workflow's validator: a move that gives the case to a cadre must
 * carry that cadre's directory facts (`assignee`), naming the same cadre.
 * Null when it does, or gives the case to nobody.
 */
export function assigneeFactsRejection(def: MoveDef, args: Record<string, unknown>): Rejection | null {
  const given = assigneesGiven(def, args);
  if (given.length === 0) return null;
  const facts = args.assignee;
  if (!isAssigneeFacts(facts) || given.some((code) => code !== facts.code)) {
    return {
      kind: 'invalid',
      code: 'assignee_facts_required',
      params: { field: 'assigneeCode' },
      message: "a move that gives the case to a cadre needs that cadre's department from the directory (assignee), naming the same cadre",
    };
  }
  return null;
}

/** The facts for `code`, when `facts` are about that cadre (else none: the department stays). */
export const factsFor = (facts: AssigneeFacts | undefined, code: string | null | undefined): AssigneeFacts | null =>
  facts && code && facts.code === code ? facts : null;
