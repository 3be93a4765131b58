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
