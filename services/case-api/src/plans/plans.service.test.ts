/**
 * The rules of plans with an in-memory repository and a fake workflow client:
 * only the plan's owner makes it and adds items, within its villages and (for a
 * department plan) its cadres; the item's owner records progress by the moves
 * the statuses allow, dropping with a reason; a change from a stale revision is
 * a 409; each revision hands its event (codes only) to the worker once, and a
 * hand-over that failed is retried.
 */
import { describe, expect, it } from 'vitest';
import { DomainError, type PlanItemEventData, type Principal } from '@minqing/shared';
import type { ItemRow, NewRevision, PlanRow, PlansRepository } from './plans.repository';
import { planEventId, PlansService } from './plans.service';

const principal = (over: Partial<Principal>): Principal => ({
  username: 'u', name: '某人', role: 'cadre', cadreCode: null, cadreRole: null, departmentCode: null, areaCodes: [], servicePoint: null, channel: null, expiresAt: '2026-12-31T00:00:00Z', ...over,
});
const leader = principal({ username: 'leader-east', name: '宝音', role: 'area_leader', cadreCode: 'leader-east', areaCodes: ['area-east'] });
const owner = principal({ username: 'staff-1', name: '李海燕', cadreCode: 'staff-1', departmentCode: 'nongmu' });
const other = principal({ username: 'staff-2', name: '陈永明', cadreCode: 'staff-2', departmentCode: 'nongmu' });
const CADRES = { 'staff-1': 'nongmu', 'staff-2': 'nongmu', 'staff-9': 'shehui' } as Record<string, string>;

function fakes(opts: { failStarts?: number } = {}) {
  const plans = new Map<string, PlanRow>();
  const items = new Map<string, ItemRow>();
  const revisions: NewRevision[] = [];
  const started = new Set<string>();
  const starts: { workflowId: string; args: unknown[] }[] = [];
  let failStarts = opts.failStarts ?? 0;
  const repository = {
    plan: async (id: string) => {
      const p = plans.get(id);
      if (!p) return null;
      const mine = [...items.values()].filter((i) => i.planId === id);
      return { ...p, counts: { ...p.counts, total: mine.length, done: mine.filter((i) => i.status === 'done').length } };
    },
    readFacts: async (planId: string, cadre: string | null) => ({ ownsAnItem: [...items.values()].some((i) => i.planId === planId && i.ownerCode === cadre), servesLeadersArea: false }),
    areaName: async (code: string) => (code === 'area-east' ? '东部片区' : null),
    departmentName: async (code: string) => (code === 'nongmu' ? '农牧业综合服务中心' : null),
    cadre: async (code: string) => (code in CADRES ? { code, name: code, departmentCode: CADRES[code]! } : null),
    createPlan: async (p: { id: string; kind: 'area' | 'department'; year: number; areaCode: string | null; departmentCode: string | null; title: string; createdBy: string }) => {
      if ([...plans.values()].some((x) => x.kind === p.kind && x.year === p.year && (x.areaCode ?? x.departmentCode) === (p.areaCode ?? p.departmentCode))) return false;
      plans.set(p.id, {
        ...p, ownerName: '东部片区', villageCodes: p.kind === 'area' ? ['bayanhua', 'galutu'] : ['bayanhua'],
        counts: { total: 0, planned: 0, inProgress: 0, done: 0, dropped: 0, overdue: 0, doneLate: 0 }, createdAt: '2026-12-01T00:00:00.000Z',
      });
      return true;
    },
    item: async (planId: string, itemId: string) => {
      const i = items.get(itemId);
      return i && i.planId === planId ? { ...i } : null;
    },
    writeRevision: async (r: NewRevision) => {
      const before = items.get(r.itemId);
      if ((before?.revision ?? 0) !== r.revision - 1) return false;
      items.set(r.itemId, {
        id: r.itemId, planId: r.planId, title: r.title, villageCodes: r.villageCodes, ownerCode: r.ownerCode, ownerName: r.ownerCode, dueDate: r.dueDate,
        status: r.status, doneOn: r.doneOn, dropReason: r.dropReason, lastNote: r.note ?? before?.lastNote ?? null, revision: r.revision, updatedAt: r.at,
      });
      revisions.push(r);
      return true;
    },
    eventStarted: async (itemId: string, revision: number) => { started.add(`${itemId}:${revision}`); },
    unstartedEvents: async () => revisions.filter((r) => !started.has(`${r.itemId}:${r.revision}`)).map((r) => r.event),
  } as unknown as PlansRepository;
  const temporal = {
    workflow: {
      start: async (_type: string, o: { workflowId: string; args: unknown[] }) => {
        if (failStarts > 0) {
          failStarts--;
          throw new Error('temporal away');
        }
        starts.push(o);
      },
    },
  };
  const service = new PlansService({ repository, temporal: temporal as never, taskQueue: 'q', now: () => new Date('2026-12-03T02:00:00Z') });
  return { service, revisions, starts, started };
}

const status = async (p: Promise<unknown>) => p.then(() => 0, (e: unknown) => (e instanceof DomainError ? e.status : -1));
const code = async (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e as DomainError).extensions.code ?? (e as DomainError).extensions.errors);

describe('plans', () => {
  it('the owner makes one plan a year; others may not', async () => {
    const { service } = fakes();
    const plan = await service.create(leader, { kind: 'area', year: 2026, areaCode: 'area-east' });
    expect(plan).toMatchObject({ kind: 'area', year: 2026, editable: true, title: '东部片区2026年片区工作计划' });
    expect(await code(service.create(leader, { kind: 'area', year: 2026, areaCode: 'area-east' }))).toBe('plan_exists');
    expect(await status(service.create(owner, { kind: 'department', year: 2026, departmentCode: 'nongmu' }))).toBe(403);
    expect(await status(service.create(leader, { kind: 'area', year: 2026, departmentCode: 'nongmu' }))).toBe(400);
  });

  it('items stay within the plan; progress by the owner, by the moves, with a reason to drop; a stale revision is refused', async () => {
    const { service, revisions, starts } = fakes();
    const plan = await service.create(leader, { kind: 'area', year: 2026, areaCode: 'area-east' });
    const bad = await code(service.addItem(leader, plan.id, { title: '修路', villageCodes: ['wulan'], ownerCode: 'nobody', dueDate: '2026-12-20' }));
    expect((bad as { code: string }[]).map((e) => e.code).sort()).toEqual(['plan_owner_unknown', 'plan_village_outside']);
    // a cadre who does not read the plan is told nothing of it
    expect(await status(service.addItem(owner, plan.id, { title: '修路', villageCodes: [], ownerCode: 'staff-1', dueDate: '2026-12-20' }))).toBe(404);
    const item = await service.addItem(leader, plan.id, { title: '修路', villageCodes: ['galutu'], ownerCode: 'staff-1', dueDate: '2026-12-20' });
    expect(item).toMatchObject({ status: 'planned', revision: 1, mayProgress: true, mayEdit: true });

    // the township leadership reads the plan but records no one's progress; a cadre who does not read it is told nothing
    expect(await status(service.progress(principal({ role: 'township_leader', cadreCode: 'leader-mayor' }), plan.id, item.id, { baseRevision: 1, status: 'done' }))).toBe(403);
    expect(await status(service.progress(other, plan.id, item.id, { baseRevision: 1, status: 'done' }))).toBe(404);
    const done = await service.progress(owner, plan.id, item.id, { baseRevision: 1, status: 'done', note: '已完工' });
    expect(done).toMatchObject({ status: 'done', doneOn: '2026-12-03', revision: 2, lastNote: '已完工', overdue: false });
    expect(await code(service.progress(owner, plan.id, item.id, { baseRevision: 2, status: 'planned' }))).toBe('plan_move_not_allowed');
    expect(await code(service.progress(owner, plan.id, item.id, { baseRevision: 1, note: '补充' }))).toBe('plan_item_changed');
    const reopened = await service.progress(owner, plan.id, item.id, { baseRevision: 2, status: 'in_progress', note: '验收未通过' });
    expect(reopened).toMatchObject({ status: 'in_progress', doneOn: null });
    const noReason = await code(service.progress(leader, plan.id, item.id, { baseRevision: 3, status: 'dropped' }));
    expect((noReason as { code: string }[])[0]!.code).toBe('plan_reason_required');

    // every revision handed over once, as an event of codes: its id from the item and revision
    expect(revisions.map((r) => [r.revision, r.change, r.status, r.by.username])).toEqual([[1, 'created', 'planned', 'leader-east'], [2, 'progress', 'done', 'staff-1'], [3, 'progress', 'in_progress', 'staff-1']]);
    expect(starts.map((s) => s.workflowId)).toEqual([1, 2, 3].map((r) => `plan-item:${item.id}:r${r}`));
    const event = starts[1]!.args[0] as { eventId: string; data: PlanItemEventData };
    expect(event.eventId).toBe(planEventId(item.id, 2));
    expect(event.data).toMatchObject({ planKind: 'area', areaCode: 'area-east', departmentCode: null, status: 'done', previousStatus: 'planned', doneOn: '2026-12-03', ownerCode: 'staff-1', ownerDepartmentCode: 'nongmu', actorCode: 'staff-1' });
    expect(JSON.stringify(event.data)).not.toContain('修路');
  });

  it('a department plan takes only its own cadres as owners', async () => {
    const { service } = fakes();
    const head = principal({ username: 'head-nongmu', role: 'department_head', cadreCode: 'head-nongmu', departmentCode: 'nongmu' });
    const plan = await service.create(head, { kind: 'department', year: 2026, departmentCode: 'nongmu' });
    const refused = await code(service.addItem(head, plan.id, { title: '宣讲', villageCodes: [], ownerCode: 'staff-9', dueDate: '2026-12-20' }));
    expect((refused as { code: string }[])[0]!.code).toBe('plan_owner_outside_department');
    expect(await status(service.addItem(head, plan.id, { title: '宣讲', villageCodes: [], ownerCode: 'staff-2', dueDate: '2026-12-20' }))).toBe(0);
  });

  it('a hand-over that failed is retried, each revision once', async () => {
    const { service, starts, started } = fakes({ failStarts: 1 });
    const plan = await service.create(leader, { kind: 'area', year: 2026, areaCode: 'area-east' });
    const item = await service.addItem(leader, plan.id, { title: '修路', villageCodes: [], ownerCode: 'staff-1', dueDate: '2026-12-20' });
    expect(starts).toEqual([]);
    expect(await service.retryHandOvers()).toBe(1);
    expect(started.has(`${item.id}:1`)).toBe(true);
    expect(await service.retryHandOvers()).toBe(0);
  });
});
