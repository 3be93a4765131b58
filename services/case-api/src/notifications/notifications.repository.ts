/**
 * Notifications as the case API sees them. Reads the notifier's tables
 * (casework.staff_notifications, casework.notification_deliveries — written by
 * the case-worker, which owns them) and writes only its own schema: read marks,
 * residents' opt-outs and the quiet-hours setting (directory.*).
 */
import type { DeliveryStatus, Pool, QuietHours, StaffNotification } from '@minqing/shared';

export class NotificationCursorError extends Error {}

/** Opaque page cursor: the id of the last row shown. */
export const encodeCursor = (id: string): string => Buffer.from(`n1:${id}`).toString('base64url');
export function decodeCursor(cursor: string): string {
  const m = /^n1:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new NotificationCursorError('cursor is not one this API handed out');
  return m[1]!;
}


export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  caseId: string | null;
  recipient: string;
  channel: string;
  code: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  nextAttemptAt: string | null;
  deferredAt: string | null;
  sentAt: string | null;
  finishedAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export class NotificationsRepository {
  constructor(private readonly pool: Pool) {}

  /** A staff member's notifications, newest first, one page and whether there is another. */
  async page(staffCode: string | null, username: string, f: { limit: number; cursor?: string; unreadOnly?: boolean }) {
    if (!staffCode) return { items: [] as StaffNotification[], nextCursor: null, hasMore: false, unread: 0 };
    const before = f.cursor ? decodeCursor(f.cursor) : null;
    const [{ rows }, unread] = await Promise.all([
      this.pool.query(
        `SELECT n.id, n.code, n.params, n.case_id, n.created_at, (r.notification_id IS NOT NULL) AS read
           FROM casework.staff_notifications n
           LEFT JOIN directory.notification_reads r ON r.notification_id = n.id AND r.username = $2
          WHERE n.staff_code = $1 AND ($3::bigint IS NULL OR n.id < $3) AND (NOT $4 OR r.notification_id IS NULL)
          ORDER BY n.id DESC LIMIT $5`,
        [staffCode, username, before, f.unreadOnly ?? false, f.limit + 1],
      ),
      this.unreadCount(staffCode, username),
    ]);
    const hasMore = rows.length > f.limit;
    const items: StaffNotification[] = rows.slice(0, f.limit).map((r) => ({
      id: String(r.id), code: r.code, params: r.params, caseId: r.case_id, createdAt: r.created_at.toISOString(), read: r.read,
    }));
    return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]!.id) : null, hasMore, unread };
  }

  async unreadCount(staffCode: string, username: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM casework.staff_notifications n
        WHERE n.staff_code = $1 AND NOT EXISTS (SELECT 1 FROM directory.notification_reads r WHERE r.username = $2 AND r.notification_id = n.id)`,
      [staffCode, username],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Marks one of the staff member's notifications read; false when it is not theirs (or does not exist). */
  async markRead(staffCode: string | null, username: string, id: string): Promise<boolean> {
    if (!staffCode) return false;
    const { rowCount } = await this.pool.query(
      `INSERT INTO directory.notification_reads (username, notification_id)
       SELECT $2, n.id FROM casework.staff_notifications n WHERE n.id = $3 AND n.staff_code = $1
       ON CONFLICT DO NOTHING`,
      [staffCode, username, id],
    );
    if (rowCount) return true;
    const { rows } = await this.pool.query(`SELECT 1 FROM casework.staff_notifications WHERE id = $1 AND staff_code = $2`, [id, staffCode]);
    return rows.length > 0;
  }

  async markAllRead(staffCode: string | null, username: string): Promise<number> {
    if (!staffCode) return 0;
    const { rowCount } = await this.pool.query(
      `INSERT INTO directory.notification_reads (username, notification_id)
       SELECT $2, n.id FROM casework.staff_notifications n WHERE n.staff_code = $1
       ON CONFLICT DO NOTHING`,
      [staffCode, username],
    );
    return rowCount ?? 0;
  }

  /** Deliveries by status (dead: the dead-letter list), newest first. No personal data: recipients are `resident` or a staff code. */
  async deliveries(f: { status: DeliveryStatus; caseId?: string; limit: number; cursor?: string }) {
    const before = f.cursor ? decodeCursor(f.cursor) : null;
    const { rows } = await this.pool.query(
      `SELECT id, event_id, event_type, case_id, recipient, channel, code, status, attempts, last_error, created_at,
              next_attempt_at, deferred_at, sent_at, finished_at
         FROM casework.notification_deliveries
        WHERE status = $1 AND ($2::uuid IS NULL OR case_id = $2) AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $4`,
      [f.status, f.caseId ?? null, before, f.limit + 1],
    );
    const hasMore = rows.length > f.limit;
    const items: DeliveryView[] = rows.slice(0, f.limit).map((r) => ({
      id: String(r.id), eventId: r.event_id, eventType: r.event_type, caseId: r.case_id, recipient: r.recipient, channel: r.channel, code: r.code,
      status: r.status, attempts: r.attempts, lastError: r.last_error, createdAt: r.created_at.toISOString(),
      nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null, deferredAt: iso(r.deferred_at), sentAt: iso(r.sent_at), finishedAt: iso(r.finished_at),
    }));
    return { items, nextCursor: hasMore ? encodeCursor(items[items.length - 1]!.id) : null, hasMore };
  }

  async setOptOut(caseId: string, optOut: boolean, recordedBy: string): Promise<void> {
    if (optOut) {
      await this.pool.query(
        `INSERT INTO directory.notification_opt_outs (case_id, recorded_by) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING`,
        [caseId, recordedBy],
      );
    } else {
      await this.pool.query(`DELETE FROM directory.notification_opt_outs WHERE case_id = $1`, [caseId]);
    }
  }

  async isOptedOut(caseId: string): Promise<boolean> {
    const { rows } = await this.pool.query(`SELECT 1 FROM directory.notification_opt_outs WHERE case_id = $1`, [caseId]);
    return rows.length > 0;
  }

  /** The administrators' quiet hours; `set: false` when none was set (the notifier's NOTIFY_QUIET_HOURS applies). */
  async settings(): Promise<{ set: boolean; quietHours: QuietHours; updatedAt: string | null; updatedBy: string | null }> {
    const { rows } = await this.pool.query(`SELECT quiet_start, quiet_end, updated_at, updated_by FROM directory.notification_settings`);
    const r = rows[0];
    if (!r) return { set: false, quietHours: null, updatedAt: null, updatedBy: null };
    return { set: true, quietHours: r.quiet_start ? { start: r.quiet_start, end: r.quiet_end } : null, updatedAt: r.updated_at.toISOString(), updatedBy: r.updated_by };
  }

  async putSettings(quietHours: QuietHours, by: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO directory.notification_settings (singleton, quiet_start, quiet_end, updated_at, updated_by) VALUES (true, $1, $2, now(), $3)
       ON CONFLICT (singleton) DO UPDATE SET quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end, updated_at = now(), updated_by = EXCLUDED.updated_by`,
      [quietHours?.start ?? null, quietHours?.end ?? null, by],
    );
  }
}
