/**
 * The rules of hot topics and the month's topic, with an in-memory store and
 * a word list for keywords (the segmentation itself: cluster.test.ts): months
 * are bounded by the current one; topics are ranked with their trend and paged
 * without a cap; a take-up records the topic as it is and who took it up (from
 * the session); a month has one topic, changed only with the revision it
 * replaces and a reason, every revision kept.
 */
import { describe, expect, it } from 'vitest';
import { DomainError, type Principal } from '@minqing/shared';
import type { MonthCase, NewDecision, TopicDecision } from './hot-topics.repository';
import { HotTopicsService, type HotTopicsStore } from './hot-topics.service';

const leader: Principal = {
  username: 'leader-secretary', name: '王书记', role: 'township_leader', cadreCode: 'leader-secretary', cadreRole: 'township_leader',
  departmentCode: null, areaCodes: [], servicePoint: null, channel: null, expiresAt: '2026-12-31T00:00:00Z',
};

let n = 0;
const kase = (openedAt: string, category: MonthCase['category'], title: string, village = 'wulan'): MonthCase => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, trackingCode: `MQ${n}`, status: 'assigned', category, title, description: '',
  villageCode: village, householdCode: `h${n}`, openedAt,
});

function store(cases: MonthCase[]): HotTopicsStore & { rows: TopicDecision[] } {
  const rows: TopicDecision[] = [];
  const newest = (month: string) => rows.filter((r) => r.month === month).sort((a, b) => b.revision - a.revision);
  return {
    rows,
    casesOpened: async (from, to) => cases.filter((c) => c.openedAt >= from.toISOString() && c.openedAt < to.toISOString()).sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1)),
    casesById: async (ids) => cases.filter((c) => ids.includes(c.id)),
    current: async (month) => (newest(month)[0] ? { decision: newest(month)[0]!, revisions: newest(month).length } : null),
    decisionFor: async (month, topicId) => newest(month).find((r) => r.topicId === topicId) ?? null,
    insert: async (d: NewDecision) => {
      if (rows.some((r) => r.month === d.month && r.revision === d.revision)) return null;
      const row = { ...d, takenAt: '2026-12-10T02:00:00.000Z' };
      rows.push(row);
      return row;
    },
    months: async ({ before, limit }) =>
      [...new Set(rows.map((r) => r.month))].filter((m) => !before || m < before).sort().reverse().slice(0, limit).map((m) => ({ decision: newest(m)[0]!, revisions: newest(m).length })),
    history: async (month, { below, limit }) => ({ items: newest(month).filter((r) => below === undefined || r.revision < below).slice(0, limit), revisions: newest(month).length }),
  };
}

/** Keywords are the title's words (space-separated) here. */
const words = () => ({ terms: (title: string) => new Map(title.split(' ').map((w) => [w, 1] as const)) });
const service = (cases: MonthCase[], s = store(cases)) => ({ s, svc: new HotTopicsService({ store: s, terms: words, now: () => new Date('2026-12-10T02:00:00Z') }) });

const december = [
  kase('2026-12-01T01:00:00Z', 'livelihood_difficulty', '取暖 煤 不足'),
  kase('2026-12-02T01:00:00Z', 'livelihood_difficulty', '取暖 补贴', 'sanduandi'),
  kase('2026-12-03T01:00:00Z', 'livelihood_difficulty', '取暖 煤 没送到'),
  kase('2026-12-04T01:00:00Z', 'other', '道路 破损'),
  kase('2026-12-05T01:00:00Z', 'other', '道路 积水'),
  kase('2026-12-06T01:00:00Z', 'policy_question', '低保 条件'),
  kase('2026-12-07T01:00:00Z', 'policy_question', '低保 到账'),
  kase('2026-12-08T01:00:00Z', 'policy_question', '上学 手续'),
];
const november = [
  kase('2026-11-20T01:00:00Z', 'other', '道路 坑洼'),
  kase('2026-11-21T01:00:00Z', 'other', '道路 修'),
  kase('2026-11-22T01:00:00Z', 'other', '道路 硬化'),
  kase('2026-11-23T01:00:00Z', 'policy_question', '低保 条件'),
  kase('2026-11-24T01:00:00Z', 'policy_question', '低保 复核'),
];

async function refusal(p: Promise<unknown>): Promise<DomainError & { extensions: Record<string, any> }> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  return err as never;
}

describe('hot topics of a month', () => {
  it('ranks the topics, with their counts and their trend against the month before', async () => {
    const { svc } = service([...december, ...november]);
    const answer = await svc.list(leader, { month: '2026-12', limit: 20 });
    expect(answer).toMatchObject({ month: '2026-12', previousMonth: '2026-11', casesInMonth: 8, casesInTopics: 7, monthlyTopic: null, total: 3, nextCursor: null });
    expect(answer.items.map((t) => [t.keywords[0], t.caseCount, t.previousCount, t.trend])).toEqual([
      ['取暖', 3, 0, 'new'],
      ['低保', 2, 2, 'same'],
      ['道路', 2, 3, 'down'],
    ]);
    expect(answer.items[0]).toMatchObject({ category: 'livelihood_difficulty', householdCount: 3, villageCount: 2, villages: [{ code: 'wulan', cases: 2 }, { code: 'sanduandi', cases: 1 }], takenUp: false });
  });

  it('filters by category, village and keyword, and pages without a cap', async () => {
    const { svc } = service(december);
    expect((await svc.list(leader, { month: '2026-12', category: 'other', limit: 20 })).items.map((t) => t.keywords[0])).toEqual(['道路']);
    expect((await svc.list(leader, { month: '2026-12', village: 'sanduandi', limit: 20 })).items.map((t) => t.keywords[0])).toEqual(['取暖']);
    expect((await svc.list(leader, { month: '2026-12', q: '低', limit: 20 })).items.map((t) => t.keywords[0])).toEqual(['低保']);
    const first = await svc.list(leader, { month: '2026-12', limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await svc.list(leader, { month: '2026-12', limit: 2, cursor: first.nextCursor! });
    expect(second).toMatchObject({ total: 3, nextCursor: null });
    expect([...first.items, ...second.items].map((t) => t.keywords[0])).toEqual(['取暖', '低保', '道路']);
    // a cursor of other filters is refused, not read as the first page
    const foreign = await refusal(svc.list(leader, { month: '2026-12', category: 'other', limit: 2, cursor: first.nextCursor! }));
    expect(foreign.status).toBe(400);
  });

  it('refuses a month after the current one, naming the field and the latest month', async () => {
    const { svc } = service(december);
    const err = await refusal(svc.list(leader, { month: '2027-01', limit: 20 }));
    expect(err.status).toBe(400);
    expect(err.extensions.errors).toEqual([expect.objectContaining({ field: 'querystring/month', code: 'too_large', params: { max: '2026-12' } })]);
  });

  it("pages a topic's cases newest first, by cursor", async () => {
    const { svc } = service(december);
    const heating = (await svc.list(leader, { month: '2026-12', limit: 20 })).items[0]!;
    const page1 = await svc.cases(leader, heating.id, { month: '2026-12', limit: 2 });
    expect(page1).toMatchObject({ source: 'live', total: 3, topic: { id: heating.id, keywords: heating.keywords } });
    const page2 = await svc.cases(leader, heating.id, { month: '2026-12', limit: 2, cursor: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((c) => c.title)).toEqual(['取暖 煤 没送到', '取暖 补贴', '取暖 煤 不足']);
    expect(page2.nextCursor).toBeNull();
    expect((await refusal(svc.cases(leader, 'other.000000000000', { month: '2026-12', limit: 2 }))).extensions).toMatchObject({ code: 'hot_topic_not_found' });
  });
});

describe("this month's topic (每月一题)", () => {
  it('is taken up with a note, as the signed-in user, with the topic as it is then', async () => {
    const { svc, s } = service(december);
    const heating = (await svc.list(leader, { month: '2026-12', limit: 20 })).items[0]!;
    const taken = await svc.takeUp(leader, { month: '2026-12', topicId: heating.id, note: '  组织专项排查  ' });
    expect(taken).toMatchObject({
      month: '2026-12', revision: 1, current: true, revisions: 1, topicId: heating.id, category: 'livelihood_difficulty', keywords: heating.keywords,
      villages: ['wulan', 'sanduandi'], caseCount: 3, householdCount: 3, note: '组织专项排查', reason: null,
      takenBy: { username: 'leader-secretary', name: '王书记', role: 'township_leader' },
    });
    expect(s.rows[0]!.caseIds).toHaveLength(3);
    const listed = await svc.list(leader, { month: '2026-12', limit: 20 });
    expect(listed.monthlyTopic).toMatchObject({ topicId: heating.id, revision: 1 });
    expect(listed.items.map((t) => t.takenUp)).toEqual([true, false, false]);
  });

  it('is changed only with the revision it replaces and a reason; every revision is kept', async () => {
    const { svc } = service(december);
    const [heating, welfare] = (await svc.list(leader, { month: '2026-12', limit: 20 })).items;
    await svc.takeUp(leader, { month: '2026-12', topicId: heating!.id, note: '专项排查' });

    const noRevision = await refusal(svc.takeUp(leader, { month: '2026-12', topicId: welfare!.id, note: '低保复核', reason: '群众反映更集中' }));
    expect([noRevision.status, noRevision.extensions.code, noRevision.extensions.params]).toEqual([409, 'monthly_topic_taken', { month: '2026-12', revision: 1 }]);
    const stale = await refusal(svc.takeUp(leader, { month: '2026-12', topicId: welfare!.id, note: '低保复核', reason: '群众反映更集中', replacesRevision: 2 }));
    expect([stale.status, stale.extensions.code, stale.extensions.params]).toEqual([409, 'monthly_topic_changed', { month: '2026-12', current: 1 }]);
    const noReason = await refusal(svc.takeUp(leader, { month: '2026-12', topicId: welfare!.id, note: '低保复核', replacesRevision: 1 }));
    expect(noReason.status).toBe(400);
    expect(noReason.extensions.errors).toEqual([expect.objectContaining({ field: 'body/reason', code: 'required' })]);

    const changed = await svc.takeUp(leader, { month: '2026-12', topicId: welfare!.id, note: '低保复核', reason: '群众反映更集中', replacesRevision: 1 });
    expect(changed).toMatchObject({ revision: 2, topicId: welfare!.id, reason: '群众反映更集中', revisions: 2 });
    const history = await svc.history('2026-12', { limit: 20 });
    expect(history.items.map((d) => [d.revision, d.current, d.topicId, d.reason])).toEqual([
      [2, true, welfare!.id, '群众反映更集中'],
      [1, false, heating!.id, null],
    ]);
    expect((await svc.months({ limit: 12 })).items.map((m) => [m.month, m.revision, m.revisions])).toEqual([['2026-12', 2, 2]]);
  });

  it('a first take-up that names a revision to replace is refused: there is none', async () => {
    const { svc } = service(december);
    const heating = (await svc.list(leader, { month: '2026-12', limit: 20 })).items[0]!;
    const err = await refusal(svc.takeUp(leader, { month: '2026-12', topicId: heating.id, note: '专项排查', replacesRevision: 1 }));
    expect([err.status, err.extensions.code]).toEqual([409, 'monthly_topic_changed']);
  });

  it("refuses a topic that is not among the month's, and a month to come", async () => {
    const { svc } = service(december);
    expect((await refusal(svc.takeUp(leader, { month: '2026-12', topicId: 'other.000000000000', note: '专项排查' }))).status).toBe(404);
    expect((await refusal(svc.takeUp(leader, { month: '2027-01', topicId: 'other.000000000000', note: '专项排查' }))).extensions.errors[0]).toMatchObject({ field: 'body/month', code: 'too_large' });
    expect((await refusal(svc.takeUp(leader, { month: '2026-12', topicId: 'other.000000000000', note: '   ' }))).extensions.errors[0]).toMatchObject({ field: 'body/note', code: 'required' });
  });

  it("a taken-up topic whose cases regrouped still answers with its cases as taken up", async () => {
    const cases = december.slice(0, 3);
    const { svc, s } = service(cases);
    const heating = (await svc.list(leader, { month: '2026-12', limit: 20 })).items[0]!;
    await svc.takeUp(leader, { month: '2026-12', topicId: heating.id, note: '专项排查' });
    // the topic's cases are gone from the month's topics (e.g. merged away): its cases as taken up remain
    const regrouped = new HotTopicsService({ store: { ...s, casesOpened: async () => [] }, terms: words, now: () => new Date('2026-12-10T02:00:00Z') });
    const answer = await regrouped.cases(leader, heating.id, { month: '2026-12', limit: 20 });
    expect(answer).toMatchObject({ source: 'taken_up', total: 3 });
  });
});
