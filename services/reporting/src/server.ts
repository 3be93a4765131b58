/** reporting entry point: migrate its schema, consume case events, serve the figures. */
import { CASE_API_ISSUER, closeOnSignals, ConfigError, createKafka, createLogger, createPool, ensureTopics, migrate, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenVerifier } from '@minqing/shared';
import { buildApp } from './app';
import { loadReportingConfig } from './config';
import { EventConsumer } from './event.consumer';
import { ReportRepository } from './report.repository';
import type { RebuildControl } from './routes/frozen.routes';

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
  const makeConsumer = () =>
    new EventConsumer(kafka, {
      pool,
      repository: new ReportRepository(pool),
      logger,
      topic: config.CASE_EVENTS_TOPIC,
      dlqTopic: config.CASE_EVENTS_DLQ_TOPIC,
      groupId: config.REPORTING_GROUP_ID,
    });
  let consumer = makeConsumer();
  await consumer.start();

  // Rebuild: stop consuming, empty the projections (frozen reports stay), rewind
  // the group to the start of the topic, consume again; done when the group has
  // caught up with where the topic ended when the rebuild began.
  const status: ReturnType<RebuildControl['status']> = { state: 'idle', startedAt: null, finishedAt: null, error: null, startedBy: null };
  const rebuild: RebuildControl = {
    status: () => ({ ...status }),
    async start(startedBy) {
      Object.assign(status, { state: 'rebuilding', startedAt: new Date().toISOString(), finishedAt: null, error: null, startedBy });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const targets = await admin.fetchTopicOffsets(config.CASE_EVENTS_TOPIC);
        await consumer.stop();
        await pool.query('TRUNCATE reporting.escalations, reporting.case_facts, reporting.work_facts, reporting.dead_letters, reporting.processed_events');
        await admin.resetOffsets({ groupId: config.REPORTING_GROUP_ID, topic: config.CASE_EVENTS_TOPIC, earliest: true });
        consumer = makeConsumer();
        await consumer.start();
        logger.info({ startedBy }, 'rebuild: consuming the topic from the beginning');
        void (async () => {
          try {
            for (;;) {
              const [committed] = await admin.fetchOffsets({ groupId: config.REPORTING_GROUP_ID, topics: [config.CASE_EVENTS_TOPIC] });
              const done = targets.every((t) => t.high === '0' || Number(committed?.partitions.find((p) => p.partition === t.partition)?.offset ?? -1) >= Number(t.high));
              if (done) break;
              await new Promise((r) => setTimeout(r, 250));
            }
            Object.assign(status, { state: 'idle', finishedAt: new Date().toISOString() });
            logger.info('rebuild finished');
          } catch (err) {
            Object.assign(status, { state: 'failed', error: (err as Error).message });
          } finally {
            await admin.disconnect();
          }
        })();
      } catch (err) {
        Object.assign(status, { state: 'failed', error: (err as Error).message });
        await admin.disconnect().catch(() => undefined);
        throw err;
      }
    },
  };
  // Only the case API calls reporting, with a service token for the signed-in person (see service-auth.ts).
  const verifier = new ServiceTokenVerifier({ secrets: parseServiceTokenSecrets(config.SERVICE_TOKEN_SECRETS), audience: REPORTING_AUDIENCE, issuers: [CASE_API_ISSUER] });
  const app = await buildApp({ pool, logger, consumerReady: () => consumer.ready, rebuild, verifier });
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
