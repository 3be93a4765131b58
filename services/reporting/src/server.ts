/** reporting entry point: migrate its schema, consume case events, serve the figures. */
import { closeOnSignals, ConfigError, createKafka, createLogger, createPool, ensureTopics, migrate } from '@minqing/shared';
import { buildApp } from './app';
import { loadReportingConfig } from './config';
import { EventConsumer } from './event.consumer';
import { ReportRepository } from './report.repository';

const MIGRATIONS_DIR = new URL('../migrations', import.meta.url).pathname;

async function main(): Promise<void> {
  let config;
  try {
    config = loadReportingConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`reporting: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger('reporting', config.LOG_LEVEL);
  await migrate({ databaseUrl: config.DATABASE_URL, dir: MIGRATIONS_DIR, schema: 'reporting', logger });
  const pool = createPool(config.DATABASE_URL, { application: 'reporting' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'minqing-reporting', logger });
  await ensureTopics(kafka, [
    { topic: config.CASE_EVENTS_TOPIC, numPartitions: config.KAFKA_TOPIC_PARTITIONS },
    { topic: config.CASE_EVENTS_DLQ_TOPIC, numPartitions: 1 },
  ]);
  const consumer = new EventConsumer(kafka, {
    pool,
    repository: new ReportRepository(pool),
    logger,
    topic: config.CASE_EVENTS_TOPIC,
    dlqTopic: config.CASE_EVENTS_DLQ_TOPIC,
    groupId: config.REPORTING_GROUP_ID,
  });
  await consumer.start();
  const app = await buildApp({ pool, logger, consumerReady: () => consumer.ready });
  await app.listen({ host: config.REPORTING_HOST, port: config.REPORTING_PORT });
  closeOnSignals(logger, async () => {
    await app.close();
    await consumer.stop();
    await pool.end();
  });
}

main().catch((err) => {
  process.stderr.write(`reporting failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
