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
  const hall = await as(DEMO_CODES.hallStaff[0]);
  const opened: { id: string; i: number }[] = [];
  for (let i = 0; i < count; i++) {
    const req = REQUESTS[i % REQUESTS.length]!;
    const h = township.households[(i * 2477) % township.households.length]!;
    const res = await call('POST', `${apiUrl}/api/v1/cases`, {
      category: req.category,
      priority: i % 9 === 4 ? 'urgent' : 'normal',
      channel: CHANNELS[i % CHANNELS.length],
      servicePointCode: DEMO_CODES.hall,
      title: req.title,
      description: req.description,
      resident: { name: h.headName, phone: h.phone ?? '13800000000' },
      villageCode: h.villageCode,
      householdCode: h.code,
    }, { ...hall, 'idempotency-key': `demo-case-${i}` });
    if (res.status !== 201 && res.status !== 200) throw new Error(`demo case ${i}: ${res.status} ${JSON.stringify(res.json)}`);
    opened.push({ id: res.json.id, i });
  }
  // Let routing assign them, then move some along so queues and figures have content.
  const deadline = Date.now() + 30_000;
  let moved = 0;
  for (const { id, i } of opened) {
    let c;
    do {
      c = (await call('GET', `${apiUrl}/api/v1/cases/${id}`, undefined, admin)).json;
      if (c.status === CaseStatus.assigned) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    if (!c?.assigneeCode || i % 4 === 0) continue; // a quarter stay unaccepted
    const cadre = await as(c.assigneeCode);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/accept`, {}, cadre);
    if (i % 4 === 1) continue;
    await call('POST', `${apiUrl}/api/v1/cases/${id}/start`, {}, cadre);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/resolve`, { reply: '已按政策办理并答复群众。' }, cadre);
    if (i % 4 === 2) continue;
    const satisfaction = i % 8 === 7 ? 'basically_satisfied' : 'satisfied';
    await call('POST', `${apiUrl}/api/v1/cases/${id}/follow-up`, { satisfaction, method: 'call', note: '电话回访' }, hall);
    await call('POST', `${apiUrl}/api/v1/cases/${id}/close`, { note: '' }, hall);
    moved++;
  }
  say('demo', `${opened.length} demo cases opened, ${moved} taken through to close`);
}
