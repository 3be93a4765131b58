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
    maxReturnsOf: async () => 2,
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

describe('LifecycleService.move: the directory facts of whom a case is given to', () => {
  const principal = { username: 'head-1', role: 'department_head', cadreCode: 'head-1', cadreRole: 'department_head', departmentCode: 'civil', areaCodes: [] } as never;
  function capturing() {
    const sent: Record<string, unknown>[] = [];
    const temporal = { workflow: { getHandle: () => ({ executeUpdate: async (_u: unknown, o: { args: Record<string, unknown>[] }) => { sent.push(o.args[0]!); return {}; } }) } } as unknown as Client;
    const cadres: Record<string, { role: string; departmentCode: string | null; head: string | null }> = {
      'head-1': { role: 'department_head', departmentCode: 'civil', head: 'head-1' },
      'judge-1': { role: 'staff', departmentCode: 'judicial', head: 'head-judicial' },
    };
    const actors = {
      find: async (code: string) => (cadres[code] ? { code, role: cadres[code].role } : null),
      assigneeFacts: async (code: string) => (cadres[code] ? { code, departmentCode: cadres[code].departmentCode, departmentHead: cadres[code].head } : null),
    } as unknown as ActorRepository;
    return { sent, svc: new LifecycleService({ temporal, actors, caseExists: async () => true, assertCanSee: async () => undefined, maxReturnsOf: async () => 2 }) };
  }

  it('a reassignment carries the new cadre’s department and its head, read from the directory; the actor is the session’s', async () => {
    const { sent, svc } = capturing();
    await svc.move('c', 'reassignCase', principal, { assigneeCode: 'judge-1', note: 'x' });
    expect(sent).toEqual([{ assigneeCode: 'judge-1', note: 'x', assignee: { code: 'judge-1', departmentCode: 'judicial', departmentHead: 'head-judicial' }, actor: { code: 'head-1', role: 'department_head' } }]);
  });

  it('a reroute carries them, a forced dispatch does not, an unknown cadre is a 422', async () => {
    const { sent, svc } = capturing();
    await svc.move('c', 'reviewReturn', principal, { decision: 'reroute', assigneeCode: 'judge-1', note: 'x' });
    await svc.move('c', 'reviewReturn', principal, { decision: 'force_dispatch', note: 'x' });
    expect(sent.map((a) => a.assignee)).toEqual([{ code: 'judge-1', departmentCode: 'judicial', departmentHead: 'head-judicial' }, undefined]);
    await expect(svc.move('c', 'reassignCase', principal, { assigneeCode: 'ghost', note: 'x' })).rejects.toMatchObject({ status: 422 });
  });
});

describe('LifecycleService.allowedMoves: the moves offered on the case page', () => {
  const assignee = { username: 'cadre-1', role: 'staff', cadreCode: 'cadre-1', cadreRole: 'staff', departmentCode: 'civil', areaCodes: [] } as never;
  const assigned = { id: 'c', status: 'assigned', assigneeCode: 'cadre-1', escalation: null, returnsCount: 1, pendingExtension: null, satisfaction: null, paused: false, dueAt: null } as never;
  /** policies by version, as published: one that allows a single return, one that allows three */
  const caps: Record<string, number> = { 'sla-once': 1, 'sla-thrice': 3 };
  const svc = new LifecycleService({
    temporal: {} as Client,
    actors: { find: async (code: string) => ({ code, role: 'staff' }) } as unknown as ActorRepository,
    caseExists: async () => true,
    assertCanSee: async () => undefined,
    maxReturnsOf: async (version) => caps[version ?? ''] ?? 2,
  });

  it('offer a return only while the policy the case started with allows one more', async () => {
    expect(await svc.allowedMoves(assignee, { ...(assigned as object), slaPolicyVersion: 'sla-thrice' } as never)).toContain('returnCase');
    expect(await svc.allowedMoves(assignee, { ...(assigned as object), slaPolicyVersion: 'sla-once' } as never)).not.toContain('returnCase');
    expect(await svc.allowedMoves(assignee, { ...(assigned as object), slaPolicyVersion: 'sla-once' } as never)).toContain('acceptCase');
  });
});
