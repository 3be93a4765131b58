/** What the global setup hands to integration tests (via vitest's provide/inject). */
export interface TestEnv {
  apiUrl: string;
  reportingUrl: string;
  workerUrl: string;
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  taskQueue: string;
  caseEventsTopic: string;
  dlqTopic: string;
  logDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    minqing: TestEnv;
  }
}
