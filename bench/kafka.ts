/**
 * Kafka clients side by side, in one run against one broker: the client the
 * services use now (@platformatic/kafka, through shared/src/kafka.ts) and the
 * one they used before (kafkajs 2.2.4, kept only as a devDependency of bench/
 * for this comparison). Each round and each client gets its own topic.
 *
 *  - produce: the outbox relay's way: idempotent producer, acks from all
 *    in-sync replicas, batches of 500 CloudEvents keyed by case id;
 *  - consume: the reporting consumer's way: a new consumer group from the
 *    topic's beginning, 200-message chunks per partition, the offset committed
 *    after each chunk (nothing else done with the messages).
 *
 * The broker is the local stack's (KAFKA_VERSION, or MINQING_KAFKA_VERSION), on
 * free ports in a temporary folder, unless KAFKA_BROKERS names one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, kafkaVersion, startKafka } from '@minqing/infra';
import {
  buildEvent, createConsumer, createIdempotentProducer, createKafka, ensureTopics, eventIdFor, toKafkaRecord, type KafkaRecord,
} from '@minqing/shared';

const PARTITIONS = 6;
const PRODUCE_BATCH = 500;
const CHUNK = 200;

/** n schema-valid case events (opened), keyed by case id like the outbox relay's. */
function records(n: number): KafkaRecord[] {
  const at = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => {
    const caseId = `00000000-0000-4000-8000-${String(i % Math.ceil(n / 4)).padStart(12, '0')}`;
    return toKafkaRecord(buildEvent({
      id: eventIdFor(caseId, `bench-${i}`), source: '/bench', type: 'org.minqing.case.opened.v1', subject: caseId, time: at,
      data: { caseId, trackingCode: `MQ-${String(i).padStart(8, '0')}`, category: 'policy_question', priority: 'normal', channel: 'hall', servicePointCode: null, villageCode: 'v1', householdCode: null, openedAt: at, openedBy: null },
    }));
  });
}

interface Figures {
  produce: number;
  consume: number;
}

async function platformatic(brokers: string, topic: string, messages: KafkaRecord[]): Promise<Figures> {
  const kafka = createKafka({ brokers, clientId: 'bench-platformatic' });
  await ensureTopics(kafka, [{ topic, numPartitions: PARTITIONS }]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += PRODUCE_BATCH) await producer.send(topic, messages.slice(i, i + PRODUCE_BATCH));
  const produceSeconds = (performance.now() - t0) / 1000;
  await producer.disconnect();

  const consumer = createConsumer(kafka, { groupId: `${topic}-group`, topic, fromBeginning: true, maxBatch: CHUNK, partitionsConcurrently: 3 });
  let seen = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  const t1 = performance.now();
  await consumer.run(async ({ messages: chunk }) => {
    seen += chunk.length;
    if (seen >= messages.length) done();
  });
  await all;
  const consumeSeconds = (performance.now() - t1) / 1000;
  await consumer.stop();
  return { produce: messages.length / produceSeconds, consume: messages.length / consumeSeconds };
}

async function kafkajs(brokers: string, topic: string, messages: KafkaRecord[]): Promise<Figures> {
  const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  const t0 = performance.now();
  for (let i = 0; i < messages.length; i += PRODUCE_BATCH) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + PRODUCE_BATCH) });
  const produceSeconds = (performance.now() - t0) / 1000;
  await producer.disconnect();

  // What the reporting consumer did with kafkajs: eachBatch, chunks, resolveOffset + commit after each.
  const consumer = kafka.consumer({ groupId: `${topic}-group`, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const t1 = performance.now();
  await new Promise<void>((resolve) => {
    void consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
        for (let i = 0; i < batch.messages.length; i += CHUNK) {
          const chunk = batch.messages.slice(i, i + CHUNK);
          for (const m of chunk) resolveOffset(m.offset);
          await commitOffsetsIfNecessary();
          await heartbeat();
          seen += chunk.length;
          if (seen >= messages.length) resolve();
        }
      },
    });
  });
  const consumeSeconds = (performance.now() - t1) / 1000;
  await consumer.disconnect();
  return { produce: messages.length / produceSeconds, consume: messages.length / consumeSeconds };
}

export async function kafkaBench(n: number, rounds: number): Promise<void> {
  let brokers = process.env.KAFKA_BROKERS;
  let dir: string | null = null;
  let broker: Awaited<ReturnType<typeof startKafka>> | null = null;
  const version = brokers ? 'given (KAFKA_BROKERS)' : kafkaVersion();
  if (!brokers) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minqing-bench-kafka-'));
    fs.mkdirSync(path.join(dir, 'run'));
    broker = await startKafka({ dataDir: dir, runDir: path.join(dir, 'run'), port: await freePort(), controllerPort: await freePort(), partitions: PARTITIONS });
    brokers = broker.brokers;
  }
  const messages = records(n);
  const bytes = messages.reduce((s, m) => s + m.value.length + m.key.length + Object.entries(m.headers).reduce((h, [k, v]) => h + k.length + v.length, 0), 0) / messages.length;
  const run = Date.now().toString(36);
  const results: Record<'kafkajs' | 'platformatic', Figures[]> = { kafkajs: [], platformatic: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      // Alternate which client goes first, so neither always meets a warmer broker.
      const order = r % 2 === 0 ? (['kafkajs', 'platformatic'] as const) : (['platformatic', 'kafkajs'] as const);
      for (const client of order) {
        const topic = `bench-kafka-${run}-${r}-${client}`;
        results[client].push(client === 'kafkajs' ? await kafkajs(brokers, topic, messages) : await platformatic(brokers, topic, messages));
      }
    }
  } finally {
    await broker?.proc.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const row = (label: string, f: Figures[]) =>
    `  ${label.padEnd(36)} produce ${median(f.map((x) => x.produce)).toFixed(0).padStart(7)} msgs/s   consume ${median(f.map((x) => x.consume)).toFixed(0).padStart(7)} msgs/s`;
  const pj = median(results.platformatic.map((x) => x.produce)) / median(results.kafkajs.map((x) => x.produce));
  const cj = median(results.kafkajs.map((x) => x.consume));
  const cp = median(results.platformatic.map((x) => x.consume));
  process.stdout.write(
    [
      '',
      `kafka bench: ${n} messages (~${bytes.toFixed(0)} bytes each) × ${rounds} rounds per client, ${PARTITIONS} partitions, Kafka ${version}, ${os.cpus().length} cores (medians)`,
      `  produce: idempotent, acks all, batches of ${PRODUCE_BATCH}; consume: new group from the beginning, ${CHUNK}-message chunks, offset committed after each`,
      row('kafkajs 2.2.4 (before)', results.kafkajs),
      row('@platformatic/kafka 1.35.0 (now)', results.platformatic),
      `  ratio now/before: produce ${pj.toFixed(2)}, consume ${(cp / cj).toFixed(2)}`,
      `  load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
      '',
    ].join('\n'),
  );
}
