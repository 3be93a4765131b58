/**
 * The event catalogue: one TypeBox schema per CloudEvents `type` (which carries
 * its version). Producers and consumers validate against these same schemas;
 * tests check both sides. Payloads carry no personal data (no resident names or
 * phone numbers): the reporting service does not need them and events live long.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CategorySchema, ChannelSchema, PrioritySchema } from '../domain/case';
import { LIFECYCLE_SCHEMAS, WORK_SCHEMAS } from './lifecycle';
import { INSPECTION_SCHEMAS } from './inspection';
import { MARKET_DAY_SCHEMAS } from './market-days';
import { FOUR_HELPS_SCHEMAS, HelpsField } from './four-helps';
import { PLAN_SCHEMAS } from './plans';

const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);

export const CaseOpenedV1 = Type.Object(
  {
    caseId: Type.String({ format: 'uuid' }),
    trackingCode: Type.String(),
    category: CategorySchema,
    priority: PrioritySchema,
    channel: ChannelSchema,
    servicePointCode: Nullable(Type.String()),
    villageCode: Nullable(Type.String()),
    householdCode: Nullable(Type.String()),
    openedAt: Type.String({ format: 'date-time' }),
    openedBy: Nullable(Type.String()),
    /** 四帮四促 tags given at intake (absent: none, and in events from before them) */
    helps: HelpsField,
  },
  { additionalProperties: false },
);
export type CaseOpenedV1 = Static<typeof CaseOpenedV1>;

export const EventType = {
  caseOpenedV1: 'org.minqing.case.opened.v1',
} as const;

/** type → data schema. Adding a version means adding a row, never editing one. */
export const EVENT_SCHEMAS = {
  [EventType.caseOpenedV1]: CaseOpenedV1,
  ...LIFECYCLE_SCHEMAS,
  ...WORK_SCHEMAS,
  ...INSPECTION_SCHEMAS,
  ...MARKET_DAY_SCHEMAS,
  ...FOUR_HELPS_SCHEMAS,
  ...PLAN_SCHEMAS,
} as const satisfies Record<string, TSchema>;

export type EventType = keyof typeof EVENT_SCHEMAS;

export type EventDataOf<T extends EventType> = Static<(typeof EVENT_SCHEMAS)[T]>;
