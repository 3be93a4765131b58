/**
 * Rebuild of the reporting projection without ever showing a partial one.
 *
 * The projection tables (PROJECTION_TABLES, one list) get shadow copies in the
 * schema `reporting_rebuild`, made like the live ones (columns, defaults,
 * checks, keys, indexes and foreign keys under the same names). A second
 * consumer, with a group of its own, reads the topic from its start into the
 * shadow while the live consumer and every figure, drill-down and frozen report
 * go on answering from the live tables. Once the shadow has read what the topic
 * held when the rebuild began, the live consumer stops, the shadow reads up to
 * the topic's end as of then, and ONE transaction checks the shadow (it holds
 * every event and every case the live projection had) and swaps it in
 * (ALTER TABLE … SET SCHEMA). The live group then continues where the shadow
 * stopped, the old tables and the rebuild's group are dropped.
 *
 * Every step is safe to die in: before the swap commits the live projection is
 * untouched and `recover` (at start) drops the shadow; after it, the live tables
 * are the rebuilt ones and the live group at worst re-reads events the shadow
 * already applied, which the processed_events check makes no-ops. Frozen
 * reports, appraisals and dead letters are not projections and are never touched.
 */
import { inTransaction, KafkaAdmin, withAdmin, type KafkaClient, type Logger, type Pool, type PoolClient, type RebuildStatus } from '@minqing/shared';
import type { EventConsumer } from './event.consumer';
import { PROJECTION_GENERATION, PROJECTION_TABLES } from './projection';
import type { RebuildControl } from './routes/frozen.routes';

export const LIVE_SCHEMA = 'reporting';
export const SHADOW_SCHEMA = 'reporting_rebuild';
/** where the replaced tables go for the moment between the swap and their drop */
export const RETIRED_SCHEMA = 'reporting_retired';

/** Tables of the reporting schema that are not projections of the topic: a rebuild never touches them. */
export const KEPT_TABLES = ['frozen_reports', 'evaluation_sheets', 'appraisals', 'dead_letters', 'projection_meta', 'pgmigrations'] as const;

const IDENT = /^[a-z_][a-z0-9_]*$/;
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (schema: string, table: string) => `${schema}.${table}`;

/** SQLSTATE of a lock wait that ran out of `lock_timeout` */
const LOCK_NOT_AVAILABLE = '55P03';
/** Longest wait for one table's lock in a swap attempt: well under half PostgreSQL's deadlock check (1 s by default). */
const SWAP_LOCK_WAIT_MS = 200;
/** How long a swap keeps trying to get its locks before the rebuild fails (the live projection stays as it was). */
const SWAP_DEADLINE_MS = 60_000;

function tables(): readonly string[] {
  for (const t of PROJECTION_TABLES) if (!IDENT.test(t)) throw new Error(`not a plain table name: ${t}`);
  return PROJECTION_TABLES;
}

/** What the rebuilt projection must hold before it may replace the live one; empty when it does. */
export interface ShadowCheck {
  liveEvents: number;
  shadowEvents: number;
  /** events the live projection applied that the shadow did not (e.g. no longer on the topic) */
  missingEvents: number;
  liveCases: number;
  shadowCases: number;
  missingCases: number;
}

export function checkProblems(c: ShadowCheck): string[] {
  const out: string[] = [];
  if (c.missingEvents > 0) out.push(`${c.missingEvents} of the ${c.liveEvents} events of the live projection are not in the rebuilt one`);
  if (c.missingCases > 0) out.push(`${c.missingCases} of the ${c.liveCases} cases of the live projection are not in the rebuilt one`);
  if (c.shadowEvents < c.liveEvents) out.push(`the rebuilt projection has fewer events (${c.shadowEvents}) than the live one (${c.liveEvents})`);
  if (c.shadowCases < c.liveCases) out.push(`the rebuilt projection has fewer cases (${c.shadowCases}) than the live one (${c.liveCases})`);
  return out;
}

/** The shadow tables in PostgreSQL: made like the live ones, checked, swapped in, or dropped. */
export class ShadowProjection {
  constructor(private readonly pool: Pool) {}

  /** Drop whatever a rebuild that did not finish left (the live projection is never part of it). */
  async discard(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`);
    await this.pool.query(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
  }

  /** Empty shadow copies of the projection tables, in one transaction. */
  async create(): Promise<void> {
    const names = tables();
    await inTransaction(this.pool, async (tx) => {
      // Only pg_catalog on the path: the catalog functions below then qualify every table they name.
      await tx.query(`SELECT set_config('search_path', 'pg_catalog', true)`);
      await this.refuseOutsideDependents(tx, names);
      await tx.query(`DROP SCHEMA IF EXISTS ${SHADOW_SCHEMA} CASCADE`);
      await tx.query(`CREATE SCHEMA ${SHADOW_SCHEMA}`);
      for (const t of names) {
        await tx.query(`CREATE TABLE ${qualified(SHADOW_SCHEMA, t)} (LIKE ${qualified(LIVE_SCHEMA, t)} INCLUDING ALL EXCLUDING INDEXES)`);
        // A serial column's copied default still draws from the live table's sequence: give the shadow its own.
        const serials = await tx.query<{ col: string; seq: string }>(
          `SELECT a.attname AS col, s.relname AS seq
             FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
             JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.refobjid = $1::regclass AND d.deptype = 'a'`,
          [qualified(LIVE_SCHEMA, t)],
        );
        for (const { col, seq } of serials.rows) {
          const shadowSeq = `${SHADOW_SCHEMA}.${quote(seq)}`;
          await tx.query(`CREATE SEQUENCE ${shadowSeq} OWNED BY ${qualified(SHADOW_SCHEMA, t)}.${quote(col)}`);
          await tx.query(`ALTER TABLE ${qualified(SHADOW_SCHEMA, t)} ALTER COLUMN ${quote(col)} SET DEFAULT nextval('${shadowSeq.replace(/'/g, "''")}'::regclass)`);
        }
      }
      // Keys and indexes under their own names (a later migration may name them), then foreign keys among the copies.
      const constraints = await tx.query<{ tbl: string; name: string; kind: string; def: string; refschema: string | null; reftable: string | null }>(
        `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, c.contype AS kind, pg_get_constraintdef(c.oid) AS def,
                rn.nspname AS refschema, r.relname AS reftable
           FROM pg_constraint c
           LEFT JOIN pg_class r ON r.oid = c.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
          WHERE c.conrelid = ANY($1::regclass[]) AND c.contype IN ('p', 'u', 'x', 'f')
          ORDER BY c.contype = 'f', c.conname`,
        [names.map((t) => qualified(LIVE_SCHEMA, t))],
      );
      for (const c of constraints.rows) {
        const table = c.tbl.slice(LIVE_SCHEMA.length + 1);
        let def = c.def;
        if (c.kind === 'f' && c.refschema === LIVE_SCHEMA && c.reftable && names.includes(c.reftable)) {
          const from = `REFERENCES ${qualified(LIVE_SCHEMA, c.reftable)}(`;
          if (!def.includes(from)) throw new Error(`cannot copy the foreign key ${c.name} of ${c.tbl}: ${def}`);
          def = def.replace(from, `REFERENCES ${qualified(SHADOW_SCHEMA, c.reftable)}(`);
        }
        await tx.query(`ALTER TABLE ${qualified(SHADOW_SCHEMA, table)} ADD CONSTRAINT ${quote(c.name)} ${def}`);
      }
      const indexes = await tx.query<{ tbl: string; def: string }>(
        `SELECT i.indrelid::regclass::text AS tbl, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i
          WHERE i.indrelid = ANY($1::regclass[])
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)`,
        [names.map((t) => qualified(LIVE_SCHEMA, t))],
      );
      for (const i of indexes.rows) {
        const table = i.tbl.slice(LIVE_SCHEMA.length + 1);
        const on = ` ON ${qualified(LIVE_SCHEMA, table)} `;
        if (!i.def.includes(on)) throw new Error(`cannot copy an index of ${i.tbl}: ${i.def}`);
        await tx.query(i.def.replace(on, ` ON ${qualified(SHADOW_SCHEMA, table)} `));
      }
    });
  }

  /**
   * A view or a foreign key outside the projection that depends on one of its
   * tables would follow the old table out at the swap and be dropped with it:
   * refuse before anything starts.
   */
  private async refuseOutsideDependents(tx: PoolClient, names: readonly string[]): Promise<void> {
    const { rows } = await tx.query<{ what: string }>(
      `WITH projection AS (SELECT unnest($1::regclass[])::oid AS oid)
       SELECT 'foreign key ' || c.conname || ' of ' || c.conrelid::regclass::text AS what
         FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid IN (SELECT oid FROM projection) AND c.conrelid NOT IN (SELECT oid FROM projection)
       UNION ALL
       SELECT DISTINCT 'view ' || r.ev_class::regclass::text
         FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid IN (SELECT oid FROM projection) AND r.ev_class NOT IN (SELECT oid FROM projection)`,
      [names.map((t) => qualified(LIVE_SCHEMA, t))],
    );
    if (rows.length) throw new Error(`outside the projection, ${rows.map((r) => r.what).join(', ')} depend on its tables; a rebuild would drop them`);
  }

  /** How the shadow compares with the live projection. */
  async compare(tx: PoolClient | Pool = this.pool): Promise<ShadowCheck> {
    const { rows } = await tx.query<Record<keyof ShadowCheck, string>>(
      `SELECT (SELECT count(*) FROM ${LIVE_SCHEMA}.processed_events) AS "liveEvents",
              (SELECT count(*) FROM ${SHADOW_SCHEMA}.processed_events) AS "shadowEvents",
              (SELECT count(*) FROM ${LIVE_SCHEMA}.processed_events l
                WHERE NOT EXISTS (SELECT 1 FROM ${SHADOW_SCHEMA}.processed_events s WHERE s.event_id = l.event_id)) AS "missingEvents",
              (SELECT count(*) FROM ${LIVE_SCHEMA}.case_facts) AS "liveCases",
              (SELECT count(*) FROM ${SHADOW_SCHEMA}.case_facts) AS "shadowCases",
              (SELECT count(*) FROM ${LIVE_SCHEMA}.case_facts l
                WHERE NOT EXISTS (SELECT 1 FROM ${SHADOW_SCHEMA}.case_facts s WHERE s.case_id = l.case_id)) AS "missingCases"`,
    );
    const r = rows[0]!;
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])) as unknown as ShadowCheck;
  }

  /**
   * In ONE transaction: lock the live tables (readers wait the moment it takes),
   * check the shadow, and swap it in. Throws, changing nothing, when the check fails.
   */
  async swap(logger: Logger, opts: { lockWaitMs?: number; deadlineMs?: number } = {}): Promise<ShadowCheck> {
    const names = tables();
    const lockWaitMs = opts.lockWaitMs ?? SWAP_LOCK_WAIT_MS;
    const deadline = Date.now() + (opts.deadlineMs ?? SWAP_DEADLINE_MS);
    // A reader's query locks the tables it names one after another, in its own order; the swap
    // locks them all in another. Were the swap to wait on a reader while holding a table that
    // reader waits for, PostgreSQL would break the deadlock after a second by failing one of
    // them — perhaps a manager's figures. So the swap never waits long with locks held: it
    // gives up well within the deadlock check, lets the readers finish, and tries again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.swapOnce(logger, names, lockWaitMs);
      } catch (err) {
        if ((err as { code?: string }).code !== LOCK_NOT_AVAILABLE || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, Math.min(lockWaitMs * attempt, 1000) * Math.random()));
      }
    }
  }

  private async swapOnce(logger: Logger, names: readonly string[], lockWaitMs: number): Promise<ShadowCheck> {
    const check = await inTransaction(this.pool, async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockWaitMs))}`);
      await tx.query(`LOCK TABLE ${names.map((t) => qualified(LIVE_SCHEMA, t)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      const c = await this.compare(tx);
      const problems = checkProblems(c);
      if (problems.length) throw new Error(`the rebuilt projection was not swapped in: ${problems.join('; ')}`);
      await tx.query(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
      await tx.query(`CREATE SCHEMA ${RETIRED_SCHEMA}`);
      for (const t of names) await tx.query(`ALTER TABLE ${qualified(LIVE_SCHEMA, t)} SET SCHEMA ${RETIRED_SCHEMA}`);
      for (const t of names) await tx.query(`ALTER TABLE ${qualified(SHADOW_SCHEMA, t)} SET SCHEMA ${LIVE_SCHEMA}`);
      // the tables now hold what this build's projection makes of every event
      await tx.query(`UPDATE ${qualified(LIVE_SCHEMA, 'projection_meta')} SET generation = $1`, [PROJECTION_GENERATION]);
      return c;
    });
    logger.info({ check }, 'rebuild: the rebuilt projection is live');
    // The old tables are no longer read; were this to fail, the next start drops them.
    await this.discard().catch((err: Error) => logger.warn({ err }, 'rebuild: could not drop the replaced tables yet'));
    return check;
  }
}

/** Where the partitions of the topic begin and end. */
type Offsets = { partition: number; low: number; high: number }[];

export interface RebuilderDeps {
  pool: Pool;
  kafka: KafkaClient;
  logger: Logger;
  topic: string;
  /** the live consumer group */
  groupId: string;
  /** a consumer of the topic that projects into `schema` */
  consumer(opts: { groupId: string; schema: string }): EventConsumer;
  /** stop the live consumer (it finishes the chunk it is applying) */
  pauseLive(): Promise<void>;
  /** start the live consumer again, from its group's committed offsets */
  resumeLive(): Promise<void>;
  /** how often progress is looked at (ms) */
  pollMs?: number;
  /** a rebuild that reads nothing for this long while behind has failed (ms; default 5 minutes) */
  stallMs?: number;
}

const idle = (): RebuildStatus => ({ state: 'idle', phase: null, startedAt: null, finishedAt: null, error: null, startedBy: null, progress: null });

/** Runs rebuilds (one at a time) and tells their status. */
export class Rebuilder implements RebuildControl {
  private current: RebuildStatus = idle();
  private readonly shadow: ShadowProjection;
  /** the running rebuild's consumer, if any */
  private shadowConsumer: EventConsumer | null = null;

  constructor(private readonly deps: RebuilderDeps) {
    this.shadow = new ShadowProjection(deps.pool);
  }

  private get rebuildGroupPrefix() {
    return `${this.deps.groupId}.rebuild.`;
  }

  status(): RebuildStatus {
    return { ...this.current, progress: this.current.progress ? { ...this.current.progress } : null };
  }

  /** At start, before the live consumer: drop what an interrupted rebuild left (the live projection stays as it is). */
  async recover(): Promise<void> {
    await this.shadow.discard();
    try {
      await withAdmin(this.deps.kafka, async (admin) => {
        const stale = (await admin.listGroups()).filter((g) => g.startsWith(this.rebuildGroupPrefix));
        await admin.deleteGroups(stale);
      });
    } catch (err) {
      this.deps.logger.warn({ err }, 'rebuild: could not delete the groups of an interrupted rebuild');
    }
  }

  /**
   * At start, after the live consumer: when the projection tables were filled by an
   * older generation of the projection code (PROJECTION_GENERATION), rebuild them,
   * started by nobody (`startedBy` null: the console says it was automatic). Empty
   * tables just take the current generation. Returns whether a rebuild started.
   */
  async upgradeIfOutdated(): Promise<boolean> {
    const meta = qualified(LIVE_SCHEMA, 'projection_meta');
    const { rows } = await this.deps.pool.query<{ generation: number; empty: boolean }>(
      `SELECT generation, NOT EXISTS (SELECT 1 FROM ${qualified(LIVE_SCHEMA, 'processed_events')}) AS empty FROM ${meta}`,
    );
    const row = rows[0];
    if (!row || row.generation >= PROJECTION_GENERATION) return false;
    if (row.empty) {
      await this.deps.pool.query(`UPDATE ${meta} SET generation = $1 WHERE generation < $1`, [PROJECTION_GENERATION]);
      return false;
    }
    this.deps.logger.info({ from: row.generation, to: PROJECTION_GENERATION }, 'rebuild: the projection was made by an older build; rebuilding it');
    await this.start(null);
    return true;
  }

  /** At shutdown: stop a running rebuild's consumer (its shadow tables are dropped at the next start). */
  async close(): Promise<void> {
    await this.shadowConsumer?.stop().catch(() => undefined);
  }

  /** Starts a rebuild and returns at once; `status()` tells how it goes. */
  async start(startedBy: string | null): Promise<void> {
    if (this.current.state === 'rebuilding') throw new Error('a rebuild is running');
    this.current = { ...idle(), state: 'rebuilding', phase: 'catching_up', startedAt: new Date().toISOString(), startedBy, progress: { applied: 0, target: 0 } };
    void this.run().catch((err: Error) => {
      this.deps.logger.error({ err }, 'rebuild failed; the live projection was kept');
      this.current = { ...this.current, state: 'failed', phase: null, finishedAt: new Date().toISOString(), error: err.message };
    });
  }

  private async run(): Promise<void> {
    const { logger, topic } = this.deps;
    const groupId = `${this.rebuildGroupPrefix}${Date.now().toString(36)}`;
    const admin = new KafkaAdmin(this.deps.kafka);
    let livePaused = false;
    try {
      const offsets = (): Promise<Offsets> => admin.topicOffsets(topic);
      const start = await offsets();
      const lowOf = new Map(start.map((p) => [p.partition, p.low]));
      const applied = () => start.reduce((n, p) => n + Math.max(0, (this.shadowConsumer?.positions.get(p.partition) ?? p.low) - p.low), 0);
      const target = (until: Offsets) => until.reduce((n, p) => n + Math.max(0, p.high - (lowOf.get(p.partition) ?? p.low)), 0);
      /** Waits until the shadow consumer has applied everything before `until`. */
      const reach = async (until: Offsets) => {
        let last = -1;
        let lastAt = Date.now();
        for (;;) {
          const c = this.shadowConsumer!;
          const done = applied();
          this.current.progress = { applied: done, target: Math.max(done, target(until)) };
          if (done !== last) [last, lastAt] = [done, Date.now()];
          else if (Date.now() - lastAt > (this.deps.stallMs ?? 300_000)) throw new Error(`the rebuild read nothing for ${Math.round((Date.now() - lastAt) / 1000)} s`);
          if (until.every((p) => p.high <= p.low || (c.positions.get(p.partition) ?? p.low) >= p.high)) return;
          await new Promise((r) => setTimeout(r, this.deps.pollMs ?? 200));
        }
      };

      await this.shadow.create();
      this.shadowConsumer = this.deps.consumer({ groupId, schema: SHADOW_SCHEMA });
      await this.shadowConsumer.start();
      logger.info({ startedBy: this.current.startedBy, groupId, target: target(start) }, 'rebuild: reading the topic into the shadow projection');
      await reach(start);

      // The live consumer stops; the shadow reads what arrived meanwhile, up to the topic's end as of now.
      this.current.phase = 'checking';
      livePaused = true;
      await this.deps.pauseLive();
      const end = await offsets();
      await reach(end);
      await this.shadowConsumer.stop();
      const stoppedAt = new Map(this.shadowConsumer.positions);
      this.shadowConsumer = null;

      this.current.phase = 'swapping';
      const check = await this.shadow.swap(logger);
      // The live group continues where the shadow stopped. Were this lost, the live consumer would
      // re-read from its own committed offsets (never past the shadow's), each event a no-op.
      try {
        const partitions = [...stoppedAt].map(([partition, offset]) => ({ partition, offset }));
        if (partitions.length) await admin.setOffsets(this.deps.groupId, topic, partitions);
      } catch (err) {
        logger.warn({ err }, 'rebuild: could not move the live group to where the rebuild stopped; it re-reads from its own offsets');
      }
      await this.deps.resumeLive();
      livePaused = false;
      await admin.deleteGroups([groupId]).catch((err: Error) => logger.warn({ err, groupId }, 'rebuild: could not delete its group'));
      this.current = { ...this.current, state: 'idle', phase: null, finishedAt: new Date().toISOString() };
      logger.info({ check }, 'rebuild finished');
    } catch (err) {
      await this.shadowConsumer?.stop().catch(() => undefined);
      this.shadowConsumer = null;
      await this.shadow.discard().catch((e: Error) => logger.warn({ err: e }, 'rebuild: could not drop the shadow tables (they are dropped at the next start)'));
      await admin.deleteGroups([groupId]).catch(() => undefined);
      if (livePaused) await this.deps.resumeLive().catch((e: Error) => logger.error({ err: e }, 'rebuild: could not restart the live consumer'));
      throw err;
    } finally {
      await admin.close().catch(() => undefined);
    }
  }
}
