import { Type } from '@sinclair/typebox';
import { CommonConfig, DatabaseUrl, Host, loadConfig, Port, TemporalConfig } from '@minqing/shared';

export const ApiConfigSchema = Type.Object({
  ...CommonConfig,
  ...TemporalConfig,
  DATABASE_URL: DatabaseUrl,
  API_HOST: Host(),
  API_PORT: Port(8080),
  /** the reporting service the console's figures come through */
  REPORTING_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:8081' }),
  /** how long a sign-in lasts (absolute) */
  SESSION_TTL_MINUTES: Type.Integer({ minimum: 5, maximum: 7 * 24 * 60, default: 600 }),
  /** mark the session cookie Secure (serve behind HTTPS) */
  COOKIE_SECURE: Type.Boolean({ default: false }),
  /** creates the first administrator account `admin` with this password when none exists */
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8 })),
  /** the built web console (default: web/dist of this checkout) */
  WEB_DIR: Type.Optional(Type.String({ minLength: 1 })),
});
export type ApiConfig = ReturnType<typeof loadApiConfig>;
export const loadApiConfig = (env = process.env) => loadConfig(ApiConfigSchema, env);
