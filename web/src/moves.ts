/**
 * The case moves as the console shows them: buttons and forms derived from the
 * lifecycle table in shared/ (its fields, their kinds and defaults). Which moves
 * a user may make on a case comes from the server (`case.moves`), computed by
 * the same rules the workflow enforces; this module only draws them.
 */
import { MOVES, type Field, type MoveName } from '@minqing/shared/lifecycle';

export { MOVES, type Field, type MoveName };

/** The console's id of a move: its route path, for test ids and i18n keys (`move.<id>`). */
export const moveId = (name: MoveName): string => MOVES[name].path.replace(/\//g, '-');

export const isMoveName = (name: string): name is MoveName => Object.hasOwn(MOVES, name);

export type FormValues = Record<string, string>;

/** A move's form fields, in order. */
export const fieldsOf = (name: MoveName): [string, Field][] => Object.entries(MOVES[name].fields) as [string, Field][];

/** Whether a field is shown (and sent) for the current values. */
export const fieldShown = (f: Field, values: FormValues): boolean => !f.when || values[f.when.field] === String(f.when.equals);

export function initialValues(name: MoveName): FormValues {
  return Object.fromEntries(fieldsOf(name).map(([k, f]) => [k, f.initial === undefined ? '' : String(f.initial)]));
}

/** Turns form values into the move's JSON body; an optional field left empty is not sent. */
export function moveBody(name: MoveName, values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [k, f] of fieldsOf(name)) {
    if (!fieldShown(f, values)) continue;
    const v = values[k] ?? '';
    if (!f.required && v === '') continue;
    body[k] = f.kind === 'minutes' ? Number(v) : f.kind === 'approve' ? v === 'true' : v;
  }
  return body;
}
