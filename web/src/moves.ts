/**
 * The case moves as the console shows them: buttons and forms derived from the
 * lifecycle table in shared/ (its fields, their kinds and defaults). Which moves
 * a user may make on a case comes from the server (`case.moves`), computed by
 * the same rules the workflow enforces; this module only draws them.
 */
import { useEffect, useState } from 'react';
import { MOVES, type Field, type MoveName } from '@minqing/shared/lifecycle';
import { DEFAULT_CALENDAR, workingMinutesPerDay, type BusinessCalendar } from '@minqing/shared/calendar';
import { api } from './api';

export { MOVES, type Field, type MoveName };

/** The console's id of a move: its route path, for test ids and i18n keys (`move.<id>`). */
export const moveId = (name: MoveName): string => MOVES[name].path.replace(/\//g, '-');

export const isMoveName = (name: string): name is MoveName => Object.hasOwn(MOVES, name);

export type FormValues = Record<string, string>;

/** A move's form fields, in order. */
export const fieldsOf = (name: MoveName): [string, Field][] => Object.entries(MOVES[name].fields) as [string, Field][];

/** Whether a field is shown (and sent) for the current values. */
export const fieldShown = (f: Field, values: FormValues): boolean => !f.when || values[f.when.field] === String(f.when.equals);

/**
 * How a `minutes` field (an extension) is asked: in working days for a normal
 * case, whose deadlines run in working time, and in clock hours for an urgent
 * one, whose deadlines run on the clock (shared/src/domain/sla-policy.ts). The
 * move still takes minutes: the console converts at its edge.
 */
export interface DurationUnit {
  unit: 'workingDay' | 'hour';
  /** minutes in one unit */
  minutes: number;
}

export const durationUnitOf = (priority: string, minutesPerWorkingDay: number): DurationUnit =>
  priority === 'urgent' ? { unit: 'hour', minutes: 60 } : { unit: 'workingDay', minutes: minutesPerWorkingDay };

let workingDay: Promise<number> | null = null;
/** Working minutes in a day of the calendar new cases start under (GET /sla-policy), read once. */
export function useMinutesPerWorkingDay(): number {
  const [minutes, setMinutes] = useState(() => workingMinutesPerDay(DEFAULT_CALENDAR));
  useEffect(() => {
    let live = true;
    workingDay ??= api<{ calendar?: BusinessCalendar }>('/sla-policy')
      .then((r) => (r.calendar?.workingHours?.length ? workingMinutesPerDay(r.calendar) : workingMinutesPerDay(DEFAULT_CALENDAR)))
      .catch(() => workingMinutesPerDay(DEFAULT_CALENDAR));
    void workingDay.then((m) => live && setMinutes(m));
    return () => {
      live = false;
    };
  }, []);
  return minutes;
}

/** A form's first values; a duration's default (in minutes) in the form's unit, at least one. */
export function initialValues(name: MoveName, unit?: DurationUnit): FormValues {
  return Object.fromEntries(fieldsOf(name).map(([k, f]) => {
    if (f.initial === undefined) return [k, ''];
    if (f.kind === 'minutes' && unit && typeof f.initial === 'number') return [k, String(Math.max(1, Math.round(f.initial / unit.minutes)))];
    return [k, String(f.initial)];
  }));
}

/** Turns form values into the move's JSON body; an optional field left empty is not sent; a duration goes as minutes. */
export function moveBody(name: MoveName, values: FormValues, unit?: DurationUnit): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, f] of fieldsOf(name)) {
    if (!fieldShown(f, values)) continue;
    const v = values[k] ?? '';
    if (!f.required && v === '') continue;
    body[k] = f.kind === 'minutes' ? Math.round(Number(v) * (unit?.minutes ?? 1)) : f.kind === 'approve' ? v === 'true' : v;
  }
  return body;
}
