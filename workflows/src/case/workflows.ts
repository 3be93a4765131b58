/**
 * The case workflow: Workflow ID = case id. It records the case, routes it
 * through the three links (三联), and then carries it through
 * submitted → assigned → accepted (签收) → in progress → resolved (答复) →
 * follow-up (回访) → closed, with side moves (return 退单, reassign, wait on the
 * resident, forward upstream 代办, reopen, merge, withdraw, reject, extensions,
 * supervision 督办). Staff moves are Updates whose validators reject invalid
 * moves before anything is written to history; every accepted move is recorded
 * by one activity (read model + timeline + outbox event, one transaction).
 * Deadlines run in business time and escalate one level per breach:
 * department head → area leader → township leadership.
 *
 * Deterministic: no I/O, no clocks other than Temporal's; the SLA policy and
 * calendar a case starts with stay with it (they are part of its state).
 */
import {
  allHandlersFinished, ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  DEFAULT_CALENDAR, DEFAULT_SLA_POLICY, FOLLOW_UP_METHODS, RESIDENT_FOLLOW_UP_METHOD, ruleFor, SA, SATISFACTIONS, type BusinessCalendar, type CaseStatus, type CaseWorkflowInput,
  type LifecycleEventType, type RoutingDecision, type SlaPolicy,
} from '@minqing/shared/domain';
import type { CaseActivities, ReadModelPatch } from './activities';
import type * as M from './messages';
import * as clocks from './clock';
import {
  acceptCase, closeCase, decideExtension, forwardUpstream, getCaseState, mergeCase, reassignCase, recordFollowUp, rejectCase,
  reopenCase, requestExtension, resolveCase, resumeFromResident, returnCase, reviewReturn, startWork, superviseCase,
  upstreamAnswered, waitOnResident, withdrawCase, RejectionType, ReturnReasonCodes, RejectReasonCodes,
  type Actor, type CaseWorkflowState, type Phase,
} from './messages';

const { recordCaseOpened, routeCase, recordTransition, notify } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  // The database may be briefly away; a move must still be recorded, so retry
  // without a cap, backing off to once a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const TERMINAL: CaseStatus[] = ['closed', 'withdrawn', 'rejected', 'merged'];
const MANAGER_ROLES = ['department_head', 'area_leader', 'township_leader'];
const INTAKE_ROLES = ['hall_staff', ...MANAGER_ROLES];

export interface CaseWorkflowOptions {
  /** policy and calendar this case runs under; default: the current ones */
  slaPolicy?: SlaPolicy;
  calendar?: BusinessCalendar;
  /**
   * Keep the queue search attributes up to date (default true). Off only where
   * the server cannot register custom attributes (the time-skipping test server).
   */
  searchAttributes?: boolean;
}

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

class CaseRun {
  readonly s: CaseWorkflowState;
  clock: clocks.Clock | null = null;
  /** when the running clock was paused (waiting on the resident or upstream) */
  pausedAt: string | null = null;
  /** bumps on every accepted move; the timer loop re-plans when it changes */
  version = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    input: CaseWorkflowInput,
    readonly policy: SlaPolicy,
    readonly cal: BusinessCalendar,
    readonly upsertAttributes: boolean,
  ) {
    this.s = {
      caseId: input.caseId,
      trackingCode: input.trackingCode,
      status: 'submitted',
      recorded: false,
      requestHash: input.requestHash,
      openedAt: input.openedAt,
      category: input.request.category,
      priority: input.request.priority,
      channel: input.request.channel,
      servicePointCode: input.request.servicePointCode ?? null,
      title: input.request.title,
      description: input.request.description,
      villageCode: input.request.villageCode ?? null,
      householdCode: input.request.householdCode ?? null,
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
    };
  }

  get finished(): boolean {
    return TERMINAL.includes(this.s.status);
  }

  view(): CaseWorkflowState {
    const c = this.clock;
    const due = c ? clocks.dueAt(c, this.cal) : null;
    return { ...this.s, clock: c ? { phase: c.phase, dueAt: due?.toISOString() ?? null, paused: !c.runningSince, startedAt: c.startedAt } : null };
  }

  /** Moves run one at a time, in arrival order (each awaits an activity). */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  // ---- permission checks used by validators (and re-checked in handlers) ----
  requireStatus(...allowed: CaseStatus[]): void {
    if (!this.s.recorded && this.s.status === 'submitted') refuse(RejectionType.notAllowed, 'the case is still being registered; try again in a moment');
    if (!allowed.includes(this.s.status)) {
      refuse(RejectionType.notAllowed, `not allowed while the case is ${this.s.status} (allowed from: ${allowed.join(', ')})`);
    }
  }
  requireAssignee(actor: Actor): void {
    if (!this.s.assigneeCode || actor.code !== this.s.assigneeCode) {
      refuse(RejectionType.forbidden, `only the assignee (${this.s.assigneeCode ?? 'none yet'}) may do this`);
    }
  }
  requireManager(actor: Actor): void {
    const chain = this.s.routing?.escalation;
    const inChain = actor.role === 'township_leader' || actor.code === chain?.departmentHead || actor.code === chain?.areaLeader || actor.code === chain?.township;
    if (!MANAGER_ROLES.includes(actor.role) || !inChain) {
      refuse(RejectionType.forbidden, 'only the department head, the area leader or the township leadership over this case may do this');
    }
  }
  requireIntakeOrManager(actor: Actor): void {
    if (!INTAKE_ROLES.includes(actor.role)) refuse(RejectionType.forbidden, 'only hall staff or a manager may do this');
  }
  requireText(value: unknown, field: string, max = 2000): void {
    if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
      refuse(RejectionType.invalid, `${field} must be a non-empty text of at most ${max} characters`);
    }
  }

  // ---- clocks ----
  /** Restart the paused clock; answers the minutes it stood still, in its own time. */
  resume(at: Date): number {
    const since = this.pausedAt ?? this.s.lastMoveAt;
    this.pausedAt = null;
    this.clock = clocks.resume(this.clock!, at);
    return Math.round(clocks.elapsed(new Date(since), at, this.clock.mode, this.cal));
  }

  startPhase(phase: Phase, now: Date): void {
    const rule = ruleFor(this.policy, this.s.category, this.s.priority);
    const budget = phase === 'sign_for' ? rule.signFor : phase === 'resolve' ? rule.resolve : rule.followUp;
    const repeat = this.s.priority === 'urgent' ? this.policy.escalationRepeat.urgent : this.policy.escalationRepeat.normal;
    this.clock = clocks.startClock(phase, budget, repeat.minutes, now);
    this.s.escalationLevel = 0;
  }

  escalationTarget(level: number): string | null {
    const chain = this.s.routing?.escalation;
    if (!chain) return null;
    return level === 1 ? chain.departmentHead : level === 2 ? chain.areaLeader : chain.township;
  }

  // ---- recording ----
  async record(
    kind: string,
    eventType: LifecycleEventType,
    actor: Actor | null,
    now: Date,
    extra: Record<string, unknown> = {},
    readModel: ReadModelPatch = {},
  ): Promise<void> {
    this.s.seq += 1;
    this.s.lastMoveAt = now.toISOString();
    const due = this.clock ? clocks.dueAt(this.clock, this.cal) : null;
    const r = this.s.routing;
    const base = {
      caseId: this.s.caseId,
      seq: this.s.seq,
      at: now.toISOString(),
      actor: actor ? { code: actor.code, role: actor.role } : null,
      status: this.s.status,
      category: this.s.category,
      priority: this.s.priority,
      assigneeCode: this.s.assigneeCode,
      departmentCode: r?.departmentCode ?? null,
      areaCode: r?.areaCode ?? null,
      villageCode: r?.villageCode ?? this.s.villageCode,
      escalationLevel: this.s.escalationLevel,
      slaPolicyVersion: this.s.slaPolicyVersion,
    };
    await recordTransition({
      caseId: this.s.caseId,
      seq: this.s.seq,
      step: `${this.s.seq}:${kind}`,
      kind,
      at: now.toISOString(),
      actor,
      eventType,
      eventData: { ...base, ...extra },
      details: extra,
      readModel: {
        status: this.s.status,
        assigneeCode: this.s.assigneeCode,
        escalationLevel: this.s.escalationLevel,
        phase: this.clock?.phase ?? null,
        phaseStartedAt: this.clock?.startedAt ?? null,
        dueAt: due?.toISOString() ?? null,
        paused: this.clock ? !this.clock.runningSince : false,
        returnsCount: this.s.returnsCount,
        reopenCount: this.s.reopenCount,
        pendingExtension: this.s.pendingExtension,
        ...readModel,
      },
    });
    if (this.upsertAttributes) upsertSearchAttributes([
      { key: SA.status, value: this.s.status },
      { key: SA.assignee, value: this.s.assigneeCode ?? '' },
      { key: SA.area, value: r?.areaCode ?? '' },
      { key: SA.escalationLevel, value: this.s.escalationLevel },
      ...(due ? [{ key: SA.dueAt, value: due }] : []),
    ]);
    this.version++;
  }
}

export async function caseWorkflow(input: CaseWorkflowInput, options: CaseWorkflowOptions = {}): Promise<CaseWorkflowState> {
  const run = new CaseRun(input, options.slaPolicy ?? DEFAULT_SLA_POLICY, options.calendar ?? DEFAULT_CALENDAR, options.searchAttributes ?? true);
  const s = run.s;
  const now = () => new Date();
  setHandler(getCaseState, () => run.view());

  /** Register an update: validator (no history on rejection) + serialized handler that re-validates. */
  function move<A extends { actor: Actor }>(
    def: Parameters<typeof setHandler>[0] & { name: string },
    validate: (args: A) => void,
    apply: (args: A, at: Date) => Promise<void>,
  ): void {
    const check = (args: A) => {
      if (!args || typeof args !== 'object' || !args.actor || typeof args.actor.code !== 'string' || typeof args.actor.role !== 'string') {
        refuse(RejectionType.invalid, 'actor {code, role} is required');
      }
      if (run.finished) refuse(RejectionType.notAllowed, `the case is ${s.status}`);
      validate(args);
    };
    setHandler(
      def as never,
      ((args: A) =>
        run.serial(async () => {
          check(args); // state may have moved since validation
          await apply(args, now());
          return run.view();
        })) as never,
      { validator: check as never },
    );
  }

  move<M.AcceptArgs>(acceptCase, (a) => {
    run.requireStatus('assigned');
    run.requireAssignee(a.actor);
  }, async (a, at) => {
    const c = run.clock!;
    const due = clocks.dueAt(c, run.cal);
    const minutes = Math.round(clocks.consumed(c, at, run.cal));
    s.status = 'accepted';
    run.startPhase('resolve', at);
    await run.record('accepted', 'org.minqing.case.accepted.v1', a.actor, at, {
      dueAt: due?.toISOString() ?? null,
      onTime: due ? at.getTime() <= due.getTime() : true,
      businessMinutesToAccept: minutes,
    }, { acceptedAt: at.toISOString() });
  });

  move<M.ReturnArgs>(returnCase, (a) => {
    run.requireStatus('assigned');
    run.requireAssignee(a.actor);
    if (!ReturnReasonCodes.includes(a.reasonCode)) refuse(RejectionType.invalid, `reasonCode must be one of ${ReturnReasonCodes.join(', ')}`);
    run.requireText(a.note, 'note');
    if (s.returnsCount >= run.policy.maxReturns) {
      refuse(RejectionType.notAllowed, `this case was already returned ${s.returnsCount} times (cap ${run.policy.maxReturns}); ask your department head to reassign it`);
    }
  }, async (a, at) => {
    s.returnsCount += 1;
    s.status = 'returned';
    s.pendingReturn = { byCode: a.actor.code, reasonCode: a.reasonCode, note: a.note };
    await run.record('returned', 'org.minqing.case.returned.v1', a.actor, at, { reasonCode: a.reasonCode, note: a.note, returnsCount: s.returnsCount });
    await notify({ caseId: s.caseId, toCode: run.escalationTarget(1), kind: 'return_review', message: `case ${s.trackingCode} returned (${a.reasonCode}): review it` });
  });

  move<M.ReviewReturnArgs>(reviewReturn, (a) => {
    run.requireStatus('returned');
    run.requireManager(a.actor);
    if (a.decision !== 'reroute' && a.decision !== 'force_dispatch') refuse(RejectionType.invalid, 'decision must be reroute or force_dispatch');
    if (a.decision === 'reroute' && (!a.assigneeCode || a.assigneeCode === s.pendingReturn?.byCode)) {
      refuse(RejectionType.invalid, 'reroute needs assigneeCode: someone other than who returned it');
    }
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    const previous = s.assigneeCode;
    s.status = 'assigned';
    if (a.decision === 'reroute') s.assigneeCode = a.assigneeCode!;
    s.pendingReturn = null;
    if (a.decision === 'reroute') run.startPhase('sign_for', at);
    await run.record('return_reviewed', 'org.minqing.case.return_reviewed.v1', a.actor, at, { decision: a.decision, note: a.note });
    if (s.assigneeCode !== previous) await notify({ caseId: s.caseId, toCode: s.assigneeCode, kind: 'assigned', message: `case ${s.trackingCode} assigned to you` });
  });

  move<M.ReassignArgs>(reassignCase, (a) => {
    run.requireStatus('assigned', 'returned', 'accepted', 'in_progress');
    run.requireManager(a.actor);
    if (typeof a.assigneeCode !== 'string' || !a.assigneeCode) refuse(RejectionType.invalid, 'assigneeCode is required');
    if (a.assigneeCode === s.assigneeCode) refuse(RejectionType.notAllowed, 'the case is already assigned to that person');
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    const from = s.assigneeCode;
    s.assigneeCode = a.assigneeCode;
    s.status = 'assigned';
    s.pendingReturn = null;
    s.pendingExtension = null;
    run.startPhase('sign_for', at);
    await run.record('reassigned', 'org.minqing.case.reassigned.v1', a.actor, at, { fromAssigneeCode: from, note: a.note });
    await notify({ caseId: s.caseId, toCode: s.assigneeCode, kind: 'assigned', message: `case ${s.trackingCode} assigned to you` });
  });

  move<M.StartWorkArgs>(startWork, (a) => {
    run.requireStatus('accepted');
    run.requireAssignee(a.actor);
  }, async (a, at) => {
    s.status = 'in_progress';
    await run.record('work_started', 'org.minqing.case.work_started.v1', a.actor, at);
  });

  move<M.WaitOnResidentArgs>(waitOnResident, (a) => {
    run.requireStatus('accepted', 'in_progress');
    run.requireAssignee(a.actor);
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    s.status = 'waiting_on_resident';
    run.clock = clocks.pause(run.clock!, at, run.cal);
    run.pausedAt = at.toISOString();
    await run.record('waiting_on_resident', 'org.minqing.case.waiting_on_resident.v1', a.actor, at, { note: a.note });
  });

  move<M.ResumeArgs>(resumeFromResident, (a) => {
    run.requireStatus('waiting_on_resident');
    run.requireAssignee(a.actor);
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    s.status = 'in_progress';
    const paused = run.resume(at);
    await run.record('resumed', 'org.minqing.case.resumed.v1', a.actor, at, { note: a.note, pausedBusinessMinutes: paused });
  });

  move<M.ForwardUpstreamArgs>(forwardUpstream, (a) => {
    run.requireStatus('accepted', 'in_progress');
    run.requireAssignee(a.actor);
    run.requireText(a.authority, 'authority', 200);
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    s.status = 'forwarded_upstream';
    run.clock = clocks.pause(run.clock!, at, run.cal);
    run.pausedAt = at.toISOString();
    await run.record('forwarded_upstream', 'org.minqing.case.forwarded_upstream.v1', a.actor, at, { authority: a.authority, note: a.note });
  });

  move<M.UpstreamAnsweredArgs>(upstreamAnswered, (a) => {
    run.requireStatus('forwarded_upstream');
    run.requireAssignee(a.actor);
    run.requireText(a.outcome, 'outcome', 200);
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    s.status = 'in_progress';
    const paused = run.resume(at);
    await run.record('upstream_answered', 'org.minqing.case.upstream_answered.v1', a.actor, at, { outcome: a.outcome, note: a.note, pausedBusinessMinutes: paused });
  });

  move<M.ResolveArgs>(resolveCase, (a) => {
    run.requireStatus('accepted', 'in_progress');
    run.requireAssignee(a.actor);
    run.requireText(a.reply, 'reply', 5000);
  }, async (a, at) => {
    const c = run.clock!;
    const due = clocks.dueAt(c, run.cal);
    const minutes = Math.round(clocks.consumed(c, at, run.cal));
    s.status = 'resolved';
    s.pendingExtension = null;
    run.startPhase('follow_up', at);
    await run.record('resolved', 'org.minqing.case.resolved.v1', a.actor, at, {
      dueAt: due?.toISOString() ?? null,
      onTime: due ? at.getTime() <= due.getTime() : true,
      businessMinutesToResolve: minutes,
      reopenCount: s.reopenCount,
    }, { resolvedAt: at.toISOString(), resolutionReply: a.reply });
  });

  move<M.FollowUpArgs>(recordFollowUp, (a) => {
    run.requireStatus('resolved');
    // Callbacks must be independent of whoever handled the case.
    if (a.actor.code === s.assigneeCode) refuse(RejectionType.forbidden, 'the follow-up must be made by someone other than the cadre who handled the case');
    if (!SATISFACTIONS.includes(a.satisfaction)) refuse(RejectionType.invalid, `satisfaction must be one of ${SATISFACTIONS.join(', ')}`);
    const methods: readonly string[] = [...FOLLOW_UP_METHODS, RESIDENT_FOLLOW_UP_METHOD];
    if (!methods.includes(a.method)) refuse(RejectionType.invalid, `method must be one of ${methods.join(', ')}`);
  }, async (a, at) => {
    const c = run.clock!;
    const due = clocks.dueAt(c, run.cal);
    s.status = 'followed_up';
    s.satisfaction = a.satisfaction;
    run.clock = null;
    s.escalationLevel = 0;
    await run.record('follow_up_recorded', 'org.minqing.case.follow_up_recorded.v1', a.actor, at, {
      satisfaction: a.satisfaction,
      method: a.method,
      onTime: due ? at.getTime() <= due.getTime() : true,
    }, { followedUpAt: at.toISOString(), satisfaction: a.satisfaction });
  });

  move<M.ReopenArgs>(reopenCase, (a) => {
    run.requireStatus('followed_up');
    run.requireIntakeOrManager(a.actor);
    if (s.satisfaction !== 'dissatisfied') refuse(RejectionType.notAllowed, 'only a case whose resident was dissatisfied can be reopened');
    run.requireText(a.reason, 'reason');
  }, async (a, at) => {
    s.reopenCount += 1;
    s.status = 'in_progress';
    s.satisfaction = null;
    run.startPhase('resolve', at);
    await run.record('reopened', 'org.minqing.case.reopened.v1', a.actor, at, { reason: a.reason, reopenCount: s.reopenCount }, { satisfaction: null, resolvedAt: null, followedUpAt: null });
  });

  move<M.MergeArgs>(mergeCase, (a) => {
    run.requireStatus('submitted', 'assigned', 'returned', 'accepted', 'in_progress', 'waiting_on_resident');
    run.requireIntakeOrManager(a.actor);
    if (typeof a.intoCaseId !== 'string' || !/^[0-9a-f-]{36}$/i.test(a.intoCaseId)) refuse(RejectionType.invalid, 'intoCaseId must be a case id');
    if (a.intoCaseId === s.caseId) refuse(RejectionType.invalid, 'a case cannot be merged into itself');
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    s.status = 'merged';
    s.mergedInto = a.intoCaseId;
    run.clock = null;
    await run.record('merged', 'org.minqing.case.merged.v1', a.actor, at, { intoCaseId: a.intoCaseId, note: a.note }, { mergedInto: a.intoCaseId, closedAt: at.toISOString() });
  });

  move<M.WithdrawArgs>(withdrawCase, (a) => {
    run.requireStatus('submitted', 'assigned', 'returned', 'accepted', 'in_progress', 'waiting_on_resident', 'forwarded_upstream');
    run.requireIntakeOrManager(a.actor);
    run.requireText(a.reason, 'reason');
  }, async (a, at) => {
    s.status = 'withdrawn';
    run.clock = null;
    await run.record('withdrawn', 'org.minqing.case.withdrawn.v1', a.actor, at, { reason: a.reason }, { closedAt: at.toISOString() });
  });

  move<M.RejectArgs>(rejectCase, (a) => {
    run.requireStatus('submitted', 'assigned', 'returned');
    run.requireManager(a.actor);
    if (!RejectReasonCodes.includes(a.reasonCode)) refuse(RejectionType.invalid, `reasonCode must be one of ${RejectReasonCodes.join(', ')}`);
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    s.status = 'rejected';
    run.clock = null;
    await run.record('rejected', 'org.minqing.case.rejected.v1', a.actor, at, { reasonCode: a.reasonCode, note: a.note }, { closedAt: at.toISOString() });
  });

  move<M.CloseArgs>(closeCase, (a) => {
    run.requireStatus('followed_up');
    run.requireIntakeOrManager(a.actor);
    if (s.satisfaction === 'dissatisfied' && !MANAGER_ROLES.includes(a.actor.role)) {
      refuse(RejectionType.forbidden, 'a case whose resident was dissatisfied is reopened, or closed by a manager');
    }
  }, async (a, at) => {
    s.status = 'closed';
    await run.record('closed', 'org.minqing.case.closed.v1', a.actor, at, { satisfaction: s.satisfaction }, { closedAt: at.toISOString() });
  });

  move<M.RequestExtensionArgs>(requestExtension, (a) => {
    run.requireStatus('assigned', 'accepted', 'in_progress');
    run.requireAssignee(a.actor);
    if (!Number.isInteger(a.minutes) || a.minutes < 1 || a.minutes > 60 * 24 * 30) refuse(RejectionType.invalid, 'minutes must be a whole number from 1 to 43200');
    run.requireText(a.reason, 'reason');
    if (s.pendingExtension) refuse(RejectionType.notAllowed, 'an extension request is already waiting for a decision');
    const due = run.clock ? clocks.dueAt(run.clock, run.cal) : null;
    // Extensions are asked for before the deadline, not after it.
    if (!due || new Date().getTime() >= due.getTime()) refuse(RejectionType.notAllowed, 'extensions must be requested before the deadline');
  }, async (a, at) => {
    s.pendingExtension = { phase: run.clock!.phase, minutes: a.minutes, reason: a.reason, requestedBy: a.actor.code };
    const decider = run.escalationTarget(a.actor.code === run.escalationTarget(1) ? 2 : 1);
    await run.record('extension_requested', 'org.minqing.case.extension_requested.v1', a.actor, at, {
      phase: run.clock!.phase, minutes: a.minutes, reason: a.reason, deciderCode: decider,
    });
    await notify({ caseId: s.caseId, toCode: decider, kind: 'extension_request', message: `case ${s.trackingCode}: extension of ${a.minutes} min requested` });
  });

  move<M.DecideExtensionArgs>(decideExtension, (a) => {
    if (!s.pendingExtension) refuse(RejectionType.notAllowed, 'no extension request is waiting');
    run.requireManager(a.actor);
    if (a.actor.code === s.pendingExtension.requestedBy) refuse(RejectionType.forbidden, 'an extension is decided by the next level, not by who asked for it');
    if (typeof a.approve !== 'boolean') refuse(RejectionType.invalid, 'approve must be true or false');
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    const req = s.pendingExtension!;
    s.pendingExtension = null;
    if (a.approve && run.clock && run.clock.phase === req.phase) run.clock = clocks.extend(run.clock, req.minutes);
    const due = run.clock ? clocks.dueAt(run.clock, run.cal) : null;
    await run.record('extension_decided', 'org.minqing.case.extension_decided.v1', a.actor, at, {
      phase: req.phase, approved: a.approve, minutes: a.approve ? req.minutes : 0, note: a.note, dueAt: due?.toISOString() ?? null,
    });
  });

  move<M.SuperviseArgs>(superviseCase, (a) => {
    run.requireManager(a.actor);
    run.requireText(a.note, 'note');
  }, async (a, at) => {
    await run.record('supervised', 'org.minqing.case.supervised.v1', a.actor, at, { note: a.note });
  });

  // ---- intake and routing ----
  await recordCaseOpened(input);
  s.recorded = true;

  const routing: RoutingDecision = await routeCase({ caseId: s.caseId, category: s.category, villageCode: s.villageCode, householdCode: s.householdCode });
  await run.serial(async () => {
    if (run.finished) return; // withdrawn, rejected or merged while routing
    s.routing = routing;
    s.assigneeCode = routing.assigneeCode;
    s.status = 'assigned';
    run.startPhase('sign_for', now());
    await run.record('routed', 'org.minqing.case.routed.v1', null, now(), {
      rule: routing.rule,
      reason: routing.reason,
      dueAt: run.clock ? clocks.dueAt(run.clock, run.cal)?.toISOString() ?? null : null,
    }, {
      departmentCode: routing.departmentCode,
      areaCode: routing.areaCode,
      routingRule: routing.rule,
      routingReason: routing.reason,
      escalateL1Code: routing.escalation.departmentHead,
      escalateL2Code: routing.escalation.areaLeader,
      escalateL3Code: routing.escalation.township,
      slaPolicyVersion: s.slaPolicyVersion,
    });
    await notify({ caseId: s.caseId, toCode: s.assigneeCode ?? routing.escalation.departmentHead, kind: 'assigned', message: `case ${s.trackingCode} assigned` });
  });

  // ---- timers: reminders and escalations, re-planned after every move ----
  while (!run.finished) {
    const seen = run.version;
    const next = run.clock ? clocks.nextTimerEvent(run.clock, run.policy.reminders, run.cal) : null;
    const changed = () => run.version !== seen || run.finished;
    const moved = next ? await condition(changed, Math.max(1, next.at.getTime() - Date.now())) : (await condition(changed), true);
    if (moved || !next || !run.clock) continue;
    await run.serial(async () => {
      if (run.version !== seen || !run.clock) return; // a move got in first; re-plan
      const c = run.clock;
      const at = now();
      const due = clocks.dueAt(c, run.cal)!;
      if (next.kind === 'reminder') {
        run.clock = { ...c, remindersFired: c.remindersFired + 1 };
        await run.record(`reminder_${c.phase}_${c.remindersFired + 1}`, 'org.minqing.case.reminder_sent.v1', null, at, {
          phase: c.phase, fraction: next.fraction, dueAt: due.toISOString(), notifiedCode: s.assigneeCode,
        });
        await notify({ caseId: s.caseId, toCode: s.assigneeCode, kind: 'reminder', message: `case ${s.trackingCode}: ${Math.round(next.fraction * 100)}% of the ${c.phase} time used` });
      } else {
        run.clock = { ...c, escalations: next.level };
        s.escalationLevel = next.level;
        const to = run.escalationTarget(next.level);
        await run.record(`escalated_${c.phase}_${next.level}`, 'org.minqing.case.escalated.v1', null, at, {
          phase: c.phase, level: next.level, escalatedToCode: to, dueAt: due.toISOString(),
        });
        await notify({ caseId: s.caseId, toCode: to, kind: 'escalation', message: `case ${s.trackingCode} is overdue (${c.phase}); escalated to level ${next.level}` });
      }
    });
  }

  await condition(allHandlersFinished);
  return run.view();
}
