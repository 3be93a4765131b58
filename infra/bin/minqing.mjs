#!/usr/bin/env node
// Bootstrap for the root scripts (`npm start`, `npm test`, ...): plain Node, no
// dependencies. Makes sure the pinned pnpm has installed the workspace (again
// when pnpm-lock.yaml changed), then hands over to the TypeScript CLI.
// pnpm comes through npx from the npm registry; corepack is avoided because its
// signature check fails against registry mirrors.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager; // e.g. pnpm@10.34.9

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 11)) {
  console.error(`minqing needs Node.js >= 20.11 (this is ${process.version}).`);
  process.exit(1);
}

const lock = path.join(root, 'pnpm-lock.yaml');
const stamp = path.join(root, 'node_modules', '.minqing-install-stamp');
const want = createHash('sha256').update(fs.readFileSync(lock)).update(pnpmSpec).digest('hex');
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
if (want !== have) {
  console.log(`[minqing] installing dependencies with ${pnpmSpec} (frozen lockfile)…`);
  const r = spawnSync('npx', ['--yes', pnpmSpec, 'install', '--frozen-lockfile', '--reporter=append-only'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (r.status !== 0) {
    console.error('[minqing] dependency install failed');
    process.exit(r.status ?? 1);
  }
  fs.writeFileSync(stamp, want + '\n');
}

const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'infra/src/cli.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
// Ctrl-C reaches both of us; the CLI does the orderly shutdown, we just wait for it.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
