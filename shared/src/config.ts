/**
 * Configuration is read once from the environment, validated against a TypeBox
 * schema and returned typed. A missing or bad variable stops start-up with a
 * message that names it, instead of failing later in some driver.
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Parse `env` against `schema`; property names are the variable names. */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') picked[key] = raw;
  }
  const withDefaults = Value.Default(schema, picked);
  const converted = Value.Convert(schema, withDefaults);
  const errors = [...Value.Errors(schema, converted)];
  if (errors.length > 0) {
    const seen = new Set<string>();
    const problems = [];
    for (const e of errors) {
      const variable = e.path.replace(/^\//, '') || '(root)';
      if (seen.has(variable)) continue;
      seen.add(variable);
      const missing = env[variable] === undefined || env[variable] === '';
      // A property marked `secret: true` (keys, shared secrets) is never echoed: say what it must be instead.
      const property = schema.properties[variable] as { secret?: boolean; description?: string } | undefined;
      const secret = property?.secret === true;
      const expected = secret && property?.description ? property.description : e.message;
      problems.push({
        variable,
        message: missing
          ? `is required (${expected})`
          : secret
            ? `must be ${expected}; the value given (${String(env[variable]).length} characters) is not shown`
            : `${e.message}, got ${JSON.stringify(env[variable])}`,
      });
    }
    throw new ConfigError(problems);
  }
  return converted as Static<T>;
}

// Reusable pieces so every service spells its variables the same way.
export const Port = (def: number) => Type.Integer({ minimum: 0, maximum: 65535, default: def });
export const Host = (def = '127.0.0.1') => Type.String({ minLength: 1, default: def });
export const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
  { default: 'info' },
);
export const DatabaseUrl = Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL connection URL' });
export const KafkaBrokers = Type.String({
  pattern: '^[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*$',
  description: 'comma-separated host:port list',
});
export const TemporalAddress = Type.String({ pattern: '^[^\\s:]+:\\d+$', default: '127.0.0.1:7233' });

/** Variables every minqing service reads. */
export const CommonConfig = {
  LOG_LEVEL: LogLevel,
  SERVICE_INSTANCE: Type.Optional(Type.String()),
} satisfies TProperties;

export const TemporalConfig = {
  TEMPORAL_ADDRESS: TemporalAddress,
  TEMPORAL_NAMESPACE: Type.String({ minLength: 1, default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ minLength: 1, default: 'minqing-cases' }),
} satisfies TProperties;

/** The topics case events travel on (also named by the AsyncAPI document, shared/src/events/contract.ts). */
export const EventTopicsConfig = {
  CASE_EVENTS_TOPIC: Type.String({ minLength: 1, default: 'case-events' }),
  CASE_EVENTS_DLQ_TOPIC: Type.String({ minLength: 1, default: 'case-events.dlq' }),
} satisfies TProperties;

export const KafkaConfig = {
  KAFKA_BROKERS: KafkaBrokers,
  KAFKA_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  ...EventTopicsConfig,
  KAFKA_TOPIC_PARTITIONS: Type.Integer({ minimum: 1, default: 6 }),
} satisfies TProperties;

/** Where the event contract is published when nothing else is configured: the local stack's case API (README). */
export const DEFAULT_EVENT_SCHEMA_BASE_URL = 'http://127.0.0.1:8080';

/**
 * The public origin (optionally with a path prefix, no trailing slash) under
 * which the event schemas resolve: every event's `ce_dataschema` is
 * `<EVENT_SCHEMA_BASE_URL>/api/v1/events/schemas/<type>` (shared/src/events/contract.ts).
 * The case-worker writes it into events; the case API and reporting serve the
 * schemas and name it as the schemas' `$id`.
 */
export const EventContractConfig = {
  EVENT_SCHEMA_BASE_URL: Type.String({
    pattern: '^https?://[^\\s/?#]+(/[^\\s?#]*[^\\s?#/])?$',
    default: DEFAULT_EVENT_SCHEMA_BASE_URL,
    description: 'an absolute http(s) URL without a trailing slash, query or fragment',
  }),
} satisfies TProperties;
