/**
 * The default SLA policy's numbers, the '*' fallback, and where deadlines,
 * reminders and escalations land in the township's calendar (hand-worked:
 * 450 working minutes a day, Mon–Fri 08:30–12:00 + 13:30–17:30, UTC+08:00).
 */
import { describe, it, expect } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import {
  DEFAULT_CALENDAR, DEFAULT_SLA_POLICY, ESCALATION_LEVELS, SLA_PHASES, SlaPolicySchema, budgetFor, checkSlaPolicy, deadlineFor,
  escalationInstants, escalationRepeatFor, instantAtFraction, reminderInstants, ruleFor, startClock, workingMinutesPerDay,
  type SlaPolicy,
} from './sla-policy';

const cal = DEFAULT_CALENDAR;
const DAY = workingMinutesPerDay(cal);
const policy = DEFAULT_SLA_POLICY;
const t = (iso: string) => new Date(iso);
const local = (d: Date | null) =>
  d === null ? null : new Date(d.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00').replace('.000', '');
const expectInstants = (actual: (Date | null)[], isos: string[]) => expect(actual.map(local)).toEqual(isos.map((i) => local(t(i))));

describe('DEFAULT_SLA_POLICY', () => {
  it('is valid: schema and semantic checks against the default calendar pass', () => {
    expect(Value.Check(SlaPolicySchema, policy)).toBe(true);
    expect(checkSlaPolicy(policy, cal)).toEqual([]);
    expect(policy.version).toBe('sla-2026.1');
  });

  it('runs urgent cases on clock hours: sign-for 1 h, resolve 24 h, follow-up 24 h', () => {
    for (const category of ['*', 'proxy_matter', 'dispute_mediation', 'livelihood_difficulty']) {
      expect(ruleFor(policy, category, 'urgent')).toEqual({
        signFor: { minutes: 60, mode: 'clock' },
        resolve: { minutes: 24 * 60, mode: 'clock' },
        followUp: { minutes: 24 * 60, mode: 'clock' },
      });
    }
  });

  it('runs normal cases in working days derived from the calendar (450 min, not 480)', () => {
    expect(DAY).toBe(450);
    expect(ruleFor(policy, 'policy_question', 'normal')).toEqual({
      signFor: { minutes: DAY, mode: 'business' },
      resolve: { minutes: 7 * DAY, mode: 'business' },
      followUp: { minutes: 3 * DAY, mode: 'business' },
    });
    expect(budgetFor(policy, 'proxy_matter', 'normal', 'resolve')).toEqual({ minutes: 15 * DAY, mode: 'business' });
    expect(budgetFor(policy, 'dispute_mediation', 'normal', 'resolve')).toEqual({ minutes: 15 * DAY, mode: 'business' });
  });

  it('escalates again after 1 working day (normal) or 2 clock hours (urgent); reminds at 50 % and 75 %; caps returns at 2', () => {
    expect(escalationRepeatFor(policy, 'normal')).toEqual({ minutes: DAY, mode: 'business' });
    expect(escalationRepeatFor(policy, 'urgent')).toEqual({ minutes: 120, mode: 'clock' });
    expect(policy.reminders).toEqual([0.5, 0.75]);
    expect(policy.maxReturns).toBe(2);
    expect(ESCALATION_LEVELS.map((l) => l.role)).toEqual(['department_head', 'area_leader', 'township_leader']);
  });
});

describe('ruleFor', () => {
  it("falls back to '*' for a category without its own rule", () => {
    expect(ruleFor(policy, 'policy_question', 'normal')).toBe(policy.rules['*']!.normal);
    expect(ruleFor(policy, 'other', 'urgent')).toBe(policy.rules['*']!.urgent);
    expect(ruleFor(policy, 'not_a_category', 'normal')).toBe(policy.rules['*']!.normal);
    expect(ruleFor(policy, 'proxy_matter', 'normal')).toBe(policy.rules['proxy_matter']!.normal);
    for (const phase of SLA_PHASES) expect(budgetFor(policy, 'care_visit', 'normal', phase)).toBe(policy.rules['*']!.normal[phase]);
  });

  it("refuses when there is neither a rule nor a '*' default", () => {
    const { ['*']: _default, ...rest } = policy.rules;
    const noDefault: SlaPolicy = { ...policy, version: 'no-default', rules: rest };
    expect(() => ruleFor(noDefault, 'policy_question', 'normal')).toThrow(/no rule for policy_question/);
    expect(checkSlaPolicy(noDefault, cal)).toEqual(["policy no-default has no '*' rule for categories without their own"]);
  });
});

describe('deadlineFor', () => {
  it('a normal case opened on Friday evening must be signed for by Monday closing', () => {
    const signFor = budgetFor(policy, 'policy_question', 'normal', 'signFor');
    expectInstants([deadlineFor(t('2026-03-13T18:00:00+08:00'), signFor, cal)], ['2026-03-16T17:30:00+08:00']);
    expectInstants([deadlineFor(t('2026-03-14T10:00:00+08:00'), signFor, cal)], ['2026-03-16T17:30:00+08:00']);
  });

  it('an urgent case opened on Saturday night must be signed for within the hour', () => {
    const signFor = budgetFor(policy, 'livelihood_difficulty', 'urgent', 'signFor');
    expectInstants([deadlineFor(t('2026-03-14T03:00:00+08:00'), signFor, cal)], ['2026-03-14T04:00:00+08:00']);
  });

  it('a general answer is due 7 working days later, a proxy matter opened before the Spring Festival 15 working days later', () => {
    const general = budgetFor(policy, 'policy_question', 'normal', 'resolve');
    expectInstants([deadlineFor(t('2026-03-13T14:00:00+08:00'), general, cal)], ['2026-03-24T14:00:00+08:00']);
    // Mon 02-09 10:00 → the 15th working day after it at 10:00: 02-10…02-13, Sat 02-14 (调休) are 1–5,
    // the festival 02-15…02-23 is off, 02-24…02-27 and Sat 02-28 (调休) are 6–10, 03-02…03-06 are 11–15
    const proxy = budgetFor(policy, 'proxy_matter', 'normal', 'resolve');
    expectInstants([deadlineFor(t('2026-02-09T10:00:00+08:00'), proxy, cal)], ['2026-03-06T10:00:00+08:00']);
  });
});

describe('reminderInstants', () => {
  it('lands 50 % / 75 % of a sign-for day on Monday morning when started Friday afternoon', () => {
    const start = t('2026-03-13T14:00:00+08:00'); // Friday: 210 working minutes left today
    const signFor = budgetFor(policy, 'policy_question', 'normal', 'signFor');
    // 225 = 210 Friday + 15 Monday; 337.5 = 210 + 127.5; due 450 = 210 + 210 Monday morning + 30 after lunch
    expectInstants(reminderInstants(start, signFor, policy.reminders, cal), ['2026-03-16T08:45:00+08:00', '2026-03-16T10:37:30+08:00']);
    expectInstants([deadlineFor(start, signFor, cal)], ['2026-03-16T14:00:00+08:00']);
  });

  it('lands 50 % / 75 % of a 7-working-day answer across the weekend', () => {
    const start = t('2026-03-13T14:00:00+08:00');
    const resolve = budgetFor(policy, 'policy_question', 'normal', 'resolve');
    // 1575 = 210 + 3 × 450 + 15 → Thu 08:45; 2362.5 = 210 + 4 × 450 + 210 + 142.5 → Fri 15:52:30
    expectInstants(reminderInstants(start, resolve, policy.reminders, cal), ['2026-03-19T08:45:00+08:00', '2026-03-20T15:52:30+08:00']);
  });

  it('lands urgent reminders in clock hours over the weekend', () => {
    const resolve = budgetFor(policy, 'policy_question', 'urgent', 'resolve');
    expectInstants(reminderInstants(t('2026-03-13T20:00:00+08:00'), resolve, policy.reminders, cal), [
      '2026-03-14T08:00:00+08:00', '2026-03-14T14:00:00+08:00',
    ]);
  });

  it('agrees with a fresh SLA clock', () => {
    const start = t('2026-03-13T14:00:00+08:00');
    const resolve = budgetFor(policy, 'dispute_mediation', 'normal', 'resolve');
    const clock = startClock(resolve, start);
    expect(reminderInstants(start, resolve, policy.reminders, cal)).toEqual(policy.reminders.map((f) => instantAtFraction(clock, f, cal)));
  });
});

describe('escalationInstants', () => {
  it('a sign-for missed on Friday at closing goes to the department head, then the area leader and the township a working day apart', () => {
    const levels = escalationInstants(t('2026-03-13T17:30:00+08:00'), escalationRepeatFor(policy, 'normal'), cal);
    expect(levels.map((l) => [l.level, l.role])).toEqual([[1, 'department_head'], [2, 'area_leader'], [3, 'township_leader']]);
    // a whole working day from a closing instant ends at the next closing: Monday 17:30, then Tuesday 17:30
    expectInstants(levels.map((l) => l.at), ['2026-03-13T17:30:00+08:00', '2026-03-16T17:30:00+08:00', '2026-03-17T17:30:00+08:00']);
  });

  it('an urgent breach on Saturday evening escalates every 2 clock hours', () => {
    const levels = escalationInstants(t('2026-03-14T20:00:00+08:00'), escalationRepeatFor(policy, 'urgent'), cal);
    expectInstants(levels.map((l) => l.at), ['2026-03-14T20:00:00+08:00', '2026-03-14T22:00:00+08:00', '2026-03-15T00:00:00+08:00']);
  });
});

describe('checkSlaPolicy', () => {
  it('names what is wrong with a hand-edited policy', () => {
    const star = policy.rules['*']!;
    const bad: SlaPolicy = {
      ...policy,
      rules: {
        '*': { urgent: { ...star.urgent, resolve: { minutes: 1440, mode: 'business' } }, normal: { ...star.normal, signFor: { minutes: 0, mode: 'business' } } },
        typo_category: star,
      },
      reminders: [0.75, 0.5, 1],
      maxReturns: -1,
    };
    expect(checkSlaPolicy(bad, cal)).toEqual([
      '*/urgent/resolve is urgent and must run on clock hours, not business time',
      '*/normal/signFor must be a positive number of minutes, got 0',
      "rule for unknown category 'typo_category' would never apply",
      'reminders must increase: 0.75 then 0.5',
      'reminder 1 must lie strictly between 0 and 1',
      'maxReturns must be a whole number ≥ 0, got -1',
    ]);
  });

  it('reports the problems of the calendar it is checked against', () => {
    expect(checkSlaPolicy(policy, { ...cal, workingHours: [{ start: '12:00', end: '08:30' }] })).toEqual([
      `calendar ${cal.version}: working interval 12:00–08:30 ends before it starts`,
    ]);
  });
});
