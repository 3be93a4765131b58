/**
 * Something the worker stores through a one-shot workflow (a work record, an
 * inspection, market-day attendance, a case's 四帮四促 tags): the API checks the
 * request against the directory, starts the workflow and waits for its result,
 * so a 201 means the row and its event are stored. One way for all of them:
 *
 * - The workflow id comes from the Idempotency-Key, and ids are never reused:
 *   a retry finds the first run and answers with its result (`created: false`).
 * - The request's hash rides in the run's memo: the same key with another body
 *   is a 422 (`IdempotencyKeyReusedError`), never the first body's answer.
 * - Not stored in time is a 503 (the worker still will: retry with the same
 *   key); Temporal away is a 503; a run the worker refused for good is a 422
 *   (an administrator sees why under operations/failures).
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { DependencyUnavailableError, DomainError, IdempotencyKeyReusedError, isTemporalUnavailable, ProblemType } from '@minqing/shared';

/** How long a request waits for the worker by default. */
const WAIT_MS = 15_000;

/** What a request names when the worker refused it for good: "Work record not stored", "the record could not be stored". */
export interface NotStored {
  title: string;
  detail: string;
}

export interface StoredRun {
  temporal: Client;
  workflowId: string;
  /** canonical hash of who asked for what (the same key with another hash is a 422) */
  requestHash: string;
  idempotencyKey?: string | undefined;
  waitMs?: number | undefined;
  notStored: NotStored;
}

class TimedOut extends Error {}

/** Starts the workflow (or finds the run an earlier request with the same key started) and waits for its result. */
export async function storeByWorker<R>(run: StoredRun & { workflowType: string; taskQueue: string; args: unknown[] }): Promise<{ result: R; created: boolean }> {
  try {
    const handle = await run.temporal.workflow.start(run.workflowType, {
      taskQueue: run.taskQueue,
      workflowId: run.workflowId,
      args: run.args,
      // one stored thing per id, even after its workflow has finished: a retry replays it
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      memo: { requestHash: run.requestHash },
    });
    return { result: await awaitStored<R>(handle.result() as Promise<R>, run), created: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { result: await replayStored<R>(run), created: false };
    throw notStoredError(err, run.notStored);
  }
}

/** The result of the run an earlier request with this key started; a 422 when that request asked for something else. */
export async function replayStored<R>(run: StoredRun): Promise<R> {
  const handle = run.temporal.workflow.getHandle(run.workflowId);
  const memo = ((await handle.describe()).memo ?? {}) as { requestHash?: string };
  if (memo.requestHash !== run.requestHash) throw new IdempotencyKeyReusedError(run.idempotencyKey ?? '');
  return awaitStored<R>(handle.result() as Promise<R>, run);
}

async function awaitStored<R>(result: Promise<R>, run: Pick<StoredRun, 'waitMs' | 'notStored'>): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut()), run.waitMs ?? WAIT_MS);
  });
  try {
    return await Promise.race([result, timeout]);
  } catch (err) {
    throw notStoredError(err, run.notStored);
  } finally {
    clearTimeout(timer);
  }
}

/** The problem a request answers when the worker did not store it (other errors pass through as they are). */
export function notStoredError(err: unknown, notStored: NotStored): unknown {
  if (err instanceof TimedOut) return new DependencyUnavailableError('the case worker');
  if (isTemporalUnavailable(err)) return new DependencyUnavailableError('the workflow engine');
  if (err instanceof WorkflowFailedError) return new DomainError(ProblemType.validation, 422, notStored.title, `${notStored.detail}; an administrator can see why under operations/failures`);
  return err;
}
