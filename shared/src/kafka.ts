/**
 * Kafka access for every minqing program goes through this module, so the client
 * library (kafkajs today; it has had no release since 2023) can be swapped for a
 * KafkaJS-compatible one here without touching the services.
 */
import { Kafka, logLevel as KafkaLogLevel, type Admin, type Consumer, type Producer, type KafkaMessage, type IHeaders } from 'kafkajs';
import type { Logger } from './logger';

export type { Admin, Consumer, Producer, KafkaMessage, IHeaders };
export type KafkaClient = Kafka;

export function parseBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

export function createKafka(args: { brokers: string; clientId: string; logger?: Logger }): Kafka {
  const log = args.logger?.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: args.clientId,
    brokers: parseBrokers(args.brokers),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 },
    logLevel: KafkaLogLevel.WARN,
    logCreator: () => (entry) => {
      if (!log) return;
      const { message, ...rest } = entry.log;
      const fields = { ...rest, namespace: entry.namespace };
      if (entry.level <= KafkaLogLevel.ERROR) log.error(fields, message);
      else if (entry.level === KafkaLogLevel.WARN) log.warn(fields, message);
      else log.debug(fields, message);
    },
  });
}

/** Create topics that do not exist yet (explicitly, never by auto-creation). */
export async function ensureTopics(kafka: Kafka, topics: { topic: string; numPartitions: number }[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions, replicationFactor: -1 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

/** An idempotent producer: broker-side dedupe of retries, in order per partition. */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
}

/** Pings the cluster; used by /readyz. */
export async function kafkaReachable(kafka: Kafka): Promise<void> {
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
}
