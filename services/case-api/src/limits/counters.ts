/**
 * Limiter window counters in PostgreSQL (directory.limiter_counters), so every
 * API process counts against one budget and a restart forgets nothing. A
 * window starts at a key's first hit and lasts `windowMs`; a hit after it ends
 * starts a new one. One atomic upsert per hit, timed by the database's clock.
 */
import type { Pool } from '@minqing/shared';

export interface Count {
  hits: number;
  /** milliseconds until the window ends */
  ttlMs: number;
}

export interface Counters {
  /** Count one hit. With `holdAt`, reaching that many hits restarts the window from now (a lock lasts its full length). */
  hit(key: string, windowMs: number, opts?: { holdAt?: number }): Promise<Count>;
  /** The live count of a key (0 when none or ended). */
  peek(key: string): Promise<Count>;
  /** Forget a key (an administrator's unlock, a successful sign-in). */
  reset(key: string): Promise<void>;
  /** The live counts of several keys (for listings). */
  peekMany(keys: string[]): Promise<Map<string, Count>>;
}

const toCount = (r: { hits: number; ttl_ms: string | number } | undefined): Count =>
  r ? { hits: Number(r.hits), ttlMs: Math.max(0, Math.ceil(Number(r.ttl_ms))) } : { hits: 0, ttlMs: 0 };

export class PgCounters implements Counters {
  private calls = 0;

  constructor(private readonly pool: Pool) {}

  async hit(key: string, windowMs: number, opts: { holdAt?: number } = {}): Promise<Count> {
    const { rows } = await this.pool.query(
      `INSERT INTO directory.limiter_counters AS c (key, hits, window_ends)
       VALUES ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN c.window_ends > clock_timestamp() THEN c.hits + 1 ELSE 1 END,
         window_ends = CASE
           WHEN c.window_ends <= clock_timestamp() THEN EXCLUDED.window_ends
           WHEN $3::int IS NOT NULL AND c.hits + 1 >= $3::int THEN EXCLUDED.window_ends
           ELSE c.window_ends END
       RETURNING hits, extract(epoch FROM (window_ends - clock_timestamp())) * 1000 AS ttl_ms`,
      [key, windowMs, opts.holdAt ?? null],
    );
    if (++this.calls % 500 === 0) void this.sweep().catch(() => undefined);
    return toCount(rows[0]);
  }

  async peek(key: string): Promise<Count> {
    const { rows } = await this.pool.query(
      `SELECT hits, extract(epoch FROM (window_ends - clock_timestamp())) * 1000 AS ttl_ms
         FROM directory.limiter_counters WHERE key = $1 AND window_ends > clock_timestamp()`,
      [key],
    );
    return toCount(rows[0]);
  }

  async peekMany(keys: string[]): Promise<Map<string, Count>> {
    const { rows } = await this.pool.query(
      `SELECT key, hits, extract(epoch FROM (window_ends - clock_timestamp())) * 1000 AS ttl_ms
         FROM directory.limiter_counters WHERE key = ANY($1::text[]) AND window_ends > clock_timestamp()`,
      [keys],
    );
    return new Map(rows.map((r) => [r.key as string, toCount(r)]));
  }

  async reset(key: string): Promise<void> {
    await this.pool.query('DELETE FROM directory.limiter_counters WHERE key = $1', [key]);
  }

  /** Ended windows are dead weight: drop them now and then. */
  async sweep(): Promise<void> {
    await this.pool.query("DELETE FROM directory.limiter_counters WHERE window_ends < clock_timestamp() - interval '1 minute'");
  }
}

/** The same semantics in memory, for unit tests (one process only: not for production). */
export class MemoryCounters implements Counters {
  private readonly rows = new Map<string, { hits: number; ends: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number, opts: { holdAt?: number } = {}): Promise<Count> {
    const t = this.now();
    const row = this.rows.get(key);
    const next = !row || row.ends <= t ? { hits: 1, ends: t + windowMs } : { hits: row.hits + 1, ends: row.ends };
    if (opts.holdAt !== undefined && row && row.ends > t && next.hits >= opts.holdAt) next.ends = t + windowMs;
    this.rows.set(key, next);
    return { hits: next.hits, ttlMs: next.ends - t };
  }

  async peek(key: string): Promise<Count> {
    const row = this.rows.get(key);
    const t = this.now();
    return row && row.ends > t ? { hits: row.hits, ttlMs: row.ends - t } : { hits: 0, ttlMs: 0 };
  }

  async peekMany(keys: string[]): Promise<Map<string, Count>> {
    const out = new Map<string, Count>();
    for (const k of keys) {
      const c = await this.peek(k);
      if (c.hits > 0) out.set(k, c);
    }
    return out;
  }

  async reset(key: string): Promise<void> {
    this.rows.delete(key);
  }
}
