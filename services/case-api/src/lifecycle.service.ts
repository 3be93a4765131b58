/**
 * Staff moves on a case: find who is acting, send the Update to the case
 * workflow, and translate its rejections into typed domain errors. The
 * workflow's validators are the single source of the rules; this layer adds
 * only identity.
 */
import { ActivityFailure, ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { type Principal, DependencyUnavailableError, isTemporalUnavailable, DomainError, NotFoundError, ProblemType } from '@minqing/shared';
import * as m from '@minqing/workflows';
import { allowedMoves, assigneesGiven, CaseStatus, MOVES, type AssigneeFacts, type CaseView, type MoveName, type MoveState } from '@minqing/shared/domain';
import type { ActorRepository } from './actor.repository';

export class NotRosterStaffError extends DomainError {
  constructor(username: string) {
    super(ProblemType.forbidden, 403, 'Forbidden', `${username} is not linked to a staff member of the roster; only roster staff act on cases`);
  }
}
export class MoveRejectedError extends DomainError {}

export class UnknownReferenceError extends DomainError {
  constructor(field: string, what: string, value: string) {
    super(ProblemType.validation, 422, 'Unknown reference', `${field}: ${what} ${value} does not exist`, { errors: [{ field: `body/${field}`, message: `${what} ${value} does not exist` }] });
  }
}

export type { MoveName };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUS_FOR: Record<string, [number, string, string]> = {
  [m.RejectionType.notAllowed]: [409, ProblemType.transitionNotAllowed, 'Move not allowed now'],
  [m.RejectionType.forbidden]: [403, ProblemType.forbidden, 'Forbidden'],
  [m.RejectionType.invalid]: [400, ProblemType.validation, 'Invalid request'],
};


/** The roster staff member of a session; null for accounts outside the roster. */
function actorOf(p: Principal): m.Actor | null {
  return p.cadreCode && p.cadreRole ? { code: p.cadreCode, role: p.cadreRole } : null;
}

export class LifecycleService {
  constructor(
    private readonly deps: {
      temporal: Client;
      actors: ActorRepository;
      caseExists: (id: string) => Promise<boolean>;
      /** 403 unless the principal may see the case (404 when there is none) */
      assertCanSee: (p: Principal, caseId: string) => Promise<void>;
      /** the returns a case may make under the SLA policy it started with (its `slaPolicyVersion`) */
      maxReturnsOf: (slaPolicyVersion: string | null) => Promise<number>;
    },
  ) {}

  /**
   * What `authorizeMoves` found for this request (the principal is resolved once per request):
   * the move that follows does not look the actor and the case up a second time.
   */
  private readonly authorized = new WeakMap<Principal, { caseId: string; actor: m.Actor }>();

  /**
   * The roster staff member a signed-in account acts as: the session's own roster link and
   * role, read with the session itself on this request (auth.hook), so no second lookup.
   */
  async actor(p: Principal): Promise<m.Actor> {
    const actor = actorOf(p);
    if (!actor) throw new NotRosterStaffError(p.username);
    return actor;
  }

  /**
   * The moves the signed-in staff member may make on the case now: the same
   * pure rules the workflow's validators apply, over the read model.
   */
  async allowedMoves(p: Principal, c: CaseView): Promise<MoveName[]> {
    const actor = actorOf(p);
    if (!actor) return [];
    const state: MoveState = {
      caseId: c.id,
      status: c.status,
      recorded: true,
      assigneeCode: c.assigneeCode,
      escalation: c.escalation,
      returnsCount: c.returnsCount,
      maxReturns: await this.deps.maxReturnsOf(c.slaPolicyVersion),
      // A returned case keeps its assignee until the review: that is who returned it.
      pendingReturn: c.status === CaseStatus.returned && c.assigneeCode ? { byCode: c.assigneeCode } : null,
      pendingExtension: c.pendingExtension,
      satisfaction: c.satisfaction as MoveState['satisfaction'],
      dueAt: c.paused ? null : c.dueAt,
    };
    return allowedMoves(state, actor, new Date());
  }

  /** A move on behalf of someone other than a signed-in staff member (the resident's own rating). */
  async moveAs(caseId: string, name: MoveName, actor: m.Actor, args: Record<string, unknown>): Promise<m.CaseWorkflowState> {
    return this.send(caseId, name, actor, args);
  }

  /**
   * Whether `p` may make moves on this case at all — a roster staff member who
   * may see it (403, or 404 when there is no such case) — decided from the
   * route's params before the body is read (the route's `config.authorize`).
   * Which move is theirs to make now is the workflow's validators' call.
   */
  async authorizeMoves(p: Principal, caseId: string): Promise<void> {
    const actor = await this.actor(p);
    // A malformed id is the params schema's 400, not a lookup.
    if (!UUID.test(caseId)) return;
    await this.deps.assertCanSee(p, caseId);
    this.authorized.set(p, { caseId, actor });
  }

  async move(caseId: string, name: MoveName, p: Principal, args: Record<string, unknown>): Promise<m.CaseWorkflowState> {
    const seen = this.authorized.get(p);
    const actor = seen?.caseId === caseId ? seen.actor : await this.actor(p);
    if (seen?.caseId !== caseId) await this.deps.assertCanSee(p, caseId);
    // References the workflow cannot check itself (it does no I/O). The cadre a move gives the
    // case to must exist; their department goes with the Update, as the case's attribution follows them.
    if (typeof args.assigneeCode === 'string' && !(await this.deps.actors.find(args.assigneeCode))) {
      throw new UnknownReferenceError('assigneeCode', 'staff member', args.assigneeCode);
    }
    let assignee: AssigneeFacts | undefined;
    for (const code of assigneesGiven(MOVES[name], args)) {
      const facts = await this.deps.actors.assigneeFacts(code);
      if (!facts) throw new UnknownReferenceError('assigneeCode', 'staff member', code);
      assignee = facts;
    }
    if (typeof args.intoCaseId === 'string') {
      if (!(await this.deps.caseExists(args.intoCaseId))) throw new UnknownReferenceError('intoCaseId', 'case', args.intoCaseId);
      // Merging into a case is acting on it too: only into a case the caller may see (403 otherwise).
      await this.deps.assertCanSee(p, args.intoCaseId);
    }
    return this.send(caseId, name, actor, args, assignee);
  }

  private async send(caseId: string, name: MoveName, actor: m.Actor, args: Record<string, unknown>, assignee?: AssigneeFacts): Promise<m.CaseWorkflowState> {
    const handle = this.deps.temporal.workflow.getHandle(caseId);
    // Identity and directory facts come from here, never from the body (whose schema has neither).
    const update = { ...args, assignee, actor };
    try {
      return (await handle.executeUpdate(m.UPDATES[name] as never, { args: [update] as never })) as m.CaseWorkflowState;
    } catch (err) {
      // The workflow has completed (closed, withdrawn, …): no more moves.
      if (/already completed/i.test((err as Error).message)) {
        throw new MoveRejectedError(ProblemType.transitionNotAllowed, 409, 'Move not allowed now', 'the case is finished; no further moves', { move: name });
      }
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError('case', caseId);
      const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
      // The step's activity failed for good (the database refused its data): the move did not happen.
      if (cause instanceof ActivityFailure) {
        throw new MoveRejectedError(ProblemType.validation, 422, 'Move not recorded', 'the move could not be stored and did not happen; an administrator can see why under operations/failures', { move: name });
      }
      if (cause instanceof ApplicationFailure) {
        const [status, type, title] = STATUS_FOR[cause.type ?? ''] ?? [409, ProblemType.transitionNotAllowed, 'Move not allowed now'];
        const detail = (cause.details?.[0] ?? {}) as { code?: string; params?: Record<string, unknown> };
        throw new MoveRejectedError(type, status, title, cause.message, { move: name, ...(detail.code ? { code: detail.code, params: detail.params ?? {} } : {}) });
      }
      // The engine did not answer in time (overloaded): 503, try again; a move made meanwhile makes the retry a 409.
      if (isTemporalUnavailable(err) || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw new DependencyUnavailableError('the workflow engine');
      throw err;
    }
  }
}
