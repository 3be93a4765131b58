import { describe, expect, it } from 'vitest';
import { completionRate, mayMove, mayRecordProgress, planEditable, planItemOverdue, planReadable, PLAN_ITEM_MOVES, PLAN_ITEM_STATUSES } from './plans';

const who = (role: string, extra: Partial<{ cadreCode: string | null; departmentCode: string | null; areaCodes: string[] }> = {}) =>
  ({ role, cadreCode: null, departmentCode: null, areaCodes: [], ...extra }) as Parameters<typeof planEditable>[0];
const areaPlan = { kind: 'area' as const, areaCode: 'area-east', departmentCode: null };
const deptPlan = { kind: 'department' as const, areaCode: null, departmentCode: 'nongmu' };
const none = { ownsAnItem: false, servesLeadersArea: false };

describe('who edits and reads a plan', () => {
  it('the area leader of its area, the head of its department, administrators', () => {
    expect(planEditable(who('area_leader', { areaCodes: ['area-east'] }), areaPlan)).toBe(true);
    expect(planEditable(who('area_leader', { areaCodes: ['area-west'] }), areaPlan)).toBe(false);
    expect(planEditable(who('department_head', { departmentCode: 'nongmu' }), deptPlan)).toBe(true);
    expect(planEditable(who('department_head', { departmentCode: 'nongmu' }), areaPlan)).toBe(false);
    expect(planEditable(who('admin'), deptPlan)).toBe(true);
    // the township leadership and the assessment group read, they do not edit
    expect(planEditable(who('township_leader'), areaPlan)).toBe(false);
    expect(planEditable(who('assessment'), deptPlan)).toBe(false);
  });

  it('readers: township-wide roles, owners, the department, item owners, an area leader served by the department', () => {
    expect(planReadable(who('assessment'), areaPlan, none)).toBe(true);
    expect(planReadable(who('township_leader'), deptPlan, none)).toBe(true);
    expect(planReadable(who('cadre', { cadreCode: 'c1', departmentCode: 'nongmu' }), deptPlan, none)).toBe(true);
    expect(planReadable(who('cadre', { cadreCode: 'c1', departmentCode: 'shehui' }), deptPlan, none)).toBe(false);
    expect(planReadable(who('cadre', { cadreCode: 'c1', departmentCode: 'shehui' }), areaPlan, { ownsAnItem: true, servesLeadersArea: false })).toBe(true);
    expect(planReadable(who('area_leader', { areaCodes: ['area-west'] }), deptPlan, { ownsAnItem: false, servesLeadersArea: true })).toBe(true);
    expect(planReadable(who('area_leader', { areaCodes: ['area-west'] }), areaPlan, none)).toBe(false);
    expect(planReadable(who('hall_staff'), areaPlan, none)).toBe(false);
  });

  it("progress: the item's owner or the plan's owner", () => {
    expect(mayRecordProgress(who('cadre', { cadreCode: 'c1' }), areaPlan, 'c1')).toBe(true);
    expect(mayRecordProgress(who('cadre', { cadreCode: 'c2' }), areaPlan, 'c1')).toBe(false);
    expect(mayRecordProgress(who('area_leader', { cadreCode: 'l', areaCodes: ['area-east'] }), areaPlan, 'c1')).toBe(true);
    expect(mayRecordProgress(who('assessment'), areaPlan, 'c1')).toBe(false);
  });
});

describe('an item', () => {
  it('moves: done and dropped reopen only to in progress; staying is a note', () => {
    for (const s of PLAN_ITEM_STATUSES) expect(mayMove(s, s)).toBe(true);
    expect(mayMove('planned', 'done')).toBe(true);
    expect(mayMove('done', 'planned')).toBe(false);
    expect(mayMove('dropped', 'done')).toBe(false);
    expect(mayMove('done', 'in_progress')).toBe(true);
    expect(Object.keys(PLAN_ITEM_MOVES).sort()).toEqual([...PLAN_ITEM_STATUSES].sort());
  });

  it('is overdue when open past its due date; completion leaves dropped items out', () => {
    expect(planItemOverdue({ status: 'planned', dueDate: '2026-11-30' }, '2026-12-01')).toBe(true);
    expect(planItemOverdue({ status: 'in_progress', dueDate: '2026-12-01' }, '2026-12-01')).toBe(false);
    expect(planItemOverdue({ status: 'done', dueDate: '2026-11-30' }, '2026-12-01')).toBe(false);
    expect(completionRate({ due: 4, doneOnTime: 1, doneLate: 1, dropped: 2 })).toBe(1);
    expect(completionRate({ due: 1, doneOnTime: 0, doneLate: 0, dropped: 1 })).toBeNull();
    expect(completionRate({ due: 3, doneOnTime: 1, doneLate: 0, dropped: 0 })).toBe(0.333);
  });
});
