/**
 * Market-day duty (双定 — 定时服务, issue 13): a rostered cadre's attendance at
 * one occurrence of a session, recorded by themselves or on their behalf.
 * Keyed by the cadre (partitionkey `cadre:<code>`), subject = the attendance
 * id. Codes only: no names, no free text. A later record for the same session,
 * date and cadre (a correction) supersedes the earlier one: the latest
 * `recordedAt` counts.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { ABSENCE_REASONS, ATTENDANCE_STATUSES } from '../domain/market-days';
import { Code as CodeString } from '../domain/text';

const Code = CodeString();
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);

export const SESSION_ATTENDANCE_EVENT = 'org.minqing.work.session_attendance_recorded.v1';

export const MARKET_DAY_SCHEMAS = {
  [SESSION_ATTENDANCE_EVENT]: Type.Object(
    {
      attendanceId: Type.String({ format: 'uuid' }),
      sessionCode: Code,
      villageCode: Code,
      /** the local date of the session's occurrence */
      date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
      cadreCode: Code,
      departmentCode: Nullable(Code),
      status: Type.Union(ATTENDANCE_STATUSES.map((s) => Type.Literal(s))),
      reason: Nullable(Type.Union(ABSENCE_REASONS.map((s) => Type.Literal(s)))),
      /** the cadre code (or account name) of whoever recorded it: the cadre, or a manager on their behalf */
      recordedBy: Type.String({ minLength: 1, maxLength: 64 }),
      onBehalf: Type.Boolean(),
      recordedAt: Type.String({ format: 'date-time' }),
    },
    {
      additionalProperties: false,
      // absent needs its reason code; arrived has none
      allOf: [
        { if: { properties: { status: { const: 'absent' } }, required: ['status'] }, then: { properties: { reason: { not: { type: 'null' } } } } },
        { if: { properties: { status: { const: 'arrived' } }, required: ['status'] }, then: { properties: { reason: { type: 'null' } } } },
      ],
    },
  ),
} as const;
export type MarketDayEventType = keyof typeof MARKET_DAY_SCHEMAS;
