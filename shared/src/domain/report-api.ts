/**
 * The reporting API's requests, once: the reporting service validates them, and
 * the case API's explicit report routes validate the same shapes at its edge
 * before calling reporting with a service token (issue 15). Actors are never
 * request fields: `signedBy` of a frozen report and `enteredBy` of an appraisal
 * come from the verified principal.
 */
import { Type, type Static } from '@sinclair/typebox';
import { APPRAISER_GROUPS, DEFINITIONS_VERSION_CODES, FIGURE_NAMES, GROUP_BY, PERIOD_PATTERN } from './figures';
import { CASE_CATEGORIES } from './vocabulary';
import { Code, Offset, Text } from './text';
import { PageQuery } from '../http/paging';

const Enum = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const GroupByParam = Enum(GROUP_BY);
export const ExportFormat = Enum(['csv', 'xlsx'] as const);
/** An evaluation period (duty, appraisal, composite). */
export const EvaluationPeriod = Type.String({ pattern: PERIOD_PATTERN, format: 'period', description: 'a day YYYY-MM-DD, an ISO week YYYY-Www, a month YYYY-MM, a quarter YYYY-Qn or a year YYYY' });

/** Cases opened in [from, to), optionally of one category. */
export const FiguresPeriodProps = {
  from: Type.Optional(Type.String({ format: 'date-time', description: 'cases opened at or after' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'cases opened before' })),
  category: Type.Optional(Enum(CASE_CATEGORIES)),
};

const closed = { additionalProperties: false } as const;

export const SummaryQuery = Type.Object({ from: FiguresPeriodProps.from, to: FiguresPeriodProps.to }, closed);
/** Signed-off reports, newest first, a page at a time. */
export const FrozenReportListQuery = Type.Object({ ...PageQuery() }, closed);
export const DeadLettersQuery = Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }), offset: Offset() }, closed);
/** Which version of the figure definitions to compute with; the current one when absent. */
export const DefinitionsParam = Type.Optional(Enum(DEFINITIONS_VERSION_CODES));
export const FiguresQuery = Type.Object({ groupBy: GroupByParam, ...FiguresPeriodProps, definitions: DefinitionsParam }, closed);
export const FigureCasesQuery = Type.Object(
  {
    groupBy: GroupByParam,
    key: Text({ minLength: 1, maxLength: 64, description: 'the group: a code, `township` or `(unassigned)`' }),
    figure: Enum(FIGURE_NAMES),
    ...FiguresPeriodProps,
    definitions: DefinitionsParam,
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    offset: Offset(),
  },
  closed,
);
export const ExportFiguresQuery = Type.Object({ groupBy: GroupByParam, format: ExportFormat, ...FiguresPeriodProps, definitions: DefinitionsParam }, closed);
export const DutyQuery = Type.Object({ period: EvaluationPeriod, cadre: Type.Optional(Code()) }, closed);
export const EvaluationPeriodQuery = Type.Object({ period: EvaluationPeriod }, closed);
/** The signer is the signed-in principal, recorded by the reporting service; there is no `signedBy` field. */
export const FreezeReportBody = Type.Object({ groupBy: GroupByParam, ...FiguresPeriodProps, note: Text({ minLength: 1, maxLength: 2000 }) }, closed);
/** Who entered the score is the signed-in principal, recorded by the reporting service; there is no `enteredBy` field. */
export const EnterAppraisalBody = Type.Object(
  {
    period: EvaluationPeriod,
    subjectType: Enum(['cadre', 'department'] as const),
    subjectCode: Code(),
    appraiserGroup: Enum(APPRAISER_GROUPS),
    score: Type.Number({ minimum: 0, maximum: 100 }),
  },
  closed,
);
export const FrozenReportParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ExportFrozenQuery = Type.Object({ format: ExportFormat }, closed);

export type SummaryQuery = Static<typeof SummaryQuery>;
export type DeadLettersQuery = Static<typeof DeadLettersQuery>;
export type FrozenReportListQuery = Static<typeof FrozenReportListQuery>;
export type FiguresQuery = Static<typeof FiguresQuery>;
export type FigureCasesQuery = Static<typeof FigureCasesQuery>;
export type ExportFiguresQuery = Static<typeof ExportFiguresQuery>;
export type DutyQuery = Static<typeof DutyQuery>;
export type EvaluationPeriodQuery = Static<typeof EvaluationPeriodQuery>;
export type FreezeReportBody = Static<typeof FreezeReportBody>;
export type EnterAppraisalBody = Static<typeof EnterAppraisalBody>;
export type ExportFrozenQuery = Static<typeof ExportFrozenQuery>;

// Answers. The case API passes reporting's answers on, so both documents declare the same shapes.
const Counts = Type.Record(Type.String(), Type.Integer());
export const ReportSummarySchema = Type.Object(
  {
    totalCases: Type.Integer({ description: 'cases opened in the period' }),
    byCategory: Counts,
    byPriority: Counts,
    byChannel: Counts,
    eventsProcessed: Type.Integer({ description: 'distinct case events applied (all time)' }),
    deadLetters: Type.Integer({ description: 'events that failed validation (all time)' }),
    lastEventAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    period: Type.Object({ from: Type.Union([Type.String(), Type.Null()]), to: Type.Union([Type.String(), Type.Null()]) }),
    generatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ReportSummary' },
);
// The other answers' schemas (figures, drill-down, duty, composite, dead letters, …) are in report-responses.ts.
export const ItemsResponse = Type.Object({ items: Type.Array(Type.Unknown()) });

/** Media types of the exports. */
export const EXPORT_MEDIA_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] as const;
/** The 200 answer of an export (a file download; `Content-Disposition: attachment`). */
export const EXPORT_RESPONSE = {
  description: 'the figures as a file (CSV or XLSX, as asked)',
  content: {
    'text/csv': { schema: { type: 'string' } },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } },
  },
} as const;
