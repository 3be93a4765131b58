/**
 * SLA policies: how long each phase of a case may take, per category and
 * priority, and when reminders and escalations come. Policies are data with a
 * version; a running case keeps the policy it started with (the workflow
 * carries it in its state), so changing the policy never moves a live deadline.
 */
import { Type, type Static } from '@sinclair/typebox';
import { workingMinutesPerDay, DEFAULT_CALENDAR } from './calendar';
import type { CasePriority } from './case';

const Budget = Type.Object(
  { minutes: Type.Number({ minimum: 1, maximum: 525_600, description: 'at least a minute, at most a year' }), mode: Type.Union([Type.Literal('business'), Type.Literal('clock')]) },
  { additionalProperties: false },
);
export type SlaBudget = Static<typeof Budget>;

const PhaseRule = Type.Object({ signFor: Budget, resolve: Budget, followUp: Budget }, { additionalProperties: false });
export type SlaRule = Static<typeof PhaseRule>;

export const SlaPolicySchema = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
    /** category → priority → rule; '*' is the default category */
    rules: Type.Record(Type.String(), Type.Object({ urgent: PhaseRule, normal: PhaseRule })),
    /** fractions of a budget at which the assignee is reminded */
    reminders: Type.Array(Type.Number({ minimum: 0.01, maximum: 0.99, description: 'a share of the budget, between 1% and 99%' }), { maxItems: 10 }),
    /** after a breach (level 1), how long until the next level (2, then 3) */
    escalationRepeat: Type.Object({ urgent: Budget, normal: Budget }),
    /** how often a case may be returned (退单) before a manager must reassign it */
    maxReturns: Type.Integer({ minimum: 0, maximum: 20 }),
  },
  { $id: 'SlaPolicy', additionalProperties: false },
);
export type SlaPolicy = Static<typeof SlaPolicySchema>;

const day = workingMinutesPerDay(DEFAULT_CALENDAR); // one working day, in minutes
const business = (minutes: number): SlaBudget => ({ minutes, mode: 'business' });
const clock = (hours: number): SlaBudget => ({ minutes: hours * 60, mode: 'clock' });

/** Urgent cases run on clock hours (Beijing 12345: emergencies dispatched within 1 h, answered within 24 h). */
const URGENT: SlaRule = { signFor: clock(1), resolve: clock(24), followUp: clock(24) };

/**
 * The township's first policy, anchored on the 12345 practice in the domain
 * brief: sign for within one working day; answer general requests within 7
 * working days and complex ones (proxy matters, disputes) within 15; call back
 * within 3 working days.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  version: 'sla-2026.1',
  rules: {
    '*': { urgent: URGENT, normal: { signFor: business(day), resolve: business(7 * day), followUp: business(3 * day) } },
    proxy_matter: { urgent: URGENT, normal: { signFor: business(day), resolve: business(15 * day), followUp: business(3 * day) } },
    dispute_mediation: { urgent: URGENT, normal: { signFor: business(day), resolve: business(15 * day), followUp: business(3 * day) } },
  },
  reminders: [0.5, 0.75],
  escalationRepeat: { urgent: clock(2), normal: business(day) },
  maxReturns: 2,
};

export function ruleFor(policy: SlaPolicy, category: string, priority: CasePriority): SlaRule {
  const byCategory = policy.rules[category] ?? policy.rules['*'];
  if (!byCategory) throw new Error(`SLA policy ${policy.version} has no rule for ${category} and no default`);
  return byCategory[priority];
}
