/**
 * The web console (web/, built by Vite) served at / — the same origin as the
 * API, so the session cookie is first-party. Hashed assets are cached for a
 * year; the pages themselves are always revalidated. The console's own paths
 * answer with index.html (client-side routing); anything else is a 404 problem.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web/dist');
/** Client-side routes of the console (web/src). */
export const CONSOLE_PATHS = ['/', '/sign-in', '/intake', '/inbox', '/cases/:id', '/households', '/ledger', '/ledger/households/:code', '/ledger/villages/:code', '/queue', '/dashboard', '/hot-topics', '/four-helps', '/track', '/accounts', '/account', '/audit', '/definitions', '/open311-keys', '/notifications', '/duty', '/appraisals', '/composite', '/inspections', '/evaluation', '/sessions', '/sessions/report', '/plans', '/plans/:planId', '/roster', '/sla-policy'];

export async function registerWeb(app: FastifyInstance, webDir: string): Promise<boolean> {
  if (!fs.existsSync(path.join(webDir, 'index.html'))) {
    app.log.warn({ webDir }, 'web console not built (run the main job or `pnpm --filter @minqing/web build`); serving the API only');
    return false;
  }
  // The console's files are public (the sign-in page is one of them; the data behind it is not):
  // every route of this plugin, @fastify/static's too, is marked so for the sign-in hook.
  await app.register(async (web) => {
    web.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    // Hashed bundles under /assets/ (looked up per request, so a rebuild needs no restart).
    await web.register(fastifyStatic, {
      root: path.join(webDir, 'assets'),
      prefix: '/assets/',
      index: false,
      setHeaders: (res) => {
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        res.setHeader('x-content-type-options', 'nosniff');
      },
    });
    for (const url of CONSOLE_PATHS) {
      web.get(url, { schema: { hide: true } }, (_request, reply) =>
        reply
          .header('cache-control', 'no-cache')
          .header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
          .header('referrer-policy', 'same-origin')
          .sendFile('index.html', webDir),
      );
    }
  });
  return true;
}
