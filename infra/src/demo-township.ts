/**
 * A demo township that looks like the plan's: 敖勒召其镇 (Aoleqaoqi) with the
 * communities 乌兰 and 三段地 and six gachaa villages in four areas, ten
 * departments, 94 cadres (6 of them leaders) and by default 10,000
 * households, about 8 % key (重点户) and 6 % vulnerable. Deterministic: the
 * same seed gives the same document (seeded PRNG, never Math.random). Names
 * are generated and read as plausible Han and Mongolian names. The document
 * keeps every rule of the plan, so the directory's rule check finds nothing.
 */
import type { Cadre, CadreRole, DirectoryDocument, Household, Session } from '@minqing/shared';

/** mulberry32: small, fast, good enough for demo data, and the same on every platform. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '胡', '朱', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '韩', '冯', '于', '董', '程', '曹', '袁', '邓', '许', '沈', '彭', '吕', '苏', '卢', '蒋', '贾', '丁', '魏', '薛', '叶', '阎', '杜', '田', '任', '姜', '范', '石', '姚', '郝', '孔', '白', '崔', '康', '毛', '秦', '史', '侯', '孟', '段', '雷', '尹', '常', '武', '乔', '贺', '包', '云', '奇'];
const HAN_GIVEN = ['建国', '建华', '国庆', '志强', '志刚', '永明', '永强', '海燕', '桂兰', '秀英', '玉梅', '丽娟', '淑珍', '春生', '春梅', '金花', '红梅', '文华', '德胜', '凤英', '兰英', '俊杰', '晓东', '晓燕', '立新', '振华', '秀兰', '桂芳', '国强', '海军', '玉兰', '志勇', '明亮', '雪梅', '宏伟', '丽华', '美玲', '学军', '建军', '伟', '芳', '敏', '静', '强', '磊', '军', '勇', '艳', '杰', '娟', '涛', '霞', '平', '刚', '鹏', '慧'];
/** Mongolian given names as written in Chinese; often used alone, sometimes after a surname such as 包 or 白. */
const MONGOLIAN = ['巴特尔', '其木格', '斯琴', '额尔敦', '那日苏', '乌云', '苏和', '敖登', '阿拉坦', '图雅', '朝鲁', '萨仁', '宝音', '格日勒', '孟和', '乌兰', '巴图', '特木尔', '娜仁花', '呼和', '吉日嘎拉', '哈斯', '达来', '满都拉', '乌日娜', '斯琴高娃', '巴雅尔', '额尔德尼', '萨日娜', '阿木尔'];
const MONGOLIAN_SURNAMES = ['包', '白', '宝', '奇', '韩', '吴', '云', '鲍', '何', '王'];

const DEPARTMENTS = [
  ['dangzheng', '党政综合办公室'],
  ['nongmu', '农牧业综合服务中心'],
  ['shehui', '社会事务办公室'],
  ['minzheng', '民政社保所'],
  ['lincao', '林草生态工作站'],
  ['chengjian', '城建环卫所'],
  ['jingji', '经济发展办公室'],
  ['zongzhi', '综治中心'],
  ['wenhua', '文化服务中心'],
  ['judicial', '司法所'],
] as const;

const AREAS = [
  ['area-city', '城区片区', ['wulan', 'sanduandi']],
  ['area-east', '东部片区', ['bayanhua', 'galutu']],
  ['area-south', '南部片区', ['hadatu', 'sumuji']],
  ['area-west', '西部片区', ['chahannaoer', 'tuerdao']],
] as const;

const VILLAGES: [string, string, 'gachaa' | 'community', string, number][] = [
  // code, name, kind, linked department (部门联村), share of households
  ['wulan', '乌兰社区', 'community', 'shehui', 0.2],
  ['sanduandi', '三段地社区', 'community', 'chengjian', 0.18],
  ['bayanhua', '巴音花嘎查', 'gachaa', 'nongmu', 0.11],
  ['galutu', '嘎鲁图嘎查', 'gachaa', 'lincao', 0.1],
  ['hadatu', '哈达图嘎查', 'gachaa', 'minzheng', 0.11],
  ['sumuji', '苏木吉嘎查', 'gachaa', 'jingji', 0.1],
  ['chahannaoer', '查汗淖尔嘎查', 'gachaa', 'zongzhi', 0.1],
  ['tuerdao', '图尔道嘎查', 'gachaa', 'wenhua', 0.1],
];

/** Departments linked to a village need more hands. */
const STAFF_LINKED_DEPT = 8;
const STAFF_OTHER_DEPT = 5;
/** A cadre is given households only where there are about this many per cadre, so small demo townships keep the ≥3 key rule too. */
const HOUSEHOLDS_PER_CADRE_MIN = 30;
const MIN_PER_VILLAGE = 3;

/** Codes a demo (or a test) can rely on; they do not depend on the seed. */
export const DEMO_CODES = {
  township: 'aoleqaoqi',
  hall: 'hall-main',
  socialHall: 'social-hall',
  stations: { wulan: 'station-wulan', sanduandi: 'station-sanduandi' },
  sessions: { wulan: 'market-wulan', sanduandi: 'market-sanduandi' },
  hallStaff: ['hall-01', 'hall-02', 'hall-03', 'hall-04'],
  townshipLeaders: ['leader-secretary', 'leader-mayor'],
  areaLeaders: { 'area-city': 'leader-city', 'area-east': 'leader-east', 'area-south': 'leader-south', 'area-west': 'leader-west' },
  departmentHead: (dept: string) => `head-${dept}`,
  staff: (dept: string, n: number) => `staff-${dept}-${String(n).padStart(2, '0')}`,
  areas: AREAS.map((a) => a[0]),
  communities: ['wulan', 'sanduandi'],
  villages: VILLAGES.map((v) => v[0]),
  departments: DEPARTMENTS.map((d) => d[0]),
  judicial: 'judicial',
} as const;

/** The hall staff member demos act as (X-Actor). */
export const hallStaffCode = DEMO_CODES.hallStaff[0];

/** Split `total` over the villages by share, each village getting at least MIN_PER_VILLAGE (largest remainder, so the sum is exact). */
function householdsPerVillage(total: number): number[] {
  if (total === 0) return VILLAGES.map(() => 0);
  const rest = total - MIN_PER_VILLAGE * VILLAGES.length;
  const raw = VILLAGES.map((v) => rest * v[4]);
  const counts = raw.map(Math.floor);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const deficit = rest - counts.reduce((s, c) => s + c, 0);
  for (let k = 0; k < deficit; k++) counts[order[k]![1]]!++;
  return counts.map((c) => c + MIN_PER_VILLAGE);
}

export function generateTownship(seed = 20261127, opts: { households?: number } = {}): DirectoryDocument {
  const total = opts.households ?? 10_000;
  if (!Number.isInteger(total) || total < 0 || (total > 0 && total < MIN_PER_VILLAGE * VILLAGES.length)) {
    throw new RangeError(`households must be 0 or an integer ≥ ${MIN_PER_VILLAGE * VILLAGES.length} (each village's cadre needs 3 key households)`);
  }
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const name = () => {
    if (rand() >= 0.3) return pick(SURNAMES) + pick(HAN_GIVEN);
    const given = pick(MONGOLIAN);
    return rand() < 0.4 && given.length <= 3 ? pick(MONGOLIAN_SURNAMES) + given : given;
  };
  const phone = () => `1${pick(['3', '5', '7', '8', '9'])}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
  const cadre = (code: string, role: CadreRole, departmentCode: string | null): Cadre => ({ code, name: name(), role, departmentCode, phone: phone() });

  const linkedDepts = new Set(VILLAGES.map((v) => v[3]));
  const cadres: Cadre[] = [];
  const departments = DEPARTMENTS.map(([code, deptName]) => ({ code, name: deptName, headCode: DEMO_CODES.departmentHead(code) }));
  for (const [code] of DEPARTMENTS) cadres.push(cadre(DEMO_CODES.departmentHead(code), 'department_head', code));
  for (const [code] of DEPARTMENTS) {
    const n = linkedDepts.has(code) ? STAFF_LINKED_DEPT : STAFF_OTHER_DEPT;
    for (let i = 1; i <= n; i++) {
      const r = rand();
      cadres.push(cadre(DEMO_CODES.staff(code, i), r < 0.1 ? 'village_official' : r < 0.16 ? 'trainee' : 'staff', code));
    }
  }
  const areaLeaders = DEMO_CODES.areaLeaders as Record<string, string>;
  for (const [areaCode] of AREAS) cadres.push(cadre(areaLeaders[areaCode]!, 'area_leader', null));
  for (const code of DEMO_CODES.townshipLeaders) cadres.push(cadre(code, 'township_leader', null));
  for (const code of DEMO_CODES.hallStaff) cadres.push(cadre(code, 'hall_staff', null));

  const areas = AREAS.map(([code, areaName]) => ({ code, name: areaName, leaderCode: areaLeaders[code]! }));
  const villages = VILLAGES.map(([code, villageName, kind, dept]) => ({
    code,
    name: villageName,
    kind,
    areaCode: AREAS.find((a) => (a[2] as readonly string[]).includes(code))![0],
    departmentCode: dept,
  }));

  const households: Household[] = [];
  const counts = householdsPerVillage(total);
  VILLAGES.forEach(([villageCode, villageName, kind, dept], vi) => {
    const count = counts[vi]!;
    const staff = cadres.filter((c) => c.departmentCode === dept && c.role !== 'department_head').map((c) => c.code);
    const linked = staff.slice(0, Math.max(1, Math.min(staff.length, Math.floor(count / HOUSEHOLDS_PER_CADRE_MIN))));
    const mine: Household[] = [];
    for (let i = 0; i < count; i++) {
      const idTail = rand() < 0.09 ? `${String(Math.floor(rand() * 1000)).padStart(3, '0')}X` : String(Math.floor(rand() * 10000)).padStart(4, '0');
      const isVulnerable = rand() < 0.06;
      mine.push({
        code: `hh-${villageCode}-${String(i + 1).padStart(4, '0')}`,
        villageCode,
        headName: name(),
        phone: rand() < 0.95 ? phone() : null,
        idTail,
        address: kind === 'community'
          ? `${villageName}${1 + Math.floor(rand() * 12)}号楼${1 + Math.floor(rand() * 6)}单元${(1 + Math.floor(rand() * 6)) * 100 + 1 + Math.floor(rand() * 4)}室`
          : `${villageName}${1 + Math.floor(rand() * 8)}组${1 + Math.floor(rand() * 80)}号`,
        members: pick([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]),
        // Key households (重点户) are mostly the vulnerable ones; overall about 8 %.
        isKey: rand() < (isVulnerable ? 0.5 : 0.053),
        isVulnerable,
        cadreCode: linked[i % linked.length]!,
      });
    }
    // The plan: every linked cadre has at least 3 key households; make up the shortfall, vulnerable households first.
    for (const code of linked) {
      const theirs = mine.filter((h) => h.cadreCode === code);
      const short = 3 - theirs.filter((h) => h.isKey).length;
      if (short > 0) {
        const candidates = [...theirs.filter((h) => !h.isKey && h.isVulnerable), ...theirs.filter((h) => !h.isKey && !h.isVulnerable)];
        for (const h of candidates.slice(0, short)) h.isKey = true;
      }
    }
    households.push(...mine);
  });

  const servicePoints = [
    { code: DEMO_CODES.hall, name: '一站式便民服务大厅', kind: 'hall' as const, villageCode: null },
    { code: DEMO_CODES.socialHall, name: '社会服务管理大厅', kind: 'social_hall' as const, villageCode: null },
    { code: DEMO_CODES.stations.wulan, name: '乌兰社区便民服务工作站', kind: 'station' as const, villageCode: 'wulan' },
    { code: DEMO_CODES.stations.sanduandi, name: '三段地社区便民服务工作站', kind: 'station' as const, villageCode: 'sanduandi' },
  ];
  // 定时服务: department staff, community staff and village officials together on the market day.
  // Sorted: a roster is a set, and the directory returns it sorted, so export equals the generated document.
  const duty = (depts: string[]) => depts.map((d) => DEMO_CODES.staff(d, 1)).sort();
  const sessions: Session[] = [
    { code: DEMO_CODES.sessions.wulan, name: '乌兰集贸日联合办公', villageCode: 'wulan', weekday: 3, startTime: '09:00', endTime: '12:00', dutyCadreCodes: duty(['shehui', 'minzheng', 'nongmu', 'judicial']) },
    { code: DEMO_CODES.sessions.sanduandi, name: '三段地集贸日联合办公', villageCode: 'sanduandi', weekday: 6, startTime: '09:00', endTime: '12:00', dutyCadreCodes: duty(['chengjian', 'jingji', 'lincao', 'zongzhi']) },
  ];
  const routingRules = [
    { category: 'dispute_mediation', departmentCode: DEMO_CODES.judicial, reason: '矛盾纠纷由司法所调解' },
    { category: 'environment_civility', departmentCode: 'chengjian', reason: '环境卫生由城建环卫所负责' },
    { category: 'care_visit', departmentCode: 'minzheng', reason: '走访慰问由民政社保所组织' },
  ];
  return { areas, departments, villages, cadres, households, servicePoints, sessions, routingRules };
}
