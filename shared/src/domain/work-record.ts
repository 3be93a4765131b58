/**
 * Cadres' work records (履职): the work of the plan's six roles, one kind per
 * activity (work-kinds.ts). The case API validates a record against the
 * directory it owns and hands it, with the directory facts the event needs, to
 * `workRecordWorkflow`; the worker's casework module writes the row and its
 * event in one transaction. This input is that contract, used by both sides.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { WorkEventType } from '../events/lifecycle';
import './formats';
import { Text } from './text';
import { FourHelpsSchema } from './four-helps';
import { eventTypeOfKind, WORK_KIND_NAMES, WORK_ROLES, WorkKindSchema, type WorkKind } from './work-kinds';

/** Each kind of record and the event it produces (from the table of kinds, work-kinds.ts). */
export const WORK_KINDS = Object.fromEntries(WORK_KIND_NAMES.map((k) => [k, eventTypeOfKind(k)])) as { readonly [K in WorkKind]: WorkEventType };

const Code = Text({ minLength: 1, maxLength: 64 });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

export const WorkRecordInputSchema = Type.Object(
  {
    /** the record id, also its event's id */
    recordId: Type.String({ format: 'uuid' }),
    cadreCode: Code,
    /** the cadre's department when the record was made */
    departmentCode: Nullable(Code),
    kind: WorkKindSchema,
    /** local date the work was done */
    date: Type.String({ format: 'date' }),
    /** required for visits and household file updates */
    householdCode: Nullable(Code),
    /** the household's village, else the one given */
    villageCode: Nullable(Code),
    caseId: Nullable(Type.String({ format: 'uuid' })),
    /** the kind's role (null only in records started before the roles were first-class) */
    role: Type.Union([...WORK_ROLES.map((r) => Type.Literal(r)), Type.Null()]),
    note: Text({ minLength: 1, maxLength: 5000 }),
    recordedAt: Type.String({ format: 'date-time' }),
    /** the household's links in the directory when the record was made (null without a household) */
    household: Type.Union([Type.Object({ linked: Type.Boolean(), key: Type.Boolean() }, { additionalProperties: false }), Type.Null()]),
    /** the kind's own fields (participants, place, holiday, …: work-kinds.ts); absent for kinds without any, and in records started before them */
    details: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
    /** 四帮四促 tags (absent: none, and in records started before them) */
    helps: Type.Optional(FourHelpsSchema),
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
