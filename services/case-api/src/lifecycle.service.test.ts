/**
 * How a move's failure reaches the client, with a fake Temporal client: a step
 * the database refused for good (the activity's non-retryable failure inside
 * the Update) is a 422 naming the move — not a 500, and not a hang.
 */
import { describe, expect, it } from 'vitest';
import { ActivityFailure, ApplicationFailure, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { LifecycleService } from './lifecycle.service';
import type { ActorRepository } from './actor.repository';

function service(failure: Error) {
  const temporal = { workflow: { getHandle: () => ({ executeUpdate: async () => { throw failure; } }) } } as unknown as Client;
  return new LifecycleService({
    temporal,
    actors: { find: async (code: string) => ({ code, role: 'hall_staff' }) } as unknown as ActorRepository,
    caseExists: async () => true,
    assertCanSee: async () => undefined,
  });
}

describe('LifecycleService.moveAs', () => {
  it('a step the database refused for good is a 422 for that move', async () => {
    const refused = new ApplicationFailure('recordTransition: the database refused the data (SQLSTATE 22021)', 'PermanentDataError', true);
    const failure = new WorkflowUpdateFailedError('update failed', new ActivityFailure('activity failed', 'recordTransition', '7', 'NON_RETRYABLE_FAILURE', 'worker', refused));
    await expect(service(failure).moveAs('c', 'withdrawCase', { code: 'hall-1', role: 'hall_staff' }, { reason: 'x' })).rejects.toMatchObject({ status: 422, extensions: { move: 'withdrawCase' } });
  });

  it('a validator\'s refusal keeps its own status', async () => {
    const failure = new WorkflowUpdateFailedError('update failed', ApplicationFailure.create({ type: 'TransitionNotAllowed', message: 'not now', nonRetryable: true }));
    await expect(service(failure).moveAs('c', 'withdrawCase', { code: 'hall-1', role: 'hall_staff' }, { reason: 'x' })).rejects.toMatchObject({ status: 409 });
  });
});
