/**
 * The Open311 requests (directory.open311_requests, the case API's) joined to
 * the case read model (casework.cases, the case-worker's, read only): which
 * case each request opened, with its public columns, and the location the key
 * sent. A request whose case is not in the read model yet (its intake activity
 * is still running) is listed as just opened.
 */
import { randomBytes } from 'node:crypto';
import { StatusGroup, type CaseCategory, type Pool } from '@minqing/shared';
import { PUBLIC_CASE_COLUMNS, type PublicCaseRow } from '../public/public-case';

export const TOKEN_PATTERN = '^[A-Za-z0-9_-]{22}$';

export interface Open311RequestRow {
  caseId: string;
  trackingCode: string;
  keyId: string;
  token: string;
  serviceCode: string;
  requestedAt: Date;
  address: string | null;
  lat: number | null;
  long: number | null;
  mediaUrl: string | null;
  /** the case's public columns (a just-opened stand-in before the read model has the case) */
  publicCase: PublicCaseRow;
  /** the case's description, for the key that sent it */
  description: string | null;
}

export interface RequestFilter {
  trackingCodes?: string[];
  serviceCodes?: string[];
  from?: Date;
  to?: Date;
  /** open: the case is running; closed: it has ended (StatusGroup.terminal) */
  statuses?: ('open' | 'closed')[];
  limit: number;
}

const caseColumns = PUBLIC_CASE_COLUMNS.split(',').map((c) => `c.${c.trim()} AS c_${c.trim()}`).join(', ');

function toRow(r: Record<string, any>): Open311RequestRow {
  const known = r.c_id !== null;
  return {
    caseId: r.case_id,
    trackingCode: r.tracking_code,
    keyId: r.key_id,
    token: r.token,
    serviceCode: r.service_code,
    requestedAt: r.requested_at,
    address: r.address,
    lat: r.lat,
    long: r.long,
    mediaUrl: r.media_url,
    description: known ? r.c_description : null,
    publicCase: known
      ? { id: r.c_id, tracking_code: r.c_tracking_code, status: r.c_status, category: r.c_category, priority: r.c_priority, opened_at: r.c_opened_at, phase: r.c_phase, due_at: r.c_due_at, resolution_reply: r.c_resolution_reply, satisfaction: r.c_satisfaction }
      : { id: r.case_id, tracking_code: r.tracking_code, status: 'submitted', category: r.service_code as CaseCategory, priority: 'normal', opened_at: r.requested_at, phase: null, due_at: null, resolution_reply: null, satisfaction: null },
  };
}

const SELECT = `SELECT r.case_id, r.tracking_code, r.key_id, r.token, r.service_code, r.requested_at, r.address, r.lat, r.long, r.media_url,
                       ${caseColumns}, c.description AS c_description
                  FROM directory.open311_requests r LEFT JOIN casework.cases c ON c.id = r.case_id`;

export class Open311Requests {
  constructor(private readonly pool: Pool) {}

  /**
   * Records which case a request opened; a request that turned out to be one the
   * same key already sent (a duplicate, a retry) keeps its first row and token.
   */
  async record(r: { caseId: string; trackingCode: string; keyId: string; serviceCode: string; requestedAt: string; address: string | null; lat: number | null; long: number | null; mediaUrl: string | null }): Promise<{ token: string }> {
    const token = randomBytes(16).toString('base64url');
    const { rows } = await this.pool.query<{ token: string }>(
      `WITH ins AS (
         INSERT INTO directory.open311_requests (case_id, tracking_code, key_id, token, service_code, requested_at, address, lat, long, media_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (case_id) DO NOTHING
         RETURNING token)
       SELECT token FROM ins UNION ALL SELECT token FROM directory.open311_requests WHERE case_id = $1 LIMIT 1`,
      [r.caseId, r.trackingCode, r.keyId, token, r.serviceCode, r.requestedAt, r.address, r.lat, r.long, r.mediaUrl],
    );
    return { token: rows[0]!.token };
  }

  async byTrackingCode(code: string): Promise<Open311RequestRow | null> {
    const { rows } = await this.pool.query(`${SELECT} WHERE r.tracking_code = $1`, [code]);
    return rows[0] ? toRow(rows[0]) : null;
  }

  async byToken(token: string): Promise<{ trackingCode: string; token: string } | null> {
    const { rows } = await this.pool.query<{ tracking_code: string; token: string }>('SELECT tracking_code, token FROM directory.open311_requests WHERE token = $1', [token]);
    return rows[0] ? { trackingCode: rows[0].tracking_code, token: rows[0].token } : null;
  }

  /** Newest first, at most `limit` rows. */
  async list(f: RequestFilter): Promise<Open311RequestRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => {
      args.push(v);
      return `$${args.length}`;
    };
    if (f.trackingCodes) where.push(`r.tracking_code = ANY(${arg(f.trackingCodes)}::text[])`);
    if (f.serviceCodes) where.push(`r.service_code = ANY(${arg(f.serviceCodes)}::text[])`);
    if (f.from) where.push(`r.requested_at >= ${arg(f.from)}`);
    if (f.to) where.push(`r.requested_at <= ${arg(f.to)}`);
    if (f.statuses && f.statuses.length < 2) {
      const group = f.statuses[0] === 'closed' ? StatusGroup.terminal : StatusGroup.open;
      where.push(`COALESCE(c.status, 'submitted') = ANY(${arg(group)}::text[])`);
    }
    const { rows } = await this.pool.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.requested_at DESC, r.case_id DESC LIMIT ${arg(f.limit)}`,
      args,
    );
    return rows.map(toRow);
  }

  /** The roster's villages, for the `village` attribute. */
  async villages(): Promise<{ code: string; name: string }[]> {
    const { rows } = await this.pool.query<{ code: string; name: string }>('SELECT code, name FROM directory.villages ORDER BY code');
    return rows;
  }

  async villageExists(code: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM directory.villages WHERE code = $1', [code])).rowCount === 1;
  }
}
