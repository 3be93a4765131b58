/** Start a service again after a fault test killed it: same environment, same port, same pid file. */
import path from 'node:path';
import { launch, repoRoot, waitHealthy } from '@minqing/infra';
import type { TestEnv } from '../setup/env';

const ENTRIES = {
  'case-worker': 'services/case-worker/src/main.ts',
  reporting: 'services/reporting/src/server.ts',
} as const;

export async function restartService(e: TestEnv, name: keyof typeof ENTRIES, baseUrl: string): Promise<void> {
  const proc = launch({
    name,
    command: process.execPath,
    argv: ['--import', 'tsx', path.join(repoRoot, ENTRIES[name])],
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
