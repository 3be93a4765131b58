import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { AddPlanItemBodySchema, mayMove, PLAN_ITEM_STATUSES, type PlanItemStatus } from '@minqing/shared';
import { generateTownship } from './demo-township';
import { DEMO_PLAN_STORIES, demoPlans } from './demo-plans';

describe('the demo plans', () => {
  const township = generateTownship(20261127, { households: 600 });
  const plans = demoPlans(township);

  it('every area and every department linked to a village has a plan, made by its own leader or head', () => {
    expect(plans.filter((p) => p.kind === 'area').map((p) => p.code).sort()).toEqual(township.areas.map((a) => a.code).sort());
    expect(plans.filter((p) => p.kind === 'department').map((p) => p.code).sort()).toEqual([...new Set(township.villages.map((v) => v.departmentCode))].sort());
    for (const p of plans) {
      if (p.kind === 'area') expect(township.areas.find((a) => a.code === p.code)!.leaderCode).toBe(p.by);
      else expect(township.departments.find((d) => d.code === p.code)!.headCode).toBe(p.by);
    }
  });

  it('items are valid, within the plan (villages; a department plan owned by its own cadres), and end in every state', () => {
    const ends = new Set<string>();
    for (const p of plans) {
      const villages = township.villages.filter((v) => (p.kind === 'area' ? v.areaCode === p.code : v.departmentCode === p.code)).map((v) => v.code);
      for (const item of p.items) {
        expect(Value.Check(AddPlanItemBodySchema, { title: item.title, ownerCode: item.ownerCode, villageCodes: item.villageCodes, dueDate: '2026-12-15' })).toBe(true);
        expect(item.villageCodes.every((v) => villages.includes(v))).toBe(true);
        const owner = township.cadres.find((c) => c.code === item.ownerCode)!;
        expect(owner).toBeDefined();
        if (p.kind === 'department') expect(owner.departmentCode).toBe(p.code);
        // each move is one the statuses allow
        let status: PlanItemStatus = 'planned';
        for (const m of item.story.moves) {
          expect(mayMove(status, m.status ?? status)).toBe(true);
          status = m.status ?? status;
        }
        const overdue = (status === 'planned' || status === 'in_progress') && item.story.dueIn < 0;
        ends.add(status === 'done' ? (item.story.dueIn >= 0 ? 'done_on_time' : 'done_late') : overdue ? 'overdue' : status);
      }
    }
    expect([...ends].sort()).toEqual(['done_late', 'done_on_time', 'dropped', 'in_progress', 'overdue', 'planned']);
    expect(DEMO_PLAN_STORIES.every((s) => s.moves.every((m) => m.status !== 'dropped' || m.note.length > 0))).toBe(true);
    expect(PLAN_ITEM_STATUSES.length).toBe(4);
  });
});
