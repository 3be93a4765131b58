/** Start a service again after a fault test killed it: same environment, same port, same pid file. */
import path from 'node:path';
import { launch, repoRoot, SERVICE_ENTRIES, waitHealthy } from '@minqing/infra';
import type { TestEnv } from '../setup/env';

export async function restartService(e: TestEnv, name: keyof typeof SERVICE_ENTRIES, baseUrl: string): Promise<void> {
  const proc = launch({
    name,
    command: process.execPath,
    argv: ['--import', 'tsx', path.join(repoRoot, SERVICE_ENTRIES[name])],
    cwd: repoRoot,
    env: { ...process.env, ...e.serviceEnv },
    logFile: path.join(e.logDir, `${name}.log`),
    pidFile: path.join(e.logDir, `${name}.pid`),
  });
  await waitHealthy(proc, async () => {
    const r = await fetch(`${baseUrl}/readyz`);
    if (r.status !== 200) throw new Error(String(r.status));
  }, { timeoutMs: 120_000, what: name });
}
