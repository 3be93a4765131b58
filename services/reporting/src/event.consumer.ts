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
  createConsumer, createIdempotentProducer, fromKafkaMessage, inTransaction, type GroupConsumer, type KafkaClient, type KafkaMessage, type Logger, type Pool, type Producer,
} from '@minqing/shared';
import type { ReportRepository } from './report.repository';

/**
 * Messages fetched per batch and applied per database transaction: a chunk costs a
 * few fixed round trips, so larger chunks apply more events per second (see the
 * reporting bench in the README).
 */
export const CHUNK = 1000;

export class EventConsumer {
  private consumer: GroupConsumer;
  private producer: Producer;
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
    // Each partition in offset order, up to 3 partitions at a time; a chunk's offsets are committed after handleChunk resolved.
    this.consumer = createConsumer(kafka, { groupId: deps.groupId, topic: deps.topic, fromBeginning: true, maxBatch: CHUNK, partitionsConcurrently: 3 });
    this.producer = createIdempotentProducer(kafka);
  }

  get ready(): boolean {
    return this.consumer.ready;
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.run(async ({ topic, partition, messages }) => {
      await this.handleChunk(topic, partition, messages);
      this.positions.set(partition, Number(messages[messages.length - 1]!.offset) + 1);
    });
  }

  /**
   * A chunk of one partition's messages: invalid ones to the dead-letter topic,
   * valid ones applied in ONE transaction, set-based (each still deduplicated by
   * its event id; see ReportRepository.apply). A crash before the commit applies nothing and commits no
   * offset, so the chunk is simply delivered again.
   */
  private async handleChunk(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    const decoded = messages.map((message) => ({ message, result: fromKafkaMessage(message) }));
    for (const { message, result } of decoded) {
      if (!result.ok) await this.deadLetter({ topic, partition, offset: message.offset }, message, result.reason, result.id, result.type);
    }
    const valid = decoded.filter((d) => d.result.ok);
    if (valid.length === 0) return;
    const { applied, duplicates } = await inTransaction(this.deps.pool, async (client) => {
      await client.query(`SELECT set_config('search_path', $1, true)`, [this.deps.schema]);
      return this.deps.repository.apply(client, valid.flatMap(({ message, result }) => (result.ok ? [{ event: result.event, pos: { topic, partition, offset: message.offset } }] : [])));
    });
    this.applied += applied;
    this.duplicates += duplicates;
  }

  private async deadLetter(pos: { topic: string; partition: number; offset: string }, message: KafkaMessage, reason: string, eventId?: string, eventType?: string) {
    // Already recorded (a redelivery, or a rebuild re-reading the topic): it went to the DLQ before the row was written.
    if (await this.deps.repository.isDeadLettered(pos)) return;
    const headers = message.headers;
    this.deps.logger.warn({ ...pos, eventId, eventType, reason }, 'event failed validation; dead-lettered');
    // DLQ first, then the table: if we crash between the two, the redelivery
    // re-sends to the DLQ (harmless) and the table insert is idempotent by position.
    await this.producer.send(this.deps.dlqTopic, [
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
    ]);
    const value = message.value === null ? null : message.value.toString('utf8');
    if (await this.deps.repository.recordDeadLetter({ ...pos, eventId, eventType, reason, headers, value })) this.deadLettered++;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.producer.disconnect();
  }
}
