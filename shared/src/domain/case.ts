/**
 * The case vocabulary shared by the API, the workflow, the worker and the
 * reporting service. Pure data and schemas only: this module is also imported
 * (as types) by workflow code, so it must stay free of I/O and Node built-ins.
 */
import { Type, type Static } from '@sinclair/typebox';
import './formats';
import { Code as CodeString, Text } from './text';
import { NOTICE_LANGUAGES } from './notifications';
import { FourHelpsSchema } from './four-helps';

import { CASE_CATEGORIES, CaseStatus, CasePriority, IntakeChannel, type CaseCategory } from './vocabulary';

export * from './vocabulary';

const literalUnion = <T extends string>(values: readonly T[], options: object = {}) =>
  Type.Union(values.map((v) => Type.Literal(v)), options);

export const CategorySchema = literalUnion(CASE_CATEGORIES, {
  description: 'case category',
});
export const PrioritySchema = literalUnion(Object.values(CasePriority), { description: 'urgent cases run on clock hours' });
export const ChannelSchema = literalUnion(Object.values(IntakeChannel), { description: 'intake channel' });
export const StatusSchema = literalUnion(Object.values(CaseStatus));

/** Mainland mobile numbers, or a landline with area code. */
export const PHONE_PATTERN = '^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$';
const Code = (description: string) => CodeString({ description });

/** Body of `openCase` (POST /api/v1/cases). */
export const OpenCaseBodySchema = Type.Object(
  {
    category: CategorySchema,
    priority: Type.Optional(PrioritySchema),
    channel: ChannelSchema,
    servicePointCode: Type.Optional(Code('the hall, station or session where the case was opened')),
    title: Text({ minLength: 1, maxLength: 200, description: 'one line summary' }),
    description: Text({ minLength: 1, maxLength: 5000 }),
    resident: Type.Object(
      {
        name: Text({ minLength: 1, maxLength: 50 }),
        phone: Type.Optional(Type.String({ pattern: PHONE_PATTERN, description: 'mobile (11 digits) or landline with area code; absent when the resident has none (no SMS then, and the tracking page cannot find the case: the receipt is their record)' })),
        email: Type.Optional(Type.String({ maxLength: 254, pattern: '^[^@\\s\\u0000-\\u001f\\u007f]{1,64}@[^@\\s\\u0000-\\u001f\\u007f]+\\.[^@\\s\\u0000-\\u001f\\u007f]+$', description: 'to be told by e-mail too (optional)' })),
        language: Type.Optional(Type.Union(NOTICE_LANGUAGES.map((l) => Type.Literal(l)), { description: 'language of the messages the resident gets (default zh-CN)' })),
      },
      { additionalProperties: false },
    ),
    villageCode: Type.Optional(Code('village (嘎查村) or community (社区) code')),
    householdCode: Type.Optional(Code('household code from the directory')),
    helps: Type.Optional({ ...FourHelpsSchema, description: '四帮四促 tags (optional; the category suggests one, the clerk chooses)' }),
    duplicateConfirmed: Type.Optional(
      Type.Array(Type.String({ format: 'uuid' }), {
        maxItems: 10,
        uniqueItems: true,
        description: 'the likely duplicates (findDuplicateCases) the clerk was shown and chose to open a new case anyway; recorded in the audit log, not part of the request',
      }),
    ),
  },
  { additionalProperties: false, $id: 'OpenCaseBody' },
);
export type OpenCaseBody = Static<typeof OpenCaseBodySchema>;

/** What the workflow starts with: the validated body plus what the edge derived. */
export interface CaseWorkflowInput {
  caseId: string;
  trackingCode: string;
  /** sha-256 of the canonical request, so a reused Idempotency-Key with another body is caught */
  requestHash: string;
  openedAt: string;
  openedBy: string | null;
  request: OpenCaseBody & { priority: CasePriority };
  /** household + category + normalised text: the same request twice within the window is one case */
  dedupeHash?: string | null;
}

export const CaseViewSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    trackingCode: Type.String(),
    status: StatusSchema,
    category: CategorySchema,
    priority: PrioritySchema,
    channel: ChannelSchema,
    servicePointCode: Type.Union([Type.String(), Type.Null()]),
    title: Type.String(),
    description: Type.String(),
    villageCode: Type.Union([Type.String(), Type.Null()]),
    householdCode: Type.Union([Type.String(), Type.Null()]),
    openedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    assigneeCode: Type.Union([Type.String(), Type.Null()]),
    departmentCode: Type.Union([Type.String(), Type.Null()]),
    areaCode: Type.Union([Type.String(), Type.Null()]),
    routing: Type.Union([Type.Object({ rule: Type.String(), reason: Type.String() }), Type.Null()]),
    escalationLevel: Type.Integer({ minimum: 0, maximum: 3 }),
    phase: Type.Union([Type.String(), Type.Null()]),
    dueAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    paused: Type.Boolean(),
    satisfaction: Type.Union([Type.String(), Type.Null()]),
    resolutionReply: Type.Union([Type.String(), Type.Null()]),
    returnsCount: Type.Integer(),
    reopenCount: Type.Integer(),
    mergedInto: Type.Union([Type.String(), Type.Null()]),
    slaPolicyVersion: Type.Union([Type.String(), Type.Null()]),
    pendingExtension: Type.Union([Type.Object({ phase: Type.String(), minutes: Type.Integer(), reason: Type.String(), requestedBy: Type.String() }), Type.Null()], { description: 'an extension waiting for a decision' }),
    openedBy: Type.Union([Type.String(), Type.Null()], { description: 'the staff member who opened the case' }),
    escalation: Type.Union([
      Type.Object({ departmentHead: Type.Union([Type.String(), Type.Null()]), areaLeader: Type.Union([Type.String(), Type.Null()]), township: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ], { description: 'who a missed deadline escalates to, level 1 to 3 (staff codes); null before routing' }),
    moves: Type.Array(Type.String(), { description: 'the moves (operation names) the signed-in user may make on the case now, from the lifecycle rules' }),
    resident: Type.Union([Type.Object({ name: Type.String(), phone: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }), Type.Null()], { description: 'who asked; staff who may see the case only (phone null: the resident has none)' }),
  },
  { $id: 'Case', additionalProperties: false },
);
export type CaseView = Static<typeof CaseViewSchema>;

/** One row of a case list (search, inbox, queues, drill-downs). */
export interface CaseListItem {
  id: string;
  trackingCode: string;
  status: CaseStatus;
  category: CaseCategory;
  priority: CasePriority;
  title: string;
  villageCode: string | null;
  areaCode: string | null;
  departmentCode: string | null;
  assigneeCode: string | null;
  escalationLevel: number;
  phase: string | null;
  dueAt: string | null;
  paused: boolean;
  openedAt: string;
  updatedAt: string;
}

/** What the residents' tracking page (and Open311's status) shows of a case: no names, phones, staff or case ids. */
export interface PublicCaseView {
  trackingCode: string;
  status: string;
  category: CaseCategory;
  openedAt: string;
  expectedReplyBy: string | null;
  /** public steps, oldest first */
  steps: { kind: string; at: string }[];
  reply: string | null;
  canRate: boolean;
  satisfaction: string | null;
  /** what was asked: the title given at intake (the tracking page; null where it is not read) */
  title: string | null;
}
