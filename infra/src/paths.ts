/**
 * Where the local stack keeps things outside the repo.
 *
 * - cache: downloaded or built artefacts, keyed by version (`<cache>/kafka-3.9.1`),
 *   reused across clones and runs, rebuilt when missing.
 * - data: the main job's databases, logs and pid files (persist between starts).
 *
 * PostgreSQL refuses to run as root, so as root it runs as an unprivileged
 * user, which must be able to reach its binaries and data. /root is mode 700,
 * so as root the defaults are /var/cache/minqing and /var/lib/minqing instead of
 * ~/.cache/minqing and ~/.local/share/minqing.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function cacheRoot(): string {
  return process.env.MINQING_CACHE_DIR || (isRoot ? '/var/cache/minqing' : path.join(os.homedir(), '.cache', 'minqing'));
}

export function dataRoot(): string {
  return process.env.MINQING_DATA_DIR || (isRoot ? '/var/lib/minqing' : path.join(os.homedir(), '.local', 'share', 'minqing'));
}
