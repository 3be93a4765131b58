/**
 * The 三联 roster (directory): areas and their leader (领导联片), villages and
 * communities linked to a department (部门联村), cadres linked to households
 * (干部联户), service points and market-day sessions (定点/定时服务).
 * Pure schemas and types; I/O lives in the services.
 */
import { Type, type Static } from '@sinclair/typebox';
import './formats';
import { Code as CodeString, Text } from './text';

const Code = CodeString();
const Name = Text({ minLength: 1, maxLength: 100 });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

export const CadreRole = {
  staff: 'staff', // 机关干部
  departmentHead: 'department_head', // 部门负责人
  areaLeader: 'area_leader', // 联片领导
  townshipLeader: 'township_leader', // 乡镇主要领导
  villageOfficial: 'village_official', // 大学生村官
  trainee: 'trainee', // 见习生
  hallStaff: 'hall_staff', // 大厅窗口人员
} as const;
export type CadreRole = (typeof CadreRole)[keyof typeof CadreRole];

export const AreaSchema = Type.Object({ code: Code, name: Name, leaderCode: Nullable(Code) }, { additionalProperties: false, $id: 'Area' });
export const DepartmentSchema = Type.Object({ code: Code, name: Name, headCode: Nullable(Code) }, { additionalProperties: false, $id: 'Department' });
export const VillageSchema = Type.Object(
  {
    code: Code,
    name: Name,
    kind: Type.Union([Type.Literal('gachaa'), Type.Literal('community')], { description: '嘎查村 or 社区' }),
    areaCode: Code,
    departmentCode: Code,
  },
  { additionalProperties: false, $id: 'Village' },
);
export const CadreSchema = Type.Object(
  {
    code: Code,
    name: Name,
    role: Type.Union(Object.values(CadreRole).map((r) => Type.Literal(r))),
    departmentCode: Nullable(Code),
    phone: Nullable(Text({ maxLength: 20 })),
  },
  { additionalProperties: false, $id: 'Cadre' },
);
export const HouseholdSchema = Type.Object(
  {
    code: Code,
    villageCode: Code,
    headName: Name,
    phone: Nullable(Text({ maxLength: 20 })),
    idTail: Nullable(Type.String({ pattern: '^[0-9Xx]{4}$', description: 'last four characters of the head\'s ID number' })),
    address: Nullable(Text({ maxLength: 200 })),
    members: Type.Integer({ minimum: 1, maximum: 30 }),
    isKey: Type.Boolean({ description: '重点户' }),
    isVulnerable: Type.Boolean({ description: '困难/弱势户' }),
    cadreCode: Nullable(Code),
  },
  { additionalProperties: false, $id: 'Household' },
);
export const ServicePointSchema = Type.Object(
  {
    code: Code,
    name: Name,
    kind: Type.Union([Type.Literal('hall'), Type.Literal('social_hall'), Type.Literal('station')]),
    villageCode: Nullable(Code),
  },
  { additionalProperties: false, $id: 'ServicePoint' },
);
export const SessionSchema = Type.Object(
  {
    code: Code,
    name: Name,
    villageCode: Code,
    weekday: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday of the market day' }),
    startTime: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
    endTime: Type.String({ pattern: '^\\d{2}:\\d{2}$' }),
    dutyCadreCodes: Type.Array(Code),
  },
  { additionalProperties: false, $id: 'Session' },
);
/** A category routed to a fixed department whatever the links say (e.g. disputes → judicial office). */
export const RoutingRuleSchema = Type.Object(
  { category: Text({ minLength: 1, maxLength: 64 }), departmentCode: Code, reason: Text({ maxLength: 500 }) },
  { additionalProperties: false, $id: 'RoutingRule' },
);

export type Area = Static<typeof AreaSchema>;
export type Department = Static<typeof DepartmentSchema>;
export type Village = Static<typeof VillageSchema>;
export type Cadre = Static<typeof CadreSchema>;
export type Household = Static<typeof HouseholdSchema>;
export type ServicePoint = Static<typeof ServicePointSchema>;
export type Session = Static<typeof SessionSchema>;
export type RoutingRule = Static<typeof RoutingRuleSchema>;

/** The whole roster as one document (import/export, demo generator). */
export interface DirectoryDocument {
  areas: Area[];
  departments: Department[];
  villages: Village[];
  cadres: Cadre[];
  households: Household[];
  servicePoints: ServicePoint[];
  sessions: Session[];
  routingRules: RoutingRule[];
}

/** Where a case goes and why; recorded on the case. */
export interface RoutingDecision {
  /** the cadre who must sign for the case; null = the department's (or fallback) queue */
  assigneeCode: string | null;
  departmentCode: string | null;
  areaCode: string | null;
  villageCode: string | null;
  rule: 'category' | 'household' | 'village' | 'fallback';
  reason: string;
  /** who a missed deadline escalates to, level 1..3 (null when unknown) */
  escalation: { departmentHead: string | null; areaLeader: string | null; township: string | null };
}
