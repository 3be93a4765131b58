/**
 * Deadlines as explicit state. One clock runs per phase (sign-for, resolve,
 * follow-up), in business time (working days and hours with the holiday
 * calendar) or in clock time for urgent cases, and can pause (waiting on the
 * resident, forwarded upstream): paused time is not counted. From a clock the
 * workflow derives its next timer event: a reminder at 50 % / 75 % of the
 * budget, the breach (escalate to level 1), then levels 2 and 3 after each
 * further repeat interval. Pure functions; `now` is passed in.
 */
import {
  addSlaMinutes, consumedMinutesAt, dueAt as slaDueAt, extendClock, instantAtFraction, pauseClock, resumeClock, slaMinutesBetween,
  type BusinessCalendar, type SlaClock,
} from '../business-time';
import type { Phase } from './statuses';

/** The shared pausable SLA clock, plus what the workflow needs to plan its timers. */
export interface Clock extends SlaClock {
  phase: Phase;
  startedAt: string;
  remindersFired: number;
  /** escalation levels fired on this clock (0..3) */
  escalations: number;
  repeatMinutes: number;
}

export type TimerEvent =
  | { kind: 'reminder'; at: Date; fraction: number }
  | { kind: 'escalation'; at: Date; level: number };

/** Minutes from a to b in the clock's own time (business or plain). */
export const elapsed = slaMinutesBetween;
export const pause = (clock: Clock, now: Date, cal: BusinessCalendar): Clock => pauseClock(clock, now, cal);
export const resume = (clock: Clock, now: Date): Clock => resumeClock(clock, now);
export const extend = (clock: Clock, minutes: number): Clock => extendClock(clock, minutes);
/** Minutes of the budget used up by `now` (paused time excluded). */
export const consumed = consumedMinutesAt;
/** The instant the budget runs out if the clock keeps running; null while paused. */
export const dueAt = slaDueAt;

export function startClock(phase: Phase, budget: { minutes: number; mode: Clock['mode'] }, repeatMinutes: number, now: Date): Clock {
  return {
    phase,
    mode: budget.mode,
    budgetMinutes: budget.minutes,
    consumedMinutes: 0,
    runningSince: now.toISOString(),
    startedAt: now.toISOString(),
    remindersFired: 0,
    escalations: 0,
    repeatMinutes,
  };
}

/** The next reminder or escalation this clock owes, or null (paused, or all fired). */
export function nextTimerEvent(clock: Clock, reminders: readonly number[], cal: BusinessCalendar): TimerEvent | null {
  const due = slaDueAt(clock, cal);
  if (!due) return null;
  if (clock.remindersFired < reminders.length) {
    const fraction = reminders[clock.remindersFired]!;
    // A reminder whose moment passed while paused or extended is still sent once, now.
    return { kind: 'reminder', at: instantAtFraction(clock, fraction, cal)!, fraction };
  }
  if (clock.escalations >= 3) return null;
  const at = clock.escalations === 0 ? due : addSlaMinutes(due, clock.escalations * clock.repeatMinutes, clock.mode, cal);
  return { kind: 'escalation', at, level: clock.escalations + 1 };
}
