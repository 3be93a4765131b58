/**
 * The shadow tables of a rebuild, on a database of their own (the reporting
 * schema migrated afresh): made like the live tables, dropped without a trace
 * when a rebuild dies before the swap, never swapped in when they lack what the
 * live projection has, and swapped in one step with the live tables' own keys,
 * indexes and foreign keys otherwise — frozen reports untouched.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPool, migrate, type Logger, type Pool } from '@minqing/shared';
import { PROJECTION_GENERATION, PROJECTION_TABLES } from '../../services/reporting/src/projection';
import { LIVE_SCHEMA, Rebuilder, type RebuilderDeps, SHADOW_SCHEMA, ShadowProjection } from '../../services/reporting/src/rebuild';
import { env } from '../support/helpers';

const MIGRATIONS = fileURLToPath(new URL('../../services/reporting/migrations', import.meta.url));
const database = `shadow_${Date.now().toString(36)}`;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as Logger;
let server: pg.Client;
let pool: Pool;

beforeAll(async () => {
  server = new pg.Client({ connectionString: env().DATABASE_URL });
  await server.connect();
  await server.query(`CREATE DATABASE "${database}"`);
  const url = new URL(env().DATABASE_URL);
  url.pathname = `/${database}`;
  await migrate({ databaseUrl: url.toString(), dir: MIGRATIONS, schema: LIVE_SCHEMA });
  pool = createPool(url.toString());
  // No migration keeps a foreign key among the projection tables now (their facts and event ids have
  // one writer); the rebuild still carries one that a later migration adds, and this database has one.
  await pool.query(`ALTER TABLE reporting.case_facts ADD CONSTRAINT case_facts_opened_event_fkey FOREIGN KEY (opened_event_id) REFERENCES reporting.processed_events (event_id)`);
  await pool.query(`INSERT INTO reporting.frozen_reports (id, group_by, definitions_version, groups, note, signed_by) VALUES ($1, 'department', 'figures-test', '[]', '', 'admin')`, [randomUUID()]);
});
afterAll(async () => {
  await pool?.end();
  await server?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await server?.end();
});

/** An opened case as the projection records it, into `schema`. */
async function opened(schema: string, eventId: string, caseId = randomUUID()) {
  await pool.query(
    `INSERT INTO ${schema}.processed_events (event_id, event_type, case_id, event_time, topic, kafka_partition, kafka_offset) VALUES ($1, 'org.minqing.case.opened.v1', $2, now(), 't', 0, 0)`,
    [eventId, caseId],
  );
  await pool.query(
    `INSERT INTO ${schema}.case_facts (case_id, tracking_code, category, priority, channel, opened_at, opened_event_id) VALUES ($1, 'MQ-1', 'policy_question', 'normal', 'hall', now(), $2)`,
    [caseId, eventId],
  );
  return caseId;
}
const count = async (schema: string, table: string) => Number((await pool.query(`SELECT count(*) AS n FROM ${schema}.${table}`)).rows[0].n);
const schemaExists = async (name: string) => (await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).rowCount === 1;
/** Every key, index and foreign key of the live projection tables, by name and definition (schema left out). */
async function catalog() {
  const { rows } = await pool.query(
    `SELECT c.relname AS tbl, 'constraint' AS kind, k.conname AS name, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = ANY($2)
     UNION ALL
     SELECT tablename, 'index', indexname, replace(indexdef, $1 || '.', '') FROM pg_indexes WHERE schemaname = $1 AND tablename = ANY($2)
     ORDER BY 1, 2, 3`,
    [LIVE_SCHEMA, [...PROJECTION_TABLES]],
  );
  return rows;
}

describe('the shadow projection of a rebuild', () => {
  /** the live projection's events and their cases */
  const live = [randomUUID(), randomUUID()];
  const liveCases = [randomUUID(), randomUUID()];

  it('is dropped without touching the live projection when the rebuild dies before the swap', async () => {
    for (const [i, id] of live.entries()) await opened(LIVE_SCHEMA, id, liveCases[i]);
    const shadow = new ShadowProjection(pool);
    await shadow.create();
    expect(await count(SHADOW_SCHEMA, 'processed_events')).toBe(0);
    await opened(SHADOW_SCHEMA, randomUUID());
    // What a restart does (Rebuilder.recover).
    await new ShadowProjection(pool).discard();
    expect(await schemaExists(SHADOW_SCHEMA)).toBe(false);
    expect(await count(LIVE_SCHEMA, 'processed_events')).toBe(2);
    expect(await count(LIVE_SCHEMA, 'case_facts')).toBe(2);
  });

  it('is not swapped in when it lacks events the live projection has', async () => {
    const shadow = new ShadowProjection(pool);
    await shadow.create();
    await opened(SHADOW_SCHEMA, live[0]!, liveCases[0]);
    await opened(SHADOW_SCHEMA, randomUUID(), liveCases[1]);
    await expect(shadow.swap(quiet)).rejects.toThrow(/1 of the 2 events of the live projection are not in the rebuilt one/);
    expect(await count(LIVE_SCHEMA, 'processed_events')).toBe(2);
    await shadow.discard();
  });

  it('is swapped in, in one step, with the live tables’ own keys, indexes and foreign keys', async () => {
    const before = await catalog();
    expect(before.map((r) => r.name)).toEqual(expect.arrayContaining(['case_facts_opened_idx', 'case_facts_opened_event_fkey', 'escalations_pkey']));
    const shadow = new ShadowProjection(pool);
    await shadow.create();
    for (const [i, id] of live.entries()) await opened(SHADOW_SCHEMA, id, liveCases[i]);
    await opened(SHADOW_SCHEMA, randomUUID());
    const check = await shadow.swap(quiet);
    expect(check).toMatchObject({ liveEvents: 2, shadowEvents: 3, missingEvents: 0, liveCases: 2, shadowCases: 3, missingCases: 0 });
    expect(await count(LIVE_SCHEMA, 'processed_events')).toBe(3);
    expect(await count(LIVE_SCHEMA, 'case_facts')).toBe(3);
    expect(await catalog()).toEqual(before);
    expect(await schemaExists(SHADOW_SCHEMA)).toBe(false);
    expect(await schemaExists('reporting_retired')).toBe(false);
    // The foreign keys hold among the swapped-in tables, and what is not a projection stayed.
    await expect(pool.query(
      `INSERT INTO reporting.case_facts (case_id, tracking_code, category, priority, channel, opened_at, opened_event_id) VALUES ($1, 'MQ-2', 'policy_question', 'normal', 'hall', now(), $2)`,
      [randomUUID(), randomUUID()],
    )).rejects.toThrow(/foreign key/);
    expect(await count(LIVE_SCHEMA, 'frozen_reports')).toBe(1);
  });

  it('lets a reader that locks the tables in another order finish, and swaps in after it', async () => {
    const shadow = new ShadowProjection(pool);
    await shadow.create();
    await pool.query(`INSERT INTO ${SHADOW_SCHEMA}.processed_events SELECT * FROM ${LIVE_SCHEMA}.processed_events`);
    await pool.query(`INSERT INTO ${SHADOW_SCHEMA}.case_facts SELECT * FROM ${LIVE_SCHEMA}.case_facts`);
    await opened(SHADOW_SCHEMA, randomUUID());
    const liveCasesNow = await count(LIVE_SCHEMA, 'case_facts');
    // A reader (like the summary: case_facts first, then processed_events) holds case_facts …
    const reader = await pool.connect();
    try {
      await reader.query('BEGIN');
      const cases = Number((await reader.query('SELECT count(*) AS n FROM reporting.case_facts')).rows[0].n);
      // … while the swap, which locks processed_events first, waits for it.
      const swapped = shadow.swap(quiet);
      const swapWaits = async () =>
        (await pool.query(`SELECT 1 FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock' AND relation = 'reporting.case_facts'::regclass`)).rowCount === 1;
      await vi.waitFor(async () => expect(await swapWaits()).toBe(true), { timeout: 10_000, interval: 5 });
      // Now the reader asks for processed_events: it gets an answer, not a deadlock error.
      const events = Number((await reader.query('SELECT count(*) AS n FROM reporting.processed_events')).rows[0].n);
      await reader.query('COMMIT');
      expect(cases).toBe(liveCasesNow);
      expect(events).toBe(liveCasesNow);
      // And the swap, having waited for the reader, goes through.
      expect(await swapped).toMatchObject({ liveCases: liveCasesNow, shadowCases: liveCasesNow + 1, missingCases: 0 });
      expect(await count(LIVE_SCHEMA, 'case_facts')).toBe(liveCasesNow + 1);
    } finally {
      reader.release();
    }
  });
});

describe('the projection generation', () => {
  const generation = async () => Number((await pool.query('SELECT generation FROM reporting.projection_meta')).rows[0].generation);
  /** A rebuilder whose start is only recorded: what starts it is the question here, not the rebuild (tests/e2e/reporting-rebuild.test.ts). */
  const rebuilder = () => {
    const r = new Rebuilder({ pool, logger: quiet } as unknown as RebuilderDeps);
    const start = vi.spyOn(r, 'start').mockResolvedValue(undefined);
    return { r, start };
  };

  it('is recorded by the swap: the tables now hold what this build makes of the events', async () => {
    // the swap above ran with this build's projection
    expect(await generation()).toBe(PROJECTION_GENERATION);
  });

  it('starts a rebuild by itself when the tables were filled by an older build, and not again once current', async () => {
    await pool.query('UPDATE reporting.projection_meta SET generation = 1');
    const { r, start } = rebuilder();
    expect(await r.upgradeIfOutdated()).toBe(true);
    expect(start).toHaveBeenCalledWith(null);
    await pool.query('UPDATE reporting.projection_meta SET generation = $1', [PROJECTION_GENERATION]);
    const again = rebuilder();
    expect(await again.r.upgradeIfOutdated()).toBe(false);
    expect(again.start).not.toHaveBeenCalled();
  });

  it('needs no rebuild for empty tables: they just take the current generation', async () => {
    await pool.query(`TRUNCATE ${PROJECTION_TABLES.map((t) => `reporting.${t}`).join(', ')}`);
    await pool.query('UPDATE reporting.projection_meta SET generation = 1');
    const { r, start } = rebuilder();
    expect(await r.upgradeIfOutdated()).toBe(false);
    expect(start).not.toHaveBeenCalled();
    expect(await generation()).toBe(PROJECTION_GENERATION);
  });
});
