/**
 * Publishes committed outbox rows to Kafka, in id order, which is per-case event
 * order. Exactly one relay publishes at a time (a PostgreSQL advisory lock held
 * on a dedicated connection); other copies stand by and take over when the
 * leader's connection goes. Rows are marked published only after Kafka
 * acknowledged them, so a crash between the two re-sends rows: the event ids are
 * stable and consumers dedupe, so a duplicate is harmless and nothing is lost.
 * A Kafka outage just leaves rows waiting; the relay backs off and retries.
 */
import type { Logger, Pool, PoolClient, Producer } from '@minqing/shared';
import { toKafkaRecord, type CloudEvent } from '@minqing/shared';

const LOCK_KEY = 0x6d696e71; // "minq"

export interface OutboxLag {
  leader: boolean;
  unpublished: number;
  oldestUnpublishedAgeMs: number | null;
  published: number;
  lastPublishedAt: string | null;
  lastError: string | null;
}

export class OutboxRelay {
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private leader = false;
  private publishedCount = 0;
  private lastPublishedAt: string | null = null;
  private lastError: string | null = null;

  constructor(
    private readonly deps: {
      pool: Pool;
      producer: Producer;
      logger: Logger;
      batchSize: number;
      pollMs: number;
      /**
       * After new rows were announced, wait this long before reading them (default 0), so the
       * rows of the cases moving at the same time go to Kafka in one request rather than one each.
       */
      lingerMs?: number;
    },
  ) {}

  start(): void {
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  async lag(): Promise<OutboxLag> {
    const { rows } = await this.deps.pool.query<{ n: string; oldest: Date | null }>(
      `SELECT count(*) AS n, min(created_at) AS oldest FROM casework.outbox WHERE published_at IS NULL`,
    );
    const oldest = rows[0]?.oldest ?? null;
    return {
      leader: this.leader,
      unpublished: Number(rows[0]?.n ?? 0),
      oldestUnpublishedAgeMs: oldest ? Math.max(0, Date.now() - oldest.getTime()) : null,
      published: this.publishedCount,
      lastPublishedAt: this.lastPublishedAt,
      lastError: this.lastError,
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private async run(): Promise<void> {
    let backoff = 200;
    while (!this.stopping) {
      let client: PoolClient | null = null;
      try {
        client = await this.deps.pool.connect();
        // Losing this session is handled by the loop (it reconnects); do not let it crash the process.
        client.on('error', (err) => this.deps.logger.warn({ err: err.message }, 'outbox relay connection lost'));
        const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
        if (!got.rows[0]?.ok) {
          client.release();
          client = null;
          await this.sleep(2_000); // another relay leads; stand by
          continue;
        }
        this.leader = true;
        this.deps.logger.info('outbox relay is the leader');
        client.on('notification', () => this.wake?.());
        await client.query('LISTEN minqing_outbox');
        backoff = 200;
        await this.lead(client);
      } catch (err) {
        this.lastError = (err as Error).message;
        this.deps.logger.warn({ err }, 'outbox relay error; retrying');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      } finally {
        this.leader = false;
        if (client) {
          // Destroy rather than return it: the session holds the lock and LISTEN.
          client.release(true);
        }
      }
    }
  }

  /** Drain while leader; any error bubbles up so the lock session is rebuilt. */
  private async lead(client: PoolClient): Promise<void> {
    let kafkaBackoff = 200;
    while (!this.stopping) {
      const { rows } = await client.query<{ id: string; topic: string; event: CloudEvent }>(
        `SELECT id, topic, event FROM casework.outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [this.deps.batchSize],
      );
      if (rows.length === 0) {
        await this.sleep(this.deps.pollMs);
        if (this.deps.lingerMs) await new Promise((r) => setTimeout(r, this.deps.lingerMs));
        continue;
      }
      try {
        await this.publish(rows);
        kafkaBackoff = 200;
        this.lastError = null;
      } catch (err) {
        this.lastError = (err as Error).message;
        this.deps.logger.warn({ err: this.lastError, waiting: rows.length }, 'publishing to Kafka failed; will retry');
        await this.sleep(kafkaBackoff);
        kafkaBackoff = Math.min(kafkaBackoff * 2, 10_000);
        continue;
      }
      await client.query(`UPDATE casework.outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      this.publishedCount += rows.length;
      this.lastPublishedAt = new Date().toISOString();
    }
  }

  private async publish(rows: { topic: string; event: CloudEvent }[]): Promise<void> {
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const row of rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push(toKafkaRecord(row.event));
      byTopic.set(row.topic, list);
    }
    // idempotent producer, acks from all in-sync replicas; the key (case id) keeps each case's events in order on one partition
    await this.deps.producer.sendBatch([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }
}
