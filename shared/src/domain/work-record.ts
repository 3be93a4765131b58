/**
 * Cadres' work records (履职): household visits, diary entries (民情日记),
 * household file updates. The case API validates a record against the
 * directory it owns and hands it, with the directory facts the event needs, to
 * `workRecordWorkflow`; the worker's casework module writes the row and its
 * event in one transaction. This input is that contract, used by both sides.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { WorkEventType } from '../events/lifecycle';
import './formats';
import { Text } from './text';

/** Each kind of record and the event it produces. */
export const WORK_KINDS = {
  visit: 'org.minqing.work.visit_logged.v1',
  diary: 'org.minqing.work.diary_entry_added.v1',
  household_file: 'org.minqing.work.household_file_updated.v1',
} as const satisfies Record<string, WorkEventType>;
export type WorkKind = keyof typeof WORK_KINDS;
export const WORK_KIND_NAMES = Object.keys(WORK_KINDS) as WorkKind[];

/** The plan's six roles a cadre works in. */
export const WORK_ROLES = ['investigator', 'publicist', 'guide', 'service_attendant', 'civility_officer', 'other'] as const;
export type WorkRole = (typeof WORK_ROLES)[number];

const Code = Text({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

export const WorkRecordInputSchema = Type.Object(
  {
    /** the record id, also its event's id */
    recordId: Type.String({ format: 'uuid' }),
    cadreCode: Code,
    /** the cadre's department when the record was made */
    departmentCode: Nullable(Code),
    kind: Type.Union(WORK_KIND_NAMES.map((k) => Type.Literal(k))),
    /** local date the work was done */
    date: Type.String({ format: 'date' }),
    /** required for visits and household file updates */
    householdCode: Nullable(Code),
    /** the household's village, else the one given */
    villageCode: Nullable(Code),
    caseId: Nullable(Type.String({ format: 'uuid' })),
    role: Type.Union([...WORK_ROLES.map((r) => Type.Literal(r)), Type.Null()]),
    note: Text({ minLength: 1, maxLength: 5000 }),
    recordedAt: Type.String({ format: 'date-time' }),
    /** the household's links in the directory when the record was made (null without a household) */
    household: Type.Union([Type.Object({ linked: Type.Boolean(), key: Type.Boolean() }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false, $id: 'WorkRecordInput' },
);
export type WorkRecordInput = Static<typeof WorkRecordInputSchema>;

/** What the workflow returns, and the API answers with (201). */
export interface WorkRecordResult {
  id: string;
  kind: WorkKind;
  date: string;
}

/**
 * Workflow ID of a record's workflow. Prefixed so it cannot be taken for a case
 * (case ids are bare uuids, and a case lookup by id falls back to the workflow).
 */
export function workRecordWorkflowId(recordId: string): string {
  return `work-record:${recordId}`;
}
