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
 * Apply the `.sql` migrations in `dir`. Each service owns one schema and keeps its
 * own migrations table there; node-pg-migrate's advisory lock makes concurrent
 * starts of several copies safe.
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

/** Where the case schema's migrations live (used by the API and the worker, which share it). */
export const CASEWORK_SCHEMA = 'casework';
export const CASEWORK_MIGRATIONS_DIR = new URL('../migrations/casework', import.meta.url).pathname;

function lockValueFor(schema: string): number {
  let h = 7241865325;
  for (const ch of schema) h = (h * 31 + ch.charCodeAt(0)) % 2 ** 40;
  return h;
}

/** The 三联 roster's schema; read by the API (directory endpoints) and the worker (routing). */
export const DIRECTORY_SCHEMA = 'directory';
export const DIRECTORY_MIGRATIONS_DIR = new URL('../migrations/directory', import.meta.url).pathname;
