/** Staff accounts and sign-in sessions (schema "directory"). */
import type { Pool, Principal, StaffRole } from '@minqing/shared';

export interface AccountRow {
  username: string;
  cadreCode: string | null;
  name: string;
  role: StaffRole;
  servicePointCode: string | null;
  channel: Principal['channel'];
  disabled: boolean;
  /** the password was set by an administrator (or is the initial one) and must be changed at the next sign-in */
  mustChangePassword: boolean;
}

/** An account as written: a new password's hash when it changes. */
export type AccountWrite = AccountRow & { passwordHash?: string };

const toAccount = (r: any): AccountRow => ({
  username: r.username,
  cadreCode: r.cadre_code,
  name: r.display_name,
  role: r.role,
  servicePointCode: r.service_point_code,
  channel: r.channel,
  disabled: r.disabled,
  mustChangePassword: r.must_change_password,
});

export class AccountRepository {
  constructor(private readonly pool: Pool) {}

  async credentials(username: string): Promise<{ username: string; passwordHash: string; disabled: boolean; mustChangePassword: boolean } | null> {
    const { rows } = await this.pool.query('SELECT username, password_hash, disabled, must_change_password FROM directory.accounts WHERE username = $1', [username]);
    const r = rows[0];
    return r ? { username: r.username, passwordHash: r.password_hash, disabled: r.disabled, mustChangePassword: r.must_change_password } : null;
  }

  async find(username: string): Promise<AccountRow | null> {
    const { rows } = await this.pool.query('SELECT * FROM directory.accounts WHERE username = $1', [username]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async list(): Promise<AccountRow[]> {
    const { rows } = await this.pool.query('SELECT * FROM directory.accounts ORDER BY username');
    return rows.map(toAccount);
  }

  async cadre(code: string): Promise<{ code: string; name: string; role: string } | null> {
    const { rows } = await this.pool.query('SELECT code, name, role FROM directory.cadres WHERE code = $1', [code]);
    return rows[0] ?? null;
  }

  async servicePointExists(code: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM directory.service_points WHERE code = $1', [code])).rowCount === 1;
  }

  async upsert(a: AccountWrite): Promise<{ created: boolean }> {
    const { rows } = await this.pool.query(
      `INSERT INTO directory.accounts (username, cadre_code, display_name, role, service_point_code, channel, password_hash, disabled, must_change_password, disabled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, CASE WHEN $8 THEN now() END)
       ON CONFLICT (username) DO UPDATE SET
         cadre_code = EXCLUDED.cadre_code, display_name = EXCLUDED.display_name, role = EXCLUDED.role,
         service_point_code = EXCLUDED.service_point_code, channel = EXCLUDED.channel, disabled = EXCLUDED.disabled,
         must_change_password = EXCLUDED.must_change_password,
         disabled_at = CASE WHEN NOT EXCLUDED.disabled THEN NULL ELSE coalesce(directory.accounts.disabled_at, now()) END,
         password_hash = CASE WHEN $9 THEN EXCLUDED.password_hash ELSE directory.accounts.password_hash END,
         password_changed_at = CASE WHEN $9 THEN now() ELSE directory.accounts.password_changed_at END
       RETURNING (xmax = 0) AS created`,
      [a.username, a.cadreCode, a.name, a.role, a.servicePointCode, a.channel, a.passwordHash ?? '', a.disabled, a.passwordHash !== undefined, a.mustChangePassword],
    );
    // A disabled account, or one whose password an administrator reset, is signed out everywhere.
    if (a.disabled || a.passwordHash !== undefined) await this.pool.query('DELETE FROM directory.sign_in_sessions WHERE username = $1', [a.username]);
    return { created: rows[0].created };
  }

  /** New password; every other session of the account ends (the one making the change stays). */
  async setPassword(username: string, passwordHash: string, keepSession: Buffer | null): Promise<void> {
    await this.pool.query('UPDATE directory.accounts SET password_hash = $2, password_changed_at = now(), must_change_password = false WHERE username = $1', [username, passwordHash]);
    await this.pool.query('DELETE FROM directory.sign_in_sessions WHERE username = $1 AND token_hash IS DISTINCT FROM $2', [username, keepSession]);
  }

  /** Roster cadres that have no account yet. */
  async cadresWithoutAccount(): Promise<{ code: string; name: string; role: string }[]> {
    const { rows } = await this.pool.query(
      `SELECT c.code, c.name, c.role FROM directory.cadres c
        WHERE NOT EXISTS (SELECT 1 FROM directory.accounts a WHERE a.cadre_code = c.code OR a.username = c.code) ORDER BY c.code`,
    );
    return rows;
  }

  async createSession(tokenHash: Buffer, username: string, expiresAt: Date, userAgent: string | null): Promise<void> {
    await this.pool.query('DELETE FROM directory.sign_in_sessions WHERE expires_at <= now()');
    await this.pool.query(
      'INSERT INTO directory.sign_in_sessions (token_hash, username, expires_at, user_agent) VALUES ($1, $2, $3, $4)',
      [tokenHash, username, expiresAt, userAgent?.slice(0, 300) ?? null],
    );
  }

  async deleteSession(tokenHash: Buffer): Promise<void> {
    await this.pool.query('DELETE FROM directory.sign_in_sessions WHERE token_hash = $1', [tokenHash]);
  }

  /** The principal behind a live session of an enabled account, with its roster links. */
  async principal(tokenHash: Buffer): Promise<Principal | null> {
    const { rows } = await this.pool.query(
      `SELECT a.username, a.display_name, a.role, a.cadre_code, c.role AS cadre_role, a.channel, s.expires_at, a.must_change_password,
              coalesce((SELECT d.code FROM directory.departments d WHERE d.head_code = a.cadre_code ORDER BY d.code LIMIT 1), c.department_code) AS department_code,
              array(SELECT ar.code FROM directory.areas ar WHERE ar.leader_code = a.cadre_code ORDER BY ar.code) AS area_codes,
              sp.code AS sp_code, sp.name AS sp_name, sp.kind AS sp_kind
         FROM directory.sign_in_sessions s
         JOIN directory.accounts a ON a.username = s.username
         LEFT JOIN directory.cadres c ON c.code = a.cadre_code
         LEFT JOIN directory.service_points sp ON sp.code = a.service_point_code
        WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT a.disabled`,
      [tokenHash],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      username: r.username,
      name: r.display_name,
      role: r.role,
      cadreCode: r.cadre_code,
      cadreRole: r.cadre_role,
      departmentCode: r.department_code,
      areaCodes: r.area_codes,
      servicePoint: r.sp_code ? { code: r.sp_code, name: r.sp_name, kind: r.sp_kind } : null,
      channel: r.channel,
      expiresAt: r.expires_at.toISOString(),
      mustChangePassword: r.must_change_password,
    };
  }
}
