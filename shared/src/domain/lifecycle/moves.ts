/**
 * The case lifecycle's moves, once: for each move its name (the Temporal Update
 * and, unless noted, the operationId), its route, the statuses it is allowed
 * from, who may make it, its arguments, the status it leads to, its event and
 * timeline step, whether residents see that step, and what it does to the
 * deadline clock. The workflow's validators, the HTTP routes and OpenAPI, the
 * console's buttons and forms, and the residents' steps are all derived from
 * this table; the checks are pure functions of (state, actor, args).
 *
 * Plain values only (no schema library): the console imports this at run time.
 * Argument schemas for the API are derived in ./schemas, effects in ./effects.
 */
import {
  FOLLOW_UP_METHODS, REJECT_REASON_CODES, RESIDENT_FOLLOW_UP_METHOD, RETURN_REASON_CODES, SATISFACTIONS,
  type CaseStatus, type Satisfaction,
} from '../vocabulary';
import { MANAGER_ROLES, staffRoleFor } from '../access';
import type { CadreRole } from '../directory';
import { isTerminal, StatusGroup, type Phase } from './statuses';

// ---------------------------------------------------------------- arguments

/** One argument of a move. `T` is its type once valid; `R` whether it must be given. */
export type Field<T = unknown, R extends boolean = boolean> = (
  | { kind: 'text'; max: number; multiline: boolean }
  | { kind: 'enum'; options: readonly string[]; optionGroup: string }
  | { kind: 'staff' }
  | { kind: 'case' }
  | { kind: 'minutes'; max: number }
  | { kind: 'approve' }
) & {
  required: R;
  /** shown and sent only when another field has this value */
  when?: { field: string; equals: string };
  /** what a form starts with */
  initial?: string | number | boolean;
  readonly _type?: T;
};

const text = (max = 2000, multiline = true): Field<string, true> => ({ kind: 'text', max, multiline, required: true });
const optionalText = (max = 2000): Field<string, false> => ({ kind: 'text', max, multiline: true, required: false });
const oneOf = <T extends string>(options: readonly T[], optionGroup: string): Field<T, true> => ({ kind: 'enum', options, optionGroup, required: true });

export type Fields = Record<string, Field>;
type Req<F extends Fields> = { [K in keyof F as F[K] extends Field<unknown, true> ? K : never]: F[K] extends Field<infer T> ? T : never };
type Opt<F extends Fields> = { [K in keyof F as F[K] extends Field<unknown, true> ? never : K]?: F[K] extends Field<infer T> ? T : never };
/** The arguments a move's fields describe. */
export type ArgsOf<F extends Fields> = Req<F> & Opt<F>;

// ---------------------------------------------------------------- actors

/** Who acts: a roster staff member (role = roster role), or the resident on the tracking page. */
export interface Actor {
  code: string;
  role: CadreRole | 'resident' | string;
}
export const RESIDENT_ACTOR: Actor = { code: 'resident', role: 'resident' };

/** Managers of cases are the staff roles that manage others' work (access.ts), as roster roles. */
export const isCaseManager = (a: Actor): boolean => a.role !== 'resident' && MANAGER_ROLES.includes(staffRoleFor(a.role as CadreRole));
/** Intake: hall staff, or a manager. */
export const isIntake = (a: Actor): boolean => a.role === 'hall_staff' || isCaseManager(a);

/** Who may make a move. */
export const Who = {
  /** the cadre the case is assigned to */
  assignee: 'assignee',
  /** the department head, area leader or township leadership over this case */
  managerInChain: 'managerInChain',
  /** hall staff, or a manager */
  intake: 'intake',
  /** anyone but the cadre who handled it (callbacks are independent) */
  notHandler: 'notHandler',
} as const;
export type Who = (typeof Who)[keyof typeof Who];

// ---------------------------------------------------------------- state and rejections

/** What the checks read of a case: the workflow's state, or the console's view of the case. */
export interface MoveState {
  caseId: string;
  status: CaseStatus;
  /** the intake step has committed the case to the read model */
  recorded: boolean;
  assigneeCode: string | null;
  escalation: { departmentHead: string | null; areaLeader: string | null; township: string | null } | null;
  returnsCount: number;
  maxReturns: number;
  pendingReturn: { byCode: string } | null;
  pendingExtension: { requestedBy: string } | null;
  satisfaction: Satisfaction | null;
  /** when the running clock runs out; null without a clock or while it is paused */
  dueAt: string | null;
}

export const RejectionKind = { notAllowed: 'notAllowed', forbidden: 'forbidden', invalid: 'invalid' } as const;
export type RejectionKind = (typeof RejectionKind)[keyof typeof RejectionKind];
/** Why a move is refused: a kind (409 / 403 / 400), a stable code with parameters, and a sentence. */
export interface Rejection {
  kind: RejectionKind;
  code: string;
  params?: Record<string, string | number>;
  message: string;
}
const notAllowed = (code: string, message: string, params?: Rejection['params']): Rejection => ({ kind: 'notAllowed', code, message, params });
const forbidden = (code: string, message: string, params?: Rejection['params']): Rejection => ({ kind: 'forbidden', code, message, params });
const invalid = (code: string, message: string, params?: Rejection['params']): Rejection => ({ kind: 'invalid', code, message, params });

// ---------------------------------------------------------------- the table

export type ClockEffect =
  | { op: 'start'; phase: Phase }
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'stop' }
  /** an approved extension adds time to the running clock */
  | { op: 'extend' };

export interface MoveDef<F extends Fields = Fields> {
  /** the Temporal Update's name */
  name: string;
  /** the OpenAPI operationId (= name unless it reads better otherwise) */
  operationId: string;
  /** POST /api/v1/cases/{id}/<path> */
  path: string;
  summary: string;
  from: readonly CaseStatus[];
  who: Who;
  fields: F;
  /** the status after the move; null: unchanged */
  to: CaseStatus | null;
  /** timeline step kind; the event type is `org.minqing.case.<step>.v1` */
  step: string;
  /** the residents' tracking page shows this step */
  public: boolean;
  /** what the move does to the deadline clock; `when` limits it to some arguments */
  clock: (ClockEffect & { when?: { field: string; equals: string | boolean } }) | null;
  /** the console shows it as a destructive action */
  danger?: boolean;
  /** preconditions on the case and the actor beyond status and role */
  guard?(s: MoveState, actor: Actor, now: Date): Rejection | null;
  /** checks across the arguments and the case, after each field is valid */
  argGuard?(args: ArgsOf<F>, s: MoveState, actor: Actor): Rejection | null;
}

const move = <F extends Fields>(d: Omit<MoveDef<F>, 'operationId'> & { operationId?: string }): MoveDef<F> => ({ ...d, operationId: d.operationId ?? d.name });

const UNANSWERED = StatusGroup.unanswered;
const OPEN = StatusGroup.open;

export const MOVES = {
  acceptCase: move({
    name: 'acceptCase', path: 'accept', summary: 'Sign for the case (签收) — the assignee',
    from: ['assigned'], who: 'assignee', fields: {}, to: 'accepted', step: 'accepted', public: true,
    clock: { op: 'start', phase: 'resolve' },
  }),
  returnCase: move({
    name: 'returnCase', path: 'return', summary: 'Return the case (退单) with a reason code — the assignee; reviewed, capped',
    from: ['assigned'], who: 'assignee', fields: { reasonCode: oneOf(RETURN_REASON_CODES, 'returnReason'), note: text() },
    to: 'returned', step: 'returned', public: false, clock: null,
    guard: (s) => s.returnsCount >= s.maxReturns
      ? notAllowed('return_cap', `this case was already returned ${s.returnsCount} times (cap ${s.maxReturns}); ask your department head to reassign it`, { count: s.returnsCount, cap: s.maxReturns })
      : null,
  }),
  reviewReturn: move({
    name: 'reviewReturn', path: 'return-review', summary: 'Review a return: reroute to someone else or force the dispatch — a manager',
    from: ['returned'], who: 'managerInChain',
    fields: {
      decision: oneOf(['reroute', 'force_dispatch'] as const, 'decision'),
      assigneeCode: { kind: 'staff', required: false, when: { field: 'decision', equals: 'reroute' } } as Field<string, false>,
      note: text(),
    },
    to: 'assigned', step: 'return_reviewed', public: false,
    clock: { op: 'start', phase: 'sign_for', when: { field: 'decision', equals: 'reroute' } },
    argGuard: (a, s) => a.decision === 'reroute' && (!a.assigneeCode || a.assigneeCode === s.pendingReturn?.byCode)
      ? invalid('reroute_needs_other', 'reroute needs assigneeCode: someone other than who returned it')
      : null,
  }),
  reassignCase: move({
    name: 'reassignCase', path: 'reassign', summary: 'Reassign the case — a manager',
    from: ['assigned', 'returned', 'accepted', 'in_progress'], who: 'managerInChain',
    fields: { assigneeCode: { kind: 'staff', required: true } as Field<string, true>, note: text() },
    to: 'assigned', step: 'reassigned', public: false, clock: { op: 'start', phase: 'sign_for' },
    argGuard: (a, s) => a.assigneeCode === s.assigneeCode ? notAllowed('already_assigned', 'the case is already assigned to that person') : null,
  }),
  startWork: move({
    name: 'startWork', path: 'start', summary: 'Start work — the assignee',
    from: ['accepted'], who: 'assignee', fields: {}, to: 'in_progress', step: 'work_started', public: true, clock: null,
  }),
  waitOnResident: move({
    name: 'waitOnResident', path: 'wait-on-resident', summary: 'Wait on the resident; the resolution clock pauses — the assignee',
    from: ['accepted', 'in_progress'], who: 'assignee', fields: { note: text() },
    to: 'waiting_on_resident', step: 'waiting_on_resident', public: true, clock: { op: 'pause' },
  }),
  resumeFromResident: move({
    name: 'resumeFromResident', operationId: 'resumeCase', path: 'resume', summary: 'The resident answered; the clock resumes — the assignee',
    from: ['waiting_on_resident'], who: 'assignee', fields: { note: optionalText() },
    to: 'in_progress', step: 'resumed', public: true, clock: { op: 'resume' },
  }),
  forwardUpstream: move({
    name: 'forwardUpstream', path: 'forward-upstream', summary: 'Forward a proxy matter (代办) to a higher authority; the clock pauses — the assignee',
    from: ['accepted', 'in_progress'], who: 'assignee', fields: { authority: text(200, false), note: text() },
    to: 'forwarded_upstream', step: 'forwarded_upstream', public: true, clock: { op: 'pause' },
  }),
  upstreamAnswered: move({
    name: 'upstreamAnswered', path: 'upstream-answer', summary: 'The higher authority answered — the assignee',
    from: ['forwarded_upstream'], who: 'assignee', fields: { outcome: text(200, false), note: optionalText() },
    to: 'in_progress', step: 'upstream_answered', public: true, clock: { op: 'resume' },
  }),
  resolveCase: move({
    name: 'resolveCase', path: 'resolve', summary: 'Resolve with a reply to the resident (答复) — the assignee',
    from: ['accepted', 'in_progress'], who: 'assignee', fields: { reply: text(5000) },
    to: 'resolved', step: 'resolved', public: true, clock: { op: 'start', phase: 'follow_up' },
  }),
  recordFollowUp: move({
    name: 'recordFollowUp', path: 'follow-up', summary: 'Record the follow-up (回访) and satisfaction — not the assignee',
    from: ['resolved'], who: 'notHandler',
    fields: {
      satisfaction: oneOf(SATISFACTIONS, 'satisfaction'),
      method: { ...oneOf(FOLLOW_UP_METHODS, 'method'), initial: 'call' },
      note: optionalText(),
    },
    to: 'followed_up', step: 'follow_up_recorded', public: true, clock: { op: 'stop' },
  }),
  reopenCase: move({
    name: 'reopenCase', path: 'reopen', summary: 'Reopen after a dissatisfied follow-up — hall staff or a manager',
    from: ['followed_up'], who: 'intake', fields: { reason: text() },
    to: 'in_progress', step: 'reopened', public: true, clock: { op: 'start', phase: 'resolve' },
    guard: (s) => s.satisfaction !== 'dissatisfied' ? notAllowed('reopen_needs_dissatisfied', 'only a case whose resident was dissatisfied can be reopened') : null,
  }),
  mergeCase: move({
    name: 'mergeCase', path: 'merge', summary: 'Merge this duplicate into another case — hall staff or a manager',
    from: UNANSWERED.filter((s) => s !== 'forwarded_upstream'), who: 'intake',
    fields: { intoCaseId: { kind: 'case', required: true } as Field<string, true>, note: text() },
    to: 'merged', step: 'merged', public: true, clock: { op: 'stop' }, danger: true,
    argGuard: (a, s) => a.intoCaseId === s.caseId ? invalid('merge_into_self', 'a case cannot be merged into itself') : null,
  }),
  withdrawCase: move({
    name: 'withdrawCase', path: 'withdraw', summary: "Withdraw at the resident's request — hall staff or a manager",
    from: UNANSWERED, who: 'intake', fields: { reason: text() },
    to: 'withdrawn', step: 'withdrawn', public: true, clock: { op: 'stop' }, danger: true,
  }),
  rejectCase: move({
    name: 'rejectCase', path: 'reject', summary: 'Reject as out of scope with a reason — a manager',
    from: ['submitted', 'assigned', 'returned'], who: 'managerInChain',
    fields: { reasonCode: oneOf(REJECT_REASON_CODES, 'rejectReason'), note: text() },
    to: 'rejected', step: 'rejected', public: true, clock: { op: 'stop' }, danger: true,
  }),
  closeCase: move({
    name: 'closeCase', path: 'close', summary: 'Close after the follow-up (办结) — hall staff or a manager',
    from: ['followed_up'], who: 'intake', fields: { note: optionalText() },
    to: 'closed', step: 'closed', public: true, clock: null,
    guard: (s, a) => s.satisfaction === 'dissatisfied' && !isCaseManager(a)
      ? forbidden('dissatisfied_close_by_manager', 'a case whose resident was dissatisfied is reopened, or closed by a manager')
      : null,
  }),
  requestExtension: move({
    name: 'requestExtension', path: 'extensions', summary: 'Ask, before the deadline, for more time — the assignee',
    from: ['assigned', 'accepted', 'in_progress'], who: 'assignee',
    fields: { minutes: { kind: 'minutes', max: 60 * 24 * 30, required: true, initial: 480 } as Field<number, true>, reason: text() },
    to: null, step: 'extension_requested', public: false, clock: null,
    guard: (s, _a, now) => {
      if (s.pendingExtension) return notAllowed('extension_pending', 'an extension request is already waiting for a decision');
      // Extensions are asked for before the deadline, not after it.
      if (!s.dueAt || now.getTime() >= Date.parse(s.dueAt)) return notAllowed('extension_after_deadline', 'extensions must be requested before the deadline');
      return null;
    },
  }),
  decideExtension: move({
    name: 'decideExtension', path: 'extensions/decision', summary: 'Approve or refuse an extension — the next level',
    from: OPEN, who: 'managerInChain', fields: { approve: { kind: 'approve', required: true, initial: true } as Field<boolean, true>, note: text() },
    to: null, step: 'extension_decided', public: false, clock: { op: 'extend', when: { field: 'approve', equals: true } },
    guard: (s, a) => {
      if (!s.pendingExtension) return notAllowed('no_extension_pending', 'no extension request is waiting');
      if (a.code === s.pendingExtension.requestedBy) return forbidden('extension_self_decision', 'an extension is decided by the next level, not by who asked for it');
      return null;
    },
  }),
  superviseCase: move({
    name: 'superviseCase', path: 'supervise', summary: 'Add a supervision note (督办) — a manager',
    from: OPEN, who: 'managerInChain', fields: { note: text() }, to: null, step: 'supervised', public: false, clock: null,
  }),
} as const satisfies Record<string, MoveDef<any>>;

export type MoveName = keyof typeof MOVES;
export const MOVE_NAMES = Object.keys(MOVES) as MoveName[];
export const MOVE_LIST: readonly MoveDef[] = Object.values(MOVES) as MoveDef[];
/** The arguments of a move, without the actor. */
export type MoveArgs<K extends MoveName> = ArgsOf<(typeof MOVES)[K]['fields']>;

/** Steps the workflow records on its own, before and between moves. */
export const SYSTEM_STEPS = {
  opened: { public: true },
  routed: { public: true },
  reminder: { public: false },
  escalated: { public: false },
} as const;

/** Timeline steps a resident sees on the tracking page, in no particular order. */
export const PUBLIC_STEPS: readonly string[] = [
  ...Object.entries(SYSTEM_STEPS).filter(([, v]) => v.public).map(([k]) => k),
  ...MOVE_LIST.filter((m) => m.public).map((m) => m.step),
];

/** The CloudEvents type of a lifecycle step. */
export const eventTypeOf = <S extends string>(step: S) => `org.minqing.case.${step}.v1` as const;

// ---------------------------------------------------------------- the checks

function whoRejection(who: Who, s: MoveState, a: Actor): Rejection | null {
  switch (who) {
    case 'assignee':
      return s.assigneeCode && a.code === s.assigneeCode ? null
        : forbidden('only_assignee', `only the assignee (${s.assigneeCode ?? 'none yet'}) may do this`, { assignee: s.assigneeCode ?? '' });
    case 'managerInChain': {
      const c = s.escalation;
      const inChain = a.role === 'township_leader' || (!!c && (a.code === c.departmentHead || a.code === c.areaLeader || a.code === c.township));
      return isCaseManager(a) && inChain ? null
        : forbidden('only_manager_in_chain', 'only the department head, the area leader or the township leadership over this case may do this');
    }
    case 'intake':
      return isIntake(a) ? null : forbidden('only_intake', 'only hall staff or a manager may do this');
    case 'notHandler':
      return a.code !== s.assigneeCode ? null : forbidden('not_the_handler', 'the follow-up must be made by someone other than the cadre who handled the case');
  }
}

/**
 * Whether `actor` may make `move` on the case now, whatever the arguments:
 * the status, the role, the case's own preconditions. Null when allowed.
 */
export function moveRejection(move: MoveDef, s: MoveState, actor: Actor, now: Date): Rejection | null {
  if (!actor || typeof actor.code !== 'string' || typeof actor.role !== 'string') return invalid('actor_required', 'actor {code, role} is required');
  if (isTerminal(s.status)) return notAllowed('case_finished', `the case is ${s.status}`, { status: s.status });
  if (!s.recorded && s.status === 'submitted') return notAllowed('still_registering', 'the case is still being registered; try again in a moment');
  if (!move.from.includes(s.status)) {
    return notAllowed('wrong_status', `not allowed while the case is ${s.status} (allowed from: ${move.from.join(', ')})`, { status: s.status });
  }
  return whoRejection(move.who, s, actor) ?? move.guard?.(s, actor, now) ?? null;
}

function fieldRejection(name: string, f: Field, value: unknown, actor: Actor): Rejection | null {
  const bad = (message: string) => invalid('invalid_argument', `${name} ${message}`, { field: name });
  if (value === undefined || value === null) return f.required ? bad('is required') : null;
  switch (f.kind) {
    case 'text':
      if (typeof value !== 'string' || value.length > f.max) return bad(`must be a text of at most ${f.max} characters`);
      if (f.required && value.trim().length === 0) return bad(`must be a non-empty text of at most ${f.max} characters`);
      return null;
    case 'enum': {
      // The resident's own rating on the tracking page is the one follow-up made online.
      const options = name === 'method' && actor.role === 'resident' ? [RESIDENT_FOLLOW_UP_METHOD] : f.options;
      return typeof value === 'string' && options.includes(value) ? null : bad(`must be one of ${options.join(', ')}`);
    }
    case 'staff':
      return typeof value === 'string' && value.length > 0 && value.length <= 64 ? null : bad('must be a staff code');
    case 'case':
      return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? null : bad('must be a case id');
    case 'minutes':
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= f.max ? null : bad(`must be a whole number from 1 to ${f.max}`);
    case 'approve':
      return typeof value === 'boolean' ? null : bad('must be true or false');
  }
}

/** Whether the arguments are acceptable for this move on this case. Null when they are. */
export function argsRejection(move: MoveDef, args: Record<string, unknown>, s: MoveState, actor: Actor): Rejection | null {
  if (!args || typeof args !== 'object') return invalid('invalid_argument', 'arguments must be an object');
  for (const [name, f] of Object.entries(move.fields)) {
    if (f.when && args[f.when.field] !== f.when.equals) continue;
    const r = fieldRejection(name, f, args[name], actor);
    if (r) return r;
  }
  return move.argGuard?.(args as never, s, actor) ?? null;
}

/** The full check the workflow's validator makes. */
export function checkMove(move: MoveDef, s: MoveState, actor: Actor, args: Record<string, unknown>, now: Date): Rejection | null {
  return moveRejection(move, s, actor, now) ?? argsRejection(move, args, s, actor);
}

/** The moves `actor` may make on the case now, in table order. */
export function allowedMoves(s: MoveState, actor: Actor, now: Date): MoveName[] {
  return MOVE_NAMES.filter((n) => moveRejection(MOVES[n], s, actor, now) === null);
}
