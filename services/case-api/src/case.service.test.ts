/**
 * Rules of opening a case, with a hand-written fake of the Temporal client
 * (a unit-test fake only; the integration tests use the real server).
 */
import { describe, expect, it } from 'vitest';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { DependencyUnavailableError, deriveCaseId, IdempotencyKeyReusedError, NotFoundError, type OpenCaseBody } from '@minqing/shared';
import { CaseService } from './case.service';
import type { CaseRepository } from './case.repository';

class FakeTemporal {
  started = new Map<string, { args: unknown[]; memo: Record<string, unknown>; searchAttributes: unknown }>();
  unavailable = false;
  workflow = {
    start: async (_type: string, opts: { workflowId: string; args: unknown[]; memo: Record<string, unknown>; typedSearchAttributes: unknown }) => {
      if (this.unavailable) throw Object.assign(new Error('14 UNAVAILABLE: connection refused'), { code: 14 });
      if (this.started.has(opts.workflowId)) throw new WorkflowExecutionAlreadyStartedError('already started', opts.workflowId, 'caseWorkflow');
      this.started.set(opts.workflowId, { args: opts.args, memo: opts.memo, searchAttributes: opts.typedSearchAttributes });
      return {};
    },
    getHandle: (id: string) => ({
      describe: async () => ({ memo: this.started.get(id)?.memo }),
      query: async () => {
        throw new WorkflowNotFoundError('not found', id, undefined);
      },
    }),
  };
}

const body: OpenCaseBody = {
  category: 'policy_question',
  channel: 'hall',
  title: '咨询低保政策',
  description: '想了解低保申请条件',
  resident: { name: '王桂兰', phone: '13800000000' },
};

function service(fake = new FakeTemporal(), found: unknown = null) {
  const repository = { findById: async () => found } as unknown as CaseRepository;
  return { fake, svc: new CaseService({ temporal: fake as unknown as Client, taskQueue: 'q', repository }) };
}

describe('CaseService.openCase', () => {
  it('refuses text PostgreSQL cannot store (NUL, unpaired surrogate) before starting anything', async () => {
    const { fake, svc } = service();
    for (const bad of [{ ...body, description: 'a\u0000b' }, { ...body, resident: { ...body.resident, name: '\uD800' } }]) {
      await expect(svc.openCase(bad, { idempotencyKey: 'key-nul-0001', actor: 'staff-1' })).rejects.toMatchObject({ status: 400, extensions: { errors: [expect.objectContaining({ field: expect.stringMatching(/^body\/(description|resident\/name)$/) })] } });
    }
    expect(fake.started.size).toBe(0);
  });

  it('starts one workflow whose id is the case id, defaulting priority to normal', async () => {
    const { fake, svc } = service();
    const opened = await svc.openCase(body, { idempotencyKey: 'key-00000001', actor: 'staff-1' });
    expect(opened.created).toBe(true);
    expect(opened.id).toBe(deriveCaseId('key-00000001'));
    const started = fake.started.get(opened.id)!;
    expect(started.args[0]).toMatchObject({ caseId: opened.id, openedBy: 'staff-1', request: { priority: 'normal' } });
  });

  it('a retry with the same key and body returns the first case, not a new one', async () => {
    const { fake, svc } = service();
    const a = await svc.openCase(body, { idempotencyKey: 'key-00000002', actor: null });
    const b = await svc.openCase({ ...body }, { idempotencyKey: 'key-00000002', actor: null });
    expect(b).toMatchObject({ id: a.id, trackingCode: a.trackingCode, openedAt: a.openedAt, created: false });
    expect(fake.started.size).toBe(1);
  });

  it('the same key with another body is refused', async () => {
    const { svc } = service();
    await svc.openCase(body, { idempotencyKey: 'key-00000003', actor: null });
    await expect(svc.openCase({ ...body, title: 'other' }, { idempotencyKey: 'key-00000003', actor: null })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('an unreachable workflow engine is a 503-kind error, not an internal one', async () => {
    const fake = new FakeTemporal();
    fake.unavailable = true;
    const { svc } = service(fake);
    await expect(svc.openCase(body, { actor: null })).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});

describe('CaseService.getCase', () => {
  it('is NotFound when neither the read model nor Temporal knows the id', async () => {
    const { svc } = service();
    await expect(svc.getCase('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
  });
});
