/**
 * The audit log: one small service every route uses to record who did what,
 * when, to which subject and from which client (IP and user agent, truncated).
 * The actor comes from the verified session on the request, never from a body;
 * the one exception is a failed sign-in, recorded under the name that was tried.
 * Entries carry codes only (user names, staff codes, case ids, household codes).
 *
 * Writing is awaited before the answer goes out. An action that has already
 * happened (a case move, a password change) is not undone when its entry cannot
 * be written: the failure is logged as an error instead. Reading personal data
 * passes `required: true`: no entry, no data (the request fails).
 */
import type { FastifyRequest } from 'fastify';
import { AUDIT_RESIDENT_ACTOR, type AuditAction, type AuditOutcome, type AuditSubjectType, type Logger } from '@minqing/shared';
import type { AuditEntry, AuditEvent, AuditFilter, AuditStore } from './audit.repository';

export interface AuditRecord {
  action: AuditAction;
  outcome?: AuditOutcome;
  subjectType?: AuditSubjectType;
  subject?: string | null;
  details?: Record<string, unknown>;
  /** Only for actions without a signed-in principal: the name tried at sign-in, the resident, an Open311 key (`open311:<key id>`). */
  actor?: string;
  /** With `actor`: what kind of actor it is when not the resident (e.g. `open311`). */
  actorRole?: string;
}

const USER_AGENT_MAX = 200;
const TEXT_MAX = 64;

/** Printable, single-line and short: what a user typed (a tried user name) goes into the log as data, never as markup or lines. */
export function clean(text: string, max = TEXT_MAX): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?').replace(/[\ud800-\udfff]/g, '?').slice(0, max);
}

export function clientOf(request: FastifyRequest): { clientIp: string | null; userAgent: string | null; requestId: string | null } {
  const ua = request.headers['user-agent'];
  return {
    clientIp: request.ip ?? null,
    userAgent: typeof ua === 'string' && ua ? clean(ua, USER_AGENT_MAX) : null,
    requestId: typeof request.id === 'string' ? request.id.slice(0, 64) : null,
  };
}

export class AuditCursorError extends Error {}

/** Opaque page cursor: the id of the last entry shown. */
export const encodeCursor = (id: string): string => Buffer.from(`a1:${id}`).toString('base64url');
export function decodeCursor(cursor: string): bigint {
  const m = /^a1:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new AuditCursorError('cursor is not one this API handed out');
  return BigInt(m[1]!);
}

export class AuditLog {
  constructor(private readonly deps: { store: AuditStore; logger?: Logger }) {}

  private entry(request: FastifyRequest | null, r: AuditRecord): AuditEntry {
    const p = request?.principal ?? null;
    const actor = p?.username ?? (r.actor !== undefined ? clean(r.actor) || '-' : '-');
    return {
      actor,
      actorRole: p?.role ?? (r.actor === AUDIT_RESIDENT_ACTOR ? AUDIT_RESIDENT_ACTOR : (r.actorRole ?? null)),
      action: r.action,
      outcome: r.outcome ?? 'success',
      subjectType: r.subjectType ?? null,
      subject: r.subject == null ? null : clean(r.subject, 200),
      ...(request ? clientOf(request) : { clientIp: null, userAgent: null, requestId: null }),
      details: r.details ?? {},
    };
  }

  /** Record one action of the request's principal (or of `actor` when there is none). */
  async record(request: FastifyRequest | null, r: AuditRecord, opts: { required?: boolean } = {}): Promise<void> {
    await this.recordMany(request, [r], opts);
  }

  async recordMany(request: FastifyRequest | null, records: AuditRecord[], opts: { required?: boolean } = {}): Promise<void> {
    const entries = records.map((r) => this.entry(request, r));
    try {
      await this.deps.store.append(entries);
    } catch (err) {
      const log = request?.log ?? this.deps.logger;
      log?.error({ err, audit: entries.map((e) => ({ action: e.action, actor: e.actor, subject: e.subject })) }, 'audit entry could not be written');
      if (opts.required) throw err;
    }
  }

  /** A page of entries, newest first, and the cursor of the next page (null on the last). */
  async page(f: Omit<AuditFilter, 'before'> & { cursor?: string }): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const { cursor, ...filter } = f;
    const rows = await this.deps.store.list({ ...filter, ...(cursor ? { before: decodeCursor(cursor) } : {}), limit: f.limit + 1 });
    const items = rows.slice(0, f.limit);
    return { items, nextCursor: rows.length > f.limit ? encodeCursor(items[items.length - 1]!.id) : null };
  }
}
