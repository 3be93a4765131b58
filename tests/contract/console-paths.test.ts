/**
 * The case API answers a console URL opened directly (a bookmark, a link in a
 * notification) with the console's page; it knows those URLs from
 * CONSOLE_PATHS. The console's own route table (web/src/App.tsx) is where a
 * screen is added, so this fails when the two disagree: a screen the server
 * would 404 when opened by URL, or a path it serves that no screen draws.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONSOLE_PATHS } from '../../services/case-api/src/web';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('console URLs opened directly', () => {
  it('are exactly the routes of the console', () => {
    const app = fs.readFileSync(path.join(root, 'web/src/App.tsx'), 'utf8');
    const routes = [...app.matchAll(/<Route\s+path="([^"]+)"/g)].map((m) => m[1]!).filter((p) => p !== '*');
    expect(routes.length).toBeGreaterThan(10);
    expect([...CONSOLE_PATHS].sort()).toEqual([...new Set(routes)].sort());
  });
});
