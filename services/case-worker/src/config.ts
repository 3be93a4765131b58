import { Type } from '@sinclair/typebox';
import { CommonConfig, DatabaseUrl, EventContractConfig, Host, KafkaConfig, loadConfig, PayloadKeysConfig, Port, TemporalConfig } from '@minqing/shared';

export const WorkerConfigSchema = Type.Object({
  ...CommonConfig,
  ...TemporalConfig,
  /** the key ring that encrypts Temporal payloads (shared with the case API) */
  ...PayloadKeysConfig,
  ...KafkaConfig,
  /** every event's ce_dataschema is the URL of its schema under this public base */
  ...EventContractConfig,
  DATABASE_URL: DatabaseUrl,
  WORKER_HOST: Host(),
  WORKER_PORT: Port(8082),
  OUTBOX_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 5000, default: 500 }),
  OUTBOX_POLL_MS: Type.Integer({ minimum: 10, default: 1000 }),
  /** how long the relay lets announced rows gather before it publishes them in one request */
  OUTBOX_LINGER_MS: Type.Integer({ minimum: 0, maximum: 1000, default: 20 }),
  EVENT_SOURCE: Type.String({ minLength: 1, default: '/minqing/case-worker' }),
  // Notifications (issue 14; services/case-worker/src/notify). A channel without its variables is off.
  /** the notifier's own consumer group on the case events */
  NOTIFY_GROUP_ID: Type.String({ minLength: 1, default: 'minqing-notifier' }),
  /** SMS gateway endpoint (HTTP POST, JSON {to, text, reference}); unset: no SMS */
  NOTIFY_SMS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** the gateway's API key, sent as `Authorization: Bearer …` */
  NOTIFY_SMS_API_KEY: Type.Optional(Type.String({ minLength: 1, secret: true, description: 'the SMS gateway API key' })),
  /** SMTP server for residents' e-mail, e.g. smtp://user:pass@mail.example:587 or smtps://…; unset: no e-mail */
  NOTIFY_SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://', secret: true, description: 'an smtp:// or smtps:// URL' })),
  NOTIFY_EMAIL_FROM: Type.String({ minLength: 3, default: '民情 minqing <noreply@minqing.local>' }),
  /** residents' SMS and e-mail wait out this window (township local time), unless administrators set it in the console: HH:MM-HH:MM or off */
  NOTIFY_QUIET_HOURS: Type.String({ pattern: '^(off|([01]\\d|2[0-3]):[0-5]\\d-([01]\\d|2[0-3]):[0-5]\\d)$', default: '21:00-08:00' }),
  /** attempts before a delivery goes to the dead-letter list */
  /** an event older than this when the notifier first reads it notifies nobody (a new notifier group, or one far behind, does not send a backlog of stale news) */
  NOTIFY_MAX_AGE_HOURS: Type.Integer({ minimum: 1, maximum: 8760, default: 24 }),
  NOTIFY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  /** first retry delay; doubles per attempt up to NOTIFY_RETRY_MAX_MS */
  NOTIFY_RETRY_BASE_MS: Type.Integer({ minimum: 10, default: 30_000 }),
  NOTIFY_RETRY_MAX_MS: Type.Integer({ minimum: 10, default: 3_600_000 }),
  NOTIFY_POLL_MS: Type.Integer({ minimum: 10, default: 1000 }),
});
export type WorkerConfig = ReturnType<typeof loadWorkerConfig>;
export const loadWorkerConfig = (env = process.env) => loadConfig(WorkerConfigSchema, env);
