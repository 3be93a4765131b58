/**
 * Demo data for the main job. When the directory is empty it imports the demo
 * township (through the API, like an administrator would); then, on a fresh
 * case store, it opens cases for real households through the public API and
 * moves some of them along (accept, resolve, call back, close), so every queue
 * and figure has something to show. Idempotency keys make a re-run harmless.
 */
import { CaseStatus } from '@minqing/shared/vocabulary';
import { say } from './log';
import { DEMO_CODES, generateTownship } from './demo-township';

const REQUESTS = [
  { category: 'policy_question', title: '咨询新农合报销比例', description: '村民想了解今年新型农村合作医疗的报销比例和所需材料。' },
  { category: 'development_guidance', title: '申请肉羊养殖技术指导', description: '养殖户计划扩大肉羊养殖规模，希望有技术员上门指导圈舍改造。' },
  { category: 'livelihood_difficulty', title: '冬季取暖用煤困难', description: '独居老人家中取暖煤不足，请求协调解决。' },
  { category: 'dispute_mediation', title: '草场边界纠纷', description: '两户牧民对草场边界有争议，请求调解。' },
  { category: 'proxy_matter', title: '代办残疾证换证', description: '行动不便，请求代办残疾人证到期换证手续。' },
  { category: 'environment_civility', title: '村口垃圾堆放', description: '村口道路旁有垃圾长期堆放，影响出行和卫生。' },
  { category: 'care_visit', title: '春节前走访困难户', description: '困难户家庭，希望春节前安排走访慰问。' },
  { category: 'other', title: '路灯损坏', description: '社区主路两盏路灯不亮，夜间出行不便。' },
] as const;
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

  const existing = await call('GET', `${apiUrl}/api/v1/cases?limit=1`, undefined, admin);
  if (existing.json.total > 0) {
    say('demo', `${existing.json.total} cases already there; no demo cases opened`);
    return;
  }
  const posts = demoPosts(township);
  const opened: { id: string; i: number; post: DemoPost }[] = [];
  for (let i = 0; i < count; i++) {
    const req = REQUESTS[i % REQUESTS.length]!;
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

/** A day of this month, `back` days before today (never before the 1st). */
function dayThisMonth(back: number, now = new Date()): string {
  const local = new Date(now.getTime() + 8 * 3_600_000);
  const day = Math.max(1, local.getUTCDate() - back);
  return `${thisMonth(now)}-${String(day).padStart(2, '0')}`;
}

/** Visits and diary entries by the first linked cadres of each village, so the duty figures have content. */
async function demoWorkRecords(apiUrl: string, township: ReturnType<typeof generateTownship>, as: (u: string) => Promise<Record<string, string>>): Promise<number> {
  const byCadre = new Map<string, typeof township.households>();
  for (const h of township.households) if (h.cadreCode) byCadre.set(h.cadreCode, [...(byCadre.get(h.cadreCode) ?? []), h]);
  const cadres = [...byCadre.keys()].slice(0, 12);
  let n = 0;
  for (const [ci, code] of cadres.entries()) {
    const mine = byCadre.get(code)!;
    const visited = [...mine.filter((h) => h.isKey), ...mine.filter((h) => !h.isKey)].slice(0, 2 + (ci % 3));
    const headers = await as(code);
    const records = [
      ...visited.map((h, k) => ({ kind: 'visit', date: dayThisMonth(k * 2 + ci % 4), householdCode: h.code, role: 'investigator', note: '入户走访，了解生产生活情况。' })),
      { kind: 'diary', date: dayThisMonth(ci % 5), villageCode: mine[0]!.villageCode, note: '民情日记：走访中群众反映的问题已记录。' },
    ];
    for (const [k, body] of records.entries()) {
      const res = await call('POST', `${apiUrl}/api/v1/work-records`, body, { ...headers, 'idempotency-key': `demo-work-${code}-${k}` });
      if (res.status !== 201 && res.status !== 200) throw new Error(`demo work record ${code}/${k}: ${res.status} ${JSON.stringify(res.json)}`);
      n++;
    }
  }
  return n;
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
