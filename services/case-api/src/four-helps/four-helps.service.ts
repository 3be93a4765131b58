/**
 * A case's 四帮四促 tags (shared four-helps.ts): who may read and change them,
 * and the change itself. The API writes no casework table: a checked change
 * goes to `caseHelpsWorkflow` (Workflow ID `case-helps:<change id>`), whose
 * activity writes the new revision and its event in one transaction, like a
 * work record. The request waits for it, so a 200 means the tags are stored.
 *
 * Who: anyone who may see the case may read its tags; the roles in
 * HELPS_TAG_ROLES who are roster staff (the event names a cadre) change them.
 * A change names the revision it was made on: a stale one is a 409.
 */
import type { Client } from '@temporalio/client';
import {
  canonicalHash, caseHelpsWorkflowId, DomainError, ForbiddenError,
  HELPS_TAG_ROLES, mayTagHelps, normaliseHelps, ProblemType, SUGGESTED_HELP, uuidV5,
  type CaseHelpsInput, type CaseHelpsView, type CaseView, type HelpsRevision, type Page, type Principal, type SetCaseHelpsBody,
} from '@minqing/shared';
import { randomUUID } from 'node:crypto';
import { replayStored, storeByWorker } from '../stored-by-worker';
import type { FourHelpsRepository } from './four-helps.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Namespace of the ids of tag changes made with an Idempotency-Key. */
const CHANGE_ID_NAMESPACE = '5b0e8f1c-9a7d-5c3e-8f21-4d6a0b9c7e12';


export class HelpsRevisionConflictError extends DomainError {
  constructor(current: number, base: number) {
    super(ProblemType.conflict, 409, 'The tags changed meanwhile', `the tags are at revision ${current}, not ${base}: reload them and make the change again`, {
      code: 'helps_revision_conflict',
      params: { current, base },
    });
  }
}

export class FourHelpsService {
  constructor(
    private readonly deps: {
      temporal: Client;
      taskQueue: string;
      repository: FourHelpsRepository;
      /** the case as the read model has it (404 when unknown) */
      getCase: (id: string) => Promise<CaseView>;
      /** 403 unless `p` may see the case */
      assertCanSee: (p: Principal, c: CaseView) => Promise<void>;
      /** the roster cadre acting (403 for accounts outside the roster) */
      actor: (p: Principal) => Promise<{ code: string; role: string }>;
      waitMs?: number;
      now?: () => Date;
    },
  ) {}

  private async visibleCase(p: Principal, caseId: string): Promise<CaseView> {
    const c = await this.deps.getCase(caseId);
    await this.deps.assertCanSee(p, c);
    return c;
  }

  async view(p: Principal, caseId: string): Promise<CaseHelpsView> {
    const c = await this.visibleCase(p, caseId);
    const latest = await this.deps.repository.latest(caseId);
    return {
      caseId,
      helps: normaliseHelps(latest?.helps),
      revision: latest?.revision ?? 0,
      suggested: SUGGESTED_HELP[c.category] ?? null,
      mayChange: mayTagHelps(p.role) && p.cadreCode !== null,
      changedAt: latest?.at ?? null,
      changedBy: latest?.actorCode ?? null,
    };
  }

  async history(p: Principal, caseId: string, q: { limit: number; cursor?: string }): Promise<Page<HelpsRevision>> {
    await this.visibleCase(p, caseId);
    return this.deps.repository.history(caseId, q.limit, q.cursor);
  }

  /**
   * Whether `p` may change this case's tags at all — a role of HELPS_TAG_ROLES,
   * roster staff, who may see the case (403, or 404 when there is no such
   * case) — decided from the route's params before the body is read (the
   * route's `config.authorize`); `set` checks again.
   */
  async authorize(p: Principal, caseId: string): Promise<{ code: string; role: string }> {
    if (!mayTagHelps(p.role)) throw new ForbiddenError(`the 四帮四促 tags of a case are set by ${HELPS_TAG_ROLES.join(', ')}; not by the role ${p.role}`);
    const actor = await this.deps.actor(p);
    // a malformed id is the params schema's 400, not a lookup
    if (UUID.test(caseId)) await this.visibleCase(p, caseId);
    return actor;
  }

  async set(p: Principal, caseId: string, body: SetCaseHelpsBody, opts: { idempotencyKey?: string } = {}): Promise<{ view: CaseHelpsView; created: boolean }> {
    const actor = await this.authorize(p, caseId);
    const helps = normaliseHelps(body.helps);
    const requestHash = canonicalHash({ caseId, actor: actor.code, helps, revision: body.revision });
    const changeId = opts.idempotencyKey ? uuidV5(`case-helps:${actor.code}:${opts.idempotencyKey}`, CHANGE_ID_NAMESPACE) : randomUUID();
    const run = {
      temporal: this.deps.temporal, workflowId: caseHelpsWorkflowId(changeId), requestHash, idempotencyKey: opts.idempotencyKey, waitMs: this.deps.waitMs,
      notStored: { title: 'Tags not stored', detail: 'the tags could not be stored' },
    };
    /** the view after the change; a 409 when the worker found the revision moved */
    const answer = async (r: { conflict?: boolean }, created: boolean) => {
      if (r.conflict) throw new HelpsRevisionConflictError((await this.deps.repository.latest(caseId))?.revision ?? 0, body.revision);
      return { view: await this.view(p, caseId), created };
    };

    const current = (await this.deps.repository.latest(caseId))?.revision ?? 0;
    if (current !== body.revision) {
      // a retry of a change already stored finds the revision moved by itself: answer as before
      if (opts.idempotencyKey && (await this.deps.repository.changeExists(changeId))) return answer(await replayStored<{ conflict?: boolean }>(run), false);
      throw new HelpsRevisionConflictError(current, body.revision);
    }
    const input: CaseHelpsInput = { changeId, caseId, revision: current + 1, helps, actor, at: (this.deps.now?.() ?? new Date()).toISOString() };
    const { result, created } = await storeByWorker<{ conflict?: boolean }>({ ...run, taskQueue: this.deps.taskQueue, workflowType: 'caseHelpsWorkflow', args: [input] });
    return answer(result, created);
  }
}
