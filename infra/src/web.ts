/**
 * Builds the web console (web/, Vite) into web/dist, which the case API serves
 * at /. Skipped when the sources have not changed since the last build (a
 * content hash of web/ without node_modules and dist is kept next to the output).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fail, say } from './log';
import { repoRoot } from './paths';
import { ensureTool } from './system';

export const webDir = path.join(repoRoot, 'web');
export const webDist = path.join(webDir, 'dist');
const stampFile = path.join(webDist, '.minqing-build-stamp');

function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (['node_modules', 'dist'].includes(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else h.update(path.relative(webDir, full)).update(fs.readFileSync(full));
    }
  };
  walk(webDir);
  return h.digest('hex');
}

export function buildWeb(): void {
  const want = sourceHash();
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === want) return;
  const t0 = Date.now();
  say('web', 'building the console (vite)');
  const r = spawnSync(process.execPath, [path.join(webDir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: webDir, stdio: 'inherit' });
  if (r.status !== 0) fail('web', 'the console did not build (see above)');
  fs.writeFileSync(stampFile, `${want}\n`);
  say('web', `built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

/** Debian's Chromium, which the browser tests drive through playwright-core. */
export const CHROMIUM = process.env.MINQING_CHROMIUM ?? '/usr/bin/chromium';

export function ensureChromium(): void {
  if (!process.env.MINQING_CHROMIUM) ensureTool('browser', { cmd: CHROMIUM, args: ['--version'] }, ['chromium'], 'run the browser tests of the web console');
  // A Chinese font, so the screenshots show the console as staff see it rather than
  // empty boxes. The tests do not depend on it: without one (and not root) they run anyway.
  try {
    ensureTool('browser', { cmd: 'sh', args: ['-c', 'fc-list :lang=zh | grep -q .'], name: 'a Chinese font' }, ['fonts-wqy-microhei'], 'render Chinese text in the browser tests');
  } catch (err) {
    say('browser', `${(err as Error).message} — the screenshots will show boxes for Chinese text`);
  }
}
