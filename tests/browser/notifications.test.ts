/// <reference lib="dom" />
/**
 * Notifications in a real browser (issue 14): a cadre whose case was just
 * assigned sees the bell's count, opens the list, reads the notice worded in
 * the console's language (codes + params from the server), marks it read and
 * the count goes down; hall staff record on the case page that the resident
 * wants no messages; the resident stops messages on the tracking page. Both
 * screens fit 360 px.
 */
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { launchBrowser, newContext, overflowsSideways, PHONE, pageAs, screenshot } from '../support/browser';

const e = env();
const t = township(`nb${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const phone = `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
let db: pg.Client;
let browser: Browser;
let opened: { id: string; trackingCode: string };

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await tokenFor(t.cadre1);
  await tokenFor(t.hall);
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title: `铃铛 ${t.run}`, resident: { name: '王桂兰', phone } }), { 'x-actor': t.hall });
  expect(res.status).toBe(201);
  opened = { id: res.json.id, trackingCode: res.json.trackingCode };
  await eventually(async () => {
    const list = (await http('GET', api('/notifications?limit=100'), undefined, { 'x-actor': t.cadre1 })).json;
    return list?.items.some((n: { caseId: string }) => n.caseId === opened.id) || undefined;
  }, 'the assignee\'s notification');
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

describe('notifications in the console', () => {
  it('the bell counts the unread, the list words each notice, reading one lowers the count', async () => {
    const page = await pageAs(browser, e.apiUrl, t.cadre1, TEST_STAFF_PASSWORD);
    const count = page.getByTestId('notification-count');
    await count.waitFor();
    const before = Number(await count.textContent());
    expect(before).toBeGreaterThanOrEqual(1);
    await page.getByTestId('notification-bell').click();
    await page.waitForURL(/\/notifications$/);
    const item = page.getByTestId('notification').filter({ hasText: opened.trackingCode });
    await expect.poll(() => item.count(), { timeout: 15_000 }).toBe(1);
    expect(await item.textContent()).toContain(`诉求 ${opened.trackingCode} 已分派给您`);
    await screenshot(page, 'notifications-list');
    await item.getByTestId('notification-read').click();
    await item.getByTestId('notification-read').waitFor({ state: 'detached' });
    await expect.poll(async () => ((await count.count()) ? Number(await count.textContent()) : 0)).toBe(before - 1);
    await page.context().close();
  });

  it('words an extension to decide in working days, as the cadre asked for it', async () => {
    const move = async (path: string, actor: string, body: unknown = {}) => {
      const r = await http('POST', api(`/cases/${opened.id}/${path}`), body, { 'x-actor': actor });
      expect(r.status, r.text).toBe(200);
    };
    await move('accept', t.cadre1);
    // two working days of the default calendar (08:30–12:00, 13:30–17:30: 450 minutes a day)
    await move('extensions', t.cadre1, { minutes: 900, reason: '需上级审批' });
    await tokenFor(t.head);
    const page = await pageAs(browser, e.apiUrl, t.head, TEST_STAFF_PASSWORD);
    await page.goto(`${e.apiUrl}/notifications`);
    const item = page.getByTestId('notification').filter({ hasText: opened.trackingCode });
    await expect.poll(() => item.count(), { timeout: 30_000 }).toBe(1);
    expect(await item.textContent()).toContain(`诉求 ${opened.trackingCode}：申请延期 2 个工作日（办理），待您审批`);
    await page.context().close();
  });

  it('fits a phone screen', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    await page.goto(`${e.apiUrl}/sign-in`);
    await page.getByTestId('username').fill(t.cadre1);
    await page.getByTestId('password').fill(TEST_STAFF_PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('me').waitFor();
    await page.goto(`${e.apiUrl}/notifications`);
    await page.getByTestId('notification').first().waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await page.context().close();
  });

  it('hall staff record on the case page that the resident wants no messages', async () => {
    const page = await pageAs(browser, e.apiUrl, t.hall, TEST_STAFF_PASSWORD);
    await page.goto(`${e.apiUrl}/cases/${opened.id}`);
    await page.getByTestId('resident-messages-off').click();
    await page.getByTestId('resident-messages').getByRole('status').waitFor();
    const { rows } = await db.query('SELECT recorded_by FROM directory.notification_opt_outs WHERE case_id = $1', [opened.id]);
    expect(rows).toEqual([{ recorded_by: t.hall }]);
    await page.context().close();
  });

  it('the resident stops and restarts messages on the tracking page', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    await page.goto(`${e.apiUrl}/track?code=${opened.trackingCode}`);
    await page.getByTestId('track-phone').fill(phone.slice(-4));
    await page.getByTestId('track-submit').click();
    await page.getByTestId('track-notify-stop').click();
    await page.getByTestId('track-notify-done').waitFor();
    expect((await db.query('SELECT 1 FROM directory.notification_opt_outs WHERE case_id = $1', [opened.id])).rowCount).toBe(1);
    await page.getByTestId('track-notify-restart').click();
    await expect.poll(async () => (await db.query('SELECT 1 FROM directory.notification_opt_outs WHERE case_id = $1', [opened.id])).rowCount).toBe(0);
    expect(await overflowsSideways(page)).toBe(false);
    await page.context().close();
  });
});
