/**
 * case-api entry point: read config, migrate the `directory` schema (its own,
 * and only that), connect, listen, close on SIGTERM. The `casework` tables it
 * reads are the case-worker's; /readyz waits for them (see app.ts).
 */
import { closeOnSignals, ConfigError, connectTemporal, createLogger, createPool, EncryptionCodec, migrate } from '@minqing/shared';
import { buildApp } from './app';
import { loadApiConfig } from './config';
import { DIRECTORY_MIGRATIONS_DIR, DIRECTORY_SCHEMA } from './schemas';

async function main(): Promise<void> {
  let config;
  try {
    config = loadApiConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`case-api: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger('case-api', config.LOG_LEVEL);
  await migrate({ databaseUrl: config.DATABASE_URL, dir: DIRECTORY_MIGRATIONS_DIR, schema: DIRECTORY_SCHEMA, logger });
  const pool = createPool(config.DATABASE_URL, { application: 'case-api' });
  // One codec (the key ring) for the client and the codec endpoint the Web UI and CLI decode through.
  const codec = new EncryptionCodec(config.PAYLOAD_KEYS);
  const temporal = await connectTemporal(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, codec);
  const app = await buildApp({ pool, temporal, taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    reportingUrl: config.REPORTING_URL,
    serviceTokenSecrets: config.SERVICE_TOKEN_SECRETS,
    sessionTtlMinutes: config.SESSION_TTL_MINUTES,
    secureCookie: config.COOKIE_SECURE,
    adminPassword: config.ADMIN_PASSWORD,
    adminMustChangePassword: config.ADMIN_MUST_CHANGE_PASSWORD,
    webDir: config.WEB_DIR,
    codec: { codec, corsOrigins: config.CODEC_CORS_ORIGINS.split(',') },
    eventContract: { baseUrl: config.EVENT_SCHEMA_BASE_URL, topic: config.CASE_EVENTS_TOPIC, dlqTopic: config.CASE_EVENTS_DLQ_TOPIC },
  });
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  closeOnSignals(logger, async () => {
    await app.close();
    await temporal.connection.close();
    await pool.end();
  });
}

main().catch((err) => {
  process.stderr.write(`case-api failed to start: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
