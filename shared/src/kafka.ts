/**
 * Kafka access for every minqing program goes through this module. The client
 * library is @platformatic/kafka (1.x: pure TypeScript, maintained, Node 20;
 * kafkajs, used before, has had no release since 2023); services and tests see
 * only the small types below, so a later swap stays here.
 *
 * Guarantees kept here, for every user:
 * - the producer is idempotent (acks from all in-sync replicas, one request in
 *   flight per broker, broker-side dedupe of retries) and keys messages with the
 *   Java client's partitioner (murmur2, positive): a key lands on the partition
 *   kafkajs and every other Kafka client put it on, so a case's events stay on
 *   one partition, in order, across the client change;
 * - a consumer group hands its handler one partition's messages per call, in
 *   offset order, one call per partition at a time (several partitions at once
 *   with `partitionsConcurrently`, none waiting for another), and commits an
 *   offset only after the handler returned for every message before it (manual
 *   commits; nothing is auto-committed);
 * - a consumer whose broker went away (stopped, frozen, restarted) starts again
 *   from its group's committed offsets, backing off, until it is stopped;
 * - topics are created explicitly, never by auto-creation.
 */
import {
  Admin, compatibilityPartitioner, Consumer as PlatformaticConsumer, ListOffsetTimestamps, MessagesStreamFallbackModes, MessagesStreamModes,
  ProduceAcks, Producer as PlatformaticProducer, stringDeserializer, stringSerializer, type Message, type MessagesStream,
} from '@platformatic/kafka';
import type { Logger } from './logger';

/** A message read from Kafka, in the project's own shape (not the client library's). */
export interface KafkaMessage {
  topic: string;
  partition: number;
  /** the offset, as a decimal string */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** producer's timestamp, ms since the epoch, as a decimal string */
  timestamp: string;
}

/** A message to send: the key picks the partition (same key, same partition, in order). */
export interface OutgoingMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export function parseBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

/** Where the client connects and how it is called; every client below is made from it. */
export interface KafkaClient {
  readonly brokers: string[];
  readonly clientId: string;
  readonly logger?: Logger;
}

export function createKafka(args: { brokers: string; clientId: string; logger?: Logger }): KafkaClient {
  return { brokers: parseBrokers(args.brokers), clientId: args.clientId, logger: args.logger?.child({ component: 'kafka' }) };
}

const base = (kafka: KafkaClient, suffix: string) => ({
  clientId: `${kafka.clientId}-${suffix}`,
  bootstrapBrokers: kafka.brokers,
  connectTimeout: 3_000,
  timeout: 30_000,
  retryDelay: 300,
  autocreateTopics: false,
});

const toBuffer = (v: string | Buffer | null | undefined): Buffer | undefined => (v === null || v === undefined ? undefined : typeof v === 'string' ? Buffer.from(v) : v);

type RawMessage = Message<Buffer, Buffer, string, string>;

/** Close a client without waiting for its streams (the promise overload of the library's close). */
const closeForced = (client: { close(force?: boolean): Promise<void> }): Promise<void> => client.close(true);

function fromRaw(m: RawMessage): KafkaMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of m.headers) if (k !== undefined && v !== undefined) headers[k] = v;
  return {
    topic: m.topic,
    partition: m.partition,
    offset: m.offset.toString(),
    key: m.key ?? null,
    value: m.value ?? null,
    headers,
    timestamp: m.timestamp.toString(),
  };
}

/** Admin operations the project uses: topics, offsets and groups. Open and close it around a few calls. */
export class KafkaAdmin {
  private readonly admin: Admin;

  constructor(kafka: KafkaClient, opts: { retries?: number } = {}) {
    this.admin = new Admin({ ...base(kafka, 'admin'), retries: opts.retries ?? 3 });
  }

  async close(): Promise<void> {
    await this.admin.close();
  }

  async listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** Create the topics that do not exist yet (replication factor: the broker's default). */
  async createTopics(topics: { topic: string; numPartitions: number }[]): Promise<void> {
    for (const t of topics) await this.admin.createTopics({ topics: [t.topic], partitions: t.numPartitions, replicas: -1 });
  }

  /** The brokers the cluster has registered (throws when it cannot be reached). */
  async brokers(): Promise<number> {
    const metadata = await this.admin.metadata({ topics: [], forceUpdate: true });
    return metadata.brokers.size;
  }

  private async partitions(topic: string): Promise<number[]> {
    const metadata = await this.admin.metadata({ topics: [topic], forceUpdate: true });
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    return Array.from({ length: count }, (_, i) => i);
  }

  /** Where each partition of `topic` begins (low) and ends (high: the next offset to be written). */
  async topicOffsets(topic: string): Promise<{ partition: number; low: number; high: number }[]> {
    const partitions = await this.partitions(topic);
    const at = async (timestamp: bigint) => {
      const [listed] = await this.admin.listOffsets({ topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) }] });
      return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.offset)]));
    };
    const [low, high] = [await at(ListOffsetTimestamps.EARLIEST), await at(ListOffsetTimestamps.LATEST)];
    return partitions.map((partition) => ({ partition, low: low.get(partition) ?? 0, high: high.get(partition) ?? 0 }));
  }

  /** The offsets `groupId` committed on `topic`, per partition (-1: none). */
  async committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: number }[]> {
    const partitions = await this.partitions(topic);
    const [group] = await this.admin.listConsumerGroupOffsets({ groups: [{ groupId, topics: [{ name: topic, partitionIndexes: partitions }] }] });
    const found = new Map((group?.topics.find((t) => t.name === topic)?.partitions ?? []).map((p) => [p.partitionIndex, Number(p.committedOffset)]));
    return partitions.map((partition) => ({ partition, offset: found.get(partition) ?? -1 }));
  }

  /** Move `groupId` (which must have no live member) to these offsets on `topic`. */
  async setOffsets(groupId: string, topic: string, partitions: { partition: number; offset: number }[]): Promise<void> {
    await this.admin.alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: partitions.map((p) => ({ partition: p.partition, offset: BigInt(p.offset) })) }],
    });
  }

  async listGroups(): Promise<string[]> {
    return [...(await this.admin.listGroups()).keys()];
  }

  async deleteGroups(groups: string[]): Promise<void> {
    if (groups.length) await this.admin.deleteGroups({ groups });
  }
}

/** Run `fn` with an admin client, closed afterwards. */
export async function withAdmin<T>(kafka: KafkaClient, fn: (admin: KafkaAdmin) => Promise<T>, opts: { retries?: number } = {}): Promise<T> {
  const admin = new KafkaAdmin(kafka, opts);
  try {
    return await fn(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** Create topics that do not exist yet (explicitly, never by auto-creation). */
export async function ensureTopics(kafka: KafkaClient, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length) await admin.createTopics(missing);
  });
}

/** Pings the cluster; used by /readyz and to wait for a broker. */
export async function kafkaReachable(kafka: KafkaClient): Promise<void> {
  await withAdmin(kafka, async (admin) => {
    if ((await admin.brokers()) === 0) throw new Error('no broker registered yet');
  }, { retries: 0 });
}

/**
 * An idempotent producer: acks from all in-sync replicas, one request in flight,
 * broker-side dedupe of its own retries. A send that fails (the broker gone for
 * longer than the retries) throws and the next send starts a new producer
 * session, so the caller's own retry (the outbox relay's) never meets stale
 * sequence numbers; consumers dedupe by event id whatever arrives twice.
 */
export class Producer {
  private producer: PlatformaticProducer<Buffer, Buffer, string, string> | null = null;
  private closed = false;

  constructor(private readonly kafka: KafkaClient, private readonly opts: { retries?: number } = {}) {}

  private get client() {
    if (this.closed) throw new Error('the producer was closed');
    this.producer ??= new PlatformaticProducer<Buffer, Buffer, string, string>({
      ...base(this.kafka, 'producer'),
      idempotent: true,
      acks: ProduceAcks.ALL,
      retries: this.opts.retries ?? 5,
      partitioner: compatibilityPartitioner,
      serializers: { headerKey: stringSerializer, headerValue: stringSerializer },
    });
    return this.producer;
  }

  /** Connects and starts the idempotent session (optional: the first send does it too). */
  async connect(): Promise<void> {
    await this.client.initIdempotentProducer({});
  }

  /** Send to one topic; resolves once every message was acknowledged by all in-sync replicas. */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    await this.sendBatch([{ topic, messages }]);
  }

  async sendBatch(batches: { topic: string; messages: OutgoingMessage[] }[]): Promise<void> {
    const messages = batches.flatMap(({ topic, messages: list }) =>
      list.map((m) => ({ topic, key: toBuffer(m.key), value: toBuffer(m.value), headers: m.headers ?? {} })),
    );
    if (messages.length === 0) return;
    const client = this.client;
    try {
      await client.send({ messages });
    } catch (err) {
      // Start afresh at the next send: a new producer id, new sequence numbers.
      if (this.producer === client) this.producer = null;
      await closeForced(client).catch(() => undefined);
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    this.closed = true;
    const p = this.producer;
    this.producer = null;
    await p?.close().catch(() => p.close(true));
  }
}

export function createIdempotentProducer(kafka: KafkaClient, opts: { retries?: number } = {}): Producer {
  return new Producer(kafka, opts);
}

/** One partition's messages, in offset order, for a consumer's handler. */
export interface MessageBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

export interface GroupConsumerOptions {
  groupId: string;
  topic: string;
  /** where a group with no committed offset starts: the topic's beginning (default) or its end */
  fromBeginning?: boolean;
  /** at most this many messages per handler call (default 200) */
  maxBatch?: number;
  /** partitions handled at the same time, each still in order (default 1) */
  partitionsConcurrently?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** how long a fetch waits for new messages (ms; default FETCH_MAX_WAIT_MS) */
  maxWaitTime?: number;
  /** a fetch answers once this many bytes are there or `maxWaitTime` passed (default FETCH_MIN_BYTES) */
  minBytes?: number;
  /** at most this many bytes per fetch (default FETCH_MAX_BYTES) */
  maxBytes?: number;
  /**
   * Messages the client may fetch ahead while the handler works (default: two
   * rounds of `maxBatch` for each partition handled at once), so a handler call
   * gets full batches and the broker is read while the handler writes.
   */
  readAhead?: number;
}

/**
 * Bytes per fetch, and at most FETCH_MAX_BYTES_PER_PARTITION of them from one
 * partition. The client hands a fetch's messages over before it sends the next
 * one, so small fetches keep the broker and the handler both busy (on the 2-core
 * machine 256 KiB read a backlog about twice as fast as 1 MiB, and 10 MiB, the
 * library's default, three times slower still). The broker fills a fetch from
 * the partitions in the order asked, always the same: without a per-partition
 * cap a backlog came one partition at a time, and a consumer's lanes
 * (partitionsConcurrently) took turns. With it, a fetch brings four
 * partitions' messages. 128 KiB holds a whole batch as producers here send
 * them (the outbox relay's 500 events over six partitions: about 60 KB each); a
 * larger batch still comes, only not beside another partition's.
 */
export const FETCH_MAX_BYTES = 512 * 1024;
export const FETCH_MAX_BYTES_PER_PARTITION = 128 * 1024;

/**
 * A fetch waits for this many bytes (about 16 events), or FETCH_MAX_WAIT_MS, before it answers.
 * With the broker's default of one byte, every event arriving alone is a fetch of its own for
 * every consumer group: under the lifecycle bench the broker spent more CPU per case than
 * PostgreSQL. A backlog fills a fetch at once, so reading one is as fast as before; a single
 * event waits at most FETCH_MAX_WAIT_MS to reach the figures and the notices.
 */
export const FETCH_MIN_BYTES = 16 * 1024;
export const FETCH_MAX_WAIT_MS = 250;

/**
 * A consumer group member. `run(handler)` starts it: the handler gets one
 * partition's messages at a time, in order; the offset after them is committed
 * once it resolved. A handler that throws stops nothing silently: the member
 * leaves, starts again from the committed offsets (the same messages come
 * again) and `lastError` says why. The same happens when the broker cannot be
 * reached; `ready` is true while the member is in its group and reading.
 */
export class GroupConsumer {
  private consumer: PlatformaticConsumer<Buffer, Buffer, string, string> | null = null;
  private stream: MessagesStream<Buffer, Buffer, string, string> | null = null;
  private stopping = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** by partition: the last message of the latest chunk handled and not yet committed */
  private uncommitted = new Map<string, RawMessage>();
  /** the commit requests under way, one at a time: a chunk's commit does not hold up the next chunk's handler call */
  private commits: Promise<void> = Promise.resolve();
  private committing = false;
  private joined = false;
  /** why the member last left its group or failed to join (null while all is well) */
  lastError: string | null = null;

  constructor(private readonly kafka: KafkaClient, private readonly opts: GroupConsumerOptions) {}

  get ready(): boolean {
    return this.joined && this.lastError === null && this.stream !== null;
  }

  /** Resolves once the member joined its group the first time (or throws why it could not, the loop retrying on). */
  async run(handler: (batch: MessageBatch) => Promise<void>): Promise<void> {
    if (this.loop) throw new Error('the consumer runs already');
    let first: { resolve: () => void; reject: (err: Error) => void } | null = null;
    const started = new Promise<void>((resolve, reject) => (first = { resolve, reject }));
    this.loop = this.supervise(handler, (err) => {
      const f = first;
      first = null;
      if (err) f?.reject(err);
      else f?.resolve();
    });
    await started;
  }

  private async supervise(handler: (batch: MessageBatch) => Promise<void>, started: (err?: Error) => void): Promise<void> {
    const log = this.kafka.logger;
    let backoff = 300;
    let attempts = 0;
    while (!this.stopping) {
      const consumer = new PlatformaticConsumer<Buffer, Buffer, string, string>({
        ...base(this.kafka, 'consumer'),
        retries: 3,
        groupId: this.opts.groupId,
        autocommit: false,
        sessionTimeout: this.opts.sessionTimeout ?? 30_000,
        rebalanceTimeout: 60_000,
        heartbeatInterval: this.opts.heartbeatInterval ?? 3_000,
        maxWaitTime: this.opts.maxWaitTime ?? FETCH_MAX_WAIT_MS,
        minBytes: this.opts.minBytes ?? FETCH_MIN_BYTES,
        maxBytes: this.opts.maxBytes ?? FETCH_MAX_BYTES,
        maxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
        highWaterMark: this.limits().readAhead,
        deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
      });
      this.consumer = consumer;
      consumer.on('consumer:group:join', () => {
        this.joined = true;
      });
      consumer.on('consumer:group:leave', () => {
        this.joined = false;
      });
      consumer.on('consumer:heartbeat:error', ({ error }) => log?.warn({ err: error.message, groupId: this.opts.groupId }, 'consumer heartbeat failed'));
      try {
        const stream = await consumer.consume({
          topics: [this.opts.topic],
          mode: MessagesStreamModes.COMMITTED,
          fallbackMode: this.opts.fromBeginning === false ? MessagesStreamFallbackModes.LATEST : MessagesStreamFallbackModes.EARLIEST,
        });
        this.stream = stream;
        this.joined = true;
        this.lastError = null;
        backoff = 300;
        if (attempts++ > 0) log?.info({ groupId: this.opts.groupId }, 'consumer is back in its group');
        started();
        await this.drain(stream, handler);
      } catch (err) {
        this.lastError = (err as Error).message;
        if (!this.stopping) log?.warn({ err: this.lastError, groupId: this.opts.groupId, retryInMs: backoff }, 'consumer left its group; starting again from the committed offsets');
      } finally {
        this.joined = false;
        this.stream = null;
        await this.commits; // what was applied is committed before the member leaves (a failed commit only logs)
        this.consumer = null;
        // Leaves the group; when the broker cannot be told (it is gone), at least drop the connections.
        await closeForced(consumer).catch(() => consumer.connections.close().catch(() => undefined));
      }
      if (this.stopping) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, backoff);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
      backoff = Math.min(backoff * 2, 10_000);
    }
    started(new Error(`the consumer of ${this.opts.groupId} was stopped before it joined its group`));
  }

  /**
   * Hand the stream's messages over, each partition in offset order, up to
   * `partitionsConcurrently` partitions at a time, and commit what each chunk applied;
   * until the stream ends or a handler fails. Each partition queues what was read
   * for it, and a lane that finishes takes the next chunk of a partition nobody
   * is handling (the one waiting longest first): one slow partition does not hold
   * the others up, and a read that brought only one partition's messages does not
   * leave the other lanes idle until that partition is done. A partition with a
   * whole chunk waiting goes before one with less.
   */
  private drain(stream: MessagesStream<Buffer, Buffer, string, string>, handler: (batch: MessageBatch) => Promise<void>): Promise<void> {
    // readAhead: messages taken from the stream and not yet handed over, at most this many (the stream holds as many again)
    const { maxBatch, lanes, readAhead } = this.limits();
    return new Promise<void>((resolve, reject) => {
      /** by partition: its messages read and not yet handed over; the partition waiting longest comes first */
      const queues = new Map<string, RawMessage[]>();
      /** partitions whose chunk is with the handler now */
      const handling = new Set<string>();
      const running = new Set<Promise<void>>();
      let queued = 0;
      /** the stream closed or a handler failed: nothing new starts */
      let ended = false;
      // Once the handler calls under way are done (a failed chunk must not overlap the same partition's redelivery).
      const settle = (outcome: () => void) => {
        if (ended) return;
        ended = true;
        void Promise.allSettled([...running]).then(outcome);
      };
      const fail = (err: Error) => settle(() => reject(err));
      const fill = () => {
        let m: RawMessage | null;
        while (queued < readAhead && (m = stream.read() as RawMessage | null) !== null) {
          const k = `${m.topic}:${m.partition}`;
          const q = queues.get(k);
          if (q) q.push(m);
          else queues.set(k, [m]);
          queued++;
        }
      };
      const next = () => {
        // Nothing new once the member is stopping or the stream ended (what is queued comes again from the committed offsets).
        if (ended || this.stopping) return;
        fill();
        // Whole chunks first (a backlog is applied in full chunks, each costing a few fixed round trips), then whatever waits (live traffic).
        const free = [...queues].filter(([k]) => !handling.has(k));
        for (const [k, q] of [...free.filter(([, q]) => q.length >= maxBatch), ...free.filter(([, q]) => q.length < maxBatch)]) {
          if (handling.size >= lanes) break;
          const chunk = q.splice(0, maxBatch);
          queued -= chunk.length;
          // To the back of the line: the other partitions' messages go first next time.
          queues.delete(k);
          if (q.length) queues.set(k, q);
          handling.add(k);
          const run: Promise<void> = this.handleChunk(chunk, handler).then(() => null, (err: Error) => err).then((err) => {
            handling.delete(k);
            running.delete(run);
            if (err) fail(err);
            else next();
          });
          running.add(run);
        }
      };
      stream.on('readable', next);
      stream.once('error', fail);
      // Closed by stop() (or by the client): the handler calls under way finish first.
      stream.once('close', () => settle(() => (this.stopping ? resolve() : reject(new Error('the message stream closed')))));
      next();
    });
  }

  /** Messages per handler call, partitions handled at once, and messages the client fetches ahead (as many again are queued here by partition). */
  private limits(): { maxBatch: number; lanes: number; readAhead: number } {
    const maxBatch = this.opts.maxBatch ?? 200;
    const lanes = Math.max(1, this.opts.partitionsConcurrently ?? 1);
    return { maxBatch, lanes, readAhead: this.opts.readAhead ?? maxBatch * lanes * 2 };
  }

  /** One partition's chunk to the handler; then its offset is committed (with the other partitions' waiting, see commitAll) while the next chunks are handled. */
  private async handleChunk(chunk: RawMessage[], handler: (batch: MessageBatch) => Promise<void>): Promise<void> {
    await handler({ topic: chunk[0]!.topic, partition: chunk[0]!.partition, messages: chunk.map(fromRaw) });
    const last = chunk[chunk.length - 1]!;
    this.uncommitted.set(`${last.topic}:${last.partition}`, last);
    if (this.committing) return; // the request under way takes it along when it is done
    this.committing = true;
    this.commits = this.commitAll();
  }

  /**
   * Commit what was handled: every partition waiting, in one request, until none waits. Chunks
   * that finish while a request is under way go together in the next, so the broker gets one
   * commit per round trip, not one per chunk (a commit is a write to its offsets log).
   */
  private async commitAll(): Promise<void> {
    while (this.uncommitted.size > 0) {
      const lasts = [...this.uncommitted.values()];
      this.uncommitted.clear();
      // The consumer the messages were read by; gone (left the group) means nothing more can be committed.
      const consumer = this.consumer;
      try {
        if (!consumer) throw new Error('the consumer left its group');
        // leaderEpoch -1: not checked against the partition leader's epoch (a message does not carry it).
        await consumer.commit({ offsets: lasts.map((m) => ({ topic: m.topic, partition: m.partition, offset: m.offset + 1n, leaderEpoch: -1 })) });
      } catch (err) {
        // Applied but not committed: these come again (to this member or the partitions' new owner) and are no-ops then.
        this.kafka.logger?.warn({ err: (err as Error).message, groupId: this.opts.groupId, partitions: lasts.map((m) => m.partition) }, 'offset commit failed; the messages will be delivered again');
      }
    }
    this.committing = false;
  }

  /** Leave the group: the handler call under way finishes first; nothing after it is committed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.stream?.close().catch(() => undefined); // ends drain() once the handler call under way is done
    await this.loop?.catch(() => undefined);
    this.loop = null;
    this.joined = false;
  }
}

export function createConsumer(kafka: KafkaClient, opts: GroupConsumerOptions): GroupConsumer {
  return new GroupConsumer(kafka, opts);
}

/**
 * Reads `topic` from its beginning up to its end as of the call (or until `until`
 * says stop) without a consumer group (tests, tools): every message in offset
 * order per partition.
 */
export async function readTopic(kafka: KafkaClient, topic: string, opts: { until?: (m: KafkaMessage) => boolean; timeoutMs?: number } = {}): Promise<KafkaMessage[]> {
  const ends = await withAdmin(kafka, (admin) => admin.topicOffsets(topic));
  const want = new Map(ends.filter((p) => p.high > p.low).map((p) => [p.partition, p.high]));
  const out: KafkaMessage[] = [];
  if (want.size === 0 && !opts.until) return out;
  const consumer = new PlatformaticConsumer<Buffer, Buffer, string, string>({
    ...base(kafka, 'reader'),
    groupId: `reader-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    autocommit: false,
    maxWaitTime: 500,
    maxBytes: FETCH_MAX_BYTES,
    deserializers: { headerKey: stringDeserializer, headerValue: stringDeserializer },
  });
  const seen = new Map<number, number>();
  const done = () => [...want].every(([p, high]) => (seen.get(p) ?? 0) >= high);
  try {
    const stream = await consumer.consume({ topics: [topic], mode: MessagesStreamModes.EARLIEST });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} took over ${opts.timeoutMs ?? 60_000} ms`)), opts.timeoutMs ?? 60_000);
      const finish = (err?: Error) => {
        clearTimeout(timer);
        stream.removeAllListeners('data');
        if (err) reject(err);
        else resolve();
      };
      stream.once('error', finish);
      stream.on('data', (raw: RawMessage) => {
        const m = fromRaw(raw);
        seen.set(m.partition, Math.max(seen.get(m.partition) ?? 0, Number(m.offset) + 1));
        if (opts.until) {
          out.push(m);
          if (opts.until(m)) finish();
          return;
        }
        if (Number(m.offset) < (want.get(m.partition) ?? 0)) out.push(m);
        if (done()) finish();
      });
    });
  } finally {
    await closeForced(consumer).catch(() => undefined);
  }
  return out;
}
