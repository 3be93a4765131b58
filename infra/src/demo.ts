/**
 * Demo data for the main job: when the case store is empty, open a set of
 * plausible cases through the public API (so they take the real path: workflow,
 * read model, outbox, Kafka, reporting). Idempotency keys make a re-run harmless.
 */
import { say } from './log';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '胡', '朱', '郭', '何', '高', '林', '罗', '宝', '包', '乌'];
const GIVEN = ['建国', '桂兰', '秀英', '志强', '海燕', '玉梅', '永明', '国庆', '丽娟', '巴特尔', '其木格', '斯琴', '额尔敦', '淑珍', '春生', '金花'];
const VILLAGES = ['wulan', 'sanduandi', 'galutu', 'bayanhua', 'sumuji', 'hadatu', 'chahannaoer', 'aoleqaoqi-6'];
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

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function loadDemoData(apiUrl: string, count = 24): Promise<number> {
  const rand = rng(20261127);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let opened = 0;
  for (let i = 0; i < count; i++) {
    const req = REQUESTS[i % REQUESTS.length]!;
    const body = {
      category: req.category,
      priority: i % 7 === 3 ? 'urgent' : 'normal',
      channel: pick(CHANNELS),
      servicePointCode: 'hall-main',
      title: req.title,
      description: req.description,
      resident: { name: pick(SURNAMES) + pick(GIVEN), phone: `13${String(Math.floor(rand() * 1e9)).padStart(9, '0')}` },
      villageCode: pick(VILLAGES),
    };
    const res = await fetch(`${apiUrl}/api/v1/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `demo-case-${i}`, 'x-actor': 'demo-loader' },
      body: JSON.stringify(body),
    });
    if (res.status === 201) opened++;
    else if (res.status !== 200) throw new Error(`demo case ${i}: ${res.status} ${await res.text()}`);
  }
  say('demo', `${opened} demo cases opened (${count - opened} were there already)`);
  return opened;
}
