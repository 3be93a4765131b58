/**
 * Rules for opening and reading cases. No SQL and no HTTP here: the repository
 * does I/O, the routes map errors to problem documents.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  assertSafeText, budgetFor, DUPLICATE_SIMILARITY, requestSimilarity, canonicalHash, deadlineFor, isTemporalUnavailable, DEFAULT_CALENDAR, DEFAULT_SLA_POLICY, DependencyUnavailableError, type BusinessCalendar, type SlaPolicy, deriveCaseId, IdempotencyKeyReusedError, NotFoundError, SA, trackingCodeFor,
  type CaseView, type CaseWorkflowInput, type OpenCaseBody,
} from '@minqing/shared';
import { getCaseState } from '@minqing/workflows';
import type { caseWorkflow } from '@minqing/workflows/case/workflows';
import type { CaseRepository } from './case.repository';

export interface OpenedCase {
  id: string;
  trackingCode: string;
  status: 'submitted';
  openedAt: string;
  /** false when an earlier request with the same Idempotency-Key opened it */
  created: boolean;
  /** true when this is the same household's same request, already open */
  duplicate?: boolean;
}

/** Open cases of a household and category compared at most (newest first); a household has a handful. */
export const DUPLICATE_CANDIDATES_SCANNED = 100;

/** Same household, category and text within this window is the same request. */
export const DUPLICATE_WINDOW_DAYS = 7;

/** How long getCase waits for a just-opened case to reach the read model, and how often it looks. */
const READ_MODEL_WAIT_MS = 250;
const READ_MODEL_POLL_MS = 25;

function normalise(text: string): string {
  return text.replace(/[\s\p{P}\p{S}]+/gu, '').toLowerCase();
}


export class CaseService {
  /**
   * The date to tell the resident: sign-for plus resolve budgets from now, under
   * the policy the case starts with. Pauses (waiting on the resident, upstream)
   * and approved extensions move the real deadline; the tracking page shows it.
   */
  expectedReplyBy(openedAt: string, category: string, priority: 'urgent' | 'normal'): string {
    const policy = this.deps.policies?.latest ?? this.deps.slaPolicy ?? DEFAULT_SLA_POLICY;
    const cal = this.deps.calendar ?? DEFAULT_CALENDAR;
    const signedBy = deadlineFor(new Date(openedAt), budgetFor(policy, category, priority, 'signFor'), cal);
    return deadlineFor(signedBy, budgetFor(policy, category, priority, 'resolve'), cal).toISOString();
  }

  constructor(
    private readonly deps: {
      temporal: Client; taskQueue: string; repository: CaseRepository; slaPolicy?: SlaPolicy; calendar?: BusinessCalendar;
      /** the published policies: a new case starts under the newest (overrides `slaPolicy`) */
      policies?: { current(): Promise<{ policy: SlaPolicy }>; readonly latest: SlaPolicy };
    },
  ) {}

  /**
   * `requester` names who asks when there is no household to tell the same
   * request twice apart (an Open311 app's key and the resident's phone): the same
   * requester's same category and text while the first case is open is that case.
   */
  async openCase(body: OpenCaseBody, opts: { idempotencyKey?: string; actor: string | null; now?: Date; requester?: string }): Promise<OpenedCase> {
    // Never acknowledge a case whose first step cannot be stored: text PostgreSQL
    // refuses (a NUL) would fail the intake activity after the resident got a
    // tracking code. The edge refuses it already; this holds for any other caller.
    assertSafeText(body, 'body');
    const request = { ...body, priority: body.priority ?? 'normal' } as CaseWorkflowInput['request'];
    const requestHash = canonicalHash(request);
    const now = opts.now ?? new Date();
    // Duplicate intake: the same household's same request while the first is open.
    const text = normalise(`${body.title}${body.description}`);
    const dedupeHash = body.householdCode
      ? canonicalHash({ household: body.householdCode, category: body.category, text })
      : opts.requester
        ? canonicalHash({ requester: opts.requester, category: body.category, text })
        : null;
    if (dedupeHash && !opts.idempotencyKey) {
      const existing = await this.deps.repository.findOpenDuplicate(dedupeHash, new Date(now.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000));
      if (existing) return { ...existing, status: 'submitted', created: false, duplicate: true };
    }
    // Two identical submissions racing each other map onto one workflow id (per day).
    const autoKey = dedupeHash && !opts.idempotencyKey ? `auto:${dedupeHash}:${Math.floor(now.getTime() / 86_400_000)}` : undefined;
    const caseId = deriveCaseId(opts.idempotencyKey ?? autoKey);
    const trackingCode = trackingCodeFor(caseId);
    const openedAt = now.toISOString();
    const input: CaseWorkflowInput = { caseId, trackingCode, requestHash, openedAt, openedBy: opts.actor, request, dedupeHash };
    try {
      await this.deps.temporal.workflow.start<typeof caseWorkflow>('caseWorkflow', {
        taskQueue: this.deps.taskQueue,
        workflowId: caseId,
        // The case carries the policy and calendar it starts under (data, versioned):
        // changing them later never moves a running case's deadlines, nor breaks its replay.
        args: [input, { slaPolicy: this.deps.policies ? (await this.deps.policies.current()).policy : (this.deps.slaPolicy ?? DEFAULT_SLA_POLICY), calendar: this.deps.calendar ?? DEFAULT_CALENDAR }],
        // A case id is never reused, even after the case workflow has finished.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        memo: { requestHash, openedAt, trackingCode },
        typedSearchAttributes: [
          { key: SA.status, value: 'submitted' },
          { key: SA.category, value: request.category },
          { key: SA.priority, value: request.priority },
          ...(request.villageCode ? [{ key: SA.village, value: request.villageCode }] : []),
        ],
      });
      return { id: caseId, trackingCode, status: 'submitted', openedAt, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const description = await this.deps.temporal.workflow.getHandle(caseId).describe();
        const memo = (description.memo ?? {}) as { requestHash?: string; openedAt?: string };
        if (autoKey) return { id: caseId, trackingCode, status: 'submitted', openedAt: memo.openedAt ?? openedAt, created: false, duplicate: true };
        if (memo.requestHash !== requestHash) throw new IdempotencyKeyReusedError(opts.idempotencyKey ?? '');
        return { id: caseId, trackingCode, status: 'submitted', openedAt: memo.openedAt ?? openedAt, created: false };
      }
      if (isTemporalUnavailable(err)) throw new DependencyUnavailableError('the workflow engine');
      throw err;
    }
  }

  /**
   * Likely duplicates of a request about to be opened (issue 11): open cases of
   * the same category for the same household (or phone) whose text is similar
   * (character-bigram Dice ≥ DUPLICATE_SIMILARITY, shared/domain/duplicates.ts),
   * most similar first.
   */
  async duplicateCandidates(
    r: { category: string; householdCode?: string; phone?: string; title: string; description?: string },
    scope: (params: unknown[]) => string,
  ): Promise<{ id: string; trackingCode: string; title: string; status: string; openedAt: string; similarity: number }[]> {
    const open = await this.deps.repository.openCasesFor({ category: r.category, householdCode: r.householdCode, phone: r.phone, max: DUPLICATE_CANDIDATES_SCANNED }, scope);
    return open
      .map((c) => ({ id: c.id, trackingCode: c.trackingCode, title: c.title, status: c.status, openedAt: c.openedAt, similarity: Math.round(requestSimilarity(r, c) * 100) / 100 }))
      .filter((c) => c.similarity >= DUPLICATE_SIMILARITY)
      .sort((a, b) => b.similarity - a.similarity);
  }

  async getCase(id: string): Promise<CaseView> {
    let row = await this.deps.repository.findById(id);
    // A case just opened reaches the read model in its first workflow task (intake runs
    // there as local activities): wait that long for it before asking the workflow, whose
    // query would wait for the same workflow task and then cost the server a query task.
    for (let waited = 0; !row && waited < READ_MODEL_WAIT_MS; waited += READ_MODEL_POLL_MS) {
      await new Promise((r) => setTimeout(r, READ_MODEL_POLL_MS));
      row = await this.deps.repository.findById(id);
    }
    if (row) return row;
    // Accepted but not yet in the read model (intake is still running, e.g. the
    // database was away): answer from the workflow itself rather than a false 404.
    try {
      const s = await this.deps.temporal.workflow.getHandle(id).query(getCaseState);
      return {
        id: s.caseId,
        trackingCode: s.trackingCode,
        status: s.status,
        category: s.category,
        priority: s.priority,
        channel: s.channel,
        servicePointCode: s.servicePointCode,
        title: s.title,
        description: s.description,
        villageCode: s.villageCode,
        householdCode: s.householdCode,
        openedAt: s.openedAt,
        updatedAt: s.lastMoveAt,
        assigneeCode: s.assigneeCode,
        departmentCode: s.routing?.departmentCode ?? null,
        areaCode: s.routing?.areaCode ?? null,
        routing: s.routing ? { rule: s.routing.rule, reason: s.routing.reason } : null,
        escalationLevel: s.escalationLevel,
        phase: s.clock?.phase ?? null,
        dueAt: s.clock?.dueAt ?? null,
        paused: s.clock?.paused ?? false,
        satisfaction: s.satisfaction,
        resolutionReply: null,
        returnsCount: s.returnsCount,
        reopenCount: s.reopenCount,
        mergedInto: s.mergedInto,
        slaPolicyVersion: s.slaPolicyVersion,
        pendingExtension: s.pendingExtension,
        openedBy: null,
        escalation: s.routing?.escalation ?? null,
        moves: [],
        resident: null,
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError('case', id);
      if (isTemporalUnavailable(err)) throw new DependencyUnavailableError('the workflow engine');
      throw err;
    }
  }
}
