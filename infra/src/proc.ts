/**
 * Child processes of the local stack: each runs in its own process group (so a
 * Ctrl-C reaches only the supervisor, which then stops things in order), logs to
 * a file, and is tracked by a pid file so a later start can find and replace it.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { say } from './log';

export interface Managed {
  name: string;
  pid: number;
  logFile: string;
  /** resolves with the exit code (or signal) when the process ends */
  exited: Promise<string>;
  stop(timeoutMs?: number): Promise<void>;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** Signal a whole process group, then the process itself as a fallback. */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

export async function stopPid(pid: number, opts: { signal?: NodeJS.Signals; timeoutMs?: number } = {}): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, opts.signal ?? 'SIGTERM');
  if (await waitGone(pid, opts.timeoutMs ?? 15_000)) return;
  signal(pid, 'SIGKILL');
  await waitGone(pid, 5_000);
}

/**
 * If a pid file names a live process whose command line still contains `marker`,
 * stop it (a leftover of an earlier run that was killed) and remove the file.
 */
export async function replaceStale(pidFile: string, marker: string, component: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (pid > 0 && isAlive(pid) && cmdline(pid).includes(marker)) {
    say(component, `stopping leftover process ${pid} from an earlier run`);
    await stopPid(pid);
  }
  fs.rmSync(pidFile, { force: true });
}

export function launch(args: {
  name: string;
  command: string;
  argv: string[];
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  uid?: number;
  gid?: number;
  stopSignal?: NodeJS.Signals;
}): Managed {
  fs.mkdirSync(path.dirname(args.logFile), { recursive: true });
  const out = fs.openSync(args.logFile, 'a');
  const options: SpawnOptions = {
    cwd: args.cwd,
    env: args.env ?? process.env,
    stdio: ['ignore', out, out],
    detached: true,
  };
  if (args.uid !== undefined) options.uid = args.uid;
  if (args.gid !== undefined) options.gid = args.gid;
  const child: ChildProcess = spawn(args.command, args.argv, options);
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${args.name}: could not start ${args.command}`);
  const pid = child.pid;
  fs.writeFileSync(args.pidFile, `${pid}\n`);
  const exited = new Promise<string>((resolve) => {
    child.on('exit', (code, sig) => resolve(sig ? `signal ${sig}` : `exit code ${code}`));
    child.on('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  let stopping: Promise<void> | null = null;
  return {
    name: args.name,
    pid,
    logFile: args.logFile,
    exited,
    stop(timeoutMs) {
      stopping ??= (async () => {
        await stopPid(pid, { signal: args.stopSignal ?? 'SIGTERM', timeoutMs });
        fs.rmSync(args.pidFile, { force: true });
      })();
      return stopping;
    },
  };
}

/** Last lines of a log file, for error messages. */
export function tail(file: string, lines = 25): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Poll `check` until it resolves, the process exits, or the timeout passes;
 * the error names the component and shows the end of its log.
 */
export async function waitHealthy(proc: Managed, check: () => Promise<unknown>, opts: { timeoutMs: number; what: string }): Promise<void> {
  const until = Date.now() + opts.timeoutMs;
  let exited: string | null = null;
  void proc.exited.then((how) => (exited = how));
  let lastErr = '';
  while (Date.now() < until) {
    if (exited) throw new Error(`${opts.what} exited (${exited}) before it was healthy. Log ${proc.logFile}:\n${tail(proc.logFile)}`);
    try {
      await check();
      return;
    } catch (err) {
      lastErr = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${opts.what} was not healthy within ${opts.timeoutMs / 1000}s (${lastErr}). Log ${proc.logFile}:\n${tail(proc.logFile)}`);
}

/** A TCP port nobody listens on right now (tests run the stack on these). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/** Run a command to completion, streaming each output line to `onLine`. */
export function run(command: string, argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const feed = (buf: Buffer) => {
      for (const line of buf.toString().split(/\r?\n|\r/)) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 40) lines.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout!.on('data', feed);
    child.stderr!.on('data', feed);
    child.on('error', (err) => reject(new Error(`${command}: ${err.message}`)));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${argv.join(' ')} failed (exit ${code}):\n${lines.join('\n')}`)),
    );
  });
}
