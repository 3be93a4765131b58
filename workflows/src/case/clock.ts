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
  addBusinessMinutes, businessMinutesBetween, type BusinessCalendar,
} from '@minqing/shared/domain';
import type { Phase } from './messages';

export interface Clock {
  phase: Phase;
  mode: 'business' | 'clock';
  budgetMinutes: number;
  consumedMinutes: number;
  /** ISO instant the clock last (re)started; null while paused */
  runningSince: string | null;
  startedAt: string;
  remindersFired: number;
  /** escalation levels fired on this clock (0..3) */
  escalations: number;
  repeatMinutes: number;
}

export type TimerEvent =
  | { kind: 'reminder'; at: Date; fraction: number }
  | { kind: 'escalation'; at: Date; level: number };

function add(from: Date, minutes: number, mode: Clock['mode'], cal: BusinessCalendar): Date {
  if (mode === 'clock') return new Date(from.getTime() + minutes * 60_000);
  return addBusinessMinutes(from, minutes, cal);
}

/** Minutes from a to b in the clock's own time (business or plain). */
export function elapsed(a: Date, b: Date, mode: Clock['mode'], cal: BusinessCalendar): number {
  if (b.getTime() <= a.getTime()) return 0;
  if (mode === 'clock') return (b.getTime() - a.getTime()) / 60_000;
  return businessMinutesBetween(a, b, cal);
}

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

export function pause(clock: Clock, now: Date, cal: BusinessCalendar): Clock {
  if (!clock.runningSince) return clock;
  return { ...clock, consumedMinutes: clock.consumedMinutes + elapsed(new Date(clock.runningSince), now, clock.mode, cal), runningSince: null };
}

export function resume(clock: Clock, now: Date): Clock {
  if (clock.runningSince) return clock;
  return { ...clock, runningSince: now.toISOString() };
}

export function extend(clock: Clock, minutes: number): Clock {
  return { ...clock, budgetMinutes: clock.budgetMinutes + minutes };
}

/** Minutes of the budget used up by `now` (paused time excluded). */
export function consumed(clock: Clock, now: Date, cal: BusinessCalendar): number {
  if (!clock.runningSince) return clock.consumedMinutes;
  return clock.consumedMinutes + elapsed(new Date(clock.runningSince), now, clock.mode, cal);
}

/** The instant the budget runs out if the clock keeps running; null while paused. */
export function dueAt(clock: Clock, cal: BusinessCalendar): Date | null {
  if (!clock.runningSince) return null;
  return add(new Date(clock.runningSince), Math.max(0, clock.budgetMinutes - clock.consumedMinutes), clock.mode, cal);
}

/** The next reminder or escalation this clock owes, or null (paused, or all fired). */
export function nextTimerEvent(clock: Clock, reminders: readonly number[], cal: BusinessCalendar): TimerEvent | null {
  if (!clock.runningSince) return null;
  const since = new Date(clock.runningSince);
  if (clock.remindersFired < reminders.length) {
    const fraction = reminders[clock.remindersFired]!;
    const target = fraction * clock.budgetMinutes - clock.consumedMinutes;
    // A reminder whose moment passed while paused or extended is still sent once, now.
    return { kind: 'reminder', at: add(since, Math.max(0, target), clock.mode, cal), fraction };
  }
  if (clock.escalations >= 3) return null;
  const due = add(since, Math.max(0, clock.budgetMinutes - clock.consumedMinutes), clock.mode, cal);
  const at = clock.escalations === 0 ? due : add(due, clock.escalations * clock.repeatMinutes, clock.mode, cal);
  return { kind: 'escalation', at, level: clock.escalations + 1 };
}
