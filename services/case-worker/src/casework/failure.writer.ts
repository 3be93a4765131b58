/**
 * Permanent data errors of activities: which errors no retry can fix, and the
 * operator's record of each (casework.activity_failures, listed by the case API
 * under GET /api/v1/operations/failures).
 */
import type { ActivityFailure, Pool } from '@minqing/shared';

/** What the worker knows of a failed activity; no personal data. */
export type ActivityFailureRecord = ActivityFailure;

/**
 * A PostgreSQL error that a retry cannot fix: SQLSTATE class 22 (data
 * exception: a NUL in text, a value out of range, an impossible date, …) and
 * the not-null and check violations (23502, 23514). Other errors (the database
 * away, a deadlock, a unique race) stay retryable.
 */
export function permanentDataError(err: unknown): { sqlstate: string; message: string } | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return null;
  if (!code.startsWith('22') && code !== '23502' && code !== '23514') return null;
  return { sqlstate: code, message: redact((err as Error).message ?? '') };
}

/**
 * The database's message without the values it quotes: PostgreSQL quotes the
 * offending input (`invalid input syntax for type date: "…"`), which may be a
 * resident's text; names of columns and constraints come back as "…" too.
 */
export function redact(message: string): string {
  return message.replace(/"[^"]*"/g, '"…"').slice(0, 500);
}

export async function insertActivityFailure(pool: Pool, f: ActivityFailureRecord): Promise<void> {
  await pool.query(
    `INSERT INTO casework.activity_failures (workflow_id, workflow_type, activity_type, attempt, sqlstate, message)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [f.workflowId, f.workflowType, f.activityType, f.attempt, f.sqlstate, f.message],
  );
}
