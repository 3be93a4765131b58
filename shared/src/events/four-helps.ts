/**
 * 四帮四促 tags of a case (domain/four-helps.ts): one event per revision of a
 * case's tags set after intake (tags given at intake travel in
 * `case.opened`). Keyed by the case like its lifecycle events (same partition,
 * in order with them through the outbox), but outside the workflow's steps: it
 * carries the tags' own revision, not a lifecycle seq. Codes only.
 */
import { Type } from '@sinclair/typebox';
import { FourHelpSchema, FOUR_HELPS } from '../domain/four-helps';

const Code = Type.String({ minLength: 1, maxLength: 64 });

export const CASE_HELPS_TAGGED_EVENT = 'org.minqing.case.helps_tagged.v1';

/** The optional tags of a case opened with some, or a work record (absent in events from before 四帮四促). */
export const HelpsField = Type.Optional(Type.Array(FourHelpSchema, { uniqueItems: true, maxItems: FOUR_HELPS.length, description: '四帮四促 tags; absent = none' }));

export const FOUR_HELPS_SCHEMAS = {
  [CASE_HELPS_TAGGED_EVENT]: Type.Object(
    {
      caseId: Type.String({ format: 'uuid' }),
      /** the tags' revision: 1 for the first tags, +1 each change (a later revision replaces an earlier one) */
      revision: Type.Integer({ minimum: 1 }),
      /** the whole set after the change (empty: cleared) */
      helps: Type.Array(FourHelpSchema, { uniqueItems: true, maxItems: FOUR_HELPS.length }),
      actor: Type.Object({ code: Code, role: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
      at: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
} as const;
export type FourHelpsEventType = keyof typeof FOUR_HELPS_SCHEMAS;
