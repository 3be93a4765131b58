/** Reads of what operators must act on: casework.activity_failures (written by the case-worker, which owns it). */
import type { ActivityFailure, Pool } from '@minqing/shared';

export interface ActivityFailureRow extends ActivityFailure {
  id: number;
  failedAt: string;
}

export class OperationsRepository {
  constructor(private readonly pool: Pool) {}

  async failures(limit: number, offset: number): Promise<{ items: ActivityFailureRow[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.pool.query(
        `SELECT id, workflow_id, workflow_type, activity_type, attempt, sqlstate, message, failed_at
           FROM casework.activity_failures ORDER BY failed_at DESC, id DESC LIMIT $1 OFFSET $2`,
        [limit, offset],
      ),
      this.pool.query<{ n: string }>('SELECT count(*) AS n FROM casework.activity_failures'),
    ]);
    return {
      items: rows.rows.map((r) => ({
        id: Number(r.id),
        workflowId: r.workflow_id,
        workflowType: r.workflow_type,
        activityType: r.activity_type,
        attempt: r.attempt,
        sqlstate: r.sqlstate,
        message: r.message,
        failedAt: (r.failed_at as Date).toISOString(),
      })),
      total: Number(total.rows[0]?.n ?? 0),
    };
  }
}
