/**
 * 一听二看三查: the township assessment group's inspection of a cadre's work
 * at the grassroots (the plan: 听汇报、看民情台帐和民情日记、实地走访调查).
 * One record per inspection of one cadre: what was heard (听: the cadre's
 * report), what was looked at (看: their households' ledger records 民情台帐 and
 * their diary entries 民情日记, by code and record id), and what was checked on
 * the spot (查: the households visited), each part with a score.
 *
 * The scale (a choice; the plan names none): each part is scored 0–100 in whole
 * points; the inspection's score is the mean of the three parts, rounded to a
 * whole point; its grade is 优秀 excellent (≥ 90), 良好 good (≥ 75), 合格 pass
 * (≥ 60) or 不合格 fail (< 60) — the four grades township appraisals use. Over a
 * period, a cadre's inspection result is the mean score of their inspections
 * in it, graded the same way (inspectionResult). One definition, used by the
 * API, the worker's event, reporting and the console.
 *
 * The free text (notes, findings) stays in the case-worker's table; the event
 * carries codes, scores and counts only.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TOWNSHIP_WIDE_ROLES, type StaffRole } from './access';
import { Code, Text } from './text';
import { PageQuery } from '../http/paging';
import './formats';

export const INSPECTION_PARTS = ['listen', 'look', 'check'] as const;
export type InspectionPart = (typeof INSPECTION_PARTS)[number];

/** Grades from the best down, each with the least score that earns it. */
export const INSPECTION_GRADES = [
  { grade: 'excellent', min: 90 },
  { grade: 'good', min: 75 },
  { grade: 'pass', min: 60 },
  { grade: 'fail', min: 0 },
] as const;
export type InspectionGrade = (typeof INSPECTION_GRADES)[number]['grade'];
export const INSPECTION_GRADE_NAMES = INSPECTION_GRADES.map((g) => g.grade) as InspectionGrade[];
export const InspectionGradeSchema = Type.Union(INSPECTION_GRADE_NAMES.map((g) => Type.Literal(g)));

export const gradeOf = (score: number): InspectionGrade => INSPECTION_GRADES.find((g) => score >= g.min)!.grade;

/** The inspection's score: the mean of its parts, in whole points. */
export const inspectionScore = (parts: { listen: number; look: number; check: number }): number => Math.round((parts.listen + parts.look + parts.check) / 3);

/** A cadre's inspection result over a period: the mean of their inspections' scores (null without one). */
export function inspectionResult(scores: readonly number[]): { count: number; score: number; grade: InspectionGrade } | null {
  if (!scores.length) return null;
  const score = Math.round((scores.reduce((s, x) => s + x, 0) / scores.length) * 10) / 10;
  return { count: scores.length, score, grade: gradeOf(score) };
}

/** Who records inspections (the assessment group) and who reads them (the township-wide roles). */
export const INSPECTION_OPERATIONS = {
  recordInspection: ['assessment'],
  listInspections: TOWNSHIP_WIDE_ROLES,
} as const satisfies Record<string, readonly StaffRole[]>;

const Score = Type.Integer({ minimum: 0, maximum: 100, description: 'this part’s score, 0–100 whole points' });
const LocalDate = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Findings = Text({ minLength: 1, maxLength: 2000 });
const closed = { additionalProperties: false } as const;
/** At most this many linked ledger records, diary entries or households checked per inspection. */
export const INSPECTION_LINKS_MAX = 50;

export const RecordInspectionBody = Type.Object(
  {
    cadreCode: Code({ description: 'the cadre inspected' }),
    /** the day of the inspection (the field check); not in the future */
    date: LocalDate,
    listen: Type.Object({ date: LocalDate, notes: Findings, score: Score }, { ...closed, description: '听: the cadre’s report — when it was heard, what was said' }),
    look: Type.Object(
      {
        ledgerHouseholds: Type.Array(Code(), { maxItems: INSPECTION_LINKS_MAX, uniqueItems: true, description: 'households whose ledger (民情台帐) was reviewed' }),
        diaryRecords: Type.Array(Type.String({ format: 'uuid' }), { maxItems: INSPECTION_LINKS_MAX, uniqueItems: true, description: 'the cadre’s diary entries (民情日记, work records of kind diary) reviewed' }),
        findings: Findings,
        score: Score,
      },
      { ...closed, description: '看: the ledger and the diary reviewed' },
    ),
    check: Type.Object(
      {
        households: Type.Array(Code(), { maxItems: INSPECTION_LINKS_MAX, uniqueItems: true, description: 'households visited on the spot' }),
        findings: Findings,
        score: Score,
      },
      { ...closed, description: '查: the field check' },
    ),
  },
  closed,
);
export type RecordInspectionBody = Static<typeof RecordInspectionBody>;

/** What the API hands the worker (inspectionWorkflow): the checked record, its score and grade, who recorded it. */
export const InspectionInputSchema = Type.Object(
  {
    inspectionId: Type.String({ format: 'uuid' }),
    ...RecordInspectionBody.properties,
    departmentCode: Type.Union([Code(), Type.Null()]),
    score: Type.Integer({ minimum: 0, maximum: 100 }),
    grade: InspectionGradeSchema,
    /** the assessment group member's username (the verified principal) */
    recordedBy: Text({ minLength: 1, maxLength: 64 }),
    recordedAt: Type.String({ format: 'date-time' }),
  },
  { ...closed, $id: 'InspectionInput' },
);
export type InspectionInput = Static<typeof InspectionInputSchema>;

export const inspectionWorkflowId = (inspectionId: string): string => `inspection:${inspectionId}`;

export const ListInspectionsQuery = Type.Object(
  {
    q: Type.Optional(Text({ minLength: 1, maxLength: 100, description: 'a cadre’s code or name, or words of the notes and findings' })),
    cadre: Type.Optional(Code()),
    from: Type.Optional(LocalDate),
    to: Type.Optional(LocalDate),
    ...PageQuery(),
  },
  closed,
);
export type ListInspectionsQuery = Static<typeof ListInspectionsQuery>;

export const InspectionItem = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    cadreCode: Type.String(),
    cadreName: Type.Union([Type.String(), Type.Null()]),
    departmentCode: Type.Union([Type.String(), Type.Null()]),
    date: Type.String({ format: 'date' }),
    listen: Type.Object({ date: Type.String({ format: 'date' }), notes: Type.String(), score: Type.Integer() }, closed),
    look: Type.Object({ ledgerHouseholds: Type.Array(Type.String()), diaryRecords: Type.Array(Type.String()), findings: Type.String(), score: Type.Integer() }, closed),
    check: Type.Object({ households: Type.Array(Type.String()), findings: Type.String(), score: Type.Integer() }, closed),
    score: Type.Integer(),
    grade: InspectionGradeSchema,
    recordedBy: Type.String(),
    /** the recorder's display name (their account's), for the console */
    recordedByName: Type.Union([Type.String(), Type.Null()]),
    recordedAt: Type.Unsafe<Date | string>(Type.String({ format: 'date-time' })),
  },
  closed,
);
export type InspectionItem = Static<typeof InspectionItem>;
