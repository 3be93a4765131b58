import { Type } from '@sinclair/typebox';
import { CommonConfig, DatabaseUrl, Host, KafkaConfig, loadConfig, PayloadKeysConfig, Port, TemporalConfig } from '@minqing/shared';

export const WorkerConfigSchema = Type.Object({
  ...CommonConfig,
  ...TemporalConfig,
  /** the key ring that encrypts Temporal payloads (shared with the case API) */
  ...PayloadKeysConfig,
  ...KafkaConfig,
  DATABASE_URL: DatabaseUrl,
  WORKER_HOST: Host(),
  WORKER_PORT: Port(8082),
  OUTBOX_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
  OUTBOX_POLL_MS: Type.Integer({ minimum: 10, default: 1000 }),
  EVENT_SOURCE: Type.String({ minLength: 1, default: '/minqing/case-worker' }),
});
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export const loadWorkerConfig = (env = process.env) => loadConfig(WorkerConfigSchema, env);
