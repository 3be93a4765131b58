/**
 * Demo plans (issue 13): for this year, every area's work plan (片区工作计划, by
 * its area leader) and the annual service plan (年度服务计划, by its head) of every
 * department linked to a village, each with items in every state — done on
 * time, done late, in progress, overdue, planned, dropped with a reason — added
 * by the plan's owner and moved along by each item's owner. All through the
 * API, deterministic, and resumable: a plan that has items is left alone.
 */
import type { DirectoryDocument } from '@minqing/shared';
import { DEMO_CODES } from './demo-township';

type Call = (method: string, url: string, body: unknown, headers?: Record<string, string>) => Promise<{ status: number; json: any }>;

const DAY = 86_400_000;
const shift = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

/** What happens to an item after it is added: the owner's moves, each with its note. */
type Story = { dueIn: number; moves: { status?: 'in_progress' | 'done' | 'dropped'; note: string }[] };

/** One item per state, in this order (due dates relative to today, so a done item is on time or late as intended). */
export const DEMO_PLAN_STORIES: Story[] = [
  { dueIn: 12, moves: [{ status: 'in_progress', note: '已召开嘎查村两委会研究部署' }, { status: 'done', note: '已按计划完成，材料已归档' }] },
  { dueIn: -40, moves: [{ status: 'in_progress', note: '前期摸底已完成' }, { status: 'done', note: '因资金到位较晚，延期完成' }] },
  { dueIn: 20, moves: [{ status: 'in_progress', note: '正在推进，已完成一半' }] },
  { dueIn: -15, moves: [{ status: 'in_progress', note: '协调中，尚未落实' }] },
  { dueIn: 25, moves: [] },
  { dueIn: -60, moves: [{ status: 'dropped', note: '上级政策调整，本事项不再实施' }] },
];

const AREA_ITEMS = ['制定片区产业发展规划', '推进肉羊养殖合作社建设', '完善便民服务站代办制度', '开展矛盾纠纷集中排查', '组织元旦春节走访慰问', '推进人居环境整治'];
const DEPARTMENT_ITEMS = ['开展政策宣讲进村入户', '帮助联系村谋划发展项目', '落实重点户帮扶措施', '跟踪代办事项办结情况', '组织周五环境卫生清扫日', '建立联系村民情台帐'];

export interface DemoPlan {
  kind: 'area' | 'department';
  code: string;
  /** who makes the plan and adds its items */
  by: string;
  items: { title: string; ownerCode: string; villageCodes: string[]; story: Story }[];
}

/** The demo's plans: every area's and every department linked to a village, six items each. */
export function demoPlans(township: DirectoryDocument): DemoPlan[] {
  const staffOf = (dept: string) => township.cadres.filter((c) => c.departmentCode === dept && c.role !== 'department_head').map((c) => c.code);
  const areas = Object.entries(DEMO_CODES.areaLeaders as Record<string, string>).map(([area, leader]) => {
    const villages = township.villages.filter((v) => v.areaCode === area);
    return {
      kind: 'area' as const, code: area, by: leader,
      items: DEMO_PLAN_STORIES.map((story, i) => {
        const village = villages[i % villages.length]!;
        return { title: AREA_ITEMS[i]!, ownerCode: staffOf(village.departmentCode)[i % 3]!, villageCodes: [village.code], story };
      }),
    };
  });
  const linked = [...new Set(township.villages.map((v) => v.departmentCode))];
  const departments = linked.map((dept) => {
    const villages = township.villages.filter((v) => v.departmentCode === dept).map((v) => v.code);
    return {
      kind: 'department' as const, code: dept, by: DEMO_CODES.departmentHead(dept),
      items: DEMO_PLAN_STORIES.map((story, i) => ({ title: DEPARTMENT_ITEMS[i]!, ownerCode: staffOf(dept)[(i + 1) % 4]!, villageCodes: villages, story })),
    };
  });
  return [...areas, ...departments];
}

/** Loads the demo plans for `today`'s year; the number of items added. */
export async function loadDemoPlans(apiUrl: string, township: DirectoryDocument, today: string, as: (u: string) => Promise<Record<string, string>>, call: Call): Promise<number> {
  const year = Number(today.slice(0, 4));
  let added = 0;
  for (const plan of demoPlans(township)) {
    const by = await as(plan.by);
    const scope = plan.kind === 'area' ? { areaCode: plan.code } : { departmentCode: plan.code };
    let res = await call('POST', `${apiUrl}/api/v1/plans`, { kind: plan.kind, year, ...scope }, by);
    if (res.status === 409) {
      const found = await call('GET', `${apiUrl}/api/v1/plans?year=${year}&kind=${plan.kind}&${plan.kind === 'area' ? 'area' : 'department'}=${plan.code}`, undefined, by);
      res = { status: 201, json: found.json.items[0] };
    }
    if (res.status !== 201 || !res.json) throw new Error(`demo plan ${plan.kind} ${plan.code}: ${res.status} ${JSON.stringify(res.json)}`);
    if (res.json.counts.total > 0) continue; // loaded before
    const planId: string = res.json.id;
    for (const item of plan.items) {
      const made = await call('POST', `${apiUrl}/api/v1/plans/${planId}/items`, { title: item.title, ownerCode: item.ownerCode, villageCodes: item.villageCodes, dueDate: shift(today, item.story.dueIn) }, by);
      if (made.status !== 201) throw new Error(`demo plan item ${plan.code} ${item.title}: ${made.status} ${JSON.stringify(made.json)}`);
      added++;
      let revision: number = made.json.revision;
      const owner = await as(item.ownerCode);
      for (const move of item.story.moves) {
        const moved = await call('POST', `${apiUrl}/api/v1/plans/${planId}/items/${made.json.id}/progress`, { baseRevision: revision, ...move }, owner);
        if (moved.status !== 200) throw new Error(`demo plan progress ${plan.code} ${item.title}: ${moved.status} ${JSON.stringify(moved.json)}`);
        revision = moved.json.revision;
      }
    }
  }
  return added;
}
