/**
 * Each service refuses to start on bad configuration with a message naming the
 * variable (exit code 2), before touching any dependency.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function start(entry: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|KAFKA_|TEMPORAL_|API_|REPORTING_|WORKER_|LOG_LEVEL)/.test(k)),
  );
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, entry)], { cwd: root, env: { ...clean, ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe.each([
  ['case-api', 'services/case-api/src/server.ts', { API_PORT: 'eighty' }, ['DATABASE_URL', 'API_PORT']],
  ['case-worker', 'services/case-worker/src/main.ts', { DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'localhost' }, ['DATABASE_URL', 'KAFKA_BROKERS']],
  ['reporting', 'services/reporting/src/server.ts', { LOG_LEVEL: 'loud' }, ['DATABASE_URL', 'KAFKA_BROKERS', 'LOG_LEVEL']],
])('%s with bad configuration', (name, entry, env, named) => {
  it(`exits 2 naming ${named.join(', ')}`, () => {
    const r = start(entry, env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${name}: invalid configuration`);
    for (const v of named) expect(r.stderr).toMatch(new RegExp(`^\\s+${v}: `, 'm'));
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe.each([
  ['case-api', 'services/case-api/src/server.ts'],
  ['case-worker', 'services/case-worker/src/main.ts'],
])('%s with a bad Temporal payload key ring', (name, entry) => {
  it('exits 2 naming PAYLOAD_KEYS without printing the key material', () => {
    const leaked = 'c2hvcnQtYnV0LXByaXZhdGUta2V5'; // 21 bytes: not an AES-256 key
    const r = start(entry, { PAYLOAD_KEYS: `k1:${leaked}` });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${name}: invalid configuration`);
    expect(r.stderr).toMatch(/^\s+PAYLOAD_KEYS: must be a key ring/m);
    expect(r.stderr).not.toContain(leaked);
  });
});
