/** SQL of the reporting schema: idempotent projection of events (each type's fold in ./projection), and the summary figures. */
import type { CloudEvent, FactFilter, Pool, PoolClient } from '@minqing/shared';
import { casesOf, Fold, foldEvents, lockedFactsOf, writeFold, type CaseFacts } from './projection';

export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface Summary {
  totalCases: number;
  byCategory: Record<string, number>;
  byPriority: Record<string, number>;
  byChannel: Record<string, number>;
  eventsProcessed: number;
  deadLetters: number;
  lastEventAt: string | null;
}

export class ReportRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Apply a chunk of events (one partition's, in offset order), set-based: the
   * event ids the projection has not seen yet are recorded in processed_events
   * with their positions (a redelivered event, or one repeated in the chunk, is
   * a duplicate and changes nothing), and only those are folded in memory per
   * case (./projection) and written with one statement per table. Everything
   * shares the caller's transaction, whose search_path names the projection's
   * schema (live or a rebuild's shadow: EventConsumer sets it; the tables are
   * PROJECTION_TABLES, named unqualified).
   */
  async apply(client: PoolClient, events: readonly { event: CloudEvent; pos: EventPosition }[]): Promise<{ applied: number; duplicates: number }> {
    // The first delivery of an id in the chunk is the one recorded.
    const firsts = new Map<string, { event: CloudEvent; pos: EventPosition }>();
    for (const e of events) if (!firsts.has(e.event.id.toLowerCase())) firsts.set(e.event.id.toLowerCase(), e);
    const batch = [...firsts.values()];
    if (batch.length === 0) return { applied: 0, duplicates: events.length };
    // One statement: record the new ids with their positions, and read (locked) the facts of the chunk's cases.
    const { rows: [first] } = await client.query<{ recorded: string[]; facts: CaseFacts[] }>(
      `WITH recorded AS (
         INSERT INTO processed_events (event_id, event_type, case_id, event_time, topic, kafka_partition, kafka_offset)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::text[], $6::integer[], $7::bigint[])
         ON CONFLICT (event_id) DO NOTHING RETURNING event_id),
       facts AS (${lockedFactsOf('$8')})
       SELECT (SELECT coalesce(json_agg(event_id), '[]') FROM recorded) AS recorded, (SELECT coalesce(json_agg(f), '[]') FROM facts) AS facts`,
      [
        batch.map((e) => e.event.id), batch.map((e) => e.event.type), batch.map((e) => e.event.subject), batch.map((e) => e.event.time),
        batch.map((e) => e.pos.topic), batch.map((e) => e.pos.partition), batch.map((e) => e.pos.offset), casesOf(batch.map((e) => e.event)),
      ],
    );
    const fresh = new Set(first!.recorded.map((id) => id.toLowerCase()));
    const applied = batch.filter((e) => fresh.has(e.event.id.toLowerCase())).map((e) => e.event);
    if (applied.length) {
      const fold = new Fold(first!.facts);
      foldEvents(fold, applied);
      await writeFold(client, fold);
    }
    return { applied: applied.length, duplicates: events.length - applied.length };
  }

  /** Whether the message at `pos` is already recorded as a dead letter. */
  async isDeadLettered(pos: EventPosition): Promise<boolean> {
    const r = await this.pool.query('SELECT 1 FROM reporting.dead_letters WHERE topic = $1 AND kafka_partition = $2 AND kafka_offset = $3', [pos.topic, pos.partition, pos.offset]);
    return (r.rowCount ?? 0) > 0;
  }

  async recordDeadLetter(args: EventPosition & { eventId?: string; eventType?: string; reason: string; headers: Record<string, string>; value: string | null }): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO reporting.dead_letters (topic, kafka_partition, kafka_offset, event_id, event_type, reason, headers, value)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING`,
      [args.topic, args.partition, args.offset, args.eventId ?? null, args.eventType ?? null, args.reason, args.headers, args.value],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async deadLetters(limit: number, offset: number) {
    const total = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM reporting.dead_letters');
    const { rows } = await this.pool.query(
      `SELECT topic, kafka_partition AS partition, kafka_offset::text AS offset, event_id AS "eventId", event_type AS "eventType",
              reason, headers, value, received_at AS "receivedAt"
         FROM reporting.dead_letters ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return { total: total.rows[0]?.n ?? 0, items: rows };
  }

  /** Case counts of a period, limited to `scope` (a department's or areas' cases; null = all). */
  async summary(filter: { from?: string; to?: string; scope?: FactFilter }): Promise<Summary> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.scope && 'departmentCode' in filter.scope) {
      params.push(filter.scope.departmentCode);
      where.push(`department_code = $${params.length}`);
    } else if (filter.scope) {
      params.push(filter.scope.areaCodes);
      where.push(`area_code = ANY($${params.length}::text[])`);
    }
    if (filter.from) {
      params.push(filter.from);
      where.push(`opened_at >= $${params.length}`);
    }
    if (filter.to) {
      params.push(filter.to);
      where.push(`opened_at < $${params.length}`);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const grouped = await this.pool.query<{ dim: string; key: string; n: string }>(
      `SELECT 'category' AS dim, category AS key, count(*) AS n FROM reporting.case_facts ${w} GROUP BY category
       UNION ALL SELECT 'priority', priority, count(*) FROM reporting.case_facts ${w} GROUP BY priority
       UNION ALL SELECT 'channel', channel, count(*) FROM reporting.case_facts ${w} GROUP BY channel`,
      params,
    );
    const totals = await this.pool.query<{ cases: string; events: string; dead: string; last: Date | null }>(
      `SELECT (SELECT count(*) FROM reporting.case_facts ${w}) AS cases,
              (SELECT count(*) FROM reporting.processed_events) AS events,
              (SELECT count(*) FROM reporting.dead_letters) AS dead,
              (SELECT max(processed_at) FROM reporting.processed_events) AS last`,
      params,
    );
    const out: Summary = {
      totalCases: Number(totals.rows[0]?.cases ?? 0),
      byCategory: {},
      byPriority: {},
      byChannel: {},
      eventsProcessed: Number(totals.rows[0]?.events ?? 0),
      deadLetters: Number(totals.rows[0]?.dead ?? 0),
      lastEventAt: totals.rows[0]?.last?.toISOString() ?? null,
    };
    for (const row of grouped.rows) {
      const target = row.dim === 'category' ? out.byCategory : row.dim === 'priority' ? out.byPriority : out.byChannel;
      target[row.key] = Number(row.n);
    }
    return out;
  }
}
