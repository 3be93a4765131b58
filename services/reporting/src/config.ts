import { Type } from '@sinclair/typebox';
import { CommonConfig, DatabaseUrl, EventContractConfig, Host, KafkaConfig, loadConfig, Port, ServiceTokenSecretsSchema } from '@minqing/shared';

export const ReportingConfigSchema = Type.Object({
  ...CommonConfig,
  ...KafkaConfig,
  /** the schemas' public URLs, named as their `$id` and in the AsyncAPI document */
  ...EventContractConfig,
  DATABASE_URL: DatabaseUrl,
  REPORTING_HOST: Host(),
  REPORTING_PORT: Port(8081),
  REPORTING_GROUP_ID: Type.String({ minLength: 1, default: 'minqing-reporting' }),
  /** verifies the service tokens callers (the case API) send; the first also signs, the others are kept during a rotation */
  SERVICE_TOKEN_SECRETS: ServiceTokenSecretsSchema,
});
export type ReportingConfig = ReturnType<typeof loadReportingConfig>;
export const loadReportingConfig = (env = process.env) => loadConfig(ReportingConfigSchema, env);
