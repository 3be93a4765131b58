/**
 * Starts what integration tests run against: the real stack (PostgreSQL, Kafka,
 * Temporal) on free ports in a throwaway directory, unless DATABASE_URL /
 * KAFKA_BROKERS / TEMPORAL_ADDRESS name existing engines; then the three
 * services as real processes. With MINQING_CASE_API_URL and
 * MINQING_REPORTING_URL set, it uses running services instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWeb, freePort, givenEndpoints, notifySandboxEnv, payloadKeys, serviceTokenSecrets, startServices, startStack, stopPid, tail } from '@minqing/infra';
import { TEST_ADMIN_CHOSEN_PASSWORD, TEST_ADMIN_PASSWORD, type TestEnv } from './env';

/**
 * Signs in as `admin`. A fresh `admin` must replace its initial password before
 * anything else (forced change): on the throwaway stack the run does so, like a
 * new administrator would, and uses the chosen password from then on.
 */
async function signInAdmin(apiUrl: string, password: string, opts: { mayChangePassword: boolean }): Promise<{ token: string; password: string }> {
  const res = await fetch(`${apiUrl}/api/v1/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (res.status !== 200) throw new Error(`the test run could not sign in as admin at ${apiUrl}: ${res.status} ${await res.text()}`);
  const { token, me } = (await res.json()) as { token: string; me: { mustChangePassword?: boolean } };
  if (!me.mustChangePassword) return { token, password };
  if (!opts.mayChangePassword) throw new Error(`admin at ${apiUrl} must change its initial password first: sign in once in the console and choose one (MINQING_ADMIN_PASSWORD)`);
  const changed = await fetch(`${apiUrl}/api/v1/auth/password`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ currentPassword: password, newPassword: TEST_ADMIN_CHOSEN_PASSWORD }),
  });
  if (changed.status !== 204) throw new Error(`the test run could not replace admin's initial password: ${changed.status} ${await changed.text()}`);
  return { token, password: TEST_ADMIN_CHOSEN_PASSWORD };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const run = `t${Date.now().toString(36)}`;
  const topics = { caseEventsTopic: `case-events-${run}`, dlqTopic: `case-events-${run}.dlq` };
  const taskQueue = `minqing-cases-${run}`;

  if (process.env.MINQING_CASE_API_URL && process.env.MINQING_REPORTING_URL) {
    const env: TestEnv = {
      apiUrl: process.env.MINQING_CASE_API_URL,
      reportingUrl: process.env.MINQING_REPORTING_URL,
      workerUrl: process.env.MINQING_WORKER_URL ?? 'http://127.0.0.1:8082',
      sandboxUrl: process.env.MINQING_SANDBOX_URL ?? 'http://127.0.0.1:8083',
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
      taskQueue: process.env.TEMPORAL_TASK_QUEUE ?? 'minqing-cases',
      caseEventsTopic: process.env.CASE_EVENTS_TOPIC ?? 'case-events',
      dlqTopic: process.env.CASE_EVENTS_DLQ_TOPIC ?? 'case-events.dlq',
      logDir: '',
      ...(await (async () => {
        const admin = await signInAdmin(process.env.MINQING_CASE_API_URL!, process.env.MINQING_ADMIN_PASSWORD ?? TEST_ADMIN_PASSWORD, { mayChangePassword: false });
        return { adminPassword: admin.password, adminToken: admin.token };
      })()),
      // the running services' secret: tests that call reporting directly need it
      serviceTokenSecrets: process.env.SERVICE_TOKEN_SECRETS ?? '',
      serviceEnv: {},
      runDir: '',
      ownStack: false,
    };
    project.provide('minqing', env);
    return async () => undefined;
  }

  buildWeb(); // the case API serves the console; a no-op when `npm test` has just built it
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minqing-test-'));
  const ports = {
    postgres: await freePort(),
    kafka: await freePort(),
    kafkaController: await freePort(),
    temporal: await freePort(),
    temporalUi: null,
  };
  const stack = await startStack({ dataDir: dir, ports, ephemeral: true, given: givenEndpoints() });
  const logDir = path.join(dir, 'logs');
  const servicePorts = { api: await freePort(), reporting: await freePort(), worker: await freePort(), sandbox: { http: await freePort(), smtp: await freePort() } };
  const extraEnv = {
    ...{ CASE_EVENTS_TOPIC: topics.caseEventsTopic, CASE_EVENTS_DLQ_TOPIC: topics.dlqTopic },
    TEMPORAL_TASK_QUEUE: taskQueue,
    REPORTING_GROUP_ID: `minqing-reporting-${run}`,
    // Notifications (tests/e2e/notifications.test.ts): the run's own consumer group, the sandbox as SMS gateway and
    // mail server, quick retries, and no quiet hours from the environment (the test sets them as an administrator would).
    NOTIFY_GROUP_ID: `minqing-notifier-${run}`,
    ...notifySandboxEnv(servicePorts.sandbox),
    NOTIFY_QUIET_HOURS: 'off',
    NOTIFY_RETRY_BASE_MS: '250',
    NOTIFY_RETRY_MAX_MS: '2000',
    NOTIFY_POLL_MS: '200',
    OUTBOX_POLL_MS: '200',
    LOG_LEVEL: 'info',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    // encrypts Temporal payloads; tests' own clients read it from serviceEnv (tests/support/temporal.ts)
    PAYLOAD_KEYS: payloadKeys(dir),
    // the case API signs its calls to reporting with it; tests that call reporting directly sign with it too (serviceToken in tests/support/helpers.ts)
    SERVICE_TOKEN_SECRETS: serviceTokenSecrets(dir),
    // ce_dataschema names this run's case API: kept for services a test restarts or starts beside it (fuzz), so every event on the run's topic resolves
    EVENT_SCHEMA_BASE_URL: `http://127.0.0.1:${servicePorts.api}`,
  };
  let services;
  try {
    services = await startServices({ stackEnv: stack.env, ports: servicePorts, logDir, extraEnv });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  let admin: { token: string; password: string };
  try {
    admin = await signInAdmin(services.apiUrl, TEST_ADMIN_PASSWORD, { mayChangePassword: true });
  } catch (err) {
    await services.stop();
    await stack.stop();
    throw err;
  }
  const env: TestEnv = {
    apiUrl: services.apiUrl,
    reportingUrl: services.reportingUrl,
    workerUrl: services.workerUrl,
    sandboxUrl: services.sandboxUrl ?? '',
    ...stack.env,
    taskQueue,
    ...topics,
    logDir,
    adminPassword: admin.password,
    adminToken: admin.token,
    serviceTokenSecrets: extraEnv.SERVICE_TOKEN_SECRETS,
    serviceEnv: {
      ...stack.env,
      ...extraEnv,
      API_PORT: String(servicePorts.api),
      REPORTING_PORT: String(servicePorts.reporting),
      REPORTING_URL: `http://127.0.0.1:${servicePorts.reporting}`,
      WORKER_PORT: String(servicePorts.worker),
    },
    runDir: path.join(dir, 'run'),
    ownStack: true,
  };
  project.provide('minqing', env);
  return async () => {
    // A fault test may have restarted a service: note what the pid files name now
    // (stopping the original handles removes those files), then stop both.
    const current: number[] = [];
    for (const name of ['case-api', 'case-worker', 'reporting', 'notify-sandbox']) {
      try {
        current.push(Number(fs.readFileSync(path.join(logDir, `${name}.pid`), 'utf8').trim()));
      } catch {
        /* no pid file */
      }
    }
    await services.stop();
    for (const pid of current) if (pid > 0) await stopPid(pid);
    await stack.stop();
    if (process.env.MINQING_KEEP_TEST_DATA) {
      process.stdout.write(`test stack data kept in ${dir}\n`);
      return;
    }
    // On failure the service logs are the first thing to read; show their ends.
    for (const name of ['case-api', 'case-worker', 'reporting']) {
      const text = tail(path.join(logDir, `${name}.log`), 5);
      if (/"level":"(error|fatal)"/.test(text)) process.stdout.write(`--- ${name} log (end) ---\n${text}\n`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
