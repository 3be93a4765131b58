/// <reference lib="dom" />
/**
 * The console in a real browser (Debian's Chromium via playwright-core)
 * against the real stack: hall staff open a case, the linked cadre accepts and
 * resolves it, the hall records a satisfied callback and a manager sees the
 * figure change on the dashboard; an unaccepted case appears in the managers'
 * live queue; another department's cadre cannot open the case by URL; the
 * residents' page answers only to the right digits; every screen is usable at
 * 360 px and 1366 px. Screenshots go to test-results/screenshots.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, newContext, overflowsSideways, PHONE, screenshot, SCREENSHOTS, signIn } from '../support/browser';

const e = env();
const t = township(`br${Date.now().toString(36)}`);
const servicePoint = t.code('hall');
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
let db: pg.Client;
let browser: Browser;
/** the case the main path opens, shared with the later checks */
const opened = { id: '', trackingCode: '' };

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [servicePoint]);
  await tokenFor(t.hall, { servicePointCode: servicePoint, channel: 'hall' });
  for (const who of [t.cadre1, t.head, t.township, t.judge]) await tokenFor(who);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

async function staffPage(username: string, viewport = DESKTOP): Promise<Page> {
  const page = await (await newContext(browser, viewport)).newPage();
  await signIn(page, e.apiUrl, username, TEST_STAFF_PASSWORD);
  return page;
}

const satisfactionFigure = async (page: Page) => (await page.locator('[data-testid="figure-card"][data-figure="satisfaction"] [data-testid="figure-value"]').textContent())?.trim();

describe('the main path, screen by screen', () => {
  it('hall opens → cadre accepts and resolves → hall records a satisfied callback → the manager’s figure changes', async () => {
    // Hall staff: sign in lands on the intake screen, with the channel preset from where they work.
    const hall = await staffPage(t.hall);
    await hall.waitForURL(/\/intake$/);
    expect(await hall.getByTestId('channel').getAttribute('data-channel')).toBe('hall');

    // The intake screen's first paint, measured in a fresh load (reported, not asserted).
    await hall.goto(`${e.apiUrl}/intake`);
    await hall.getByTestId('household-search').waitFor();
    const paint = await hall.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return { firstContentfulPaintMs: fcp, domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null, measuredAtMs: performance.now() };
    });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS, '..', 'intake-first-paint.json'), JSON.stringify(paint, null, 2));
    process.stdout.write(`intake first paint: ${JSON.stringify(paint)}\n`);

    await hall.getByTestId('household-search').fill(t.household);
    await hall.getByTestId('household-result').first().click();
    expect(await hall.getByTestId('resident-name').inputValue()).toBe('王桂兰');
    await hall.getByTestId('category').selectOption('livelihood_difficulty');
    await hall.getByTestId('title').fill(`浏览器测试 ${t.run}`);
    await hall.getByTestId('description').fill('独居老人家中取暖煤不足，请求协调解决。');
    await screenshot(hall, 'intake-form');
    await hall.getByTestId('submit-case').click();
    const code = (await hall.getByTestId('receipt-tracking-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^MQ-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await hall.getByTestId('receipt-reply-by').textContent()).toMatch(/\d/);
    await screenshot(hall, 'intake-receipt');
    const found = await eventually(async () => {
      const r = await http('GET', api(`/cases?q=${code}`));
      return r.json.total === 1 ? r : undefined;
    }, 'the new case in the case list');
    opened.id = found.json.items[0].id;
    opened.trackingCode = code;
    await eventually(async () => (await http('GET', api(`/cases/${opened.id}`))).json.status === 'assigned', 'routing');

    // The manager's dashboard before the callback.
    const manager = await staffPage(t.township);
    await manager.goto(`${e.apiUrl}/dashboard`);
    await manager.locator('[data-testid="figure-card"][data-figure="satisfaction"]').waitFor();
    const before = await satisfactionFigure(manager);

    // The linked cadre sees it in the inbox, accepts and resolves it.
    const cadre = await staffPage(t.cadre1);
    await cadre.waitForURL(/\/inbox$/);
    const task = cadre.locator(`[data-testid="task-item"][data-case-id="${opened.id}"]`);
    await task.waitFor();
    await screenshot(cadre, 'inbox');
    await task.locator('a').first().click();
    await cadre.getByTestId('move-accept').click();
    await cadre.locator('[data-testid="case-status"][data-status="accepted"]').waitFor();
    await cadre.getByTestId('move-resolve').click();
    await cadre.getByTestId('field-reply').fill('已协调送煤到户，老人取暖已解决。');
    await cadre.getByTestId('move-submit').click();
    await cadre.locator('[data-testid="case-status"][data-status="resolved"]').waitFor();
    expect(await cadre.getByTestId('timeline-item').count()).toBeGreaterThanOrEqual(4);
    await screenshot(cadre, 'case-page');

    // The hall records the resident's satisfied callback.
    await hall.goto(`${e.apiUrl}/intake`);
    const row = hall.locator(`[data-testid="case-row"][data-case-id="${opened.id}"]`);
    await eventually(async () => {
      await hall.getByTestId('point-cases-refresh').click();
      return (await row.getAttribute('data-status', { timeout: 2_000 })) === 'resolved';
    }, 'the resolved case at the hall');
    await row.getByTestId('callback').click();
    await hall.getByTestId('callback-satisfaction').selectOption('satisfied');
    await hall.getByTestId('callback-method').selectOption('call');
    await hall.getByTestId('callback-submit').click();
    await eventually(async () => {
      await hall.getByTestId('point-cases-refresh').click();
      return (await row.getAttribute('data-status', { timeout: 2_000 })) === 'followed_up';
    }, 'the callback recorded');
    await screenshot(hall, 'intake-callback');

    // The manager's satisfaction figure changes, and its drill-down lists this case.
    await eventually(async () => {
      await manager.getByTestId('dashboard-refresh').click();
      await manager.waitForTimeout(300);
      return (await satisfactionFigure(manager)) !== before;
    }, 'the satisfaction figure to change', 30_000);
    await manager.locator('[data-testid="figure-card"][data-figure="satisfaction"]').click();
    await manager.locator(`[data-testid="drilldown-row"][data-case-id="${opened.id}"]`).waitFor();
    await screenshot(manager, 'dashboard');
    // What the satisfaction figure counts is one click away: the definitions of the version it was computed with.
    await manager.getByTestId('satisfaction-definition').click();
    await manager.locator('[data-testid="definitions-version"][data-version="figures-2026.2"] [data-testid="definitions-current"]').waitFor();
    const rule = manager.locator('[data-testid="definitions-version"][data-version="figures-2026.2"] [data-testid="definitions-rate"][data-rate="satisfaction"]');
    expect(await rule.textContent()).toMatch(/回访/);
    expect(await manager.locator('[data-testid="definitions-version"][data-version="figures-2026.1"] [data-testid="definitions-choice"][data-choice="withdrawn_after_sign_for_stays"]').count()).toBe(1);
    await screenshot(manager, 'definitions');
    for (const p of [hall, cadre, manager]) await p.context().close();
  });

  it('a case left unaccepted shows up in the manager’s queue without a reload', async () => {
    const manager = await staffPage(t.head);
    await manager.waitForURL(/\/queue$/);
    await manager.getByTestId('live-indicator').waitFor();
    const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household2, servicePointCode: servicePoint, title: `无人签收 ${t.run}` }), { 'x-actor': t.hall });
    expect(res.status).toBe(201);
    await manager.locator(`[data-testid="queue-row"][data-case-id="${res.json.id}"]`).waitFor({ timeout: 20_000 });
    await screenshot(manager, 'queue');
    await manager.context().close();
  });

  it('a cadre of another department cannot open the case by URL', async () => {
    const judge = await staffPage(t.judge);
    await judge.goto(`${e.apiUrl}/cases/${opened.id}`);
    await judge.getByTestId('problem').waitFor();
    expect(await judge.getByTestId('case-title').count()).toBe(0);
    expect(await judge.content()).not.toContain(`浏览器测试 ${t.run}`);
    await judge.context().close();
  });

  it("the residents' page shows the case only for the right phone digits", async () => {
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${e.apiUrl}/track`);
    await page.getByTestId('track-code').fill(opened.trackingCode);
    await page.getByTestId('track-phone').fill('0000');
    await page.getByTestId('track-submit').click();
    await page.getByTestId('track-error').waitFor();
    expect(await page.getByTestId('track-result').count()).toBe(0);
    await page.getByTestId('track-phone').fill('5678');
    await page.getByTestId('track-submit').click();
    await page.locator('[data-testid="track-status"][data-status="followed_up"]').waitFor();
    const text = await page.getByTestId('track-result').textContent();
    for (const secret of ['王桂兰', '13912345678', t.cadre1]) expect(text).not.toContain(secret);
    await screenshot(page, 'track');
    await page.context().close();
  });
});

describe('every screen at 360 px and 1366 px', () => {
  const screens: [string, string | null, string][] = [
    ['sign-in', null, '/sign-in'],
    ['track', null, '/track'],
    ['intake', t.hall, '/intake'],
    ['inbox', t.cadre1, '/inbox'],
    ['households', t.cadre1, '/households'],
    ['case', t.cadre1, '/cases/:id'],
    ['queue', t.head, '/queue'],
    ['dashboard', t.township, '/dashboard'],
    ['definitions', t.township, '/definitions'],
  ];
  for (const viewport of [PHONE, DESKTOP]) {
    it(`fits ${viewport.width} px wide with no sideways scrolling`, async () => {
      const overflowing: string[] = [];
      // One sign-in per person and width (sign-in is rate-limited per user name).
      for (const who of [...new Set(screens.map(([, w]) => w))]) {
        const page = who ? await staffPage(who, viewport) : await (await newContext(browser, viewport)).newPage();
        for (const [name, , route] of screens.filter(([, w]) => w === who)) {
          await page.goto(`${e.apiUrl}${route.replace(':id', opened.id)}`);
          await page.waitForLoadState('networkidle');
          await page.locator('main, form, [data-testid]').first().waitFor();
          await screenshot(page, `screen-${name}`);
          if (await overflowsSideways(page)) overflowing.push(name);
        }
        await page.context().close();
      }
      expect(overflowing).toEqual([]);
    });
  }
});
