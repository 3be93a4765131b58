/**
 * The assessment group's inspections (一听二看三查, domain/inspection.ts): one
 * event per inspection recorded, keyed by the cadre inspected
 * (partitionkey `cadre:<code>`, subject = the inspection id). Scores, grade and
 * how many ledger records, diary entries and households were looked at — codes
 * and numbers only: the notes and findings stay with the record, and who
 * recorded it is not carried.
 */
import { Type } from '@sinclair/typebox';
import { InspectionGradeSchema } from '../domain/inspection';

const Code = Type.String({ minLength: 1, maxLength: 64 });
const Score = Type.Integer({ minimum: 0, maximum: 100 });
const Count = Type.Integer({ minimum: 0 });

export const INSPECTION_RECORDED_EVENT = 'org.minqing.inspection.recorded.v1';

export const INSPECTION_SCHEMAS = {
  [INSPECTION_RECORDED_EVENT]: Type.Object(
    {
      inspectionId: Type.String({ format: 'uuid' }),
      cadreCode: Code,
      departmentCode: Type.Union([Code, Type.Null()]),
      /** the local date of the inspection */
      date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      listenScore: Score,
      lookScore: Score,
      checkScore: Score,
      score: Score,
      grade: InspectionGradeSchema,
      ledgerRecordsReviewed: Count,
      diaryEntriesReviewed: Count,
      householdsChecked: Count,
      recordedAt: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
} as const;
export type InspectionEventType = keyof typeof INSPECTION_SCHEMAS;
