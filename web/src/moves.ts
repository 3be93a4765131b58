/**
 * The case moves the console offers: their API path, body fields, and when
 * they make sense for the case's status and the user's role. The server is the
 * judge; this only decides which buttons to show.
 */
import { isManager, REJECT_REASONS, RETURN_REASONS, SATISFACTIONS, FOLLOW_UP_METHODS, TERMINAL_STATUSES, type Me } from './types';

export type FieldKind = 'text' | 'textarea' | 'select' | 'cadre' | 'number' | 'boolean';

export interface MoveField {
  name: string;
  kind: FieldKind;
  /** select options; labels are `${optionGroup}.${value}` */
  options?: readonly string[];
  optionGroup?: string;
  optional?: boolean;
  /** only sent/shown when the predicate holds over the current values */
  when?: (values: Record<string, string>) => boolean;
  defaultValue?: string;
}

export interface MoveSpec {
  path: string;
  fields: MoveField[];
  /** visual weight: the main next step gets the primary style */
  danger?: boolean;
}

const note = (optional = false): MoveField => ({ name: 'note', kind: 'textarea', optional });

export const MOVES: Record<string, MoveSpec> = {
  accept: { path: 'accept', fields: [] },
  return: { path: 'return', fields: [{ name: 'reasonCode', kind: 'select', options: RETURN_REASONS, optionGroup: 'returnReason' }, note()] },
  start: { path: 'start', fields: [] },
  'wait-on-resident': { path: 'wait-on-resident', fields: [note()] },
  resume: { path: 'resume', fields: [note(true)] },
  'forward-upstream': { path: 'forward-upstream', fields: [{ name: 'authority', kind: 'text' }, note()] },
  'upstream-answer': { path: 'upstream-answer', fields: [{ name: 'outcome', kind: 'text' }, note(true)] },
  resolve: { path: 'resolve', fields: [{ name: 'reply', kind: 'textarea' }] },
  'follow-up': {
    path: 'follow-up',
    fields: [
      { name: 'satisfaction', kind: 'select', options: SATISFACTIONS, optionGroup: 'satisfaction' },
      { name: 'method', kind: 'select', options: FOLLOW_UP_METHODS, optionGroup: 'method', defaultValue: 'call' },
      note(true),
    ],
  },
  reopen: { path: 'reopen', fields: [{ name: 'reason', kind: 'textarea' }] },
  close: { path: 'close', fields: [note(true)] },
  withdraw: { path: 'withdraw', fields: [{ name: 'reason', kind: 'textarea' }], danger: true },
  reassign: { path: 'reassign', fields: [{ name: 'assigneeCode', kind: 'cadre' }, note()] },
  'return-review': {
    path: 'return-review',
    fields: [
      { name: 'decision', kind: 'select', options: ['reroute', 'force_dispatch'], optionGroup: 'decision' },
      { name: 'assigneeCode', kind: 'cadre', optional: true, when: (v) => v.decision === 'reroute' },
      note(),
    ],
  },
  extensions: { path: 'extensions', fields: [{ name: 'minutes', kind: 'number', defaultValue: '480' }, { name: 'reason', kind: 'textarea' }] },
  'extensions-decision': { path: 'extensions/decision', fields: [{ name: 'approve', kind: 'boolean', defaultValue: 'true' }, note()] },
  supervise: { path: 'supervise', fields: [note()] },
  reject: { path: 'reject', fields: [{ name: 'reasonCode', kind: 'select', options: REJECT_REASONS, optionGroup: 'rejectReason' }, note()], danger: true },
};

export type MoveId = keyof typeof MOVES;

export interface MoveContext {
  status: string;
  assigneeCode: string | null;
  satisfaction: string | null;
  pendingExtension: boolean;
}

/** The moves worth offering, most likely first. */
export function availableMoves(c: MoveContext, me: Me): string[] {
  const moves: string[] = [];
  const add = (...ids: string[]) => ids.forEach((id) => !moves.includes(id) && moves.push(id));
  const s = c.status;
  if ((TERMINAL_STATUSES as readonly string[]).includes(s)) return moves;
  const assignee = !!me.cadreCode && me.cadreCode === c.assigneeCode;
  const manager = isManager(me.role);

  if (assignee) {
    if (s === 'assigned') add('accept', 'return');
    if (s === 'accepted') add('start');
    if (s === 'accepted' || s === 'in_progress') add('resolve', 'wait-on-resident', 'forward-upstream', 'extensions');
    if (s === 'waiting_on_resident') add('resume');
    if (s === 'forwarded_upstream') add('upstream-answer');
  }
  if (me.role === 'hall_staff' || me.role === 'admin') {
    if (s === 'resolved') add('follow-up', 'close');
    if (s === 'followed_up') add('close');
    if (s === 'followed_up' && c.satisfaction === 'dissatisfied') add('reopen');
    add('withdraw');
  }
  if (manager) {
    if (c.pendingExtension) add('extensions-decision');
    if (s === 'returned') add('return-review');
    if (s === 'resolved' || s === 'followed_up') add('close');
    if (s === 'followed_up' && c.satisfaction === 'dissatisfied') add('reopen');
    add('reassign', 'supervise');
    if (s === 'submitted' || s === 'assigned' || s === 'returned') add('reject');
  }
  return moves;
}

/** Turns form values into the move's JSON body. */
export function moveBody(spec: MoveSpec, values: Record<string, string>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const f of spec.fields) {
    if (f.when && !f.when(values)) continue;
    const v = values[f.name] ?? f.defaultValue ?? '';
    if (f.kind === 'number') body[f.name] = Number(v);
    else if (f.kind === 'boolean') body[f.name] = v === 'true';
    else if (f.optional && v === '' && f.name !== 'note') continue;
    else body[f.name] = v;
  }
  return body;
}
