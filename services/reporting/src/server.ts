/** reporting entry point: migrate its schema, consume case events, serve the figures. */
import { CASE_API_ISSUER, closeOnSignals, ConfigError, createKafka, createLogger, createPool, ensureTopics, migrate, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenVerifier } from '@minqing/shared';
import { buildApp } from './app';
import { loadReportingConfig } from './config';
import { EventConsumer } from './event.consumer';
import { LIVE_SCHEMA, Rebuilder } from './rebuild';
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
  const makeConsumer = (opts: { groupId: string; schema: string }) =>
    new EventConsumer(kafka, {
      pool,
      repository: new ReportRepository(pool),
      logger,
      topic: config.CASE_EVENTS_TOPIC,
      dlqTopic: config.CASE_EVENTS_DLQ_TOPIC,
      ...opts,
    });
  const live = { groupId: config.REPORTING_GROUP_ID, schema: LIVE_SCHEMA };
  // Rebuild into shadow tables, swapped in atomically once complete and checked (rebuild.ts).
  const rebuild = new Rebuilder({
    pool,
    kafka,
    logger,
    topic: config.CASE_EVENTS_TOPIC,
    groupId: config.REPORTING_GROUP_ID,
    consumer: makeConsumer,
    pauseLive: () => consumer.stop(),
    resumeLive: async () => {
      consumer = makeConsumer(live);
      await consumer.start();
    },
  });
  // What an interrupted rebuild left is dropped; the live projection is as it was.
  await rebuild.recover();
  let consumer = makeConsumer(live);
  await consumer.start();
  // An upgrade whose projection needs the events read again rebuilds by itself.
  await rebuild.upgradeIfOutdated();

  // Only the case API calls reporting, with a service token for the signed-in person (see service-auth.ts).
  const verifier = new ServiceTokenVerifier({ secrets: parseServiceTokenSecrets(config.SERVICE_TOKEN_SECRETS), audience: REPORTING_AUDIENCE, issuers: [CASE_API_ISSUER] });
  const app = await buildApp({ pool, logger, consumerReady: () => consumer.ready, rebuild, verifier,
    eventContract: { baseUrl: config.EVENT_SCHEMA_BASE_URL, topic: config.CASE_EVENTS_TOPIC, dlqTopic: config.CASE_EVENTS_DLQ_TOPIC } });
  await app.listen({ host: config.REPORTING_HOST, port: config.REPORTING_PORT });
  closeOnSignals(logger, async () => {
    await app.close();
    await rebuild.close();
    await consumer.stop();
    await pool.end();
  });
}

main().catch((err) => {
  process.stderr.write(`reporting failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
