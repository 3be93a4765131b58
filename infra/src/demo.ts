/**
 * Demo data for the main job. When the directory is empty it imports the demo
 * township (through the API, like an administrator would); then, on a fresh
 * case store, it opens cases for real households through the public API and
 * moves some of them along (accept, resolve, call back, close), so every queue
 * and figure has something to show. Idempotency keys make a re-run harmless.
 */
import { CaseStatus } from '@minqing/shared/vocabulary';
import { fieldsOfKind, GRASSROOTS_KINDS, isoWeekOf, kindRule, roleOfKind, WORK_FIELDS, type WorkKind, type WorkRole } from '@minqing/shared/work-kinds';
import { say } from './log';
import { DEMO_CODES, generateTownship } from './demo-township';
import { loadDemoLedger } from './demo-ledger';
import { loadDemoInspections } from './demo-inspections';
import { loadDemoPlans } from './demo-plans';
import { loadDemoAttendance } from './demo-market-days';
import { demoCaseHelps, demoCaseRetag, demoWorkHelps } from './demo-four-helps';

/**
 * What residents ask, per category: five requests each, taken in turn (case i is
 * of category i % 8, its request the next of that category), so the 40 demo cases
 * keep five per category. Several say the same thing in other words — heating coal
 * (取暖用煤), village roads, 低保, rubbish, grazing land, meat sheep … — so the hot
 * topics (每月一题) have recurring issues to show, as a month of real cases would.
 */
const REQUESTS = [
  { category: 'policy_question', texts: [
    ['咨询低保申请条件', '想了解低保的申请条件和需要准备的材料。'],
    ['咨询新农合报销比例', '村民想了解今年新型农村合作医疗的报销比例和所需材料。'],
    ['低保金本月未到账', '本月低保金还没有到账，请帮忙查一下原因。'],
    ['医保住院报销', '住院费用医保能报销多少，异地就医怎么报销。'],
    ['低保年审材料补交', '低保年度复核需要补交材料，不知道交到哪里。'],
  ] },
  { category: 'development_guidance', texts: [
    ['申请肉羊养殖技术指导', '养殖户计划扩大肉羊养殖规模，希望有技术员上门指导圈舍改造。'],
    ['肉羊养殖贷款咨询', '想扩大肉羊养殖，咨询贴息贷款怎么申请。'],
    ['青贮玉米种植技术', '今年想改种青贮玉米，需要种植技术指导。'],
    ['肉羊疫病防治', '养的肉羊出现咳嗽，请兽医上门指导防疫。'],
    ['农产品网上销售', '想在网上卖自家的牛肉干，请帮忙对接电商培训。'],
  ] },
  { category: 'livelihood_difficulty', texts: [
    ['冬季取暖用煤困难', '独居老人家中取暖煤不足，请求协调解决。'],
    ['取暖煤价格上涨', '今年冬天煤价涨了不少，低收入家庭买不起取暖煤。'],
    ['取暖用煤没有送到', '乡里统一采购的取暖用煤还没有送到嘎查，家里快没煤了。'],
    ['申请冬季取暖补贴', '家中老人多病，想申请冬季取暖补贴。'],
    ['房屋漏雨', '房顶漏雨，住着不安全，申请危房改造。'],
  ] },
  { category: 'dispute_mediation', texts: [
    ['草场边界纠纷', '两户牧民对草场边界有争议，请求调解。'],
    ['草场被邻户羊群占用', '邻户的羊群长期进入我家草场，多次沟通无果。'],
    ['宅基地纠纷', '邻居建房占了我家宅基地，请求调解。'],
    ['草场承包费纠纷', '草场流转承包费迟迟没有付清，请求调解。'],
    ['赡养老人纠纷', '兄弟几人对赡养老人有分歧，请求调解。'],
  ] },
  { category: 'proxy_matter', texts: [
    ['代办残疾证换证', '行动不便，请求代办残疾人证到期换证手续。'],
    ['代办养老保险资格认证', '老人行动不便，请求代办养老保险待遇资格认证。'],
    ['代办残疾人补贴申请', '请帮忙代办残疾人两项补贴的申请。'],
    ['代办新生儿户口登记', '家里新添了孩子，请求代办户口登记。'],
    ['代办养老保险续缴', '在外打工，请求代办城乡居民养老保险续缴。'],
  ] },
  { category: 'environment_civility', texts: [
    ['村口垃圾堆放', '村口道路旁有垃圾长期堆放，影响出行和卫生。'],
    ['垃圾清运不及时', '垃圾箱满了好几天没人清运，气味很大。'],
    ['生活污水乱排', '巷子里生活污水横流，气味难闻。'],
    ['垃圾箱损坏', '街道垃圾箱损坏，垃圾散落一地。'],
    ['柴草乱堆乱放', '道路两旁柴草乱堆乱放，存在火灾隐患。'],
  ] },
  { category: 'care_visit', texts: [
    ['春节前走访困难户', '困难户家庭，希望春节前安排走访慰问。'],
    ['独居老人需要探望', '独居老人身体不好，希望干部常来看看。'],
    ['留守儿童关爱', '父母外出务工，留守儿童无人照看，希望关爱帮扶。'],
    ['独居老人冬季走访', '冬季天冷，独居老人取暖情况需要上门看看。'],
    ['困难户节日慰问', '困难户希望节日期间走访慰问。'],
  ] },
  { category: 'other', texts: [
    ['路灯损坏', '社区主路两盏路灯不亮，夜间出行不便。'],
    ['通村道路坑洼积水', '进村道路坑洼不平，下雨积水，出行困难。'],
    ['道路破损希望维修', '通村水泥路多处破损，希望尽快维修。'],
    ['巷道土路泥泞', '村里巷道还是土路，雨雪天道路泥泞，请求硬化。'],
    ['路灯不亮', '小区路灯坏了一个月没人修。'],
  ] },
] as const;

/** The request of demo case `i` (see REQUESTS). */
export function demoRequest(i: number): { category: string; title: string; description: string } {
  const { category, texts } = REQUESTS[i % REQUESTS.length]!;
  const [title, description] = texts[Math.floor(i / REQUESTS.length) % texts.length]!;
  return { category, title, description };
}
const CHANNELS = ['hall', 'station', 'market_day', 'phone', 'hall', 'visit'] as const;

/**
 * The password of every demo account (and of `admin`) on the local main job,
 * printed at start. The demo's accounts are made with `mustChangePassword:
 * false`, so they keep this published password; a real deployment sets
 * ADMIN_PASSWORD and gives each person an initial password they must change
 * at the first sign-in (the default).
 */
export const DEMO_PASSWORD = process.env.MINQING_ADMIN_PASSWORD ?? 'minqing-demo';

/** Where the demo hall staff work (定点服务 / 定时服务). */
const HALL_POSTS: Record<string, { servicePointCode: string; channel: 'hall' | 'station' | 'market_day' }> = {
  'hall-01': { servicePointCode: DEMO_CODES.hall, channel: 'hall' },
  'hall-02': { servicePointCode: DEMO_CODES.socialHall, channel: 'hall' },
  'hall-03': { servicePointCode: DEMO_CODES.stations.wulan, channel: 'station' },
  'hall-04': { servicePointCode: DEMO_CODES.stations.sanduandi, channel: 'market_day' },
};
export const DEMO_ASSESSOR = 'assess-01';

async function call(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Signs in once per demo account and returns headers that act as it. */
function sessions(apiUrl: string) {
  const tokens = new Map<string, Promise<Record<string, string>>>();
  return (username: string) => {
    if (!tokens.has(username)) {
      tokens.set(username, (async () => {
        const res = await call('POST', `${apiUrl}/api/v1/auth/session`, { username, password: DEMO_PASSWORD });
        if (res.status !== 200) throw new Error(`demo sign-in as ${username}: ${res.status} ${JSON.stringify(res.json)}`);
        return { authorization: `Bearer ${res.json.token}` };
      })());
    }
    return tokens.get(username)!;
  };
}

export async function loadDemoData(apiUrl: string, count = 40): Promise<void> {
  const township = generateTownship();
  const as = sessions(apiUrl);
  const admin = await as('admin');
  const villages = await call('GET', `${apiUrl}/api/v1/directory/villages`, undefined, admin);
  if (villages.json.items.length === 0) {
    say('demo', `importing the demo township: ${township.cadres.length} cadres, ${township.households.length} households`);
    const res = await call('POST', `${apiUrl}/api/v1/directory/import`, township, admin);
    if (res.status !== 200) throw new Error(`directory import failed: ${res.status} ${JSON.stringify(res.json).slice(0, 500)}`);
    say('demo', `roster imported; rule check: ${res.json.violations.length} violations`);
  }
  const provisioned = await call('POST', `${apiUrl}/api/v1/accounts/provision`, { password: DEMO_PASSWORD, mustChangePassword: false }, admin);
  if (provisioned.status !== 200) throw new Error(`demo accounts: ${provisioned.status} ${JSON.stringify(provisioned.json)}`);
  if (provisioned.json.created.length) {
    for (const [code, post] of Object.entries(HALL_POSTS)) await call('PUT', `${apiUrl}/api/v1/accounts/${code}`, post, admin);
    await call('PUT', `${apiUrl}/api/v1/accounts/${DEMO_ASSESSOR}`, { role: 'assessment', name: '考核组 · 演示', password: DEMO_PASSWORD, mustChangePassword: false }, admin);
    say('demo', `${provisioned.json.created.length} staff accounts created (password ${DEMO_PASSWORD})`);
  }

  // The public-condition ledger (issue 13): resumable, so it runs on every start (a cadre's save is their 档案更新).
  const ledgerVersions = await loadDemoLedger(apiUrl, township, as);
  if (ledgerVersions) say('demo', `${ledgerVersions} ledger versions saved (民情台帐: key households' files and village ledgers)`);
  // Market-day attendance (双定, issue 13): resumable too, the last four weeks' market days.
  const attended = await loadDemoAttendance(apiUrl, township, todayThere(), as, DEMO_ASSESSOR, call);
  if (attended) say('demo', `${attended} market-day attendance records (乌兰 and 三段地 duty rosters)`);
  // Inspections (一听二看三查, issue 13) and the previous quarter's signed-off evaluation sheet (评先选优): resumable too.
  const inspected = await loadDemoInspections(apiUrl, township, todayThere(), as, DEMO_ASSESSOR, call);
  if (inspected.inspections || inspected.signed) say('demo', `${inspected.inspections} inspections recorded${inspected.signed ? `, evaluation sheet ${inspected.signed} signed off` : ''}`);
  // Plans (片区工作计划, 年度服务计划; issue 13): resumable too, this year's plans with items in every state.
  const planItems = await loadDemoPlans(apiUrl, township, todayThere(), as, call);
  if (planItems) say('demo', `${planItems} plan items added to this year's area and department plans`);

  const existing = await call('GET', `${apiUrl}/api/v1/cases?limit=1`, undefined, admin);
  if (existing.json.total > 0) {
    say('demo', `${existing.json.total} cases already there; no demo cases opened`);
    return;
  }
  const posts = demoPosts(township);
  const opened: { id: string; i: number; post: DemoPost }[] = [];
  for (let i = 0; i < count; i++) {
    const req = demoRequest(i);
    // Every service point and market-day session takes cases in turn; at a station or a session, from its own community's households.
    const post = posts[i % posts.length]!;
    const pool = post.villageCode ? township.households.filter((x) => x.villageCode === post.villageCode) : township.households;
    const h = pool[(i * 2477) % pool.length]!;
    const res = await call('POST', `${apiUrl}/api/v1/cases`, {
      category: req.category,
      priority: i % 9 === 4 ? 'urgent' : 'normal',
      channel: post.channel ?? CHANNELS[i % CHANNELS.length],
      servicePointCode: post.servicePointCode,
      title: req.title,
      description: req.description,
      resident: { name: h.headName, phone: h.phone ?? '13800000000' },
      villageCode: h.villageCode,
      householdCode: h.code,
      // 四帮四促 (issue 13): most cases tagged at intake
      ...(demoCaseHelps(i, req.category).length ? { helps: demoCaseHelps(i, req.category) } : {}),
    }, { ...(await as(post.opener)), 'idempotency-key': `demo-case-${i}` });
    if (res.status !== 201 && res.status !== 200) throw new Error(`demo case ${i}: ${res.status} ${JSON.stringify(res.json)}`);
    opened.push({ id: res.json.id, i, post });
  }
  // Let routing assign them, then move some along so queues and figures have content.
  const deadline = Date.now() + 30_000;
  let moved = 0;
  for (const { id, i, post } of opened) {
    let c;
    do {
      c = (await call('GET', `${apiUrl}/api/v1/cases/${id}`, undefined, admin)).json;
      if (c.status === CaseStatus.assigned) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    // How far each case gets, in turn at each post (so every post has cases at every stage): a quarter stay unaccepted.
    const stage = Math.floor(i / posts.length) % 4;
    if (!c?.assigneeCode || stage === 0) continue;
    const cadre = await as(c.assigneeCode);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/accept`, {}, cadre);
    // the handling cadre retags some (a second revision in the case's 四帮四促 history)
    const retag = demoCaseRetag(i, c.category);
    if (retag) {
      const res = await call('PUT', `${apiUrl}/api/v1/cases/${id}/helps`, { helps: retag, revision: demoCaseHelps(i, c.category).length ? 1 : 0 }, { ...cadre, 'idempotency-key': `demo-case-helps-${i}` });
      if (res.status !== 200) throw new Error(`demo case ${i} tags: ${res.status} ${JSON.stringify(res.json)}`);
    }
    if (stage === 1) continue;
    await call('POST', `${apiUrl}/api/v1/cases/${id}/start`, {}, cadre);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/resolve`, { reply: '已按政策办理并答复群众。' }, cadre);
    if (stage === 2) continue;
    const satisfaction = i % 8 === 7 ? 'basically_satisfied' : 'satisfied';
    const caller = await as(post.followUp);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/follow-up`, { satisfaction, method: 'call', note: '电话回访' }, caller);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/close`, { note: '' }, caller);
    moved++;
  }
  say('demo', `${opened.length} demo cases opened at ${posts.length} service points and sessions, ${moved} taken through to close`);
  const records = await demoWorkRecords(apiUrl, township, as);
  const appraisals = await demoAppraisals(apiUrl, township, as);
  say('demo', `${records} work records and ${appraisals} democratic appraisal scores entered for ${thisMonth()}`);
}

/** Where demo cases are taken in: who opens them there, with which channel, from which community, and who calls back. */
interface DemoPost {
  opener: string;
  servicePointCode: string;
  channel: 'hall' | 'station' | 'market_day' | null;
  /** a station's or a session's community: its cases come from its households */
  villageCode: string | null;
  /** who records the callback and closes: the post's hall staff, or for a session (no hall staff of its own) a township leader */
  followUp: string;
}

/** The hall staff at their service points (HALL_POSTS), then each market-day session with the first cadre of its duty roster. */
export function demoPosts(township: ReturnType<typeof generateTownship>): DemoPost[] {
  const villageOf = (sp: string) => township.servicePoints.find((p) => p.code === sp)?.villageCode ?? null;
  const halls = Object.entries(HALL_POSTS).map(([code, p]) => ({
    opener: code, servicePointCode: p.servicePointCode, channel: p.channel === 'hall' ? null : p.channel, villageCode: villageOf(p.servicePointCode), followUp: code,
  }));
  const sessions = township.sessions.map((s) => ({
    opener: s.dutyCadreCodes[0]!, servicePointCode: s.code, channel: 'market_day' as const, villageCode: s.villageCode, followUp: DEMO_CODES.townshipLeaders[0],
  }));
  return [...halls, ...sessions];
}

/** This month as an evaluation period (YYYY-MM, UTC+8 like the township's calendar). */
function thisMonth(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** Today in the township (UTC+8 like its calendar), 'YYYY-MM-DD'. */
function todayThere(now = new Date()): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** A short ledger note per role (the records' own words are the cadres'). */
const ROLE_NOTES: Record<WorkRole, string> = {
  investigator: '入户了解生产生活情况和服务需求，已记入民情台帐。',
  publicist: '宣讲惠民政策和涉农涉牧法律法规，群众提问已当场解答。',
  guide: '与村两委研究发展思路，谋划特色产业和集体经济项目。',
  service_attendant: '帮助群众解决实际困难，需上级审批的事项已代为转办。',
  civility_officer: '组织群众整治背街小巷和门前屋后环境卫生，劝导乱堆乱放。',
  mediator: '组织双方当事人面对面协商，讲明政策和法律规定。',
};

export interface DemoWorkRecord {
  cadre: string;
  key: string;
  body: Record<string, string | number | string[]>;
}

/**
 * The demo's work records (履职): five weeks up to today of the first 18
 * cadres with linked households, every kind of every role of the table of
 * kinds in turn. Two cadres in three are at the grassroots three or four days
 * a week (they meet the rule), every third one or two days (they miss it), so
 * /duty shows each role and both. Deterministic for a given day.
 */
export function demoWorkPlan(township: ReturnType<typeof generateTownship>, today = todayThere()): DemoWorkRecord[] {
  const byCadre = new Map<string, typeof township.households>();
  for (const h of township.households) if (h.cadreCode) byCadre.set(h.cadreCode, [...(byCadre.get(h.cadreCode) ?? []), h]);
  const cadres = [...byCadre.keys()].slice(0, 18);
  const kinds = GRASSROOTS_KINDS;
  const plan: DemoWorkRecord[] = [];
  let turn = 0;
  for (const [ci, cadre] of cadres.entries()) {
    const mine = byCadre.get(cadre)!;
    const caredFor = [...mine.filter((h) => h.isVulnerable), ...mine.filter((h) => h.isKey && !h.isVulnerable), ...mine];
    const meets = ci % 3 !== 2;
    for (let w = 4; w >= 0; w--) {
      const monday = isoWeekOf(addDays(today, -7 * w)).first;
      // Monday, Tuesday, Thursday (and Friday); or Tuesday (and Thursday)
      const offsets = meets ? [0, 1, 3, 4].slice(0, 3 + ((ci + w) % 2)) : [1, 3].slice(0, 1 + ((ci + w) % 2));
      for (const [j, offset] of offsets.entries()) {
        let kind: WorkKind = kinds[turn++ % kinds.length]!;
        let date = addDays(monday, offset);
        const weekday = kindRule(kind).weekday;
        if (weekday !== undefined) date = addDays(monday, weekday - 1);
        if (date > today) {
          if (weekday === undefined) continue;
          kind = 'visit'; // the week's Friday is still to come: a visit today instead
          date = addDays(monday, offset);
          if (date > today) continue;
        }
        const household = (kind === 'holiday_visit' ? caredFor : mine)[(ci + w * 3 + j) % mine.length]!;
        const body: Record<string, string | number | string[]> = { kind, date, note: ROLE_NOTES[roleOfKind(kind)] };
        // 四帮四促 (issue 13): two records in three tagged
        const helps = demoWorkHelps(kind, ci + w + j);
        if (helps.length) body.helps = helps;
        for (const [field] of fieldsOfKind(kind)) {
          const spec = WORK_FIELDS[field];
          if (field === 'householdCode') body[field] = household.code;
          else if (field === 'villageCode') body[field] = household.villageCode;
          else if (field === 'caseId') continue;
          else if (field === 'participants') body[field] = 8 + ((ci * 7 + w * 5 + j * 3) % 40);
          else if (field === 'copies') body[field] = 50 * (2 + ((ci + j) % 5));
          else if (field === 'durationMinutes') body[field] = 30 * (2 + ((ci + w) % 4));
          else if (field === 'holiday') body[field] = /-(0[6-7])-/.test(date) ? 'july_first' : /-(12|01)-/.test(date) ? 'new_year' : 'spring_festival';
          else if (field === 'place') body[field] = roleOfKind(kind) === 'civility_officer' ? '背街小巷、门前屋后和公路沿线' : '嘎查村委会会议室';
          else if (field === 'materials') body[field] = '惠民政策明白纸、涉农涉牧法律法规宣传册';
          else if (spec.type === 'choice') body[field] = spec.values[(ci + w + j) % spec.values.length]!;
        }
        plan.push({ cadre, key: `demo-work-${cadre}-${date}-${kind}-${j}`, body });
      }
      // the week's diary entry (not a day at the grassroots by itself)
      const diaryDate = addDays(monday, 4);
      if (meets && w % 2 === 0 && diaryDate <= today) {
        plan.push({ cadre, key: `demo-work-${cadre}-${diaryDate}-diary`, body: { kind: 'diary', date: diaryDate, villageCode: mine[0]!.villageCode, note: '民情日记：本周走访中群众反映的问题已逐条记录，下周跟进。' } });
      }
    }
  }
  return plan;
}

/** The demo's work records, logged by each cadre through the API (a few at a time). */
async function demoWorkRecords(apiUrl: string, township: ReturnType<typeof generateTownship>, as: (u: string) => Promise<Record<string, string>>): Promise<number> {
  const plan = demoWorkPlan(township);
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < plan.length) {
      const { cadre, key, body } = plan[next++]!;
      const res = await call('POST', `${apiUrl}/api/v1/work-records`, body, { ...(await as(cadre)), 'idempotency-key': key });
      if (res.status !== 201 && res.status !== 200) throw new Error(`demo work record ${key}: ${res.status} ${JSON.stringify(res.json)}`);
    }
  }));
  return plan.length;
}

/** Democratic appraisal scores (民主评议) for this month from two appraiser groups, for every department and the cadres who log work. */
async function demoAppraisals(apiUrl: string, township: ReturnType<typeof generateTownship>, as: (u: string) => Promise<Record<string, string>>): Promise<number> {
  const assessor = await as(DEMO_ASSESSOR);
  const period = thisMonth();
  const linked = [...new Set(township.households.map((h) => h.cadreCode).filter((c): c is string => !!c))].slice(0, 12);
  const subjects = [
    ...township.departments.map((d) => ({ subjectType: 'department' as const, subjectCode: d.code })),
    ...linked.map((c) => ({ subjectType: 'cadre' as const, subjectCode: c })),
  ];
  let n = 0;
  for (const [i, s] of subjects.entries()) {
    for (const [g, appraiserGroup] of (['residents_representatives', 'party_members'] as const).entries()) {
      const score = 78 + ((i * 7 + g * 5) % 20); // deterministic, 78–97
      const res = await call('POST', `${apiUrl}/api/v1/reports/appraisals`, { period, ...s, appraiserGroup, score }, assessor);
      if (res.status !== 204) throw new Error(`demo appraisal ${s.subjectCode}: ${res.status} ${JSON.stringify(res.json)}`);
      n++;
    }
  }
  return n;
}
