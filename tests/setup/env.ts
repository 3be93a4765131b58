/** The first administrator's password on the test stack (a throwaway stack; not a secret). */
export const TEST_ADMIN_PASSWORD = 'test-admin-password';
/** The password the run gives `admin` at its first sign-in (the initial one must be changed). */
export const TEST_ADMIN_CHOSEN_PASSWORD = 'test-admin-chosen-password';

/** What the global setup hands to integration tests (via vitest's provide/inject). */
export interface TestEnv {
  apiUrl: string;
  reportingUrl: string;
  workerUrl: string;
  /** the notification sandbox (fake SMS gateway + SMTP catcher): GET /api/sms, /api/mail; PUT /api/gateway {down} */
  sandboxUrl: string;
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  taskQueue: string;
  caseEventsTopic: string;
  dlqTopic: string;
  logDir: string;
  /** password of the case API's `admin` account (tests create the staff accounts they act as) */
  adminPassword: string;
  /**
   * One administrator session for the whole run, signed in by the global setup:
   * each test file signing in again would trip the sign-in rate limit.
   */
  adminToken: string;
  /**
   * SERVICE_TOKEN_SECRETS of the services under test: tests that call the
   * reporting service directly sign service tokens with it (serviceToken in
   * tests/support/helpers.ts), as the case API does.
   */
  serviceTokenSecrets: string;
  /** the environment the services were started with (to restart one in a fault test) */
  serviceEnv: Record<string, string>;
  /** where the stack keeps its pid files; empty when the stack is external */
  runDir: string;
  /** whether this run started the stack and services itself (fault tests need that) */
  ownStack: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    minqing: TestEnv;
  }
}
