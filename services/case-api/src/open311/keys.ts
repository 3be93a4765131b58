/**
 * Open311 API keys (issue 14): administrators create one per third-party app or
 * organisation, list and revoke them. A key is `<id>.<secret>`: the id is a
 * public code (it names the key in lists, cases and the audit trail), the secret
 * 256 random bits shown once, at creation; only the SHA-256 of the whole key is
 * stored, so a leaked table opens nothing. Verifying a key is one indexed lookup
 * of its hash; an unknown, malformed or revoked key is the same refusal.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DomainError, NotFoundError, ProblemType, type Open311Key, type Pool } from '@minqing/shared';

/** What a key looks like; anything else is refused before any lookup. */
export const OPEN311_KEY_PATTERN = '^k[0-9a-z]{8}\\.[A-Za-z0-9_-]{43}$';
const KEY_RE = new RegExp(OPEN311_KEY_PATTERN);
export const KEY_ID_PATTERN = '^k[0-9a-z]{8}$';
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';


/** The key a verified request carries: who it is attributed to. */
export interface VerifiedKey {
  id: string;
  servicePointCode: string | null;
}

interface KeyRow {
  id: string;
  name: string;
  organisation: string;
  service_point_code: string | null;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
  revoked_by: string | null;
  last_used_at: Date | null;
  requests: string | number;
}

const toKey = (r: KeyRow): Open311Key => ({
  id: r.id,
  name: r.name,
  organisation: r.organisation,
  servicePointCode: r.service_point_code,
  createdAt: r.created_at.toISOString(),
  createdBy: r.created_by,
  revokedAt: r.revoked_at?.toISOString() ?? null,
  revokedBy: r.revoked_by,
  lastUsedAt: r.last_used_at?.toISOString() ?? null,
  requests: Number(r.requests),
});

const hashOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

const SELECT_KEYS = `SELECT k.id, k.name, k.organisation, k.service_point_code, k.created_at, k.created_by, k.revoked_at, k.revoked_by, k.last_used_at,
         (SELECT count(*) FROM directory.open311_requests r WHERE r.key_id = k.id) AS requests
    FROM directory.open311_keys k`;

export class UnknownServicePointError extends DomainError {
  constructor(code: string) {
    super(ProblemType.validation, 422, 'Unknown service point', `no service point ${code} in the roster`, { errors: [{ field: 'body/servicePointCode', message: 'is not a service point of the roster' }] });
  }
}

export class Open311Keys {
  constructor(private readonly pool: Pool) {}

  /** A new key; the secret is in the answer and nowhere else. */
  async create(input: { name: string; organisation: string; servicePointCode: string | null; createdBy: string }): Promise<{ key: Open311Key; secret: string }> {
    if (input.servicePointCode) {
      const sp = await this.pool.query('SELECT 1 FROM directory.service_points WHERE code = $1', [input.servicePointCode]);
      if (sp.rowCount !== 1) throw new UnknownServicePointError(input.servicePointCode);
    }
    const id = `k${[...randomBytes(8)].map((b) => ID_ALPHABET[b & 31]).join('')}`;
    const secret = `${id}.${randomBytes(32).toString('base64url')}`;
    await this.pool.query(
      `INSERT INTO directory.open311_keys (id, name, organisation, service_point_code, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, input.name, input.organisation, input.servicePointCode, hashOf(secret), input.createdBy],
    );
    return { key: (await this.get(id))!, secret };
  }

  async get(id: string): Promise<Open311Key | null> {
    const { rows } = await this.pool.query<KeyRow>(`${SELECT_KEYS} WHERE k.id = $1`, [id]);
    return rows[0] ? toKey(rows[0]) : null;
  }

  /** Newest first, a page at a time. */
  async list(limit: number, offset: number): Promise<{ items: Open311Key[]; total: number }> {
    const [page, count] = await Promise.all([
      this.pool.query<KeyRow>(`${SELECT_KEYS} ORDER BY k.created_at DESC, k.id LIMIT $1 OFFSET $2`, [limit, offset]),
      this.pool.query<{ n: string }>('SELECT count(*) AS n FROM directory.open311_keys'),
    ]);
    return { items: page.rows.map(toKey), total: Number(count.rows[0]!.n) };
  }

  /** Revokes a key at once (every later call with it is refused); revoking a revoked key changes nothing. */
  async revoke(id: string, by: string): Promise<{ key: Open311Key; changed: boolean }> {
    const res = await this.pool.query('UPDATE directory.open311_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL', [id, by]);
    const key = await this.get(id);
    if (!key) throw new NotFoundError('Open311 key', id);
    return { key, changed: res.rowCount === 1 };
  }

  /** The live key `given` is, or null (malformed, unknown or revoked: one answer). */
  async verify(given: string): Promise<VerifiedKey | null> {
    if (!KEY_RE.test(given)) return null;
    const { rows } = await this.pool.query<{ id: string; service_point_code: string | null }>(
      `UPDATE directory.open311_keys SET last_used_at = now()
        WHERE secret_hash = $1 AND revoked_at IS NULL
        RETURNING id, service_point_code`,
      [hashOf(given)],
    );
    return rows[0] ? { id: rows[0].id, servicePointCode: rows[0].service_point_code } : null;
  }
}
