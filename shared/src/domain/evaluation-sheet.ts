/**
 * The evaluation sheet per period (评先选优, issue 13): one row per cadre of the
 * roster and one per department, each with its service figures (服务绩效), duty
 * figures (履职), democratic appraisal (民主评议), inspection result
 * (一听二看三查) and the composite score under the composite definitions
 * (COMPOSITE_DEFINITIONS: named, versioned weights — the same computation as
 * /reports/composite). The assessment group signs a period's sheet off: it is
 * stored as it stood (who, when, which composite and figure definitions), and
 * reading it later recomputes it with the same definitions and shows any
 * difference as an amendment, like a signed-off figure report. Requests and
 * answers are declared once here for reporting and the case API.
 */
import { Type, type Static } from '@sinclair/typebox';
import { InspectionGradeSchema } from './inspection';
import { EvaluationPeriod } from './report-api';
import { Text } from './text';
import { PageQuery } from '../http/paging';

const closed = { additionalProperties: false } as const;
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(s: T) => Type.Union([s, Type.Null()]);
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1 }));
const Part = Type.Number({ minimum: 0, maximum: 1, description: 'the part’s score, 0–1' });

export const EVALUATION_SUBJECTS = ['cadre', 'department'] as const;
export type EvaluationSubject = (typeof EVALUATION_SUBJECTS)[number];

export const EvaluationSheetRowSchema = Type.Object(
  {
    subjectType: Type.Union(EVALUATION_SUBJECTS.map((s) => Type.Literal(s))),
    code: Type.String(),
    name: Nullable(Type.String()),
    /** a cadre's department (null for a department row) */
    departmentCode: Nullable(Type.String()),
    service: Nullable(Type.Object(
      { cases: Type.Integer(), signForRate: Rate, resolutionRate: Rate, satisfactionRate: Rate, score: Nullable(Part) },
      { ...closed, description: '服务绩效: the figures of the cases attributed to the cadre (or department) opened in the period' },
    )),
    duty: Type.Object(
      { daysPerWeek: Type.Number(), grassrootsDays: Type.Integer(), weeksMeetingPlan: Type.Integer(), weeksMissingPlan: Type.Integer(), score: Part },
      { ...closed, description: '履职: days with work per week against the plan’s three (a department: its cadres’ mean and sums)' },
    ),
    appraisal: Nullable(Type.Object(
      { score: Type.Number({ minimum: 0, maximum: 100 }), groups: Type.Integer({ minimum: 1 }) },
      { ...closed, description: '民主评议: the mean score of the appraiser groups that scored' },
    )),
    inspection: Nullable(Type.Object(
      { count: Type.Integer({ minimum: 1 }), score: Type.Number({ minimum: 0, maximum: 100 }), grade: InspectionGradeSchema },
      { ...closed, description: '一听二看三查: the mean score of the inspections in the period, graded (shown beside the composite; the composite definitions weigh service, duty and appraisal)' },
    )),
    composite: Type.Number({ minimum: 0, maximum: 1 }),
    partial: Type.Boolean({ description: 'a part of the composite had no data and the weights were renormalised over the others' }),
  },
  closed,
);
export type EvaluationSheetRow = Static<typeof EvaluationSheetRowSchema>;

export const EvaluationSheetSchema = Type.Object(
  {
    period: Type.String(),
    first: Type.String({ format: 'date' }),
    last: Type.String({ format: 'date' }),
    compositeVersion: Type.String({ description: 'the composite definitions (weights) the composite was computed with' }),
    weights: Type.Record(Type.String(), Type.Number(), { description: 'the weights of that version' }),
    figureDefinitionsVersion: Type.String({ description: 'the figure definitions the service part was computed with' }),
    cadres: Type.Array(EvaluationSheetRowSchema),
    departments: Type.Array(EvaluationSheetRowSchema),
  },
  closed,
);
export type EvaluationSheet = Static<typeof EvaluationSheetSchema>;

const signedProps = {
  id: Type.String({ format: 'uuid' }),
  period: Type.String(),
  compositeVersion: Type.String(),
  figureDefinitionsVersion: Type.String(),
  note: Type.String(),
  signedBy: Type.String({ description: 'the signed-in member of the assessment group who signed it off' }),
  signedByName: Nullable(Type.String({ description: 'their display name (their account’s)' })),
  signedAt: Type.String({ format: 'date-time' }),
};
export const SignedSheetSummarySchema = Type.Object(signedProps, closed);
export type SignedSheetSummary = Static<typeof SignedSheetSummarySchema>;

export const SheetAmendmentSchema = Type.Object(
  {
    amended: Type.Boolean(),
    checkedAt: Type.String({ format: 'date-time' }),
    changes: Type.Array(Type.Object({ key: Type.String(), path: Type.String(), frozen: Type.Unknown(), current: Type.Unknown() }, closed)),
  },
  { ...closed, description: 'what later events changed since the sign-off, recomputed with the definitions it was signed off with' },
);

/** The answer of evaluationSheet: the period's sheet as it stands, and its latest sign-off. */
export const EvaluationSheetAnswer = Type.Object({ sheet: EvaluationSheetSchema, signed: Nullable(SignedSheetSummarySchema) }, closed);
/** A signed-off sheet as frozen, with its amendment (answer of getEvaluationSheet). */
export const SignedSheetSchema = Type.Object({ ...signedProps, sheet: EvaluationSheetSchema, amendment: SheetAmendmentSchema }, closed);
/** The answer of signEvaluationSheet. */
export const SignedSheetCreatedSchema = Type.Object({ ...signedProps, sheet: EvaluationSheetSchema }, closed);

export const EvaluationSheetQuery = Type.Object({ period: EvaluationPeriod }, closed);
export const SignEvaluationSheetBody = Type.Object({ period: EvaluationPeriod, note: Text({ minLength: 1, maxLength: 2000 }) }, closed);
export const EvaluationSheetListQuery = Type.Object({ period: Type.Optional(EvaluationPeriod), ...PageQuery() }, closed);
export const EvaluationSheetListAnswer = Type.Object(
  { items: Type.Array(SignedSheetSummarySchema), nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last page' }) },
  closed,
);
export const EvaluationSheetParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, closed);
export const EVALUATION_EXPORT_FORMATS = ['xlsx', 'pdf'] as const;
export const EvaluationSheetExportQuery = Type.Object({ format: Type.Union(EVALUATION_EXPORT_FORMATS.map((f) => Type.Literal(f))), lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')], { default: 'zh-CN', description: 'the language of headings and grades' })) }, closed);
export const EVALUATION_EXPORT_MEDIA_TYPES = { xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', pdf: 'application/pdf' } as const;
export const EVALUATION_EXPORT_RESPONSE = {
  description: 'the signed-off sheet as a file (XLSX or PDF, as asked)',
  content: {
    [EVALUATION_EXPORT_MEDIA_TYPES.xlsx]: { schema: { type: 'string', format: 'binary' } },
    [EVALUATION_EXPORT_MEDIA_TYPES.pdf]: { schema: { type: 'string', format: 'binary' } },
  },
} as const;

export type EvaluationSheetQuery = Static<typeof EvaluationSheetQuery>;
export type SignEvaluationSheetBody = Static<typeof SignEvaluationSheetBody>;
export type EvaluationSheetListQuery = Static<typeof EvaluationSheetListQuery>;
export type EvaluationSheetExportQuery = Static<typeof EvaluationSheetExportQuery>;
