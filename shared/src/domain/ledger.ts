/**
 * The public-condition ledger (民情台帐 / 民情档案): what the plan's investigator
 * (调查员) builds — "摸清人口底数，掌握基本情况，详细了解城乡居民生活状况、发展意向和服务
 * 需求，形成较为完整的民情档案" — and what the assessment group reads ("看民情台帐").
 * ONE module: the record of a household and of a village (schemas, vocabularies,
 * bounds), the checks across fields, how a record is normalised and how two
 * versions differ, and who may read or change which record. The case API (its
 * routes, validation, SQL scope and CSV), the console (form, labels, history)
 * and the tests all take it from here. Pure: no I/O, no Node built-ins (the
 * console imports it).
 *
 * Structured where a figure could be drawn (counts, choices from fixed lists,
 * amounts in yuan), with bounded free text beside each section. Every change
 * stores a new version (who, when, what changed); the records are personal
 * data and never leave the case API's own tables (no events, no URLs, no logs).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { STAFF_ROLES, type Principal, type StaffRole } from './access';
import { Text } from './text';

// ---- vocabularies ------------------------------------------------------------

/** 住房结构 */
export const HOUSING_TYPES = ['brick_concrete', 'brick_wood', 'adobe', 'yurt', 'apartment', 'other'] as const;
/** 农村住房安全性鉴定: A 安全, B 基本安全, C 局部危险, D 整体危险 (C and D are 危房). */
export const HOUSING_SAFETY = ['grade_a', 'grade_b', 'grade_c', 'grade_d', 'unassessed'] as const;
/** 收入来源 */
export const INCOME_SOURCES = ['farming', 'herding', 'local_work', 'migrant_work', 'business', 'pension', 'subsidies', 'land_transfer', 'other'] as const;
/** 保障类型: 低保, 特困供养 (五保), 防返贫监测, 残疾人两项补贴, 高龄津贴, 临时救助, 医疗救助 */
export const SUPPORT_TYPES = ['minimum_living', 'extreme_poverty', 'poverty_monitoring', 'disability_subsidy', 'old_age_allowance', 'temporary_assistance', 'medical_assistance', 'other'] as const;
/** 困难类型 (the usual causes of hardship) */
export const DIFFICULTY_TYPES = ['illness', 'disability', 'education', 'housing', 'lack_of_labor', 'lack_of_funds', 'lack_of_skills', 'unemployment', 'disaster', 'elderly_care', 'other'] as const;
/** 服务需求 */
export const NEED_TYPES = ['policy', 'skills_training', 'employment', 'funding', 'medical', 'education', 'housing_repair', 'elderly_care', 'infrastructure', 'legal', 'proxy', 'other'] as const;
/** 发展意向 */
export const DEVELOPMENT_INTENTIONS = ['expand_herding', 'expand_farming', 'start_business', 'migrant_work', 'relocate', 'cooperative', 'learn_skills', 'keep_current', 'other'] as const;
/** 村集体经济收入来源 */
export const COLLECTIVE_INCOME_SOURCES = ['resource_contracting', 'asset_leasing', 'cooperative', 'services', 'equity', 'project_income', 'other'] as const;
/** 主导产业 */
export const INDUSTRIES = ['beef_cattle', 'meat_sheep', 'dairy', 'grain', 'cash_crops', 'forage', 'tourism', 'processing', 'commerce', 'labor_services', 'other'] as const;
/** 基础设施需求 */
export const INFRASTRUCTURE_NEEDS = ['roads', 'drinking_water', 'irrigation', 'power', 'telecom', 'housing', 'sanitation', 'street_lights', 'public_space', 'clinic', 'school', 'elderly_care', 'other'] as const;

/** Every list of choices, by the name the console's labels use (`ledger.choice.<name>.<value>`). */
export const LEDGER_CHOICES = {
  housingType: HOUSING_TYPES,
  housingSafety: HOUSING_SAFETY,
  incomeSource: INCOME_SOURCES,
  support: SUPPORT_TYPES,
  difficulty: DIFFICULTY_TYPES,
  need: NEED_TYPES,
  intention: DEVELOPMENT_INTENTIONS,
  collectiveIncome: COLLECTIVE_INCOME_SOURCES,
  industry: INDUSTRIES,
  infrastructure: INFRASTRUCTURE_NEEDS,
} as const;
export type LedgerChoiceList = keyof typeof LEDGER_CHOICES;

// ---- bounds --------------------------------------------------------------------

/** People in one household (the roster allows 30; a ledger may find a larger family). */
export const HOUSEHOLD_MEMBERS_MAX = 50;
export const HOUSING_AREA_MAX = 5_000;
/** yuan per person and year */
export const INCOME_PER_CAPITA_MAX = 10_000_000;
export const VILLAGE_COUNT_MAX = 1_000_000;
/** yuan */
export const VILLAGE_AMOUNT_MAX = 100_000_000_000;
export const SECTION_NOTE_MAX = 500;
export const NOTES_MAX = 1_000;
export const CHANGE_NOTE_MAX = 200;

const Enum = <T extends string>(values: readonly T[], options: { description?: string } = {}) => Type.Union(values.map((v) => Type.Literal(v)), options);
const Nullable = <T extends TSchema>(s: T, description?: string) => Type.Union([s, Type.Null()], description ? { description } : {});
const Count = (max: number, description: string) => Nullable(Type.Integer({ minimum: 0, maximum: max }), `${description}; null: not yet known`);
const Amount = (max: number, description: string) => Nullable(Type.Integer({ minimum: 0, maximum: max }), `${description}; null: not yet known`);
/** Several choices of one list: duplicates are dropped and the order is the list's (normalizeLedger). */
const Choices = <T extends string>(values: readonly T[], description: string) =>
  Type.Array(Enum(values), { maxItems: values.length * 2, description: `${description} (any of the list; stored once each, in the list's order)` });
const Note = (max: number, description: string) => Text({ maxLength: max, description: `${description}; empty when there is nothing to say` });
const closed = { additionalProperties: false } as const;

// ---- the household record --------------------------------------------------------

export const HouseholdLedgerDataSchema = Type.Object(
  {
    population: Type.Object(
      {
        members: Count(HOUSEHOLD_MEMBERS_MAX, '家庭人口: people in the household'),
        workingAge: Count(HOUSEHOLD_MEMBERS_MAX, '劳动年龄人口 (16–59)'),
        elderly: Count(HOUSEHOLD_MEMBERS_MAX, '老年人 (60 and over)'),
        children: Count(HOUSEHOLD_MEMBERS_MAX, '未成年 (under 16)'),
        migrantWorkers: Count(HOUSEHOLD_MEMBERS_MAX, '外出务工人员'),
        students: Count(HOUSEHOLD_MEMBERS_MAX, '在校学生'),
        disabled: Count(HOUSEHOLD_MEMBERS_MAX, '残疾人'),
        seriouslyIll: Count(HOUSEHOLD_MEMBERS_MAX, '大病、慢性病患者'),
      },
      { ...closed, description: '人口底数: the three age groups, when all given, add up to members; every other count is at most members' },
    ),
    living: Type.Object(
      {
        housingType: Nullable(Enum(HOUSING_TYPES), '住房结构'),
        housingSafety: Nullable(Enum(HOUSING_SAFETY), '住房安全等级 (grade C and D are unsafe)'),
        housingArea: Count(HOUSING_AREA_MAX, '住房面积 (m²)'),
        incomeSources: Choices(INCOME_SOURCES, '收入来源'),
        mainIncomeSource: Nullable(Enum(INCOME_SOURCES), '主要收入来源: one of incomeSources'),
        incomePerCapita: Amount(INCOME_PER_CAPITA_MAX, '人均年收入 (yuan)'),
        supports: Choices(SUPPORT_TYPES, '享受的保障 (低保, 特困供养, …)'),
      },
      { ...closed, description: '生活状况' },
    ),
    difficulties: Type.Object(
      { types: Choices(DIFFICULTY_TYPES, '困难类型'), note: Note(SECTION_NOTE_MAX, '困难情况') },
      { ...closed, description: '困难' },
    ),
    needs: Type.Object(
      {
        types: Choices(NEED_TYPES, '服务需求'),
        intentions: Choices(DEVELOPMENT_INTENTIONS, '发展意向'),
        note: Note(SECTION_NOTE_MAX, '需求与意向说明'),
      },
      { ...closed, description: '发展意向和服务需求' },
    ),
    notes: Note(NOTES_MAX, '备注'),
  },
  { ...closed, $id: 'HouseholdLedgerData', description: "a household's ledger record (民情档案), whole" },
);
export type HouseholdLedgerData = Static<typeof HouseholdLedgerDataSchema>;

// ---- the village record ----------------------------------------------------------

export const VillageLedgerDataSchema = Type.Object(
  {
    population: Type.Object(
      {
        registeredHouseholds: Count(VILLAGE_COUNT_MAX, '户籍户数'),
        residentHouseholds: Count(VILLAGE_COUNT_MAX, '常住户数'),
        registeredPopulation: Count(VILLAGE_COUNT_MAX, '户籍人口'),
        residentPopulation: Count(VILLAGE_COUNT_MAX, '常住人口'),
        elderly: Count(VILLAGE_COUNT_MAX, '60 岁以上老人'),
        migrantWorkers: Count(VILLAGE_COUNT_MAX, '外出务工人员'),
      },
      { ...closed, description: '人口与户数: a population is at least its households; the elderly and migrant workers at most the registered population' },
    ),
    collectiveEconomy: Type.Object(
      {
        annualIncome: Amount(VILLAGE_AMOUNT_MAX, '村集体经济年收入 (yuan)'),
        assets: Amount(VILLAGE_AMOUNT_MAX, '村集体资产 (yuan)'),
        incomeSources: Choices(COLLECTIVE_INCOME_SOURCES, '集体经济收入来源'),
        note: Note(SECTION_NOTE_MAX, '集体经济情况'),
      },
      { ...closed, description: '集体经济' },
    ),
    industries: Type.Object({ main: Choices(INDUSTRIES, '主导产业'), note: Note(SECTION_NOTE_MAX, '产业情况') }, { ...closed, description: '主导产业' }),
    infrastructure: Type.Object({ needs: Choices(INFRASTRUCTURE_NEEDS, '基础设施需求'), note: Note(SECTION_NOTE_MAX, '基础设施情况') }, { ...closed, description: '基础设施' }),
    notes: Note(NOTES_MAX, '备注'),
  },
  { ...closed, $id: 'VillageLedgerData', description: "a village's or community's ledger record (村情台帐), whole" },
);
export type VillageLedgerData = Static<typeof VillageLedgerDataSchema>;

export type LedgerKind = 'household' | 'village';
export type LedgerData = HouseholdLedgerData | VillageLedgerData;

/** The record before anything is known: what a first version is compared with. */
export const EMPTY_HOUSEHOLD_LEDGER: HouseholdLedgerData = {
  population: { members: null, workingAge: null, elderly: null, children: null, migrantWorkers: null, students: null, disabled: null, seriouslyIll: null },
  living: { housingType: null, housingSafety: null, housingArea: null, incomeSources: [], mainIncomeSource: null, incomePerCapita: null, supports: [] },
  difficulties: { types: [], note: '' },
  needs: { types: [], intentions: [], note: '' },
  notes: '',
};
export const EMPTY_VILLAGE_LEDGER: VillageLedgerData = {
  population: { registeredHouseholds: null, residentHouseholds: null, registeredPopulation: null, residentPopulation: null, elderly: null, migrantWorkers: null },
  collectiveEconomy: { annualIncome: null, assets: null, incomeSources: [], note: '' },
  industries: { main: [], note: '' },
  infrastructure: { needs: [], note: '' },
  notes: '',
};

/** The choices list of each multi-choice or single-choice field, by its path. */
export const LEDGER_FIELD_CHOICES: Record<string, LedgerChoiceList> = {
  'living.housingType': 'housingType',
  'living.housingSafety': 'housingSafety',
  'living.incomeSources': 'incomeSource',
  'living.mainIncomeSource': 'incomeSource',
  'living.supports': 'support',
  'difficulties.types': 'difficulty',
  'needs.types': 'need',
  'needs.intentions': 'intention',
  'collectiveEconomy.incomeSources': 'collectiveIncome',
  'industries.main': 'industry',
  'infrastructure.needs': 'infrastructure',
};

// ---- normalising, checking, comparing ---------------------------------------------

type Leaf = number | string | string[] | null;

/** Every field of a record as `section.field` (or `notes`) → value, in the schema's order. */
export function ledgerLeaves(data: LedgerData): [string, Leaf][] {
  const out: [string, Leaf][] = [];
  for (const [k, v] of Object.entries(data)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [kk, vv] of Object.entries(v as Record<string, Leaf>)) out.push([`${k}.${kk}`, vv]);
    } else out.push([k, v as Leaf]);
  }
  return out;
}

/** The field paths of a kind of record, in the schema's order. */
export const LEDGER_FIELDS: Record<LedgerKind, string[]> = {
  household: ledgerLeaves(EMPTY_HOUSEHOLD_LEDGER).map(([k]) => k),
  village: ledgerLeaves(EMPTY_VILLAGE_LEDGER).map(([k]) => k),
};

/**
 * The record as it is stored: text trimmed (line breaks kept), each list of
 * choices without duplicates and in its vocabulary's order — so a save that
 * changes nothing a person would see is no change at all.
 */
export function normalizeLedger<T extends LedgerData>(data: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'string') out[k] = v.trim();
    else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const section: Record<string, unknown> = {};
      for (const [kk, vv] of Object.entries(v as Record<string, unknown>)) {
        const list = LEDGER_FIELD_CHOICES[`${k}.${kk}`];
        if (Array.isArray(vv) && list) {
          const order: readonly string[] = LEDGER_CHOICES[list];
          section[kk] = order.filter((c) => (vv as string[]).includes(c));
        } else section[kk] = typeof vv === 'string' ? vv.trim() : vv;
      }
      out[k] = section;
    } else out[k] = v;
  }
  return out as T;
}

export interface LedgerFieldError {
  /** JSON pointer under the request body, e.g. `body/data/population/children` */
  field: string;
  message: string;
  code: 'exceeds_total' | 'sum_mismatch' | 'not_selected' | 'fewer_than_households' | 'required';
  params: Record<string, string | number>;
}

const at = (path: string) => `body/data/${path.replace('.', '/')}`;

/**
 * What is wrong across the fields of a household record (each value's type and
 * bounds are the schema's): the age groups, when all three are given, add up to
 * the household's members; no count of people exceeds the members; counts need
 * the members; the main income source is one of the sources ticked.
 */
export function householdLedgerErrors(d: HouseholdLedgerData): LedgerFieldError[] {
  const errors: LedgerFieldError[] = [];
  const p = d.population;
  const parts = ['workingAge', 'elderly', 'children', 'migrantWorkers', 'students', 'disabled', 'seriouslyIll'] as const;
  if (p.members === null) {
    if (parts.some((k) => p[k] !== null)) errors.push({ field: at('population.members'), message: 'is needed once any count of people is given', code: 'required', params: {} });
  } else {
    for (const k of parts) {
      const v = p[k];
      if (v !== null && v > p.members) errors.push({ field: at(`population.${k}`), message: `must be at most the household's ${p.members} members`, code: 'exceeds_total', params: { max: p.members } });
    }
    if (p.workingAge !== null && p.elderly !== null && p.children !== null) {
      const sum = p.workingAge + p.elderly + p.children;
      if (sum !== p.members) {
        errors.push({ field: at('population.members'), message: `the age groups add up to ${sum}, not ${p.members}`, code: 'sum_mismatch', params: { sum, total: p.members } });
      }
    }
  }
  const l = d.living;
  if (l.mainIncomeSource !== null && !l.incomeSources.includes(l.mainIncomeSource)) {
    errors.push({ field: at('living.mainIncomeSource'), message: 'must be one of the income sources ticked', code: 'not_selected', params: {} });
  }
  return errors;
}

/**
 * What is wrong across the fields of a village record: a population is at least
 * its households (each household has someone in it); the elderly and the
 * migrant workers are at most the registered population.
 */
export function villageLedgerErrors(d: VillageLedgerData): LedgerFieldError[] {
  const errors: LedgerFieldError[] = [];
  const p = d.population;
  for (const [people, households] of [['registeredPopulation', 'registeredHouseholds'], ['residentPopulation', 'residentHouseholds']] as const) {
    const n = p[people];
    const h = p[households];
    if (n !== null && h !== null && n < h) {
      errors.push({ field: at(`population.${people}`), message: `must be at least the ${h} households`, code: 'fewer_than_households', params: { min: h } });
    }
  }
  for (const k of ['elderly', 'migrantWorkers'] as const) {
    const v = p[k];
    if (v !== null && p.registeredPopulation !== null && v > p.registeredPopulation) {
      errors.push({ field: at(`population.${k}`), message: `must be at most the registered population of ${p.registeredPopulation}`, code: 'exceeds_total', params: { max: p.registeredPopulation } });
    }
  }
  return errors;
}

export const ledgerErrors = (kind: LedgerKind, data: LedgerData): LedgerFieldError[] =>
  kind === 'household' ? householdLedgerErrors(data as HouseholdLedgerData) : villageLedgerErrors(data as VillageLedgerData);

export interface LedgerChange {
  /** the field's path, e.g. `difficulties.note` */
  field: string;
  before: Leaf;
  after: Leaf;
}

const same = (a: Leaf, b: Leaf) => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b);

/**
 * What changed from `before` (null: nothing recorded yet, compared with the
 * empty record) to `after`, field by field in the schema's order. Both are
 * normalised records of the same kind.
 */
export function diffLedger(kind: LedgerKind, before: LedgerData | null, after: LedgerData): LedgerChange[] {
  const prev = new Map(ledgerLeaves(before ?? (kind === 'household' ? EMPTY_HOUSEHOLD_LEDGER : EMPTY_VILLAGE_LEDGER)));
  const next = new Map(ledgerLeaves(after));
  // In the schema's order, whatever order the keys came in (PostgreSQL's jsonb keeps its own).
  return LEDGER_FIELDS[kind].flatMap((field) => {
    const old = prev.get(field) ?? null;
    const value = next.get(field) ?? null;
    return same(old, value) ? [] : [{ field, before: old, after: value }];
  });
}

// ---- who may read or change which record ------------------------------------------

/** What a reader may do with one record. */
export type LedgerAccess = 'edit' | 'read' | 'none';

/** Roles that read every record: the township leadership, the assessment group (看民情台帐), administrators, and hall staff, who open cases for any household. */
export const LEDGER_READ_ALL_ROLES: readonly StaffRole[] = ['township_leader', 'assessment', 'admin', 'hall_staff'];

/** Who may use each ledger operation at all (the routes declare these; each record's own rule is below). */
export const LEDGER_OPERATIONS = {
  getHouseholdLedger: STAFF_ROLES,
  householdLedgerHistory: STAFF_ROLES,
  updateHouseholdLedger: STAFF_ROLES,
  searchHouseholdLedgers: STAFF_ROLES,
  listVillageLedgers: STAFF_ROLES,
  getVillageLedger: STAFF_ROLES,
  villageLedgerHistory: STAFF_ROLES,
  updateVillageLedger: ['department_head', 'area_leader'],
  // a file of many households' personal data: not for the hall, which looks households up one at a time
  exportLedger: ['cadre', 'department_head', 'area_leader', 'township_leader', 'assessment', 'admin'],
} as const satisfies Record<string, readonly StaffRole[]>;
export type LedgerOperation = keyof typeof LEDGER_OPERATIONS;

export type LedgerPrincipal = Pick<Principal, 'role' | 'cadreCode' | 'departmentCode' | 'areaCodes'>;

/** What about a household decides who sees its record. */
export interface HouseholdLedgerScope {
  /** the cadre linked to it (干部联户) */
  cadreCode: string | null;
  /** its village's linked department (部门联村) and area (领导联片) */
  villageDepartmentCode: string | null;
  villageAreaCode: string | null;
  /** the linked cadre's department */
  cadreDepartmentCode: string | null;
}

/**
 * A household's record is kept by its linked cadre (干部联户), who alone changes
 * it; a department head reads the households of the department's villages and
 * of its cadres, an area leader those of the area's villages; the township
 * leadership, the assessment group, administrators and hall staff read all.
 */
export function householdLedgerAccess(p: LedgerPrincipal, h: HouseholdLedgerScope): LedgerAccess {
  if (p.cadreCode && h.cadreCode === p.cadreCode) return 'edit';
  if (LEDGER_READ_ALL_ROLES.includes(p.role)) return 'read';
  if (p.role === 'department_head' && p.departmentCode && (h.villageDepartmentCode === p.departmentCode || h.cadreDepartmentCode === p.departmentCode)) return 'read';
  if (p.role === 'area_leader' && h.villageAreaCode && p.areaCodes.includes(h.villageAreaCode)) return 'read';
  return 'none';
}

/** What about a village decides who sees its record. */
export interface VillageLedgerScope {
  departmentCode: string | null;
  areaCode: string | null;
  /** the reader is linked to a household in it */
  linkedHere: boolean;
}

/**
 * A village's record is kept by the head of its linked department (部门联村: the
 * department plans its service to the village) and by the leader of its area
 * (领导联片); the department's cadres and every cadre linked to a household
 * there read it, as do the township-wide readers above.
 */
export function villageLedgerAccess(p: LedgerPrincipal, v: VillageLedgerScope): LedgerAccess {
  if (p.role === 'department_head' && p.departmentCode && v.departmentCode === p.departmentCode) return 'edit';
  if (p.role === 'area_leader' && v.areaCode && p.areaCodes.includes(v.areaCode)) return 'edit';
  if (LEDGER_READ_ALL_ROLES.includes(p.role)) return 'read';
  if (p.departmentCode && v.departmentCode === p.departmentCode) return 'read';
  if (v.linkedHere) return 'read';
  return 'none';
}

// ---- what the API answers -------------------------------------------------------------

const Str = Type.String();
const LeafSchema = Type.Union([Type.Null(), Type.Integer(), Type.String(), Type.Array(Type.String())]);
export const LedgerChangeSchema = Type.Object({ field: Str, before: LeafSchema, after: LeafSchema }, closed);
export const LedgerEditorSchema = Type.Object(
  { username: Str, name: Str, role: Enum(STAFF_ROLES), cadreCode: Nullable(Str) },
  { ...closed, description: 'who saved the version: the signed-in user' },
);
export type LedgerEditor = Static<typeof LedgerEditorSchema>;

export const WORK_RECORD_STATES = ['logged', 'pending'] as const;

export const LedgerVersionSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    changedAt: Type.String({ format: 'date-time' }),
    changedBy: LedgerEditorSchema,
    changeNote: Str,
    changes: Type.Array(LedgerChangeSchema, { description: 'what this version changed from the one before (the first: from the empty record)' }),
    workRecord: Nullable(Enum(WORK_RECORD_STATES), "the cadre's work record (档案更新) for this version: logged, or pending until the worker stores it; null for a village"),
  },
  closed,
);
export type LedgerVersion = Static<typeof LedgerVersionSchema>;

const Current = {
  version: Type.Integer({ minimum: 0, description: 'the current version; 0: nothing recorded yet' }),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
  updatedBy: Nullable(LedgerEditorSchema),
  access: Enum(['edit', 'read'] as const, { description: 'what the signed-in user may do with this record' }),
};

export const HouseholdLedgerViewSchema = Type.Object(
  {
    householdCode: Str,
    villageCode: Str,
    headName: Str,
    rosterMembers: Type.Integer({ description: 'members as the roster has them' }),
    isKey: Type.Boolean(),
    isVulnerable: Type.Boolean(),
    cadreCode: Nullable(Str),
    ...Current,
    data: Nullable(Type.Ref('HouseholdLedgerData'), 'the current record; null before the first version'),
  },
  closed,
);
export type HouseholdLedgerView = Omit<Static<typeof HouseholdLedgerViewSchema>, 'data'> & { data: HouseholdLedgerData | null };

export const VillageRosterFiguresSchema = Type.Object(
  {
    households: Type.Integer(),
    keyHouseholds: Type.Integer({ description: '重点户' }),
    vulnerableHouseholds: Type.Integer(),
    members: Type.Integer({ description: 'members of its households as the roster has them' }),
    recordedHouseholds: Type.Integer({ description: 'households with a ledger record (建档户)' }),
    recordedKeyHouseholds: Type.Integer(),
  },
  { ...closed, description: 'from the roster: always current, not typed in' },
);
export const VillageFromHouseholdsSchema = Type.Object(
  {
    members: Type.Integer(),
    workingAge: Type.Integer(),
    elderly: Type.Integer(),
    children: Type.Integer(),
    migrantWorkers: Type.Integer(),
    unsafeHousing: Type.Integer({ description: 'households in grade C or D housing (危房)' }),
    bySupport: Type.Object(Object.fromEntries(SUPPORT_TYPES.map((s) => [s, Type.Integer()])), { ...closed, description: 'households receiving each kind of support' }),
    byDifficulty: Type.Object(Object.fromEntries(DIFFICULTY_TYPES.map((s) => [s, Type.Integer()])), { ...closed, description: 'households naming each difficulty' }),
    byNeed: Type.Object(Object.fromEntries(NEED_TYPES.map((s) => [s, Type.Integer()])), { ...closed, description: 'households naming each need' }),
  },
  { ...closed, description: "sums over the village's household records (建档户 only)" },
);
export type VillageFromHouseholds = Static<typeof VillageFromHouseholdsSchema>;

export const VillageLedgerViewSchema = Type.Object(
  {
    villageCode: Str,
    name: Str,
    kind: Enum(['gachaa', 'community'] as const),
    areaCode: Str,
    departmentCode: Str,
    roster: VillageRosterFiguresSchema,
    fromHouseholds: VillageFromHouseholdsSchema,
    ...Current,
    data: Nullable(Type.Ref('VillageLedgerData'), 'the current record; null before the first version'),
  },
  closed,
);
export type VillageLedgerView = Omit<Static<typeof VillageLedgerViewSchema>, 'data'> & { data: VillageLedgerData | null };

export const HouseholdLedgerItemSchema = Type.Object(
  {
    householdCode: Str,
    villageCode: Str,
    headName: Str,
    isKey: Type.Boolean(),
    isVulnerable: Type.Boolean(),
    cadreCode: Nullable(Str),
    version: Type.Integer({ minimum: 0, description: '0: no ledger record yet (未建档)' }),
    updatedAt: Nullable(Type.String({ format: 'date-time' })),
    members: Nullable(Type.Integer()),
    supports: Type.Array(Enum(SUPPORT_TYPES)),
    difficulties: Type.Array(Enum(DIFFICULTY_TYPES)),
    needs: Type.Array(Enum(NEED_TYPES)),
    needsNote: Str,
  },
  closed,
);
export type HouseholdLedgerItem = Static<typeof HouseholdLedgerItemSchema>;

export const VillageLedgerItemSchema = Type.Object(
  {
    villageCode: Str,
    name: Str,
    kind: Enum(['gachaa', 'community'] as const),
    areaCode: Str,
    departmentCode: Str,
    households: Type.Integer(),
    keyHouseholds: Type.Integer(),
    recordedHouseholds: Type.Integer(),
    version: Type.Integer({ minimum: 0 }),
    updatedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  closed,
);
export type VillageLedgerItem = Static<typeof VillageLedgerItemSchema>;

/** The request body of a save: the whole record, the version it was edited from, and an optional note on the change. */
export const ledgerUpdateBody = (data: TSchema) =>
  Type.Object(
    {
      baseVersion: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'the version the edit started from (0 for the first); another save since then is a 409' }),
      data,
      changeNote: Type.Optional(Text({ maxLength: CHANGE_NOTE_MAX, description: '修改说明: why it changed' })),
    },
    closed,
  );

/** The CSV export: which records. */
export const LEDGER_EXPORTS = ['households', 'villages'] as const;
