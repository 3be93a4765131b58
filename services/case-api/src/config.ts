import { Type } from '@sinclair/typebox';
import { CommonConfig, DatabaseUrl, Host, loadConfig, Port, TemporalConfig } from '@minqing/shared';

export const ApiConfigSchema = Type.Object({
  ...CommonConfig,
  ...TemporalConfig,
  DATABASE_URL: DatabaseUrl,
  API_HOST: Host(),
  API_PORT: Port(8080),
  CASE_EVENTS_TOPIC: Type.String({ minLength: 1, default: 'case-events' }),
});
export type ApiConfig = ReturnType<typeof loadApiConfig>;
export const loadApiConfig = (env = process.env) => loadConfig(ApiConfigSchema, env);
