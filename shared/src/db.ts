/** PostgreSQL pool and migrations (node-pg-migrate, plain SQL files, advisory-locked). */
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function createPool(databaseUrl: string, opts: { max?: number; application?: string } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.max ?? 10,
    application_name: opts.application ?? 'minqing',
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (e.g. the server restarts) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Apply the `.sql` migrations in `dir`. Each service owns one schema, keeps its
 * migrations next to its code (services/<name>/migrations) and its migrations
 * table in that schema, and is the only one to migrate it: casework by the
 * case-worker, directory by the case-api, reporting by reporting. A service whose
 * readiness needs another's schema waits for it (`SchemaDependency`) rather than
 * migrating it. node-pg-migrate's advisory lock makes concurrent starts of several
 * copies safe.
 */
export async function migrate(args: { databaseUrl: string; dir: string; schema: string; logger?: Logger }): Promise<string[]> {
  // node-pg-migrate's lock is a *try* lock: a second copy starting at the same
  // moment fails at once instead of waiting. Wait for the other copy instead.
  const until = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(args);
    } catch (err) {
      if (!/Another migration is already running/i.test((err as Error).message) || Date.now() > until) throw err;
      args.logger?.info({ schema: args.schema, attempt }, 'another copy is migrating; waiting');
      await new Promise((r) => setTimeout(r, Math.min(200 * attempt, 2_000)));
    }
  }
}

async function migrateOnce(args: { databaseUrl: string; dir: string; schema: string; logger?: Logger }): Promise<string[]> {
  const done = await runner({
    databaseUrl: args.databaseUrl,
    dir: args.dir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    migrationsSchema: args.schema,
    createMigrationsSchema: true,
    schema: args.schema,
    createSchema: true,
    checkOrder: true,
    count: Infinity,
    // One lock per schema, so services owning different schemas do not queue on each other.
    lockValue: lockValueFor(args.schema),
    log: (msg: string) => args.logger?.debug({ migration: msg }, 'migrate'),
    verbose: false,
  });
  const names = done.map((m) => m.name);
  if (names.length) args.logger?.info({ schema: args.schema, applied: names }, 'migrations applied');
  return names;
}

/** Run `fn` in one transaction; rolls back on error. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function lockValueFor(schema: string): number {
  let h = 7241865325;
  for (const ch of schema) h = (h * 31 + ch.charCodeAt(0)) % 2 ** 40;
  return h;
}

/**
 * Another service's schema this one's readiness needs (the case API serves the
 * `casework` read model, which the case-worker migrates; the worker's routing
 * reads `directory` but retries through Temporal instead, so it needs none of
 * this). Start-up does not wait on it and does not fail without it: a
 * background probe retries with backoff until the relations exist, and `check`
 * (a /readyz check) fails until then, naming what is missing and who owns it.
 * Once present they stay (schemas are only migrated forward), so `check` is free after that.
 */
export class SchemaDependency {
  private present = false;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastMissing: string[];

  constructor(private readonly deps: { pool: pg.Pool; relations: string[]; owner: string; logger?: Logger; maxDelayMs?: number }) {
    this.lastMissing = [...deps.relations];
  }

  /** Start probing in the background; resolves at once. */
  start(): this {
    void this.probeLoop(1);
    return this;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  get ready(): boolean {
    return this.present;
  }

  /** Readiness check: throws until every relation exists. */
  async check(): Promise<void> {
    if (this.present || (await this.probe())) return;
    throw new Error(`waiting for ${this.lastMissing.join(', ')} (migrated by ${this.deps.owner})`);
  }

  private async probe(): Promise<boolean> {
    const { rows } = await this.deps.pool.query<{ name: string }>(
      'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
      [this.deps.relations],
    );
    this.lastMissing = rows.map((r) => r.name);
    if (this.lastMissing.length === 0 && !this.present) {
      this.present = true;
      this.deps.logger?.info({ relations: this.deps.relations, owner: this.deps.owner }, 'schema dependency present');
    }
    return this.present;
  }

  private async probeLoop(attempt: number): Promise<void> {
    if (this.stopped || this.present) return;
    let error: unknown = null;
    try {
      if (await this.probe()) return;
    } catch (err) {
      error = err; // the database may not answer yet either; keep trying
    }
    if (attempt === 1 || attempt % 10 === 0) {
      this.deps.logger?.info({ missing: this.lastMissing, owner: this.deps.owner, attempt, err: error ?? undefined }, 'waiting for another service\'s schema');
    }
    const delay = Math.min(250 * 2 ** Math.min(attempt - 1, 8), this.deps.maxDelayMs ?? 5_000);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probeLoop(attempt + 1), delay);
    this.timer.unref?.();
  }
}
