/**
 * Rules for logging a work record (履职). The API owns the directory, so the
 * checks against it happen here, before anything is started: the household
 * exists, whether it is linked to this cadre or a key household, the cadre's
 * department — a bad record is a 422 naming the field, synchronously, not a
 * failed workflow. The checked record, with those facts, goes to
 * `workRecordWorkflow`, and the worker writes it and its event (the API writes
 * no casework table). The request waits for the workflow, so a 201 means the
 * record is stored, as before.
 */
import type { Client } from '@temporalio/client';
import {
  PAGE_LIMIT_DEFAULT, assertSafeText, canonicalHash, DEFAULT_CALENDAR, deriveWorkRecordId, DomainError, dutyVisible, ForbiddenError,
  detailsOf, localDateOf, normaliseHelps, ProblemType, roleOfKind, workRecordFieldErrors, workRecordWorkflowId,
  type Actor, type BusinessCalendar, type Principal, type WorkFieldError, type WorkKind, type WorkRecordBody, type WorkRecordInput, type WorkRecordResult, type WorkRole,
} from '@minqing/shared';
import { storeByWorker } from '../stored-by-worker';
import type { WorkRepository } from './work.repository';

export type { WorkRecordBody } from '@minqing/shared';

/** A page of a cadre's records: a date range, one role or one kind. */
export interface ListQuery {
  cadre: string;
  from?: string;
  to?: string;
  role?: WorkRole;
  kind?: WorkKind;
  limit?: number;
  cursor?: string;
}

export interface LoggedWorkRecord {
  record: WorkRecordResult;
  /** false when an earlier request with the same Idempotency-Key logged it */
  created: boolean;
}

function invalid(field: string, message: string): DomainError {
  return invalidAll([{ field, message, code: 'invalid', params: {} }]);
}

/** One 422 naming every field that is wrong for the record's kind (with codes, so the console words them). */
function invalidAll(errors: (Omit<WorkFieldError, 'code'> & { code: string })[]): DomainError {
  return new DomainError(ProblemType.validation, 422, 'Invalid work record', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
    errors: errors.map((e) => ({ field: `body/${e.field}`, message: e.message, code: e.code, params: e.params })),
  });
}

export class WorkService {
  constructor(
    private readonly deps: {
      temporal: Client;
      taskQueue: string;
      repository: WorkRepository;
      calendar?: BusinessCalendar;
      /** how long a request waits for the worker to store the record before answering 503 */
      waitMs?: number;
      now?: () => Date;
    },
  ) {}

  async log(actor: Actor, b: WorkRecordBody, opts: { idempotencyKey?: string } = {}): Promise<LoggedWorkRecord> {
    // Text the database cannot store would fail the worker's activity: refuse it here, before anything starts.
    assertSafeText(b, 'body');
    const now = this.deps.now?.() ?? new Date();
    const today = localDateOf(now, this.deps.calendar ?? DEFAULT_CALENDAR);
    if (Number.isNaN(Date.parse(`${b.date}T00:00:00Z`)) || b.date > today) throw invalid('date', 'must be a real date, not in the future');
    // Which fields the kind takes and needs, its role, its weekday: the table of kinds (shared work-kinds.ts).
    const wrong = workRecordFieldErrors(b);
    if (wrong.length) throw invalidAll(wrong);
    const household = b.householdCode ? await this.deps.repository.household(b.householdCode) : null;
    if (b.householdCode && !household) throw invalid('householdCode', `${b.householdCode} does not exist`);
    if (!household && b.villageCode && !(await this.deps.repository.villageExists(b.villageCode))) throw invalid('villageCode', `${b.villageCode} does not exist`);
    const details = detailsOf(b);

    const requestHash = canonicalHash({ cadre: actor.code, ...b });
    const recordId = deriveWorkRecordId(actor.code, opts.idempotencyKey);
    const input: WorkRecordInput = {
      recordId,
      cadreCode: actor.code,
      departmentCode: await this.deps.repository.cadreDepartment(actor.code),
      kind: b.kind,
      date: b.date,
      householdCode: b.householdCode ?? null,
      villageCode: household?.villageCode ?? b.villageCode ?? null,
      caseId: b.caseId ?? null,
      role: roleOfKind(b.kind),
      note: b.note,
      recordedAt: now.toISOString(),
      household: household ? { linked: household.cadreCode === actor.code, key: household.isKey } : null,
      ...(b.helps?.length ? { helps: normaliseHelps(b.helps) } : {}),
      ...(Object.keys(details).length ? { details } : {}),
    };
    const { result, created } = await storeByWorker<WorkRecordResult>({
      temporal: this.deps.temporal, taskQueue: this.deps.taskQueue, workflowType: 'workRecordWorkflow', workflowId: workRecordWorkflowId(recordId), args: [input],
      requestHash, idempotencyKey: opts.idempotencyKey, waitMs: this.deps.waitMs,
      notStored: { title: 'Work record not stored', detail: 'the record could not be stored' },
    });
    return { record: result, created };
  }

  list(q: ListQuery) {
    return this.deps.repository.list({
      cadre: q.cadre, from: q.from ?? null, to: q.to ?? null, role: q.role ?? null, kind: q.kind ?? null, limit: q.limit ?? PAGE_LIMIT_DEFAULT,
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    });
  }

  /**
   * A cadre's records as `p` may read them: their own, or those of a cadre whose
   * duty figures `p` sees — the same rule as /reports/duty (`dutyVisible`): the
   * township-wide roles anyone's, a department head their department's cadres',
   * an area leader none but their own. 403 otherwise.
   */
  async listFor(p: Principal, q: ListQuery) {
    if (q.cadre !== p.cadreCode && !dutyVisible(p, { departmentCode: await this.deps.repository.cadreDepartment(q.cadre) })) {
      throw new ForbiddenError(`the work records of ${q.cadre} are outside your role and links (${p.role})`);
    }
    return this.list(q);
  }
}
