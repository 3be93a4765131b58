/**
 * Demo ledger records (民情台帐, issue 13): the key households of the first
 * twelve linked cadres get a file of two or three versions — a first survey,
 * then difficulties and needs brought up to date — saved by their own cadre
 * through the API (so each save is also that cadre's 档案更新 work record), and
 * every village gets a ledger of two versions from the head of its linked
 * department. Deterministic, and resumable: a record already at or past a
 * planned version is left alone (a save from an older version is a 409).
 */
import type { DirectoryDocument, HouseholdLedgerData, VillageLedgerData } from '@minqing/shared';
import { DEMO_CODES } from './demo-township';

export interface DemoLedgerSave<T> {
  /** who saves it (a demo account: the roster code) */
  by: string;
  kind: 'household' | 'village';
  code: string;
  /** the record's versions, in order */
  versions: { data: T; changeNote: string }[];
}

const DIFFICULTY_NOTES = [
  ['老人患慢性病，常年吃药，医药费负担重。', '老人慢性病加重，已申请医疗救助，仍需跟进。'],
  ['家中缺劳动力，草场经营困难。', '草场已流转一部分，收入略有增加，劳力仍然不足。'],
  ['孩子上高中，学费和住宿费压力大。', '已申请助学金，尚未批复。'],
  ['住房为土坯房，雨季漏雨。', '住房经鉴定为 C 级，已列入危房改造计划。'],
] as const;
const NEED_NOTES = ['希望了解大病医疗报销政策。', '想参加肉羊养殖技术培训。', '希望帮助申请助学贷款。', '希望尽快落实危房改造。'] as const;
const DIFFICULTIES = [['illness'], ['lack_of_labor'], ['education', 'lack_of_funds'], ['housing']] as const;
const NEEDS = [['medical', 'policy'], ['skills_training'], ['education', 'funding'], ['housing_repair']] as const;
const INTENTIONS = [['keep_current'], ['expand_herding', 'cooperative'], ['migrant_work'], ['expand_farming']] as const;

/** The versions of one key household's file (`i`: its place in the demo, for variety). */
export function householdVersions(members: number, i: number): { data: HouseholdLedgerData; changeNote: string }[] {
  const k = i % 4;
  const elderly = Math.min(members, k === 0 ? 2 : 1);
  const children = Math.min(members - elderly, members >= 4 ? 1 + (i % 2) : 0);
  const workingAge = members - elderly - children;
  const herding = i % 3 !== 2;
  const first: HouseholdLedgerData = {
    population: {
      members, workingAge, elderly, children,
      migrantWorkers: workingAge > 1 && k === 2 ? 1 : 0,
      students: children > 0 ? 1 : 0,
      disabled: k === 1 ? Math.min(1, members) : 0,
      seriouslyIll: k === 0 ? 1 : 0,
    },
    living: {
      housingType: k === 3 ? 'adobe' : herding ? 'brick_concrete' : 'apartment',
      housingSafety: k === 3 ? 'grade_c' : 'grade_b',
      housingArea: 60 + (i % 5) * 15,
      incomeSources: herding ? ['herding', 'subsidies'] : ['local_work', 'pension'],
      mainIncomeSource: herding ? 'herding' : 'local_work',
      incomePerCapita: 6_000 + (i % 7) * 1_500,
      supports: k === 0 ? ['minimum_living', 'medical_assistance'] : k === 1 ? ['disability_subsidy'] : k === 2 ? ['poverty_monitoring'] : [],
    },
    difficulties: { types: [...DIFFICULTIES[k]!], note: DIFFICULTY_NOTES[k]![0] },
    needs: { types: [...NEEDS[k]!].slice(0, 1), intentions: [...INTENTIONS[k]!], note: '' },
    notes: '',
  };
  const second: HouseholdLedgerData = {
    ...first,
    difficulties: { types: [...DIFFICULTIES[k]!], note: DIFFICULTY_NOTES[k]![1] },
    needs: { ...first.needs, types: [...NEEDS[k]!], note: NEED_NOTES[k]! },
  };
  const versions = [
    { data: first, changeNote: '入户摸底建档' },
    { data: second, changeNote: '再次走访，更新困难和需求' },
  ];
  if (i % 2 === 0) {
    versions.push({
      data: { ...second, living: { ...second.living, incomePerCapita: (second.living.incomePerCapita ?? 0) + 800 }, notes: '已纳入重点关注，每月走访一次。' },
      changeNote: '核实收入',
    });
  }
  return versions;
}

/** The versions of one village's ledger, from its roster's households and members. */
export function villageVersions(kind: 'gachaa' | 'community', households: number, members: number, i: number): { data: VillageLedgerData; changeNote: string }[] {
  const residentHouseholds = Math.round(households * 0.85);
  const residentPopulation = Math.max(residentHouseholds, Math.round(members * 0.8));
  const gachaa = kind === 'gachaa';
  const first: VillageLedgerData = {
    population: {
      registeredHouseholds: households, residentHouseholds, registeredPopulation: members, residentPopulation,
      elderly: Math.round(members * 0.22), migrantWorkers: Math.round(members * (gachaa ? 0.18 : 0.08)),
    },
    collectiveEconomy: {
      annualIncome: gachaa ? 80_000 + i * 15_000 : 150_000 + i * 20_000,
      assets: gachaa ? 1_200_000 + i * 100_000 : 2_500_000,
      incomeSources: gachaa ? ['resource_contracting', 'cooperative'] : ['asset_leasing', 'services'],
      note: gachaa ? '集体草场发包收入为主，合作社起步阶段。' : '临街门面房出租收入稳定。',
    },
    industries: { main: gachaa ? ['meat_sheep', 'beef_cattle', 'forage'] : ['commerce', 'labor_services'], note: '' },
    infrastructure: { needs: gachaa ? ['roads', 'drinking_water'] : ['street_lights', 'sanitation'], note: '' },
    notes: '',
  };
  const second: VillageLedgerData = {
    ...first,
    infrastructure: {
      needs: gachaa ? ['roads', 'drinking_water', 'telecom'] : ['street_lights', 'sanitation', 'elderly_care'],
      note: gachaa ? '通村砂石路雨季难行，部分牧户饮水井需改造，信号覆盖不全。' : '老旧小区路灯不亮，需增设居家养老服务站。',
    },
  };
  return [
    { data: first, changeNote: '年度村情摸底' },
    { data: second, changeNote: '补充基础设施需求' },
  ];
}

/** Every demo save, in order: households first (by their cadres), then villages (by their departments' heads). */
export function demoLedgerPlan(township: DirectoryDocument): DemoLedgerSave<HouseholdLedgerData | VillageLedgerData>[] {
  const byCadre = new Map<string, DirectoryDocument['households']>();
  for (const h of township.households) if (h.cadreCode) byCadre.set(h.cadreCode, [...(byCadre.get(h.cadreCode) ?? []), h]);
  const plan: DemoLedgerSave<HouseholdLedgerData | VillageLedgerData>[] = [];
  let i = 0;
  for (const cadre of [...byCadre.keys()].slice(0, 12)) {
    for (const h of byCadre.get(cadre)!.filter((x) => x.isKey).slice(0, 3)) {
      plan.push({ by: cadre, kind: 'household', code: h.code, versions: householdVersions(h.members, i++) });
    }
  }
  for (const [vi, v] of township.villages.entries()) {
    const mine = township.households.filter((h) => h.villageCode === v.code);
    plan.push({
      by: DEMO_CODES.departmentHead(v.departmentCode),
      kind: 'village',
      code: v.code,
      versions: villageVersions(v.kind, mine.length, mine.reduce((s, h) => s + h.members, 0), vi),
    });
  }
  return plan;
}

async function call(method: string, url: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** Saves what the plan has that the records do not have yet; answers how many versions were saved. */
export async function loadDemoLedger(apiUrl: string, township: DirectoryDocument, as: (username: string) => Promise<Record<string, string>>): Promise<number> {
  let saved = 0;
  for (const save of demoLedgerPlan(township)) {
    const headers = await as(save.by);
    const path = `${apiUrl}/api/v1/ledger/${save.kind}s/${encodeURIComponent(save.code)}`;
    const current = await call('GET', path, undefined, headers);
    if (current.status !== 200) throw new Error(`demo ledger ${save.kind} ${save.code}: ${current.status} ${JSON.stringify(current.json)}`);
    for (let version = Number(current.json?.version ?? 0); version < save.versions.length; version++) {
      const res = await call('PUT', path, { baseVersion: version, ...save.versions[version] }, headers);
      if (res.status === 409) break; // someone changed it meanwhile: theirs stands
      if (res.status !== 200) throw new Error(`demo ledger ${save.kind} ${save.code} v${version + 1}: ${res.status} ${JSON.stringify(res.json)}`);
      saved++;
    }
  }
  return saved;
}

