import { Type } from '@sinclair/typebox';
import { CommonConfig, DatabaseUrl, EventContractConfig, EventTopicsConfig, Host, loadConfig, PayloadKeysConfig, Port, ServiceTokenSecretsSchema, TemporalConfig } from '@minqing/shared';

export const ApiConfigSchema = Type.Object({
  ...CommonConfig,
  ...TemporalConfig,
  /** the key ring that encrypts Temporal payloads (the same as the case-worker's) */
  ...PayloadKeysConfig,
  /** origins (the Temporal Web UI) allowed to call the codec endpoint with the console's session cookie (CORS) */
  CODEC_CORS_ORIGINS: Type.String({ pattern: '^https?://[^\\s,/]+(,https?://[^\\s,/]+)*$', default: 'http://127.0.0.1:8233' }),
  DATABASE_URL: DatabaseUrl,
  API_HOST: Host(),
  API_PORT: Port(8080),
  /** the published event contract it serves (/api/v1/events/schemas/…, /asyncapi.json): the schemas' public URLs and the topics */
  ...EventContractConfig,
  ...EventTopicsConfig,
  /** the reporting service the console's figures come through */
  REPORTING_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081' }),
  /** signs the service tokens of calls to reporting (the first secret signs; the same list as reporting's) */
  SERVICE_TOKEN_SECRETS: ServiceTokenSecretsSchema,
  /** how long a sign-in lasts (absolute) */
  SESSION_TTL_MINUTES: Type.Integer({ minimum: 5, maximum: 7 * 24 * 60, default: 600 }),
  /**
   * mark the session cookie Secure (default): browsers send it over HTTPS only — and to
   * http://localhost / http://127.0.0.1, which they count as secure. Set false only for a
   * plain-http deployment reached by another name.
   */
  COOKIE_SECURE: Type.Boolean({ default: true }),
  /** creates the first administrator account `admin` with this password when none exists */
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  /** whether that `admin` must choose a new password at the first sign-in (the local demo turns this off) */
  ADMIN_MUST_CHANGE_PASSWORD: Type.Boolean({ default: true }),
  /** the built web console (default: web/dist of this checkout) */
  WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
});
export type ApiConfig = ReturnType<typeof loadApiConfig>;
export const loadApiConfig = (env = process.env) => loadConfig(ApiConfigSchema, env);
