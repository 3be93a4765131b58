/// <reference lib="dom" />
/**
 * The whole console in Chinese, as every role (issue 11): each role signs in
 * and walks every screen of the console's route table (App.tsx's screens, with
 * who may use each from web/src/screens.ts — a screen added later is walked
 * too), including case pages whose timelines hold every kind of step and the
 * move forms a manager opens. A screen the role may use must show no English
 * sentence and no raw code (snake_case, word-word-123, UUIDs, schema wording,
 * roster codes) and fire no failing request; a screen it may not use must show
 * the translated not-allowed page without a failing request. Every offence is
 * listed with its role and screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffRole } from '@minqing/shared/access';
import { env, firstSignIn, http, TEST_STAFF_INITIAL_PASSWORD, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { launchBrowser, newContext, signIn } from '../support/browser';
import { casesWithEveryStep, offences, watchRequests } from '../support/casework';
import { screenAllows } from '../../web/src/screens';

const e = env();
const t = township(`zw${Date.now().toString(36)}`);
const servicePoint = t.code('hall');
const assessor = `assess-${t.run}`;
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
let db: pg.Client;
let browser: Browser;
let cases: Awaited<ReturnType<typeof casesWithEveryStep>>;

/** The console's screens: the route keys of App.tsx's loaders (a key ending in '/' is a prefix). */
const appSource = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/src/App.tsx'), 'utf8');
const ROUTES = [...appSource.matchAll(/'(\/[^']*)':\s*screen\(/g)].map((m) => m[1]!);
const PUBLIC_ROUTES = ['/sign-in', '/track'];

const ACCOUNTS: { role: StaffRole; username: () => string; password: () => string }[] = [
  { role: 'hall_staff', username: () => t.hall, password: () => TEST_STAFF_PASSWORD },
  { role: 'cadre', username: () => t.cadre1, password: () => TEST_STAFF_PASSWORD },
  { role: 'department_head', username: () => t.head, password: () => TEST_STAFF_PASSWORD },
  { role: 'area_leader', username: () => t.leader, password: () => TEST_STAFF_PASSWORD },
  { role: 'township_leader', username: () => t.township, password: () => TEST_STAFF_PASSWORD },
  { role: 'assessment', username: () => assessor, password: () => TEST_STAFF_PASSWORD },
  { role: 'admin', username: () => 'admin', password: () => e.adminPassword },
];

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [servicePoint]);
  await tokenFor(t.hall, { servicePointCode: servicePoint, channel: 'hall' });
  for (const who of [t.cadre1, t.cadre2, t.head, t.leader, t.township, t.judge]) await tokenFor(who);
  const put = await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: TEST_STAFF_INITIAL_PASSWORD });
  expect(put.status).toBeLessThan(300);
  await firstSignIn(assessor, TEST_STAFF_INITIAL_PASSWORD);
  cases = await casesWithEveryStep(db, t, servicePoint);
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

/** The API's own 404 for a console path: the console's files are being rebuilt by a concurrent test run (vite empties web/dist first). */
const rebuilding = async (page: Page) => /^\{"type":"urn:minqing:problem:not-found".*"no route GET /.test((await page.evaluate(() => document.body.innerText)).trim());

/** Opens `url`, lets its calls settle, and returns what is wrong on it once the screen has settled. */
async function visit(page: Page, url: string, watch: ReturnType<typeof watchRequests>): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    watch.reset();
    await page.goto(url);
    await page.waitForLoadState('networkidle');
    if (!(await rebuilding(page)) || attempt >= 40) break;
    await page.waitForTimeout(3_000);
  }
  // a screen may paint codes for a moment before the directory's names arrive: judge what stays
  let found: string[] = [];
  for (let settle = 0; settle < 3; settle++) {
    await page.waitForTimeout(settle === 0 ? 150 : 1_000);
    found = await offences(page, t.run);
    if (found.length === 0) break;
  }
  return [...found, ...watch.failed.map((f) => `failing request: ${f}`)];
}

/** Every move form the page offers, opened one after the other: what is wrong in each. */
async function walkMoveForms(page: Page): Promise<string[]> {
  const out: string[] = [];
  const buttons = page.locator('.moves [data-testid^="move-"][aria-expanded]');
  for (let i = 0; i < (await buttons.count()); i++) {
    const b = buttons.nth(i);
    const id = await b.getAttribute('data-testid');
    await b.click();
    await page.getByTestId('move-form').waitFor();
    // a reroute's picker shows only when the decision is "reroute"
    const decision = page.getByTestId('field-decision');
    if (await decision.count()) await decision.selectOption('reroute');
    await page.waitForLoadState('networkidle');
    out.push(...(await offences(page, t.run)).map((o) => `${id}: ${o}`));
    await page.getByTestId('move-form').getByRole('button', { name: '取消' }).click();
  }
  return out;
}

describe('the console in Chinese, every screen as every role', () => {
  it('the public screens (signed out)', async () => {
    const page = await (await newContext(browser)).newPage();
    const watch = watchRequests(page);
    const found: string[] = [];
    for (const route of ROUTES.filter((r) => PUBLIC_ROUTES.includes(r))) {
      found.push(...(await visit(page, `${e.apiUrl}${route}`, watch)).map((o) => `${route}: ${o}`));
    }
    // the tracking page with an answer
    await page.goto(`${e.apiUrl}/track`);
    await page.getByTestId('track-code').fill(cases.full.trackingCode);
    await page.getByTestId('track-phone').fill('5678');
    await page.getByTestId('track-submit').click();
    await page.getByTestId('track-result').waitFor();
    found.push(...(await offences(page, t.run)).map((o) => `/track (answer): ${o}`));
    expect(found, found.join('\n')).toEqual([]);
  });

  for (const account of ACCOUNTS) {
    it(`as ${account.role}`, { timeout: 300_000 }, async () => {
      const page = await (await newContext(browser)).newPage();
      await signIn(page, e.apiUrl, account.username(), account.password());
      const watch = watchRequests(page);
      const found: string[] = [];
      const note = (where: string, list: string[]) => found.push(...list.map((o) => `${account.role} ${where}: ${o}`));
      for (const route of ROUTES.filter((r) => !PUBLIC_ROUTES.includes(r))) {
        const urls = route.endsWith('/') ? Object.values(cases).map((c) => `${route}${c.id}`) : [route];
        for (const where of urls) {
          let problems = await visit(page, `${e.apiUrl}${where}`, watch);
          // a case outside the role's view: the API's 403 is the answer the page words ("无权查看此案件")
          if (route.endsWith('/') && (await page.locator('[data-testid="problem"][data-status="403"]').count()) > 0) {
            problems = problems.filter((p) => !p.startsWith(`failing request: 403 GET /api/v1${where}`));
          }
          if (screenAllows(where, account.role)) {
            note(where, problems);
            // a manager's move forms on a running case (the reroute picker, the extension in hours or days)
            if (where === `/cases/${cases.byRule.id}`) note(`${where} (forms)`, await walkMoveForms(page));
          } else {
            // not for this role: the translated refusal, and none of the screen's calls
            note(where, problems);
            if ((await page.getByTestId('not-allowed').count()) !== 1) found.push(`${account.role} ${where}: no not-allowed page`);
          }
        }
      }
      expect(found, found.join('\n')).toEqual([]);
    });
  }
});
