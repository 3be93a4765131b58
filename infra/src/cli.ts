/**
 * minqing's one entry for running things (called by the root package.json
 * scripts through infra/bin/minqing.mjs, which installs dependencies first):
 *
 *   start         the whole system on the local stack, with demo data, until Ctrl-C
 *   test          typecheck, lint, then unit and integration tests (own stack on free ports)
 *   stack down    stop a main-job stack left behind by a killed `start`
 *   stack status  show what the main job's pid files point at
 *   bench [name]  run the benchmarks in bench/
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { say, StackError } from './log';
import { dataRoot, repoRoot } from './paths';
import { isAlive, stopPid } from './proc';
import { givenEndpoints, startStack } from './stack';
import { startServices } from './services';
import { DEMO_ASSESSOR, DEMO_PASSWORD, loadDemoData } from './demo';
import { DEMO_CODES } from './demo-township';
import { ensurePdfFont } from './system';
import { buildWeb, ensureChromium } from './web';

const envPort = (name: string, def: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new StackError(`${name} must be a TCP port, got ${JSON.stringify(v)}`);
  return n;
};

/** Fixed defaults for the main job (README lists them); tests use free ports instead. */
function mainPorts() {
  return {
    stack: {
      postgres: envPort('MINQING_POSTGRES_PORT', 15432),
      kafka: envPort('MINQING_KAFKA_PORT', 19092),
      kafkaController: envPort('MINQING_KAFKA_CONTROLLER_PORT', 19093),
      temporal: envPort('MINQING_TEMPORAL_PORT', 7233),
      temporalUi: envPort('MINQING_TEMPORAL_UI_PORT', 8233),
    },
    services: {
      api: envPort('API_PORT', 8080),
      reporting: envPort('REPORTING_PORT', 8081),
      worker: envPort('WORKER_PORT', 8082),
      // the notification sandbox: fake SMS gateway page and SMTP catcher
      sandbox: { http: envPort('SANDBOX_HTTP_PORT', 8083), smtp: envPort('SANDBOX_SMTP_PORT', 2525) },
    },
  };
}

function claimSupervisor(runDir: string): () => void {
  fs.mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, 'supervisor.pid');
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new StackError(`minqing is already running (supervisor pid ${pid}). Stop it with Ctrl-C in its terminal or \`kill ${pid}\`.`);
    }
  } catch (err) {
    if (err instanceof StackError) throw err;
  }
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => fs.rmSync(file, { force: true });
}

async function start(): Promise<void> {
  const t0 = Date.now();
  const dir = path.join(dataRoot(), 'main');
  const release = claimSupervisor(path.join(dir, 'run'));
  const ports = mainPorts();
  say('minqing', `data in ${dir}`);
  buildWeb();
  ensurePdfFont();
  // The Web UI decodes the (encrypted) payloads through the case API's codec endpoint.
  const codecEndpoint = `http://127.0.0.1:${ports.services.api}/api/v1/codec`;
  const stack = await startStack({ dataDir: dir, ports: ports.stack, ephemeral: false, given: givenEndpoints(), temporalCodecEndpoint: codecEndpoint });
  const tStack = Date.now();
  say('minqing', `stack ready in ${((tStack - t0) / 1000).toFixed(1)}s`);
  let services;
  try {
    services = await startServices({
      stackEnv: stack.env,
      ports: ports.services,
      logDir: path.join(dir, 'logs'),
      extraEnv: {
        ADMIN_PASSWORD: DEMO_PASSWORD,
        // The local demo's accounts keep the README's password (no forced change at the first sign-in);
        // a real deployment leaves this at its default, true.
        ADMIN_MUST_CHANGE_PASSWORD: 'false',
        CODEC_CORS_ORIGINS: process.env.CODEC_CORS_ORIGINS || `http://127.0.0.1:${ports.stack.temporalUi},http://localhost:${ports.stack.temporalUi}`,
      },
    });
  } catch (err) {
    await stack.stop();
    release();
    throw err;
  }
  const tReady = Date.now();
  await loadDemoData(services.apiUrl).catch((err) => say('demo', `demo data not loaded: ${(err as Error).message}`));

  const lines = [
    '',
    'minqing is running. 民情系统已启动。',
    `  Web console      ${services.apiUrl}/   (residents: ${services.apiUrl}/track)`,
    `    sign in with password ${DEMO_PASSWORD} as: ${DEMO_CODES.hallStaff[0]} (hall staff), ${DEMO_CODES.staff('shehui', 1)} (cadre),`,
    `    ${DEMO_CODES.departmentHead('shehui')} (department head), ${DEMO_CODES.areaLeaders['area-east']} (area leader), ${DEMO_CODES.townshipLeaders[0]} (township), ${DEMO_ASSESSOR} (assessment), admin`,
    `  Case API         ${services.apiUrl}/api/v1   (OpenAPI: ${services.apiUrl}/openapi.json)`,
    `  Reporting API    ${services.reportingUrl}   (service tokens only; people use ${services.apiUrl}/api/v1/reports/…; OpenAPI: ${services.reportingUrl}/openapi.json)`,
    `  Worker health    ${services.workerUrl}/readyz   (outbox lag: ${services.workerUrl}/outbox/lag)`,
    `  Notifications    ${services.sandboxUrl}/   (demo SMS gateway and mail catcher: what residents were sent; staff see theirs under the bell in the console)`,
    `  Temporal Web UI  ${stack.temporalUi ?? '(external Temporal)'}   (payloads are encrypted; sign in to the console as admin, then tick`,
    `                   "Include cross-origin credentials" in the UI's codec settings; CLI: --codec-endpoint ${codecEndpoint} --codec-auth "Bearer $TOKEN")`,
    `  PostgreSQL       ${stack.env.DATABASE_URL}`,
    `  Kafka            ${stack.env.KAFKA_BROKERS}   Temporal ${stack.env.TEMPORAL_ADDRESS}`,
    `  Logs             ${path.join(dir, 'logs')}`,
    `  Ready in ${((tReady - t0) / 1000).toFixed(1)}s (stack ${((tStack - t0) / 1000).toFixed(1)}s). Ctrl-C stops everything.`,
    '',
    `Try: TOKEN=$(curl -s ${services.apiUrl}/api/v1/auth/session -H 'content-type: application/json' -d '{"username":"${DEMO_CODES.hallStaff[0]}","password":"${DEMO_PASSWORD}"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
    `     curl -s -X POST ${services.apiUrl}/api/v1/cases -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
    `       -d '{"category":"policy_question","channel":"hall","title":"咨询低保政策","description":"想了解低保申请条件","resident":{"name":"王桂兰","phone":"13800000000"}}'`,
    `     ATOKEN=$(curl -s ${services.apiUrl}/api/v1/auth/session -H 'content-type: application/json' -d '{"username":"${DEMO_ASSESSOR}","password":"${DEMO_PASSWORD}"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')`,
    `     curl -s ${services.apiUrl}/api/v1/reports/summary -H "authorization: Bearer $ATOKEN"`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = async (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    say('minqing', `${why}; stopping services, then the stack`);
    await services.stop();
    await stack.stop();
    release();
    say('minqing', 'stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown('Ctrl-C', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  for (const p of [...services.processes, ...stack.processes]) {
    void p.exited.then((how) => void shutdown(`${p.name} exited unexpectedly (${how}); see ${p.logFile}`, 1));
  }
  await new Promise(() => undefined);
}

function bin(name: string): string {
  return path.join(repoRoot, 'node_modules', '.bin', name);
}

function runInherit(command: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: repoRoot, stdio: 'inherit', env });
    child.on('exit', (code, sig) => resolve(code ?? (sig ? 1 : 0)));
  });
}

async function test(extra: string[]): Promise<number> {
  say('test', 'typecheck (tsc)');
  if ((await runInherit(bin('tsc'), ['-p', 'tsconfig.json'])) !== 0) return 1;
  if ((await runInherit(bin('tsc'), ['-p', 'web/tsconfig.json'])) !== 0) return 1;
  say('test', 'lint (eslint)');
  if ((await runInherit(bin('eslint'), ['.', '--max-warnings=0'])) !== 0) return 1;
  const results = path.join(repoRoot, 'test-results', 'vitest.json');
  fs.mkdirSync(path.dirname(results), { recursive: true });
  fs.rmSync(results, { force: true });
  buildWeb();
  ensureChromium();
  ensurePdfFont();
  say('test', 'unit, integration and browser tests (vitest)');
  const code = await runInherit(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...extra]);
  try {
    const r = JSON.parse(fs.readFileSync(results, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    process.stdout.write(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped\n`);
  } catch {
    process.stdout.write('\n(no test results were written)\n');
  }
  return code;
}

async function stackCommand(sub: string | undefined): Promise<void> {
  const runDir = path.join(dataRoot(), 'main', 'run');
  const logsDir = path.join(dataRoot(), 'main', 'logs');
  const pidFiles = [
    ...['supervisor', 'postgres', 'kafka', 'temporal'].map((n) => path.join(runDir, `${n}.pid`)),
    ...['case-api', 'case-worker', 'reporting', 'notify-sandbox'].map((n) => path.join(logsDir, `${n}.pid`)),
  ];
  for (const file of pidFiles) {
    const name = path.basename(file, '.pid');
    let pid = 0;
    try {
      pid = Number(fs.readFileSync(file, 'utf8').trim());
    } catch {
      continue;
    }
    const alive = pid > 0 && isAlive(pid);
    if (sub === 'down') {
      if (alive) {
        say(name, `stopping pid ${pid}`);
        await stopPid(pid, { signal: name === 'postgres' ? 'SIGINT' : 'SIGTERM' });
      }
      fs.rmSync(file, { force: true });
    } else {
      say(name, alive ? `running (pid ${pid})` : `not running (stale pid file ${pid})`);
    }
  }
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  switch (cmd) {
    case 'start':
      return start();
    case 'test':
      // `npm test -- <files>`: vitest would read a leading `--` as the end of its options and ignore the filter.
      process.exit(await test(rest[0] === '--' ? rest.slice(1) : rest));
      return;
    case 'stack':
      if (rest[0] !== 'down' && rest[0] !== 'status') throw new StackError('usage: stack down|status');
      return stackCommand(rest[0]);
    case 'bench': {
      const name = rest[0] ?? 'all';
      process.exit(await runInherit(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench', 'run.ts'), name, ...rest.slice(1)]));
      return;
    }
    default:
      throw new StackError('usage: minqing start | test | stack down|status | bench [name]');
  }
}

main().catch((err) => {
  process.stderr.write(`\nminqing: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
