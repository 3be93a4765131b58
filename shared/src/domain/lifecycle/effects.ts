/**
 * What each move does to a case, as pure functions over a draft of the
 * workflow's state: the generic part (status, clock) comes from the move
 * table; the rest (counters, who is assigned, the event's own fields, the
 * read-model columns) is one small function per move below. The workflow only
 * calls `applyMove`, records the outcome and schedules timers.
 */
import { ruleFor, type SlaPolicy } from '../sla';
import type { BusinessCalendar } from '../calendar';
import type { RoutingDecision } from '../directory';
import { factsFor, reattribute, type AssigneeFacts } from '../attribution';
import type { CaseWorkflowInput } from '../case';
import type { LifecycleEventType } from '../../events/lifecycle';
import * as clocks from './clock';
import { eventTypeOf, MOVES, type Actor, type MoveArgs, type MoveName, type MoveState } from './moves';
import type { CaseWorkflowState, Notification, ReadModelPatch, TransitionRecord } from './state';
import type { Phase } from './statuses';

/** The workflow's whole state: the case, its running clock and when that clock was paused. */
export interface CaseDraft {
  s: CaseWorkflowState;
  clock: clocks.Clock | null;
  /** when the running clock was paused (waiting on the resident or upstream) */
  pausedAt: string | null;
}

export interface LifecycleEnv {
  policy: SlaPolicy;
  cal: BusinessCalendar;
}

/** What a step asks the workflow to write and tell. */
export interface StepOutcome {
  kind: string;
  eventType: LifecycleEventType;
  actor: Actor | null;
  /** the event's own fields, on top of the base every lifecycle event carries */
  event: Record<string, unknown>;
  /** read-model columns beyond those every step writes */
  readModel: ReadModelPatch;
  notify: Omit<Notification, 'caseId'> | null;
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const dueOf = (d: CaseDraft, env: LifecycleEnv) => (d.clock ? clocks.dueAt(d.clock, env.cal) : null);

export function escalationTarget(d: CaseDraft, level: number): string | null {
  const chain = d.s.routing?.escalation;
  if (!chain) return null;
  return level === 1 ? chain.departmentHead : level === 2 ? chain.areaLeader : chain.township;
}

/** A case as its workflow starts: submitted, not yet recorded nor routed. */
export function initialDraft(input: CaseWorkflowInput, policy: SlaPolicy): CaseDraft {
  const r = input.request;
  return {
    clock: null,
    pausedAt: null,
    s: {
      caseId: input.caseId,
      trackingCode: input.trackingCode,
      status: 'submitted',
      recorded: false,
      requestHash: input.requestHash,
      openedAt: input.openedAt,
      category: r.category,
      priority: r.priority,
      channel: r.channel,
      servicePointCode: r.servicePointCode ?? null,
      title: r.title,
      description: r.description,
      villageCode: r.villageCode ?? null,
      householdCode: r.householdCode ?? null,
      seq: 1,
      routing: null,
      assigneeCode: null,
      escalationLevel: 0,
      clock: null,
      slaPolicyVersion: policy.version,
      returnsCount: 0,
      pendingReturn: null,
      pendingExtension: null,
      satisfaction: null,
      reopenCount: 0,
      mergedInto: null,
      lastMoveAt: input.openedAt,
    },
  };
}

/** What the checks of ./moves read, from the workflow's state. */
export function moveStateOf(d: CaseDraft, env: LifecycleEnv): MoveState {
  const s = d.s;
  return {
    caseId: s.caseId,
    status: s.status,
    recorded: s.recorded,
    assigneeCode: s.assigneeCode,
    escalation: s.routing?.escalation ?? null,
    returnsCount: s.returnsCount,
    maxReturns: env.policy.maxReturns,
    pendingReturn: s.pendingReturn,
    pendingExtension: s.pendingExtension,
    satisfaction: s.satisfaction,
    dueAt: iso(dueOf(d, env)),
  };
}

/** The state a query or a move answers with. */
export function viewOf(d: CaseDraft, env: LifecycleEnv): CaseWorkflowState {
  const c = d.clock;
  return { ...d.s, clock: c ? { phase: c.phase, dueAt: iso(dueOf(d, env)), paused: !c.runningSince, startedAt: c.startedAt } : null };
}

function startPhase(d: CaseDraft, phase: Phase, at: Date, env: LifecycleEnv): void {
  const rule = ruleFor(env.policy, d.s.category, d.s.priority);
  const budget = phase === 'sign_for' ? rule.signFor : phase === 'resolve' ? rule.resolve : rule.followUp;
  const repeat = d.s.priority === 'urgent' ? env.policy.escalationRepeat.urgent : env.policy.escalationRepeat.normal;
  d.clock = clocks.startClock(phase, budget, repeat.minutes, at);
  d.s.escalationLevel = 0;
}

interface MoveCtx {
  at: Date;
  env: LifecycleEnv;
  actor: Actor;
  /** the clock's deadline before the move */
  dueBefore: Date | null;
  /** business (or clock) minutes of the budget used before the move */
  consumedBefore: number;
  /** minutes the clock stood still, when this move resumed it */
  pausedMinutes: number;
  /** the directory's facts about the cadre the move gives the case to, when the caller read them */
  assignee: AssigneeFacts | undefined;
}

type Specific<K extends MoveName> = (d: CaseDraft, a: MoveArgs<K>, c: MoveCtx) => Omit<StepOutcome, 'kind' | 'eventType' | 'actor'> | void;

const assignedNotice = (d: CaseDraft) => ({ toCode: d.s.assigneeCode, kind: 'assigned' as const, message: `case ${d.s.trackingCode} assigned to you` });
const onTime = (c: MoveCtx) => (c.dueBefore ? c.at.getTime() <= c.dueBefore.getTime() : true);

/**
 * The case is now handled by `code`: its department and level-1 escalation follow them
 * (../attribution). Without their facts (histories recorded before the rule) it stays put.
 */
function handOver(d: CaseDraft, code: string, c: MoveCtx): void {
  d.s.assigneeCode = code;
  const facts = factsFor(c.assignee, code);
  if (facts && d.s.routing) d.s.routing = reattribute(d.s.routing, facts);
}

/** The part of each move that is its own. */
const SPECIFIC: { [K in MoveName]: Specific<K> } = {
  acceptCase: (_d, _a, c) => ({
    event: { dueAt: iso(c.dueBefore), onTime: onTime(c), businessMinutesToAccept: Math.round(c.consumedBefore) },
    readModel: { acceptedAt: c.at.toISOString() },
    notify: null,
  }),
  returnCase: (d, a, c) => {
    d.s.returnsCount += 1;
    d.s.pendingReturn = { byCode: c.actor.code, reasonCode: a.reasonCode, note: a.note };
    return {
      event: { reasonCode: a.reasonCode, note: a.note, returnsCount: d.s.returnsCount },
      readModel: {},
      notify: { toCode: escalationTarget(d, 1), kind: 'return_review', message: `case ${d.s.trackingCode} returned (${a.reasonCode}): review it` },
    };
  },
  reviewReturn: (d, a, c) => {
    const previous = d.s.assigneeCode;
    if (a.decision === 'reroute') handOver(d, a.assigneeCode!, c);
    d.s.pendingReturn = null;
    return { event: { decision: a.decision, note: a.note }, readModel: {}, notify: d.s.assigneeCode !== previous ? assignedNotice(d) : null };
  },
  reassignCase: (d, a, c) => {
    const from = d.s.assigneeCode;
    handOver(d, a.assigneeCode, c);
    d.s.pendingReturn = null;
    d.s.pendingExtension = null;
    return { event: { fromAssigneeCode: from, note: a.note }, readModel: {}, notify: assignedNotice(d) };
  },
  startWork: () => undefined,
  waitOnResident: (_d, a) => ({ event: { note: a.note }, readModel: {}, notify: null }),
  resumeFromResident: (_d, a, c) => ({ event: { note: a.note ?? '', pausedBusinessMinutes: c.pausedMinutes }, readModel: {}, notify: null }),
  forwardUpstream: (_d, a) => ({ event: { authority: a.authority, note: a.note }, readModel: {}, notify: null }),
  upstreamAnswered: (_d, a, c) => ({ event: { outcome: a.outcome, note: a.note ?? '', pausedBusinessMinutes: c.pausedMinutes }, readModel: {}, notify: null }),
  resolveCase: (d, a, c) => {
    d.s.pendingExtension = null;
    return {
      event: { dueAt: iso(c.dueBefore), onTime: onTime(c), businessMinutesToResolve: Math.round(c.consumedBefore), reopenCount: d.s.reopenCount },
      readModel: { resolvedAt: c.at.toISOString(), resolutionReply: a.reply },
      notify: null,
    };
  },
  recordFollowUp: (d, a, c) => {
    d.s.satisfaction = a.satisfaction;
    d.s.escalationLevel = 0;
    return {
      event: { satisfaction: a.satisfaction, method: a.method, onTime: onTime(c) },
      readModel: { followedUpAt: c.at.toISOString(), satisfaction: a.satisfaction },
      notify: null,
    };
  },
  reopenCase: (d, a) => {
    d.s.reopenCount += 1;
    d.s.satisfaction = null;
    return { event: { reason: a.reason, reopenCount: d.s.reopenCount }, readModel: { satisfaction: null, resolvedAt: null, followedUpAt: null }, notify: null };
  },
  mergeCase: (d, a, c) => {
    d.s.mergedInto = a.intoCaseId;
    return { event: { intoCaseId: a.intoCaseId, note: a.note }, readModel: { mergedInto: a.intoCaseId, closedAt: c.at.toISOString() }, notify: null };
  },
  withdrawCase: (_d, a, c) => ({ event: { reason: a.reason }, readModel: { closedAt: c.at.toISOString() }, notify: null }),
  rejectCase: (_d, a, c) => ({ event: { reasonCode: a.reasonCode, note: a.note }, readModel: { closedAt: c.at.toISOString() }, notify: null }),
  closeCase: (d, _a, c) => ({ event: { satisfaction: d.s.satisfaction }, readModel: { closedAt: c.at.toISOString() }, notify: null }),
  requestExtension: (d, a, c) => {
    const phase = d.clock!.phase;
    d.s.pendingExtension = { phase, minutes: a.minutes, reason: a.reason, requestedBy: c.actor.code };
    const decider = escalationTarget(d, c.actor.code === escalationTarget(d, 1) ? 2 : 1);
    return {
      event: { phase, minutes: a.minutes, reason: a.reason, deciderCode: decider },
      readModel: {},
      notify: { toCode: decider, kind: 'extension_request', message: `case ${d.s.trackingCode}: extension of ${a.minutes} min requested` },
    };
  },
  decideExtension: (d, a, c) => {
    const req = d.s.pendingExtension!;
    d.s.pendingExtension = null;
    return {
      event: { phase: req.phase, approved: a.approve, minutes: a.approve ? req.minutes : 0, note: a.note, dueAt: iso(dueOf(d, c.env)) },
      readModel: {},
      notify: null,
    };
  },
  superviseCase: (_d, a) => ({ event: { note: a.note }, readModel: {}, notify: null }),
};

/**
 * Apply a move that passed its checks: a new draft, and the step to record.
 * The table decides the status and the clock; SPECIFIC the rest. `assignee`:
 * the directory's facts about the cadre the move gives the case to (see ../attribution).
 */
export function applyMove<K extends MoveName>(
  name: K,
  draft: CaseDraft,
  actor: Actor,
  args: MoveArgs<K>,
  at: Date,
  env: LifecycleEnv,
  assignee?: AssigneeFacts,
): { draft: CaseDraft; step: StepOutcome } {
  const def = MOVES[name];
  const d: CaseDraft = { s: { ...draft.s }, clock: draft.clock, pausedAt: draft.pausedAt };
  const ctx: MoveCtx = {
    at, env, actor,
    dueBefore: dueOf(d, env),
    consumedBefore: d.clock ? clocks.consumed(d.clock, at, env.cal) : 0,
    pausedMinutes: 0,
    assignee,
  };
  const effect = def.clock;
  const when = effect && 'when' in effect ? effect.when : undefined;
  if (effect && (!when || (args as Record<string, unknown>)[when.field] === when.equals)) {
    switch (effect.op) {
      case 'start':
        startPhase(d, effect.phase, at, env);
        break;
      case 'pause':
        d.clock = clocks.pause(d.clock!, at, env.cal);
        d.pausedAt = at.toISOString();
        break;
      case 'resume': {
        const since = d.pausedAt ?? d.s.lastMoveAt;
        d.pausedAt = null;
        d.clock = clocks.resume(d.clock!, at);
        ctx.pausedMinutes = Math.round(clocks.elapsed(new Date(since), at, d.clock.mode, env.cal));
        break;
      }
      case 'stop':
        d.clock = null;
        break;
      case 'extend': {
        const req = d.s.pendingExtension;
        if (req && d.clock && d.clock.phase === req.phase) d.clock = clocks.extend(d.clock, req.minutes);
        break;
      }
    }
  }
  if (def.to) d.s.status = def.to;
  const own = (SPECIFIC[name] as Specific<K>)(d, args, ctx);
  return {
    draft: d,
    step: { kind: def.step, eventType: eventTypeOf(def.step) as LifecycleEventType, actor, event: own?.event ?? {}, readModel: own?.readModel ?? {}, notify: own?.notify ?? null },
  };
}

/** The routing step: the case gets its department, area, assignee and escalation chain. */
export function applyRouting(draft: CaseDraft, routing: RoutingDecision, at: Date, env: LifecycleEnv): { draft: CaseDraft; step: StepOutcome } {
  const d: CaseDraft = { s: { ...draft.s }, clock: draft.clock, pausedAt: draft.pausedAt };
  d.s.routing = routing;
  d.s.assigneeCode = routing.assigneeCode;
  d.s.status = 'assigned';
  startPhase(d, 'sign_for', at, env);
  return {
    draft: d,
    step: {
      kind: 'routed',
      eventType: eventTypeOf('routed'),
      actor: null,
      event: { rule: routing.rule, reason: routing.reason, dueAt: iso(dueOf(d, env)) },
      readModel: {
        departmentCode: routing.departmentCode,
        areaCode: routing.areaCode,
        routingRule: routing.rule,
        routingReason: routing.reason,
        escalateL1Code: routing.escalation.departmentHead,
        escalateL2Code: routing.escalation.areaLeader,
        escalateL3Code: routing.escalation.township,
        slaPolicyVersion: d.s.slaPolicyVersion,
      },
      notify: { toCode: d.s.assigneeCode ?? routing.escalation.departmentHead, kind: 'assigned', message: `case ${d.s.trackingCode} assigned` },
    },
  };
}

/** A reminder or an escalation the running clock owes now. */
export function applyTimer(draft: CaseDraft, next: clocks.TimerEvent, at: Date, env: LifecycleEnv): { draft: CaseDraft; step: StepOutcome } {
  const d: CaseDraft = { s: { ...draft.s }, clock: draft.clock, pausedAt: draft.pausedAt };
  const c = d.clock!;
  const due = clocks.dueAt(c, env.cal)!;
  if (next.kind === 'reminder') {
    d.clock = { ...c, remindersFired: c.remindersFired + 1 };
    return {
      draft: d,
      step: {
        kind: `reminder_${c.phase}_${c.remindersFired + 1}`,
        eventType: 'org.minqing.case.reminder_sent.v1',
        actor: null,
        event: { phase: c.phase, fraction: next.fraction, dueAt: due.toISOString(), notifiedCode: d.s.assigneeCode },
        readModel: {},
        notify: { toCode: d.s.assigneeCode, kind: 'reminder', message: `case ${d.s.trackingCode}: ${Math.round(next.fraction * 100)}% of the ${c.phase} time used` },
      },
    };
  }
  d.clock = { ...c, escalations: next.level };
  d.s.escalationLevel = next.level;
  const to = escalationTarget(d, next.level);
  return {
    draft: d,
    step: {
      kind: `escalated_${c.phase}_${next.level}`,
      eventType: 'org.minqing.case.escalated.v1',
      actor: null,
      event: { phase: c.phase, level: next.level, escalatedToCode: to, dueAt: due.toISOString() },
      readModel: {},
      notify: { toCode: to, kind: 'escalation', message: `case ${d.s.trackingCode} is overdue (${c.phase}); escalated to level ${next.level}` },
    },
  };
}

/**
 * Number a step and build what it writes: the timeline entry, the read-model
 * columns every step sets, and the event with the base every lifecycle event
 * carries (where the case stands after the step, who, when).
 */
export function transitionOf(draft: CaseDraft, step: StepOutcome, at: Date, env: LifecycleEnv): { draft: CaseDraft; record: TransitionRecord } {
  const d: CaseDraft = { s: { ...draft.s, seq: draft.s.seq + 1, lastMoveAt: at.toISOString() }, clock: draft.clock, pausedAt: draft.pausedAt };
  const s = d.s;
  const due = dueOf(d, env);
  const r = s.routing;
  const actor = step.actor ? { code: step.actor.code, role: step.actor.role } : null;
  const base = {
    caseId: s.caseId,
    seq: s.seq,
    at: at.toISOString(),
    actor,
    status: s.status,
    category: s.category,
    priority: s.priority,
    assigneeCode: s.assigneeCode,
    departmentCode: r?.departmentCode ?? null,
    areaCode: r?.areaCode ?? null,
    villageCode: r?.villageCode ?? s.villageCode,
    escalationLevel: s.escalationLevel,
    slaPolicyVersion: s.slaPolicyVersion,
  };
  return {
    draft: d,
    record: {
      caseId: s.caseId,
      seq: s.seq,
      step: `${s.seq}:${step.kind}`,
      kind: step.kind,
      at: at.toISOString(),
      actor: step.actor,
      eventType: step.eventType,
      eventData: { ...base, ...step.event },
      details: step.event,
      readModel: {
        status: s.status,
        assigneeCode: s.assigneeCode,
        // where the case counts (../attribution), as its event says: the read model follows every step
        ...(r ? {
          departmentCode: r.departmentCode,
          areaCode: r.areaCode,
          escalateL1Code: r.escalation.departmentHead,
          escalateL2Code: r.escalation.areaLeader,
          escalateL3Code: r.escalation.township,
        } : {}),
        escalationLevel: s.escalationLevel,
        phase: d.clock?.phase ?? null,
        phaseStartedAt: d.clock?.startedAt ?? null,
        dueAt: iso(due),
        paused: d.clock ? !d.clock.runningSince : false,
        returnsCount: s.returnsCount,
        reopenCount: s.reopenCount,
        pendingExtension: s.pendingExtension,
        ...step.readModel,
      },
    },
  };
}
