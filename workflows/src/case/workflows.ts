/**
 * The case workflow: Workflow ID = case id. It records the case, routes it
 * through the three links (三联), then lets staff move it through its
 * lifecycle and runs its deadline timers. The rules — which moves exist, from
 * which statuses, for whom, with what effect — are the lifecycle table in
 * `@minqing/shared/domain` (lifecycle/); this file is only the shell around it:
 * one Update per move (validator = the move's pure check, so a refused move
 * leaves no trace in history), handlers run one at a time under a mutex, every
 * step recorded by one activity (read model + timeline + outbox event, one
 * transaction), and the reminder/escalation timers re-planned after each step.
 *
 * Deterministic: no I/O, no clocks other than Temporal's; the SLA policy and
 * calendar a case starts with stay with it (they are part of its input).
 */
import {
  allHandlersFinished, ApplicationFailure, CancellationScope, condition, patched, proxyActivities, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import {
  applyMove, applyRouting, applyTimer, assigneeFactsRejection, checkMove, clocks, DEFAULT_CALENDAR, DEFAULT_SLA_POLICY, initialDraft, isTerminal, MOVE_NAMES, MOVES,
  moveStateOf, SA, transitionOf, viewOf,
  type BusinessCalendar, type CaseDraft, type CaseWorkflowInput, type CaseWorkflowState, type LifecycleEnv, type MoveName, type Rejection, type SlaPolicy, type StepOutcome,
} from '@minqing/shared/domain';
import type { CaseActivities } from './activities';
import { getCaseState, RejectionType, UPDATES, type MoveUpdateArgs } from './messages';

const stepOptions = {
  startToCloseTimeout: '30 seconds',
  // The database may be briefly away; a move must still be recorded, so retry
  // without a cap, backing off to once a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const remote = proxyActivities<CaseActivities>(stepOptions);
/**
 * The step recorder run by the worker that runs the workflow task (a local activity): a step is
 * recorded inside the workflow task that handles the move, without a round trip through the
 * server's activity queue, so a move answers after one workflow task instead of two plus an
 * activity task. The step is one idempotent transaction, so a local activity re-run after a
 * worker crash changes nothing (the same guarantee the activity retries rely on). Recording the
 * opened case is idempotent by case id and routing only reads, so intake runs locally too
 * (LOCAL_INTAKE_PATCH).
 */
const local = proxyLocalActivities<Pick<CaseActivities, 'recordTransition' | 'recordCaseOpened' | 'routeCase'>>(stepOptions);

/**
 * Cases started since issue 12 record their steps with the local activity and no longer schedule
 * the `notify` activity (a no-op: notices come from the case events). Decided once, at the case's
 * first workflow task: a case recorded before (no marker) keeps the old command sequence all its
 * life, so its history replays unchanged.
 */
const LOCAL_STEPS_PATCH = 'local-step-records-issue-12';
/**
 * Cases started since this patch also record their intake and route locally: the case's first
 * workflow task records it, routes it and records the routing, so a sign-for sent right after
 * intake waits for one workflow task instead of two activity round trips through the server's
 * queue. The routed instant is the workflow clock after routing answered (the same workflow
 * task's time). Decided once at the first workflow task, like LOCAL_STEPS_PATCH.
 */
const LOCAL_INTAKE_PATCH = 'local-intake-issue-12';
/**
 * Cases started since this patch keep their deadline timer across a step that leaves the next
 * reminder or escalation where it was (work started, an extension asked for, a note): before, every
 * step cancelled the timer and started the same one again, two commands more for the server to
 * store while the cadre waits. A timer is replaced only when the plan moves. Decided once at the
 * first workflow task, like LOCAL_STEPS_PATCH.
 */
const KEEP_TIMER_PATCH = 'keep-unchanged-timer-issue-12';

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

function refuse(r: Rejection): never {
  throw ApplicationFailure.create({ type: RejectionType[r.kind], message: r.message, details: [{ code: r.code, params: r.params ?? {} }], nonRetryable: true });
}

export async function caseWorkflow(input: CaseWorkflowInput, options: CaseWorkflowOptions = {}): Promise<CaseWorkflowState> {
  const env: LifecycleEnv = { policy: options.slaPolicy ?? DEFAULT_SLA_POLICY, cal: options.calendar ?? DEFAULT_CALENDAR };
  const upsertAttributes = options.searchAttributes ?? true;
  let d: CaseDraft = initialDraft(input, env.policy);
  /** bumps on every recorded step; the timer loop re-plans when it changes */
  let version = 0;
  /** Steps run one at a time, in arrival order (each awaits activities). */
  const lock = new Mutex();
  const finished = () => isTerminal(d.s.status);
  const localSteps = patched(LOCAL_STEPS_PATCH);
  const localIntake = patched(LOCAL_INTAKE_PATCH);
  const keepTimer = patched(KEEP_TIMER_PATCH);
  const { recordCaseOpened, routeCase } = localIntake ? local : remote;
  const recordTransition = localSteps ? local.recordTransition : remote.recordTransition;

  setHandler(getCaseState, () => viewOf(d, env));

  /** Record a step: the new state first (queries see it), then the activity, the search attributes, the notice. */
  async function commit(next: { draft: CaseDraft; step: StepOutcome }, at: Date): Promise<void> {
    const t = transitionOf(next.draft, next.step, at, env);
    const before = d;
    d = t.draft;
    try {
      await recordTransition(t.record);
    } catch (err) {
      // Not recorded (the activity failed for good, e.g. the database refused the data):
      // the step did not happen, so the state stays as it was and the move fails.
      // No command changes on this path, so recorded histories replay as before.
      d = before;
      throw err;
    }
    const due = d.clock ? clocks.dueAt(d.clock, env.cal) : null;
    if (upsertAttributes) upsertSearchAttributes([
      { key: SA.status, value: d.s.status },
      { key: SA.assignee, value: d.s.assigneeCode ?? '' },
      { key: SA.area, value: d.s.routing?.areaCode ?? '' },
      { key: SA.escalationLevel, value: d.s.escalationLevel },
      ...(due ? [{ key: SA.dueAt, value: due }] : []),
    ]);
    version++;
    if (next.step.notify && !localSteps) await remote.notify({ caseId: d.s.caseId, ...next.step.notify });
  }

  for (const name of MOVE_NAMES) registerMove(name);
  function registerMove<K extends MoveName>(name: K): void {
    const check = (args: MoveUpdateArgs<K>) => {
      const r = checkMove(MOVES[name], moveStateOf(d, env), args?.actor, (args ?? {}) as Record<string, unknown>, new Date());
      if (r) refuse(r);
    };
    // A new move that gives the case to a cadre must carry their department (attribution). In the
    // validator only: it does not run on replay, where Updates recorded before the rule come without it.
    const validate = (args: MoveUpdateArgs<K>) => {
      check(args);
      const r = assigneeFactsRejection(MOVES[name], (args ?? {}) as Record<string, unknown>);
      if (r) refuse(r);
    };
    setHandler(
      UPDATES[name] as never,
      ((args: MoveUpdateArgs<K>) =>
        lock.runExclusive(async () => {
          check(args); // the state may have moved since validation
          const { actor, assignee, ...rest } = args;
          const at = new Date();
          await commit(applyMove(name, d, actor, rest as never, at, env, assignee), at);
          return viewOf(d, env);
        })) as never,
      { validator: validate as never },
    );
  }

  // ---- intake and routing ----
  await recordCaseOpened(input);
  d = { ...d, s: { ...d.s, recorded: true } };

  const routing = await routeCase({ caseId: d.s.caseId, category: d.s.category, villageCode: d.s.villageCode, householdCode: d.s.householdCode });
  await lock.runExclusive(async () => {
    if (finished()) return; // withdrawn, rejected or merged while routing
    const at = new Date();
    await commit(applyRouting(d, routing, at, env), at);
  });

  // ---- timers: reminders and escalations, re-planned after every step ----
  /** the deadline timer running (keepTimer): when it is due, and a promise that settles when it fires */
  let armed: { at: number; fired: Promise<void>; scope: CancellationScope } | null = null;
  /** Wait for a step or for `at` (null: no timer); true when a step came first. */
  const stepOrTimer = async (changed: () => boolean, at: number | null): Promise<boolean> => {
    if (!keepTimer) return at === null ? (await condition(changed), true) : condition(changed, Math.max(1, at - Date.now()));
    if (armed && armed.at !== at) {
      armed.scope.cancel(); // the plan moved (an already fired timer cancels nothing)
      armed = null;
    }
    if (!armed && at !== null) {
      const scope = new CancellationScope();
      // A cancelled timer is never raced again (armed is replaced first): its rejection only needs catching.
      armed = { at, scope, fired: scope.run(() => sleep(Math.max(1, at - Date.now()))).catch(() => undefined) };
    }
    if (!armed) return (await condition(changed), true);
    const moved = await Promise.race([condition(changed).then(() => true), armed.fired.then(() => false)]);
    if (!moved) armed = null;
    return moved;
  };
  for (;;) {
    while (!finished()) {
      const seen = version;
      const next = d.clock ? clocks.nextTimerEvent(d.clock, env.policy.reminders, env.cal) : null;
      const changed = () => version !== seen || finished();
      const moved = await stepOrTimer(changed, next ? next.at.getTime() : null);
      if (moved || !next || !d.clock) continue;
      await lock.runExclusive(async () => {
        if (version !== seen || !d.clock) return; // a move got in first; re-plan
        const at = new Date();
        await commit(applyTimer(d, next, at, env), at);
      });
    }
    await condition(allHandlersFinished);
    // A closing move whose step could not be recorded (see commit) put the state back:
    // the case goes on. Otherwise — every recorded history — it is finished here, as before.
    if (finished()) break;
  }
  return viewOf(d, env);
}
