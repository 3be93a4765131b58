/**
 * The key ring that encrypts Temporal payloads (`PAYLOAD_KEYS`, read by the case
 * API and the case-worker; see shared/src/temporal-codec.ts). A `PAYLOAD_KEYS` in
 * the environment is used as given; otherwise one key is generated on first start
 * and kept in `<data dir>/secrets/payload-keys` (mode 0600), so the main job's
 * persistent Temporal histories stay readable across restarts.
 *
 * Rotation by hand: put a new `kid:base64key` first in that file (or in
 * PAYLOAD_KEYS) and keep the old entries until no running workflow needs them.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { say } from './log';

export const PAYLOAD_KEYS_FILE = path.join('secrets', 'payload-keys');

/** A new ring entry `k<yyyymmdd>:<base64 of 32 random bytes>`. */
export function generatePayloadKey(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, '')}:${randomBytes(32).toString('base64')}`;
}

/** PAYLOAD_KEYS for the services of the stack kept in `dataDir`. */
export function payloadKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PAYLOAD_KEYS) return env.PAYLOAD_KEYS;
  const file = path.join(dataDir, PAYLOAD_KEYS_FILE);
  if (fs.existsSync(file)) {
    const ring = fs.readFileSync(file, 'utf8').split(/[\s,]+/).filter(Boolean).join(',');
    if (ring) return ring;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const ring = generatePayloadKey();
  fs.writeFileSync(file, `${ring}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  say('minqing', `generated the Temporal payload key ring in ${file} (mode 0600)`);
  return ring;
}
