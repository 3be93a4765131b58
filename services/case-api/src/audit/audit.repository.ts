/**
 * directory.audit_events: append and read. The table refuses UPDATE, DELETE and
 * TRUNCATE (trigger); this module only ever inserts and selects.
 */
import type { AuditAction, AuditOutcome, AuditSubjectType, Pool } from '@minqing/shared';

export interface AuditEntry {
  actor: string;
  actorRole: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  subjectType: AuditSubjectType | null;
  subject: string | null;
  clientIp: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditEvent extends AuditEntry {
  id: string;
  at: string;
}

export interface AuditFilter {
  actor?: string;
  action?: AuditAction;
  subject?: string;
  outcome?: AuditOutcome;
  from?: string;
  to?: string;
  /** entries older than this id (the cursor) */
  before?: bigint;
  limit: number;
}

export interface AuditStore {
  append(entries: AuditEntry[]): Promise<void>;
  list(filter: AuditFilter): Promise<AuditEvent[]>;
}

export class AuditRepository implements AuditStore {
  constructor(private readonly pool: Pool) {}

  async append(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const cols = ['actor', 'actor_role', 'action', 'outcome', 'subject_type', 'subject', 'client_ip', 'user_agent', 'request_id', 'details'];
    const params: unknown[] = [];
    const rows = entries.map((e) => {
      const values = [e.actor, e.actorRole, e.action, e.outcome, e.subjectType, e.subject, e.clientIp, e.userAgent, e.requestId, JSON.stringify(e.details)];
      return `(${values.map((v) => `$${params.push(v)}`).join(', ')})`;
    });
    await this.pool.query(`INSERT INTO directory.audit_events (${cols.join(', ')}) VALUES ${rows.join(', ')}`, params);
  }

  /** Newest first; `limit + 1` rows tell whether there is a next page. */
  async list(f: AuditFilter): Promise<AuditEvent[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => where.push(sql.replace('?', `$${params.push(v)}`));
    if (f.actor !== undefined) add('actor = ?', f.actor);
    if (f.action !== undefined) add('action = ?', f.action);
    if (f.subject !== undefined) add('subject = ?', f.subject);
    if (f.outcome !== undefined) add('outcome = ?', f.outcome);
    if (f.from !== undefined) add('at >= ?::timestamptz', f.from);
    if (f.to !== undefined) add('at < ?::timestamptz', f.to);
    if (f.before !== undefined) add('id < ?::bigint', f.before.toString());
    const { rows } = await this.pool.query(
      `SELECT id::text AS event_id, at, actor, actor_role, action, outcome, subject_type, subject, client_ip, user_agent, request_id, details
         FROM directory.audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY audit_events.id DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
    return rows.map((r) => ({
      id: r.event_id,
      at: r.at.toISOString(),
      actor: r.actor,
      actorRole: r.actor_role,
      action: r.action,
      outcome: r.outcome,
      subjectType: r.subject_type,
      subject: r.subject,
      clientIp: r.client_ip,
      userAgent: r.user_agent,
      requestId: r.request_id,
      details: r.details,
    }));
  }
}
