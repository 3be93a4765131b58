/**
 * case-worker entry point: migrates the `casework` schema (its own, and only
 * that), runs the Temporal worker for the task queue (the case and work-record
 * workflows), the outbox relay, the notifier (notify/: a consumer of the case
 * events with its own group, delivering over SMS, e-mail and in-app), and a
 * small HTTP server for /healthz, /readyz, the relay's lag and /notifier.
 *
 * Routing reads the `directory` schema, which the case API owns and migrates.
 * The worker neither migrates it nor waits for it to be ready: until it exists
 * the routing activity fails and Temporal retries it (no cap, backing off), so
 * a case opened meanwhile is routed once the directory is there. That also keeps
 * the start order free of a cycle: the case API's readiness waits for this
 * service's schema, so this service's must not wait for the API's.
 */
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { fileURLToPath } from 'node:url';
import {
  closeOnSignals, ensureSearchAttributes, ConfigError, createIdempotentProducer, createKafka,
  createLogger, createPool, ensureTopics, fastifyOptions, getDataConverter, migrate, registerHealth, registerProblemHandlers,
} from '@minqing/shared';
import { loadWorkerConfig } from './config';
import { createActivities } from './activities';
import { Casework, CASEWORK_MIGRATIONS_DIR, CASEWORK_SCHEMA, OutboxRelay } from './casework/index';
import { EmailChannel, InAppChannel, SmsGatewayChannel, type DeliveryChannel } from './notify/channels';
import { Notifier } from './notify/notifier';
import { WORKFLOW_BUNDLER_OPTIONS } from '@minqing/workflows/bundle';

/** Every workflow this worker runs (case and work record), bundled from one entry. */
const workflowsPath = fileURLToPath(import.meta.resolve('@minqing/workflows/all'));

async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`case-worker: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger('case-worker', config.LOG_LEVEL);
  // We order the shutdown ourselves (HTTP, worker drain, relay, clients), so the
  // SDK must not react to SIGINT/SIGTERM on its own.
  Runtime.install({ shutdownSignals: [] });

  await migrate({ databaseUrl: config.DATABASE_URL, dir: CASEWORK_MIGRATIONS_DIR, schema: CASEWORK_SCHEMA, logger });
  const pool = createPool(config.DATABASE_URL, { application: 'case-worker', max: 10 });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? 'minqing-case-worker', logger });
  await ensureTopics(kafka, [{ topic: config.CASE_EVENTS_TOPIC, numPartitions: config.KAFKA_TOPIC_PARTITIONS }]);
  const producer = createIdempotentProducer(kafka);
  await producer.connect();

  const admin = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const added = await ensureSearchAttributes(admin, config.TEMPORAL_NAMESPACE).finally(() => admin.close());
  if (added.length) logger.info({ added }, 'registered search attributes');
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowsPath,
    bundlerOptions: WORKFLOW_BUNDLER_OPTIONS,
    // Payloads are encrypted (AES-256-GCM, PAYLOAD_KEYS) before they reach Temporal; see shared/src/temporal-codec.ts.
    dataConverter: getDataConverter(config.PAYLOAD_KEYS),
    activities: createActivities({
      pool,
      logger,
      casework: new Casework({ pool, source: config.EVENT_SOURCE, topic: config.CASE_EVENTS_TOPIC, schemaBaseUrl: config.EVENT_SCHEMA_BASE_URL }),
    }),
    shutdownGraceTime: '10 seconds',
  });

  const relay = new OutboxRelay({ pool, producer, logger, batchSize: config.OUTBOX_BATCH_SIZE, pollMs: config.OUTBOX_POLL_MS, lingerMs: config.OUTBOX_LINGER_MS });
  relay.start();

  // Notifications: driven by the case events (own consumer group), one adapter per configured channel.
  const channels: DeliveryChannel[] = [new InAppChannel()];
  if (config.NOTIFY_SMS_URL) channels.push(new SmsGatewayChannel({ url: config.NOTIFY_SMS_URL, apiKey: config.NOTIFY_SMS_API_KEY, sender: 'minqing' }));
  if (config.NOTIFY_SMTP_URL) channels.push(new EmailChannel({ smtpUrl: config.NOTIFY_SMTP_URL, from: config.NOTIFY_EMAIL_FROM }));
  const notifier = new Notifier(kafka, {
    pool, logger: logger.child({ component: 'notifier' }), channels, topic: config.CASE_EVENTS_TOPIC, groupId: config.NOTIFY_GROUP_ID,
    quietHours: config.NOTIFY_QUIET_HOURS, maxAttempts: config.NOTIFY_MAX_ATTEMPTS, retryBaseMs: config.NOTIFY_RETRY_BASE_MS,
    retryMaxMs: config.NOTIFY_RETRY_MAX_MS, pollMs: config.NOTIFY_POLL_MS, maxAgeMs: config.NOTIFY_MAX_AGE_HOURS * 3_600_000,
  });
  await notifier.start();
  logger.info({ channels: notifier.enabledChannels, group: config.NOTIFY_GROUP_ID }, 'notifier started');

  const app = Fastify(fastifyOptions({ service: 'case-worker', logLevel: config.LOG_LEVEL, logger }));
  registerProblemHandlers(app);
  registerHealth(app, {
    postgres: () => pool.query('SELECT 1'),
    temporalWorker: async () => {
      if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
    },
    notifier: async () => {
      if (!notifier.ready) throw new Error('notifier has not joined its consumer group');
    },
    outboxRelay: async () => {
      const lag = await relay.lag();
      if (lag.lastError && (lag.oldestUnpublishedAgeMs ?? 0) > 30_000) throw new Error(`relay stuck: ${lag.lastError}`);
    },
  });
  app.get('/outbox/lag', async () => relay.lag());
  app.get('/notifier', async () => ({ ready: notifier.ready, channels: notifier.enabledChannels, lastError: notifier.lastError, staleSkipped: notifier.stale }));
  await app.listen({ host: config.WORKER_HOST, port: config.WORKER_PORT });

  const running = worker.run();
  closeOnSignals(logger, async () => {
    await app.close();
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch((err) => logger.error({ err }, 'worker stopped with error'));
    await relay.stop();
    await notifier.stop();
    await producer.disconnect();
    await connection.close();
    await pool.end();
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, port: config.WORKER_PORT }, 'case-worker started');
  await running.catch((err) => {
    logger.fatal({ err }, 'worker crashed');
    process.exit(1);
  });
}

main().catch((err) => {
  process.stderr.write(`case-worker failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
