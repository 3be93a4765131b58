/**
 * Hot topics from real Chinese case texts, segmented by jieba (no fakes): what a
 * township officer would call "the same issue" ends up in one topic — heating
 * coal (取暖, 煤), village roads, 低保, rubbish, medical reimbursement, street
 * lights, grazing land — and one-off requests in none; categories are never mixed;
 * a resident's name is never a keyword; the result does not depend on the order
 * the cases come in.
 */
import { describe, expect, it } from 'vitest';
import { TOPIC_ID_PATTERN, type CaseCategory } from '@minqing/shared';
import { casesReached, clusterTopics, type TopicCase } from './cluster';
import { jiebaTerms } from './terms';

type Row = [CaseCategory, string, string];

const ROWS: Row[] = [
  ['livelihood_difficulty', '冬季取暖用煤不足', '独居老人家中取暖煤不足，请求协调解决。'],
  ['livelihood_difficulty', '煤价上涨买不起煤', '今年冬天煤价涨了不少，低收入家庭买不起煤。'],
  ['livelihood_difficulty', '申请取暖补贴', '家中老人多病，想申请冬季取暖补贴。'],
  ['livelihood_difficulty', '取暖用煤没送到', '乡里统一采购的取暖用煤还没有送到嘎查。'],
  ['livelihood_difficulty', '房屋漏雨', '王桂兰家房顶漏雨，申请危房改造。'],
  ['livelihood_difficulty', '老人看病难', '独居老人腿脚不便，看病要走很远。'],
  ['other', '村道坑洼积水', '进村道路坑洼不平，下雨积水，出行困难。'],
  ['other', '通村道路破损', '通村水泥路多处破损，希望尽快维修。'],
  ['other', '请求硬化巷道', '村里巷道还是土路，雨雪天道路泥泞，请求硬化。'],
  ['other', '路灯损坏', '社区主路两盏路灯不亮，夜间出行不便。'],
  ['other', '路灯不亮', '小区路灯坏了一个月没人修。'],
  ['policy_question', '咨询低保申请条件', '想了解低保的申请条件和需要的材料。'],
  ['policy_question', '低保金未到账', '本月低保金还没有到账，请帮忙查询。'],
  ['policy_question', '低保复核材料补交', '低保年度复核，材料需要补交，不知道交到哪里。'],
  ['policy_question', '咨询新农合报销比例', '村民想了解今年新型农村合作医疗的报销比例和所需材料。'],
  ['policy_question', '医保报销咨询', '住院费用医保能报销多少，需要什么手续。'],
  ['policy_question', '孩子上学手续', '孩子转学需要办理什么手续。'],
  ['environment_civility', '村口垃圾堆放', '村口道路旁有垃圾长期堆放，影响出行和卫生。'],
  ['environment_civility', '垃圾清运不及时', '小区垃圾箱满了好几天没人清运。'],
  ['environment_civility', '垃圾箱损坏', '街道垃圾箱损坏，垃圾散落一地。'],
  ['environment_civility', '污水横流', '巷子里生活污水横流，气味难闻。'],
  ['dispute_mediation', '草场边界纠纷', '两户牧民对草场边界有争议，请求调解。'],
  ['dispute_mediation', '草场被占', '邻居的羊群长期进入我家草场。'],
  ['dispute_mediation', '宅基地纠纷', '邻居建房占了我家宅基地，请求调解。'],
  ['dispute_mediation', '邻里噪音', '楼上邻居夜间噪音扰民。'],
];

const terms = jiebaTerms();
const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
function casesOf(rows: Row[], day = 1): TopicCase[] {
  return rows.map(([category, title, description], i) => ({
    id: uuid(i),
    category,
    villageCode: `village-${i % 3}`,
    householdCode: `household-${i}`,
    openedAt: new Date(Date.UTC(2026, 11, day, 0, i)).toISOString(),
    terms: terms.terms(title, description),
  }));
}
const titleOf = (c: TopicCase) => ROWS[Number(c.id.slice(-12))]![1];
const titles = (cases: TopicCase[]) => cases.map(titleOf).sort();

describe('hot topics from Chinese case texts', () => {
  const topics = clusterTopics(casesOf(ROWS));

  it('groups what reads as one issue, and leaves one-off requests out', () => {
    const byFirstTitle = (a: { cases: string[] }, b: { cases: string[] }) => (a.cases[0]! < b.cases[0]! ? -1 : 1);
    expect(topics.map((t) => ({ category: t.category, cases: titles(t.cases) })).sort(byFirstTitle)).toEqual([
      { category: 'livelihood_difficulty', cases: ['冬季取暖用煤不足', '取暖用煤没送到', '申请取暖补贴', '煤价上涨买不起煤'].sort() },
      { category: 'environment_civility', cases: ['垃圾清运不及时', '垃圾箱损坏', '村口垃圾堆放'].sort() },
      { category: 'other', cases: ['村道坑洼积水', '请求硬化巷道', '通村道路破损'].sort() },
      { category: 'policy_question', cases: ['低保复核材料补交', '低保金未到账', '咨询低保申请条件'].sort() },
      { category: 'dispute_mediation', cases: ['草场被占', '草场边界纠纷'].sort() },
      { category: 'other', cases: ['路灯不亮', '路灯损坏'].sort() },
      { category: 'policy_question', cases: ['医保报销咨询', '咨询新农合报销比例'].sort() },
    ].sort(byFirstTitle));
    const inTopics = new Set(topics.flatMap((t) => t.cases.map(titleOf)));
    for (const single of ['房屋漏雨', '老人看病难', '孩子上学手续', '污水横流', '宅基地纠纷', '邻里噪音']) expect(inTopics.has(single), single).toBe(false);
  });

  it('labels each topic with the words its cases share, the leading one first', () => {
    const label = (title: string) => topics.find((t) => t.cases.some((c) => titleOf(c) === title))!.keywords;
    expect(label('煤价上涨买不起煤').slice(0, 2)).toEqual(['取暖', '煤']);
    expect(label('低保金未到账')[0]).toBe('低保');
    expect(label('垃圾箱损坏')[0]).toBe('垃圾');
    expect(label('通村道路破损')[0]).toBe('道路');
    expect(label('医保报销咨询')[0]).toBe('报销');
    expect(label('草场被占')[0]).toBe('草场');
    expect(label('路灯损坏')).toContain('路灯');
    // words every case says, or that only restate the category, label nothing
    for (const t of topics) for (const generic of ['申请', '咨询', '请求', '纠纷', '调解', '邻居', '困难', '出行']) expect(t.keywords).not.toContain(generic);
  });

  it('ranks by cases, then households and villages, and counts them', () => {
    expect(topics.map((t) => t.cases.length)).toEqual([4, 3, 3, 3, 2, 2, 2]);
    const heating = topics[0]!;
    expect(heating.householdCount).toBe(4);
    expect(heating.villages.reduce((n, v) => n + v.cases, 0)).toBe(4);
    expect(heating.villages.map((v) => v.cases)).toEqual([...heating.villages.map((v) => v.cases)].sort((a, b) => b - a));
    // newest case first
    expect(heating.cases.map((c) => c.openedAt)).toEqual([...heating.cases.map((c) => c.openedAt)].sort().reverse());
  });

  it('never mixes categories: heating coal asked about as a policy question is a topic of its own', () => {
    const rows: Row[] = [
      ...ROWS.slice(0, 4),
      ['policy_question', '取暖补贴政策', '今年冬季取暖补贴标准是多少？'],
      ['policy_question', '取暖煤补助咨询', '取暖用煤补助什么时候发放？'],
    ];
    const found = clusterTopics(casesOf(rows));
    expect(found.map((t) => [t.category, t.cases.length])).toEqual([['livelihood_difficulty', 4], ['policy_question', 2]]);
    expect(found[1]!.keywords[0]).toBe('取暖');
    expect(found[0]!.id).not.toBe(found[1]!.id);
  });

  it("does not make a resident's name a keyword, even when two cases name her", () => {
    const rows: Row[] = [
      ['livelihood_difficulty', '王桂兰家房顶漏雨', '王桂兰家的房子房顶漏雨，住着不安全。'],
      ['livelihood_difficulty', '王桂兰申请危房改造', '王桂兰的房子是土坯房，申请危房改造。'],
    ];
    for (const c of casesOf(rows)) for (const term of c.terms.keys()) expect(term).not.toMatch(/桂兰|王桂/);
  });

  it('gives the same topics, ids and order whatever order the cases come in', () => {
    const cases = casesOf(ROWS);
    const shuffled = [...cases].sort((a, b) => (a.id.slice(-1) < b.id.slice(-1) ? -1 : 1)).reverse();
    const again = clusterTopics(shuffled);
    expect(again.map((t) => [t.id, t.keywords, t.cases.map((c) => c.id)])).toEqual(topics.map((t) => [t.id, t.keywords, t.cases.map((c) => c.id)]));
    for (const t of topics) expect(t.id).toMatch(new RegExp(TOPIC_ID_PATTERN));
  });

  it("counts a topic's cases in another month by its keywords, in its category only (its trend)", () => {
    const heating = topics[0]!;
    const lastMonth = casesOf([
      ['livelihood_difficulty', '取暖煤不够烧', '家里取暖煤快烧完了。'],
      ['livelihood_difficulty', '看病报销难', '住院报销手续复杂。'],
      ['policy_question', '取暖补贴标准', '取暖补贴标准是多少。'],
    ]);
    expect(casesReached(heating, lastMonth)).toBe(1);
  });
});
