/**
 * SLA policies put to work: which budget a phase of a case gets, when its
 * reminders (50 % / 75 %) and its escalations (department head → area leader →
 * township leadership) fall, and checks a policy must pass before it is
 * published. Pure and deterministic, like the business time it builds on, so
 * workflow code may call it; importing this module also gives business time.
 *
 * The policy document itself (schema, DEFAULT_SLA_POLICY, ruleFor) is the one in
 * ./sla, re-exported: it is carried inside every running case workflow's input,
 * so there must be exactly one shape of it. Its default numbers, anchored on the
 * 12345 practice in docs/domain.md:
 *  - urgent (clock hours, nights and holidays count): sign-for 1 h (Beijing:
 *    emergencies dispatched within 1 h), resolve 24 h (utilities answered within
 *    24 h), follow-up 24 h (call back while the matter is fresh);
 *  - normal (business time): sign-for 1 working day (a township office is not
 *    a 24/7 dispatch desk; a case opened at closing is picked up next morning),
 *    resolve 7 working days (general) or 15 for proxy matters 代办 and disputes
 *    调解 (Beijing's 7 / 15 days for general / complex; these wait on upstream
 *    offices or several parties), follow-up 3 working days (time to reach the
 *    resident by phone while the answer is still fresh);
 *  - escalation repeats after 1 working day (normal: the "reminder the day after
 *    a missed deadline") or 2 clock hours (urgent); reminders at 50 % and 75 %;
 *    at most 2 returns 退单 before a manager must decide.
 * "One working day" is the calendar's working minutes per day (450 for 08:30–12:00
 * + 13:30–17:30), derived from the calendar rather than written as 480.
 */
import { CASE_CATEGORIES, type CasePriority } from './case';
import { CadreRole } from './directory';
import { ruleFor, type SlaBudget, type SlaPolicy, type SlaRule } from './sla';
import { addSlaMinutes, checkCalendar, type BusinessCalendar } from './business-time';

export * from './business-time';
export { DEFAULT_SLA_POLICY, SlaPolicySchema, ruleFor, type SlaBudget, type SlaPolicy, type SlaRule } from './sla';

/** The clocked phases of a case: sign-for 签收, resolve 办理答复, follow-up 回访. */
export type SlaPhase = keyof SlaRule;
export const SLA_PHASES: readonly SlaPhase[] = ['signFor', 'resolve', 'followUp'];

/** Who hears of a breach, one level per further repeat interval. */
export const ESCALATION_LEVELS = [
  { level: 1, role: CadreRole.departmentHead },
  { level: 2, role: CadreRole.areaLeader },
  { level: 3, role: CadreRole.townshipLeader },
] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number]['level'];

/** The budget of one phase for a case (category falls back to the policy's '*' rule). */
export function budgetFor(policy: SlaPolicy, category: string, priority: CasePriority, phase: SlaPhase): SlaBudget {
  return ruleFor(policy, category, priority)[phase];
}

/** How long after a breach (level 1) each further escalation level follows. */
export function escalationRepeatFor(policy: SlaPolicy, priority: CasePriority): SlaBudget {
  return policy.escalationRepeat[priority];
}

/** The instant a budget started at `startAt` runs out, in the budget's own time. */
export function deadlineFor(startAt: Date, budget: SlaBudget, cal: BusinessCalendar): Date {
  return addSlaMinutes(startAt, budget.minutes, budget.mode, cal);
}

/**
 * The instants at which each fraction of a budget started at `startAt` is used
 * up, in the budget's own time (business minutes skip nights, weekends and
 * holidays; clock minutes do not). For a clock that has paused, use
 * `instantAtFraction(clock, f, cal)` instead.
 */
export function reminderInstants(
  startAt: Date, budget: SlaBudget, fractions: readonly number[], cal: BusinessCalendar,
): Date[] {
  return fractions.map((f) => addSlaMinutes(startAt, f * budget.minutes, budget.mode, cal));
}

/**
 * When each escalation level falls for a deadline `due`: level 1 at the
 * breach, level n after (n − 1) repeat intervals counted from the breach.
 */
export function escalationInstants(
  due: Date, repeat: SlaBudget, cal: BusinessCalendar,
): { level: EscalationLevel; role: (typeof ESCALATION_LEVELS)[number]['role']; at: Date }[] {
  return ESCALATION_LEVELS.map(({ level, role }) => ({
    level,
    role,
    at: addSlaMinutes(due, (level - 1) * repeat.minutes, repeat.mode, cal),
  }));
}

/**
 * Problems a policy has with a calendar that the schema cannot see; an empty
 * list means it is usable. Run it before a new policy or calendar is published.
 */
export function checkSlaPolicy(policy: SlaPolicy, cal: BusinessCalendar): string[] {
  const problems = checkCalendar(cal).map((p) => `calendar ${cal.version}: ${p}`);
  const budget = (where: string, b: SlaBudget, priority: CasePriority) => {
    if (!Number.isFinite(b.minutes) || b.minutes <= 0) problems.push(`${where} must be a positive number of minutes, got ${b.minutes}`);
    if (priority === 'urgent' && b.mode !== 'clock') problems.push(`${where} is urgent and must run on clock hours, not business time`);
  };
  if (!policy.rules['*']) problems.push(`policy ${policy.version} has no '*' rule for categories without their own`);
  const known = new Set<string>([...CASE_CATEGORIES, '*']);
  for (const [category, byPriority] of Object.entries(policy.rules)) {
    if (!known.has(category)) problems.push(`rule for unknown category '${category}' would never apply`);
    for (const priority of ['urgent', 'normal'] as const) {
      for (const phase of SLA_PHASES) budget(`${category}/${priority}/${phase}`, byPriority[priority][phase], priority);
    }
  }
  for (const priority of ['urgent', 'normal'] as const) budget(`escalationRepeat/${priority}`, policy.escalationRepeat[priority], priority);
  policy.reminders.forEach((f, i) => {
    if (!(f > 0 && f < 1)) problems.push(`reminder ${f} must lie strictly between 0 and 1`);
    const before = policy.reminders[i - 1];
    if (before !== undefined && f <= before) problems.push(`reminders must increase: ${before} then ${f}`);
  });
  if (!Number.isInteger(policy.maxReturns) || policy.maxReturns < 0) problems.push(`maxReturns must be a whole number ≥ 0, got ${policy.maxReturns}`);
  return problems;
}
