/**
 * Consumes case events. Each message is validated against the shared catalogue;
 * a valid one is applied in one transaction together with its event id (so a
 * redelivery is a no-op), an invalid one goes to the dead-letter topic with the
 * reason and is recorded in reporting.dead_letters — counted, never dropped.
 * Offsets are committed only after the message was applied or dead-lettered.
 *
 * The projection's SQL names its tables unqualified; each transaction sets its
 * `search_path` to `schema`: the live consumer writes `reporting`, a rebuild's
 * consumer the shadow copy (see rebuild.ts). Dead letters are a record of what
 * arrived, not a projection: every consumer records them in reporting.dead_letters,
 * and a message already recorded there is not sent to the dead-letter topic again.
 */
import {
  fromKafkaMessage, inTransaction, type Consumer, type KafkaClient, type KafkaMessage, type Logger, type Pool, type Producer,
} from '@minqing/shared';
import type { ReportRepository } from './report.repository';

/** Messages applied per database transaction. */
const CHUNK = 200;

function headersAsStrings(msg: KafkaMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(msg.headers ?? {})) {
    if (v === undefined) continue;
    out[k] = (Array.isArray(v) ? v.map(String).join(',') : v.toString());
  }
  return out;
}

export class EventConsumer {
  private consumer: Consumer;
  private producer: Producer;
  private joined = false;
  private crashed: string | null = null;
  /** set when kafkajs gives up on the consumer (a crash it does not restart from) */
  failure: string | null = null;
  /** per partition, the offset after the last message applied or dead-lettered (in committed transactions) */
  readonly positions = new Map<number, number>();
  applied = 0;
  duplicates = 0;
  deadLettered = 0;

  constructor(
    kafka: KafkaClient,
    private readonly deps: {
      pool: Pool;
      repository: ReportRepository;
      logger: Logger;
      topic: string;
      dlqTopic: string;
      groupId: string;
      /** the schema the projection writes: `reporting`, or a rebuild's shadow schema */
      schema: string;
    },
  ) {
    this.consumer = kafka.consumer({ groupId: deps.groupId, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      this.joined = true;
      this.crashed = null;
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.crashed = e.payload.error.message;
      if (!e.payload.restart) this.failure = e.payload.error.message;
      this.deps.logger.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    });
  }

  get ready(): boolean {
    return this.joined && this.crashed === null;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.deps.topic, fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        for (let i = 0; i < batch.messages.length; i += CHUNK) {
          if (!isRunning() || isStale()) return;
          const chunk = batch.messages.slice(i, i + CHUNK);
          await this.handleChunk(batch.topic, batch.partition, chunk);
          for (const m of chunk) resolveOffset(m.offset);
          this.positions.set(batch.partition, Number(chunk[chunk.length - 1]!.offset) + 1);
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
  }

  /**
   * A chunk of one partition's messages: invalid ones to the dead-letter topic,
   * valid ones applied in order in ONE transaction (each still deduplicated by
   * its event id). A crash before the commit applies nothing and commits no
   * offset, so the chunk is simply delivered again.
   */
  private async handleChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    const decoded = messages.map((message) => ({ message, result: fromKafkaMessage(message) }));
    for (const { message, result } of decoded) {
      if (!result.ok) await this.deadLetter({ topic, partition, offset: message.offset }, message, result.reason, result.id, result.type);
    }
    const valid = decoded.filter((d) => d.result.ok);
    if (valid.length === 0) return;
    const [applied, duplicates] = await inTransaction(this.deps.pool, async (client) => {
      await client.query(`SELECT set_config('search_path', $1, true)`, [this.deps.schema]);
      let a = 0;
      let dup = 0;
      for (const { message, result } of valid) {
        if (!result.ok) continue;
        if (await this.deps.repository.apply(client, result.event, { topic, partition, offset: message.offset })) a++;
        else dup++;
      }
      return [a, dup];
    });
    this.applied += applied;
    this.duplicates += duplicates;
  }

  private async deadLetter(pos: { topic: string; partition: number; offset: string }, message: KafkaMessage, reason: string, eventId?: string, eventType?: string) {
    // Already recorded (a redelivery, or a rebuild re-reading the topic): it went to the DLQ before the row was written.
    if (await this.deps.repository.isDeadLettered(pos)) return;
    const headers = headersAsStrings(message);
    this.deps.logger.warn({ ...pos, eventId, eventType, reason }, 'event failed validation; dead-lettered');
    // DLQ first, then the table: if we crash between the two, the redelivery
    // re-sends to the DLQ (harmless) and the table insert is idempotent by position.
    await this.producer.send({
      topic: this.deps.dlqTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...headers,
            dlq_reason: reason,
            dlq_source_topic: pos.topic,
            dlq_source_partition: String(pos.partition),
            dlq_source_offset: pos.offset,
          },
        },
      ],
    });
    const value = message.value === null ? null : message.value.toString('utf8');
    if (await this.deps.repository.recordDeadLetter({ ...pos, eventId, eventType, reason, headers, value })) this.deadLettered++;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }
}
