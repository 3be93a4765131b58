/**
 * A demo township that looks like the plan's: 敖勒召其镇 (Aoleqaoqi) with the
 * communities 乌兰 and 三段地 and six gachaa villages in four areas, ten
 * departments, about a hundred cadres, eight leaders and ten thousand
 * households, some key (重点户) and some vulnerable. Deterministic: the same
 * seed gives the same document. Names are generated, and read as plausible
 * Han and Mongolian names.
 */
import type { Cadre, DirectoryDocument, Household } from '@minqing/shared';

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

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '胡', '朱', '郭', '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '韩', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '余', '潘', '杜', '戴', '夏', '钟', '汪', '田', '任', '姜', '范', '方', '石', '姚', '谭', '廖', '邹', '熊', '金', '陆', '郝', '孔', '白', '崔', '康', '毛', '邱', '秦', '江', '史', '顾', '侯', '邵', '孟', '龙', '万', '段', '雷', '钱', '汤', '尹', '黎', '易', '常', '武', '乔', '贺', '赖', '龚', '文', '包', '乌', '宝', '奇', '额'];
const HAN_GIVEN = ['建国', '建华', '国庆', '志强', '志刚', '永明', '永强', '海燕', '桂兰', '秀英', '玉梅', '丽娟', '淑珍', '春生', '春梅', '金花', '红梅', '文华', '德胜', '凤英', '兰英', '俊杰', '晓东', '晓燕', '立新', '振华', '秀兰', '桂芳', '国强', '海军', '玉兰', '志勇', '明亮', '雪梅', '长江', '宏伟', '丽华', '美玲', '学军', '建军'];
const MONGOLIAN = ['巴特尔', '其木格', '斯琴', '额尔敦', '那日苏', '乌云', '苏和', '敖登', '阿拉坦', '图雅', '朝鲁', '萨仁', '宝音', '格日勒', '孟和', '乌兰', '巴图', '特木尔', '娜仁花', '呼和', '吉日嘎拉', '哈斯', '达来', '满都拉'];

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
  // code, name, kind, linked department, share of households
  ['wulan', '乌兰社区', 'community', 'shehui', 0.2],
  ['sanduandi', '三段地社区', 'community', 'chengjian', 0.18],
  ['bayanhua', '巴音花嘎查', 'gachaa', 'nongmu', 0.11],
  ['galutu', '嘎鲁图嘎查', 'gachaa', 'lincao', 0.1],
  ['hadatu', '哈达图嘎查', 'gachaa', 'minzheng', 0.11],
  ['sumuji', '苏木吉嘎查', 'gachaa', 'jingji', 0.1],
  ['chahannaoer', '查汗淖尔嘎查', 'gachaa', 'zongzhi', 0.1],
  ['tuerdao', '图尔道嘎查', 'gachaa', 'wenhua', 0.1],
];

/** Codes a demo (or a test) can rely on. */
export const DEMO_CODES = {
  township: 'aoleqaoqi',
  hallStaff: ['hall-01', 'hall-02', 'hall-03', 'hall-04'],
  townshipLeaders: ['leader-secretary', 'leader-mayor', 'leader-deputy-1', 'leader-deputy-2'],
  areaLeaders: { 'area-city': 'leader-city', 'area-east': 'leader-east', 'area-south': 'leader-south', 'area-west': 'leader-west' },
  departmentHead: (dept: string) => `head-${dept}`,
  staff: (dept: string, n: number) => `staff-${dept}-${String(n).padStart(2, '0')}`,
  villages: VILLAGES.map((v) => v[0]),
  departments: DEPARTMENTS.map((d) => d[0]),
  hall: 'hall-main',
} as const;

export function generateTownship(seed = 20261127, opts: { households?: number } = {}): DirectoryDocument {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const name = () => pick(SURNAMES) + (rand() < 0.3 ? pick(MONGOLIAN) : pick(HAN_GIVEN));
  const phone = () => `1${pick(['3', '5', '7', '8', '9'])}${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;

  const cadres: Cadre[] = [];
  const departments = DEPARTMENTS.map(([code, deptName]) => ({ code, name: deptName, headCode: DEMO_CODES.departmentHead(code) }));
  for (const [code] of DEPARTMENTS) cadres.push({ code: DEMO_CODES.departmentHead(code), name: name(), role: 'department_head', departmentCode: code, phone: phone() });
  // Departments linked to a village need more hands; the others keep a few staff.
  const staffPerDept: Record<string, number> = Object.fromEntries(DEPARTMENTS.map(([code]) => [code, VILLAGES.some((v) => v[3] === code) ? 8 : 4]));
  for (const [code] of DEPARTMENTS) {
    for (let n = 1; n <= staffPerDept[code]!; n++) {
      const r = rand();
      const role = r < 0.1 ? 'village_official' : r < 0.16 ? 'trainee' : 'staff';
      cadres.push({ code: DEMO_CODES.staff(code, n), name: name(), role, departmentCode: code, phone: phone() });
    }
  }
  const areaLeaders = DEMO_CODES.areaLeaders as Record<string, string>;
  for (const [areaCode] of AREAS) cadres.push({ code: areaLeaders[areaCode]!, name: name(), role: 'area_leader', departmentCode: null, phone: phone() });
  for (const code of DEMO_CODES.townshipLeaders) cadres.push({ code, name: name(), role: 'township_leader', departmentCode: null, phone: phone() });
  for (const code of DEMO_CODES.hallStaff) cadres.push({ code, name: name(), role: 'hall_staff', departmentCode: null, phone: phone() });

  const areas = AREAS.map(([code, areaName]) => ({ code, name: areaName, leaderCode: areaLeaders[code]! }));
  const villages = VILLAGES.map(([code, villageName, kind, dept]) => ({
    code,
    name: villageName,
    kind,
    areaCode: AREAS.find((a) => (a[2] as readonly string[]).includes(code))![0],
    departmentCode: dept,
  }));

  const total = opts.households ?? 10_000;
  const households: Household[] = [];
  let made = 0;
  VILLAGES.forEach(([villageCode, villageName, kind, dept, share], vi) => {
    const count = vi === VILLAGES.length - 1 ? total - made : Math.round(total * share);
    made += count;
    const linked = cadres.filter((c) => c.departmentCode === dept && c.role !== 'department_head').map((c) => c.code);
    for (let i = 0; i < count; i++) {
      const idTail = rand() < 0.09 ? `${String(Math.floor(rand() * 1000)).padStart(3, '0')}X` : String(Math.floor(rand() * 10000)).padStart(4, '0');
      households.push({
        code: `hh-${villageCode}-${String(i + 1).padStart(4, '0')}`,
        villageCode,
        headName: name(),
        phone: rand() < 0.95 ? phone() : null,
        idTail,
        address: kind === 'community' ? `${villageName}${1 + Math.floor(rand() * 12)}号楼${1 + Math.floor(rand() * 6)}单元${101 + Math.floor(rand() * 6) * 100 + Math.floor(rand() * 4)}` : `${villageName}${1 + Math.floor(rand() * 8)}组${1 + Math.floor(rand() * 80)}号`,
        members: 1 + Math.floor(rand() * 6),
        isKey: rand() < 0.08,
        isVulnerable: rand() < 0.06,
        cadreCode: linked[i % linked.length]!,
      });
    }
  });
  // The plan: every linked cadre has at least 3 key households.
  const byCadre = new Map<string, Household[]>();
  for (const h of households) byCadre.set(h.cadreCode!, [...(byCadre.get(h.cadreCode!) ?? []), h]);
  for (const list of byCadre.values()) {
    for (const h of list) {
      if (list.filter((x) => x.isKey).length >= 3) break;
      h.isKey = true;
    }
  }

  const servicePoints = [
    { code: DEMO_CODES.hall, name: '一站式便民服务大厅', kind: 'hall' as const, villageCode: null },
    { code: 'social-hall', name: '社会服务管理大厅', kind: 'social_hall' as const, villageCode: null },
    { code: 'station-wulan', name: '乌兰社区便民服务工作站', kind: 'station' as const, villageCode: 'wulan' },
    { code: 'station-sanduandi', name: '三段地社区便民服务工作站', kind: 'station' as const, villageCode: 'sanduandi' },
  ];
  const duty = (depts: string[]) => depts.map((d) => DEMO_CODES.staff(d, 1));
  const sessions = [
    { code: 'market-wulan', name: '乌兰集贸日联合办公', villageCode: 'wulan', weekday: 3, startTime: '09:00', endTime: '12:00', dutyCadreCodes: duty(['shehui', 'minzheng', 'nongmu', 'judicial']) },
    { code: 'market-sanduandi', name: '三段地集贸日联合办公', villageCode: 'sanduandi', weekday: 6, startTime: '09:00', endTime: '12:00', dutyCadreCodes: duty(['chengjian', 'jingji', 'lincao', 'zongzhi']) },
  ];
  const routingRules = [
    { category: 'dispute_mediation', departmentCode: 'judicial', reason: '矛盾纠纷由司法所调解' },
    { category: 'environment_civility', departmentCode: 'chengjian', reason: '环境卫生由城建环卫所负责' },
    { category: 'care_visit', departmentCode: 'minzheng', reason: '走访慰问由民政社保所组织' },
  ];
  return { areas, departments, villages, cadres, households, servicePoints, sessions, routingRules };
}
