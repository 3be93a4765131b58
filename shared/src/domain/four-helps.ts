/**
 * 四帮四促 (the plan's "four helps, four promotions"): 帮助领会政策精神, 促进思想统一;
 * 帮助理清发展思路, 促进科学发展; 帮助解决实际问题, 促进民生改善; 帮助化解矛盾纠纷,
 * 促进和谐安定. One list of codes for the API, the worker, the events, reporting
 * and the console (which words them in zh-CN and en): a case and a work record
 * may carry one or more of them. Which roles tag a case, what a category
 * suggests, and the report's requests and answers are here too, once.
 *
 * No Node built-ins and no I/O: the console and workflow code import it.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { CaseCategory } from './vocabulary';
import type { StaffRole } from './access';
import { CODE_PATTERN, REVISION_MAX } from './text';

/** The four helps, in the plan's order (which is also the order tags are kept and shown in). */
export const FOUR_HELPS = [
  'policy_understanding', // 帮助领会政策精神, 促进思想统一
  'development_ideas', // 帮助理清发展思路, 促进科学发展
  'practical_problems', // 帮助解决实际问题, 促进民生改善
  'dispute_resolution', // 帮助化解矛盾纠纷, 促进和谐安定
] as const;
export type FourHelp = (typeof FOUR_HELPS)[number];

export const FourHelpSchema = Type.Union(FOUR_HELPS.map((h) => Type.Literal(h)), { description: '四帮四促: one of the four helps' });
/** A set of tags as the API takes and gives it: each help at most once. */
export const FourHelpsSchema = Type.Array(FourHelpSchema, { uniqueItems: true, maxItems: FOUR_HELPS.length, description: '四帮四促 tags (each at most once; empty = none)' });

export const isFourHelp = (v: unknown): v is FourHelp => typeof v === 'string' && (FOUR_HELPS as readonly string[]).includes(v);

/** Tags as kept: known codes only, each once, in the plan's order. */
export function normaliseHelps(helps: readonly string[] | null | undefined): FourHelp[] {
  const given = new Set(helps ?? []);
  return FOUR_HELPS.filter((h) => given.has(h));
}

/** Tags as one text value (reporting keeps them so): comma-joined in the plan's order; null for none. */
export const helpsText = (helps: readonly string[] | null | undefined): string | null => normaliseHelps(helps).join(',') || null;

/**
 * The help a case category suggests when a case is tagged (the person
 * chooses: it is only preselected). Categories without an obvious help suggest none.
 */
export const SUGGESTED_HELP: Readonly<Record<CaseCategory, FourHelp | null>> = {
  policy_question: 'policy_understanding',
  development_guidance: 'development_ideas',
  livelihood_difficulty: 'practical_problems',
  dispute_mediation: 'dispute_resolution',
  proxy_matter: 'practical_problems',
  care_visit: 'practical_problems',
  environment_civility: null,
  other: null,
};

/**
 * Who may set a case's tags: every role that works on cases — the handling
 * cadre, hall staff, department heads, area leaders, the township leadership,
 * administrators — on a case they may see. Not the assessment group: it
 * reviews the figures, it does not do the work being counted.
 */
export const HELPS_TAG_ROLES: readonly StaffRole[] = ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'admin'];
export const mayTagHelps = (role: StaffRole | undefined): boolean => !!role && HELPS_TAG_ROLES.includes(role);

/** Body of setCaseHelps: the whole new set (empty clears), and the revision it replaces (a stale page gets a 409). */
export const SetCaseHelpsBodySchema = Type.Object(
  {
    helps: FourHelpsSchema,
    revision: Type.Integer({ minimum: 0, maximum: REVISION_MAX, description: 'the revision of the tags the change was made on (0 = the case had none); 409 when they changed meanwhile' }),
  },
  { additionalProperties: false },
);
export type SetCaseHelpsBody = Static<typeof SetCaseHelpsBodySchema>;

/** What the case-helps workflow writes: one revision of a case's tags. */
export interface CaseHelpsInput {
  /** the change's id, also its event's id */
  changeId: string;
  caseId: string;
  /** 1 for the first tags, +1 each change */
  revision: number;
  helps: FourHelp[];
  actor: { code: string; role: string };
  at: string;
}

/** Workflow ID of a tag change (prefixed: never taken for a case id). */
export const caseHelpsWorkflowId = (changeId: string): string => `case-helps:${changeId}`;

// ---- the report (reporting's fourHelpsReport and fourHelpsCases, and the case API's routes to them) ----

const Day = (description: string) => Type.String({ format: 'date', description });
const closed = { additionalProperties: false } as const;
const CodeParam = (description: string) => Type.String({ minLength: 1, maxLength: 64, pattern: CODE_PATTERN, description });

/** The period (local dates, both included) and where: the township, one area, or one village. */
export const FourHelpsQuerySchema = Type.Object(
  {
    from: Day('first day of the period (local date, included)'),
    to: Day('last day of the period (local date, included)'),
    areaCode: Type.Optional(CodeParam('one area (片区): its villages are the groups')),
    villageCode: Type.Optional(CodeParam('one village (嘎查村 / 社区)')),
  },
  closed,
);
export type FourHelpsQuery = Static<typeof FourHelpsQuerySchema>;

/** What is counted per help. */
export const FOUR_HELPS_COUNTS = ['casesOpened', 'casesResolved', 'workRecords'] as const;
export type FourHelpsCount = (typeof FOUR_HELPS_COUNTS)[number];
/** The counts that list cases (a drill-down). */
export const FOUR_HELPS_CASE_COUNTS = ['casesOpened', 'casesResolved'] as const;

const Count = (description: string) => Type.Integer({ minimum: 0, description });
export const FourHelpsCountsSchema = Type.Object(
  {
    help: FourHelpSchema,
    casesOpened: Count('cases opened in the period that carry the tag now'),
    casesResolved: Count('cases resolved in the period (latest resolution) that carry the tag now'),
    workRecords: Count('work records dated in the period that carry the tag'),
  },
  closed,
);
export type FourHelpsCounts = Static<typeof FourHelpsCountsSchema>;

export const FourHelpsReportSchema = Type.Object(
  {
    period: Type.Object({ from: Type.String({ format: 'date' }), to: Type.String({ format: 'date' }) }, closed),
    areaCode: Type.Union([Type.String(), Type.Null()]),
    villageCode: Type.Union([Type.String(), Type.Null()]),
    groupBy: Type.Union([Type.Literal('area'), Type.Literal('village')], { description: 'areas for the township; villages within one area or for one village' }),
    /** per help, over everything the query and the caller's scope take in */
    totals: Type.Array(FourHelpsCountsSchema),
    /** tagged with none of the four, for comparison */
    untagged: Type.Object({ casesOpened: Count('cases opened in the period with no tag'), workRecords: Count('work records in the period with no tag') }, closed),
    groups: Type.Array(Type.Object({ key: Type.String({ description: 'an area or village code; `(none)` for cases not yet routed to an area / records without a village' }), counts: Type.Array(FourHelpsCountsSchema) }, closed)),
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { ...closed, description: '四帮四促 by period and area: per help, the cases opened and resolved and the work records' },
);
export type FourHelpsReport = Static<typeof FourHelpsReportSchema>;

export const FourHelpsCasesQuerySchema = Type.Object(
  {
    ...FourHelpsQuerySchema.properties,
    help: FourHelpSchema,
    count: Type.Union(FOUR_HELPS_CASE_COUNTS.map((c) => Type.Literal(c)), { description: 'which count the cases are behind' }),
    /** a group of the report (an area or village code, or `(none)`) */
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: `${CODE_PATTERN}|^\\(none\\)$`, description: 'one group of the report (its key: an area or village code, or `(none)`)' })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  closed,
);
export type FourHelpsCasesQuery = Static<typeof FourHelpsCasesQuerySchema>;

export const FourHelpsCasesResponseSchema = Type.Object(
  {
    total: Type.Integer({ minimum: 0 }),
    items: Type.Array(
      Type.Object(
        {
          caseId: Type.String({ format: 'uuid' }),
          trackingCode: Type.String(),
          category: Type.String(),
          status: Type.String(),
          areaCode: Type.Union([Type.String(), Type.Null()]),
          villageCode: Type.Union([Type.String(), Type.Null()]),
          openedAt: Type.String({ format: 'date-time' }),
          resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          helps: Type.Array(FourHelpSchema),
          title: Type.Optional(Type.String({ description: "the case's title (added by the case API from its read model; reporting keeps codes only)" })),
        },
        closed,
      ),
    ),
  },
  closed,
);
export type FourHelpsCasesResponse = Static<typeof FourHelpsCasesResponseSchema>;

/** A case's 四帮四促 tags as the API answers them (getCaseHelps, setCaseHelps): one shape for the server and the console. */
export interface CaseHelpsView {
  caseId: string;
  helps: FourHelp[];
  /** 0 when the case was never tagged */
  revision: number;
  /** the help the case's category suggests (preselected in the console; the person chooses) */
  suggested: FourHelp | null;
  /** whether the signed-in person may change them */
  mayChange: boolean;
  changedAt: string | null;
  changedBy: string | null;
}

/** One revision of a case's tags (caseHelpsHistory). */
export interface HelpsRevision {
  revision: number;
  helps: FourHelp[];
  /** the cadre who made it (the clerk who opened the case, for tags given at intake) */
  actorCode: string | null;
  at: string;
}
