/**
 * What each case status means, once. Every list of statuses anywhere else (SQL
 * filters, the console, the residents' page, reporting) is one of the groups
 * derived here, never a hand-written copy. Plain values only: the console
 * imports this module at run time.
 */
import { CASE_STATUSES, type CaseStatus } from '../vocabulary';

/** The deadline clocks a case runs, one at a time. */
export const PHASES = ['sign_for', 'resolve', 'follow_up'] as const;
export type Phase = (typeof PHASES)[number];

export interface StatusMeaning {
  /** nothing more happens: the workflow has ended */
  terminal: boolean;
  /** the resident has had the reply (答复) */
  answered: boolean;
  /** on the assignee's own task list (签收, work in hand) */
  assigneeWork: boolean;
  /** the deadline clock that may run in this status (null: none) */
  clock: Phase | null;
  /** the running clock stands still (waiting on the resident or an upstream authority) */
  paused: boolean;
}

const m = (terminal: boolean, answered: boolean, assigneeWork: boolean, clock: Phase | null, paused = false): StatusMeaning => ({
  terminal, answered, assigneeWork, clock, paused,
});

export const STATUS_MEANING: Record<CaseStatus, StatusMeaning> = {
  submitted: m(false, false, false, null),
  assigned: m(false, false, true, 'sign_for'),
  returned: m(false, false, false, 'sign_for'),
  accepted: m(false, false, true, 'resolve'),
  in_progress: m(false, false, true, 'resolve'),
  waiting_on_resident: m(false, false, true, 'resolve', true),
  forwarded_upstream: m(false, false, true, 'resolve', true),
  resolved: m(false, true, false, 'follow_up'),
  followed_up: m(false, true, false, null),
  closed: m(true, true, false, null),
  withdrawn: m(true, false, false, null),
  rejected: m(true, false, false, null),
  merged: m(true, false, false, null),
};

const where = (p: (s: StatusMeaning) => boolean): readonly CaseStatus[] => CASE_STATUSES.filter((s) => p(STATUS_MEANING[s]));

/** The status groups; SQL takes them as `status = ANY($n)`. */
export const StatusGroup = {
  /** the workflow has ended */
  terminal: where((s) => s.terminal),
  /** still running */
  open: where((s) => !s.terminal),
  /** open and not yet answered: counts toward a cadre's load; may still be withdrawn */
  unanswered: where((s) => !s.terminal && !s.answered),
  /** the assignee's task list */
  assigneeWork: where((s) => s.assigneeWork),
  /** a deadline clock may run: the escalation queues */
  clocked: where((s) => s.clock !== null),
  /** the reply may be shown to the resident */
  replied: where((s) => s.answered),
  /** ended without an answer to the resident (withdrawn, rejected, merged) */
  endedUnanswered: where((s) => s.terminal && !s.answered),
  /** nothing more is owed to the resident: answered or ended */
  settled: where((s) => s.answered || s.terminal),
} as const;
export type StatusGroupName = keyof typeof StatusGroup;

export const TERMINAL_STATUSES = StatusGroup.terminal;
export const isTerminal = (status: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(status);
export const inGroup = (group: StatusGroupName, status: string): boolean => (StatusGroup[group] as readonly string[]).includes(status);
