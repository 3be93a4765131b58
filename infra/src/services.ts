/**
 * Starts the minqing services as child processes, the way a user runs them
 * (`node --import tsx <entry>`), with the stack's endpoints in their
 * environment, and waits until each answers /readyz.
 */
import fs from 'node:fs';
import path from 'node:path';
import { say } from './log';
import { repoRoot } from './paths';
import { launch, replaceStale, waitHealthy, type Managed } from './proc';
import { payloadKeys, serviceTokenSecrets } from './secrets';
import type { StackEnv } from './stack';

export interface ServicePorts {
  api: number;
  reporting: number;
  worker: number;
  /** the notification sandbox (fake SMS gateway page + SMTP catcher); omitted: not started, the channels stay as the env says */
  sandbox?: { http: number; smtp: number };
}

export interface Services {
  apiUrl: string;
  reportingUrl: string;
  workerUrl: string;
  /** the notification sandbox's page and JSON lists, when started */
  sandboxUrl: string | null;
  processes: Managed[];
  stop(): Promise<void>;
}

/** Each service's entry point, relative to the repo root. */
export const SERVICE_ENTRIES = {
  'case-worker': 'services/case-worker/src/main.ts',
  'case-api': 'services/case-api/src/server.ts',
  reporting: 'services/reporting/src/server.ts',
  'notify-sandbox': 'infra/src/notify-sandbox.main.ts',
} as const;

/** The sandbox's SMS API key: a fixed demo value (the sandbox is local and keeps nothing). */
const SANDBOX_SMS_API_KEY = 'sandbox-sms-key';

/** The sandbox's ports, and the worker's notification channels pointed at it (production sets its own gateway and SMTP server). */
export function notifySandboxEnv(sandbox: { http: number; smtp: number }): Record<string, string> {
  return {
    SANDBOX_HTTP_PORT: String(sandbox.http),
    SANDBOX_SMTP_PORT: String(sandbox.smtp),
    SANDBOX_SMS_API_KEY,
    NOTIFY_SMS_URL: `http://127.0.0.1:${sandbox.http}/sms`,
    NOTIFY_SMS_API_KEY: SANDBOX_SMS_API_KEY,
    NOTIFY_SMTP_URL: `smtp://127.0.0.1:${sandbox.smtp}`,
  };
}

async function ready(url: string): Promise<void> {
  const res = await fetch(url, { signal: AbortSignal.timeout(4_000) });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

export async function startServices(args: {
  stackEnv: StackEnv;
  ports: ServicePorts;
  logDir: string;
  extraEnv?: Record<string, string>;
  /** where generated secrets are kept (default: the parent of logDir, i.e. the stack's data dir) */
  dataDir?: string;
}): Promise<Services> {
  fs.mkdirSync(args.logDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...args.stackEnv,
    // The case API signs its calls to reporting with it; reporting verifies (both refuse to start without it).
    SERVICE_TOKEN_SECRETS: serviceTokenSecrets(args.dataDir ?? path.dirname(args.logDir)),
    // The case API and the case-worker encrypt Temporal payloads with it (both refuse to start without it).
    PAYLOAD_KEYS: payloadKeys(args.dataDir ?? path.dirname(args.logDir)),
    API_PORT: String(args.ports.api),
    REPORTING_PORT: String(args.ports.reporting),
    REPORTING_URL: `http://127.0.0.1:${args.ports.reporting}`,
    // Events name their schema by URL (ce_dataschema); the case API on this stack serves it.
    EVENT_SCHEMA_BASE_URL: process.env.EVENT_SCHEMA_BASE_URL || `http://127.0.0.1:${args.ports.api}`,
    WORKER_PORT: String(args.ports.worker),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    ...(args.ports.sandbox ? notifySandboxEnv(args.ports.sandbox) : {}),
    ...args.extraEnv,
  };
  const processes: Managed[] = [];
  const stop = async () => {
    // The API first (no new work), then the worker (drains tasks), then reporting.
    for (const name of ['case-api', 'case-worker', 'reporting', 'notify-sandbox']) {
      const p = processes.find((x) => x.name === name);
      if (p) await p.stop(20_000);
    }
  };
  const urls = {
    'case-api': `http://127.0.0.1:${args.ports.api}`,
    reporting: `http://127.0.0.1:${args.ports.reporting}`,
    'case-worker': `http://127.0.0.1:${args.ports.worker}`,
    'notify-sandbox': args.ports.sandbox ? `http://127.0.0.1:${args.ports.sandbox.http}` : '',
  };
  try {
    // Each service migrates only its own schema (casework: the worker; directory:
    // the API; reporting: reporting). The worker goes first because it also
    // creates the topic; the API's /readyz would wait for the casework tables
    // anyway, and the worker does not wait for the directory (routing retries),
    // so no order can deadlock.
    const first = args.ports.sandbox ? (['notify-sandbox', 'case-worker'] as const) : (['case-worker'] as const);
    for (const group of [first, ['case-api', 'reporting']] as const) {
      await Promise.all(
        group.map(async (name) => {
          const pidFile = path.join(args.logDir, `${name}.pid`);
          await replaceStale(pidFile, SERVICE_ENTRIES[name], name);
          say(name, `starting on ${urls[name]}`);
          const proc = launch({
            name,
            command: process.execPath,
            // MINQING_SERVICE_NODE_ARGS: extra node options for the services, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a bench
            argv: [...serviceNodeArgs(), '--import', 'tsx', path.join(repoRoot, SERVICE_ENTRIES[name])],
            cwd: repoRoot,
            env,
            logFile: path.join(args.logDir, `${name}.log`),
            pidFile,
          });
          processes.push(proc);
          await waitHealthy(proc, () => ready(`${urls[name]}/readyz`), { timeoutMs: 120_000, what: name });
          say(name, 'ready');
        }),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { apiUrl: urls['case-api'], reportingUrl: urls.reporting, workerUrl: urls['case-worker'], sandboxUrl: urls['notify-sandbox'] || null, processes, stop };
}

/** Extra node options for every service process (MINQING_SERVICE_NODE_ARGS, split on spaces): a profiler, a heap limit. */
export function serviceNodeArgs(): string[] {
  return (process.env.MINQING_SERVICE_NODE_ARGS ?? '').split(' ').filter(Boolean);
}
