/**
 * Hot topics and the month's topic (每月一题, issue 13) through the real stack:
 * cases opened through the API this month, routed by the workflow, grouped by
 * the case API from their texts (jieba keywords) — two recurring issues and a
 * one-off request. The area leader sees the area's topics ranked with counts and
 * trend, pages a topic's cases; another department's head sees none of them; a
 * cadre may not read them and neither a cadre nor an area leader may take one up
 * (refused at the front door). The township leadership takes one up with a note
 * (who from the session; a body naming someone is refused), changes it only with
 * the revision it replaces and a reason, and every decision is kept, listed by
 * month and audited. Every bad input is a 400 problem naming the field.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOT_TOPIC_LABEL_TERMS, shiftMonth } from '@minqing/shared';
import { caseBody, env, eventually, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`ht${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
/** The township's month now (UTC+8). */
const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
let db: pg.Client;
let since: string;

/** Two recurring issues in words no other test uses (草场沙化; 禁牧补贴) and a one-off request. */
const DESERT = [
  { title: '草场沙化严重', description: '村北草场沙化越来越严重，希望组织治理。', villageCode: t.village, householdCode: t.household },
  { title: '治理草场沙化', description: '草场沙化面积扩大，请求种草固沙。', villageCode: t.otherVillage },
  { title: '沙化草场补播', description: '沙化的草场需要补播牧草。', villageCode: t.village, householdCode: t.household2 },
];
const GRAZING_BAN = [
  { title: '咨询禁牧补贴标准', description: '想了解今年禁牧补贴的发放标准。', villageCode: t.village },
  { title: '禁牧补贴未发放', description: '去年的禁牧补贴还没有发放到户。', villageCode: t.otherVillage },
];
const ONE_OFF = { title: '手机信号很差', description: '村里手机信号很差，打电话断断续续。', villageCode: t.village };
const ids: Record<string, string> = {};

interface Topic {
  id: string;
  category: string;
  keywords: string[];
  caseCount: number;
  householdCount: number;
  villageCount: number;
  villages: { code: string; cases: number }[];
  previousCount: number;
  trend: string;
  takenUp: boolean;
}

const topicsAs = (actor: string, query = '') => http('GET', api(`/hot-topics?month=${month}${query}`), undefined, as(actor));

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  for (const who of [t.leader, t.township, t.cadre1, t.head, t.judicialHead]) await tokenFor(who);
  since = new Date(Date.now() - 1000).toISOString();
  const open = async (category: string, c: Record<string, unknown>) => {
    const res = await http('POST', api('/cases'), caseBody({ category, householdCode: undefined, ...c }));
    expect(res.status, res.text).toBe(201);
    ids[c.title as string] = res.json.id;
  };
  for (const c of DESERT) await open('environment_civility', c);
  for (const c of GRAZING_BAN) await open('policy_question', c);
  await open('other', ONE_OFF);
  // routed: each case is in the area (its village's) once the workflow has written it
  await eventually(async () => {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM casework.cases WHERE id = ANY($1::uuid[]) AND area_code = $2', [Object.values(ids), t.area]);
    return rows[0]!.n === 6;
  }, 'the six cases routed into the area', 60_000);
}, 120_000);
afterAll(async () => {
  await db?.end();
});

describe('hot topics of the month (listHotTopics, hotTopicCases)', () => {
  it("the area leader sees the area's recurring issues, ranked, with their counts and trend", async () => {
    const res = await topicsAs(t.leader);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ month, previousMonth: shiftMonth(month, -1), casesInMonth: 6, casesInTopics: 5, total: 2, nextCursor: null });
    const [desert, ban] = res.json.items as Topic[];
    expect(desert).toMatchObject({ category: 'environment_civility', caseCount: 3, householdCount: 2, villageCount: 2, previousCount: 0, trend: 'new', takenUp: false });
    expect(desert!.keywords.slice(0, HOT_TOPIC_LABEL_TERMS)).toEqual(expect.arrayContaining(['沙化', '草场']));
    expect(desert!.villages).toEqual([{ code: t.village, cases: 2 }, { code: t.otherVillage, cases: 1 }]);
    expect(ban).toMatchObject({ category: 'policy_question', caseCount: 2, villageCount: 2, trend: 'new' });
    expect(ban!.keywords[0]).toBe('禁牧');
    // filters: by category, village and keyword
    expect((await topicsAs(t.leader, '&category=policy_question')).json.items.map((x: Topic) => x.id)).toEqual([ban!.id]);
    expect((await topicsAs(t.leader, `&village=${t.otherVillage}`)).json.total).toBe(2);
    expect((await topicsAs(t.leader, `&q=${encodeURIComponent('沙化')}`)).json.items.map((x: Topic) => x.id)).toEqual([desert!.id]);
    // paged without a cap
    const first = await topicsAs(t.leader, '&limit=1');
    expect(first.json.items.map((x: Topic) => x.id)).toEqual([desert!.id]);
    const second = await topicsAs(t.leader, `&limit=1&cursor=${first.json.nextCursor}`);
    expect([second.json.items.map((x: Topic) => x.id), second.json.nextCursor]).toEqual([[ban!.id], null]);
  });

  it("a topic's cases, newest first, page by page", async () => {
    const desert = ((await topicsAs(t.leader)).json.items as Topic[])[0]!;
    const page1 = await http('GET', api(`/hot-topics/${desert.id}/cases?month=${month}&limit=2`), undefined, as(t.leader));
    expect(page1.status, page1.text).toBe(200);
    expect(page1.json).toMatchObject({ month, source: 'live', total: 3, topic: { id: desert.id, category: 'environment_civility' } });
    const page2 = await http('GET', api(`/hot-topics/${desert.id}/cases?month=${month}&limit=2&cursor=${page1.json.nextCursor}`), undefined, as(t.leader));
    expect(page2.json.nextCursor).toBeNull();
    expect([...page1.json.items, ...page2.json.items].map((c: { id: string }) => c.id)).toEqual([...DESERT].reverse().map((c) => ids[c.title]));
    expect(page1.json.items[0]).toMatchObject({ title: '沙化草场补播', category: 'environment_civility', villageCode: t.village });
  });

  it('is read within what each reader may see: another department\'s head sees none of these; a cadre may not read them', async () => {
    const judicial = await topicsAs(t.judicialHead);
    expect(judicial.status).toBe(200);
    expect(judicial.json.items.some((x: Topic) => x.keywords.includes('沙化') || x.keywords.includes('禁牧'))).toBe(false);
    const cadre = await topicsAs(t.cadre1);
    expect([cadre.status, cadre.json.type]).toEqual([403, 'urn:minqing:problem:forbidden']);
  });

  it('refuses bad input with a 400 naming the field, an unknown topic with a coded 404', async () => {
    const field = async (path: string, expected: { field: string; code: string }) => {
      const res = await http('GET', api(path), undefined, as(t.leader));
      expect(res.status, `${path}: ${res.text}`).toBe(400);
      expect(res.json.errors, path).toEqual(expect.arrayContaining([expect.objectContaining(expected)]));
      return res.json.errors.find((x: { field: string }) => x.field === expected.field);
    };
    await field('/hot-topics', { field: 'querystring/month', code: 'required' });
    await field('/hot-topics?month=2026-13', { field: 'querystring/month', code: 'bad_format' });
    const future = await field(`/hot-topics?month=${shiftMonth(month, 1)}`, { field: 'querystring/month', code: 'too_large' });
    expect(future.params).toEqual({ max: month });
    await field(`/hot-topics?month=${month}&limit=0`, { field: 'querystring/limit', code: 'too_small' });
    await field(`/hot-topics?month=${month}&limit=101`, { field: 'querystring/limit', code: 'too_large' });
    await field(`/hot-topics?month=${month}&category=weather`, { field: 'querystring/category', code: 'not_allowed' });
    await field(`/hot-topics?month=${month}&cursor=bm90LW91cnM`, { field: 'querystring/cursor', code: 'cursor_foreign' });
    await field(`/hot-topics/not-a-topic/cases?month=${month}`, { field: 'params/topicId', code: 'bad_format' });
    const unknown = await http('GET', api(`/hot-topics/other.000000000000/cases?month=${month}`), undefined, as(t.leader));
    expect([unknown.status, unknown.json.code, unknown.json.params]).toEqual([404, 'hot_topic_not_found', { month }]);
    // the first month there can be (its month before, 1969-12, is outside the bounds) once gave a 500 in the fuzz
    const first = await http('GET', api('/hot-topics?month=1970-01'), undefined, as(t.leader));
    expect([first.status, first.json.previousMonth, first.json.total]).toEqual([200, '1969-12', 0]);
    expect((await http('GET', api('/hot-topics/other.000000000000/cases?month=1970-01'), undefined, as(t.leader))).status).toBe(404);
    expect((await http('POST', api('/monthly-topics'), { month: '1970-01', topicId: 'other.000000000000', note: '专项治理' }, as(t.township))).status).toBe(404);
  });
});

describe("this month's topic (takeUpHotTopic, listMonthlyTopics, monthlyTopicHistory)", () => {
  /** The township leadership's topic of these cases (its topics are the township's: other tests' cases are there too). */
  async function townshipTopic(keyword: string): Promise<Topic> {
    const res = await http('GET', api(`/hot-topics?month=${month}&q=${encodeURIComponent(keyword)}&limit=100`), undefined, as(t.township));
    expect(res.status, res.text).toBe(200);
    const found = (res.json.items as Topic[]).find((x) => x.keywords[0] === keyword || x.keywords.includes(keyword));
    expect(found, `a township topic with ${keyword}`).toBeDefined();
    return found!;
  }
  const current = async () => (await http('GET', api(`/hot-topics?month=${month}&limit=1`), undefined, as(t.township))).json.monthlyTopic as { revision: number } | null;

  it('only the township leadership (and administrators) take one up: a cadre and an area leader are refused before the body is read', async () => {
    for (const who of [t.cadre1, t.leader, t.head]) {
      const res = await http('POST', api('/monthly-topics'), '{"not json', { ...as(who), 'content-type': 'application/json' });
      expect([who, res.status]).toEqual([who, 403]);
    }
  });

  it('is taken up with a note by the signed-in leader, changed only with the revision it replaces and a reason, every decision kept and audited', async () => {
    const desert = await townshipTopic('沙化');
    const ban = await townshipTopic('禁牧');
    const before = await current();
    // who took it up is the session's user: a body naming someone is refused
    const named = await http('POST', api('/monthly-topics'), { month, topicId: desert.id, note: '组织草场沙化专项治理', takenBy: 'admin' }, as(t.township));
    expect([named.status, named.json.errors?.[0]?.code]).toEqual([400, 'unknown_property']);
    const noNote = await http('POST', api('/monthly-topics'), { month, topicId: desert.id }, as(t.township));
    expect(noNote.json.errors).toEqual([expect.objectContaining({ field: 'body/note', code: 'required' })]);

    const taken = await http('POST', api('/monthly-topics'), {
      month, topicId: desert.id, note: '组织草场沙化专项治理', ...(before ? { replacesRevision: before.revision, reason: '沙化问题更集中' } : {}),
    }, as(t.township));
    expect(taken.status, taken.text).toBe(201);
    const first = (before?.revision ?? 0) + 1;
    expect(taken.json).toMatchObject({
      month, revision: first, current: true, topicId: desert.id, category: 'environment_civility', note: '组织草场沙化专项治理',
      takenBy: { username: t.township, name: '王书记', role: 'township_leader' },
    });
    expect(taken.json.caseCount).toBeGreaterThanOrEqual(3);
    expect(taken.json.villages).toEqual(expect.arrayContaining([t.village, t.otherVillage]));

    // a change: only naming the revision it replaces, with a reason
    const change = { month, topicId: ban.id, note: '统一核查禁牧补贴发放' };
    const noRevision = await http('POST', api('/monthly-topics'), { ...change, reason: '群众反映更急' }, as(t.township));
    expect([noRevision.status, noRevision.json.code, noRevision.json.params]).toEqual([409, 'monthly_topic_taken', { month, revision: first }]);
    const stale = await http('POST', api('/monthly-topics'), { ...change, reason: '群众反映更急', replacesRevision: first + 5 }, as(t.township));
    expect([stale.status, stale.json.code, stale.json.params]).toEqual([409, 'monthly_topic_changed', { month, current: first }]);
    const noReason = await http('POST', api('/monthly-topics'), { ...change, replacesRevision: first }, as(t.township));
    expect([noReason.status, noReason.json.errors?.[0]?.field, noReason.json.errors?.[0]?.code]).toEqual([400, 'body/reason', 'required']);
    const changed = await http('POST', api('/monthly-topics'), { ...change, replacesRevision: first, reason: '群众反映更急' }, as(t.township));
    expect(changed.status, changed.text).toBe(201);
    expect(changed.json).toMatchObject({ revision: first + 1, topicId: ban.id, reason: '群众反映更急', revisions: first + 1 });

    // the history keeps both decisions, newest first, with who and why
    const history = await http('GET', api(`/monthly-topics/${month}/history?limit=2`), undefined, as(t.leader));
    expect(history.status, history.text).toBe(200);
    expect(history.json.items.map((d: { revision: number; current: boolean; topicId: string; reason: string | null; note: string }) => [d.revision, d.current, d.topicId, d.note])).toEqual([
      [first + 1, true, ban.id, '统一核查禁牧补贴发放'],
      [first, false, desert.id, '组织草场沙化专项治理'],
    ]);
    expect(history.json.total).toBe(first + 1);
    // by month, and on the area leader's list: the month's topic, marked on its own topic
    const months = await http('GET', api(`/monthly-topics?from=${month}&to=${month}`), undefined, as(t.leader));
    expect(months.json.items.map((m: { month: string; revision: number; revisions: number }) => [m.month, m.revision, m.revisions])).toEqual([[month, first + 1, first + 1]]);
    const leaders = await topicsAs(t.leader);
    expect(leaders.json.monthlyTopic).toMatchObject({ topicId: ban.id, revision: first + 1 });
    expect((leaders.json.items as Topic[]).map((x) => [x.keywords[0], x.takenUp])).toEqual([[expect.any(String), false], ['禁牧', true]]);

    // audited, by the leader, with codes only
    const audit = await http('GET', api(`/audit?action=monthly_topic.take_up&actor=${t.township}&from=${since}`));
    expect(audit.status, audit.text).toBe(200);
    expect(audit.json.items.map((x: { subject: string; details: { revision: number; topicId: string } }) => [x.subject, x.details.revision, x.details.topicId])).toEqual([
      [month, first + 1, ban.id],
      [month, first, desert.id],
    ]);
    expect(JSON.stringify(audit.json.items)).not.toContain('禁牧补贴发放');

    // decisions are kept as made: the table refuses changes
    await expect(db.query(`UPDATE directory.monthly_topics SET note = 'x' WHERE month = $1`, [month])).rejects.toThrow(/keeps every decision/);
    await expect(db.query(`DELETE FROM directory.monthly_topics WHERE month = $1`, [month])).rejects.toThrow(/keeps every decision/);
  });
});
