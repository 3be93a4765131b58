/// <reference lib="dom" />
/**
 * Market-day duty (双定 — 定时服务, issue 13) in a real browser, in zh-CN. A
 * cadre on the session's duty roster opens /sessions on a 360 px phone and
 * records that they are there today; a colleague on the roster is absent
 * (recorded with the API). The area's leader opens the market-day report on a
 * desktop: the month's row of today's market day with its attendance and the
 * case taken in there, that day's roster (who is there, who is absent and
 * why, recorded by whom) and the case by category; then the report on a
 * phone. No English words on screen, nothing wider than it.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs as signedInPage, screenshot } from '../support/browser';

const e = env();
const t = township(`mb${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const weekday = ((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
const session = t.code('market');
let db: pg.Client;
let browser: Browser;

/** Words in Latin letters on the main part of the screen (inputs, selects and codes left out; the file formats' names, CSV and Excel, are what they are). */
const latinOnScreen = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['<no main>'];
    const copy = main.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.mono, input, select, textarea').forEach((el) => el.remove());
    return (copy.textContent?.match(/[A-Za-z_][A-Za-z_-]{2,}/g) ?? []).filter((w) => w !== 'CSV' && w !== 'Excel');
  });

const pageAs = (username: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, TEST_STAFF_PASSWORD, viewport);

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  // today's market day in 乌兰, with three on its duty roster
  await db.query(`INSERT INTO directory.sessions (code, name, village_code, weekday, start_time, end_time) VALUES ($1, '乌兰集贸日联合办公', $2, $3, '09:00', '12:00')`, [session, t.village, weekday]);
  await db.query('INSERT INTO directory.session_duty (session_code, cadre_code) VALUES ($1, $2), ($1, $3), ($1, $4)', [session, t.cadre1, t.cadre2, t.judge]);
  for (const who of [t.cadre1, t.leader]) await tokenFor(who);
  // a colleague is absent (sick leave), and a case is taken in at the market by a cadre on duty
  const absent = await http('POST', api(`/sessions/${session}/attendance`), { date: today, status: 'absent', reason: 'sick_leave' }, { 'x-actor': t.cadre2 });
  expect(absent.status, absent.text).toBe(201);
  const opened = await http('POST', api('/cases'), caseBody({ channel: 'market_day', servicePointCode: undefined, villageCode: t.village, householdCode: t.household, title: '集市上反映：冬季取暖用煤困难' }), { 'x-actor': t.cadre1, 'idempotency-key': `mb-${t.run}` });
  expect(opened.status, opened.text).toBe(201);
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

describe('market-day duty', () => {
  it('a rostered cadre records their attendance on a phone', async () => {
    const page = await pageAs(t.cadre1, PHONE);
    await page.goto(`${e.apiUrl}/sessions`);
    await page.locator(`[data-testid="session"][data-session="${session}"] [data-testid="session-open"]`).click();
    const day = page.locator(`[data-testid="session-day"][data-session="${session}"]`);
    await day.waitFor();
    expect(await day.getAttribute('data-date')).toBe(today);
    const own = day.getByTestId('attendance-own');
    await own.waitFor();
    await own.getByTestId('attendance-own-record-arrived').click();
    await own.getByTestId('attendance-saved').waitFor();
    await day.locator(`[data-testid="attendance-line"][data-cadre="${t.cadre1}"][data-status="arrived"]`).waitFor();
    expect(await own.getByTestId('attendance-status').textContent()).toContain('已到岗');
    // the colleague's absence, with its reason
    expect(await day.locator(`[data-testid="attendance-line"][data-cadre="${t.cadre2}"]`).textContent()).toContain('缺勤 · 病假');
    expect(await day.getByTestId('attendance-counts').first().getAttribute('data-arrived')).toBe('1');
    // the case taken in there that day
    expect(await day.getByTestId('session-day-case').allTextContents()).toEqual([expect.stringContaining('集市上反映：冬季取暖用煤困难')]);
    // a cadre has no month report
    expect(await page.getByTestId('session-report-link').count()).toBe(0);
    expect(await overflowsSideways(page)).toBe(false);
    expect(await latinOnScreen(page)).toEqual([]);
    await screenshot(page, 'market-day-attendance-phone');
    await page.context().close();
  });

  it("the area's leader opens the market-day report and sees the attendance and the case opened there", async () => {
    const page = await pageAs(t.leader, DESKTOP);
    await page.goto(`${e.apiUrl}/sessions`);
    await page.getByTestId('session-report-link').click();
    await page.waitForURL(/\/sessions\/report$/);
    const row = page.locator(`[data-testid="session-report-row"][data-session="${session}"][data-date="${today}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-arrived')).toBe('1');
    expect(await row.getAttribute('data-rostered')).toBe('3');
    expect(await row.getAttribute('data-cases')).toBe('1');
    expect(await row.textContent()).toContain('应到 3 人，到岗 1 人，缺勤 1 人，未登记 1 人');
    await row.getByTestId('session-report-open').click();
    const day = page.locator(`[data-testid="session-report-day"][data-session="${session}"][data-date="${today}"]`);
    await day.waitFor();
    expect(await day.locator(`[data-testid="attendance-line"][data-cadre="${t.cadre1}"]`).textContent()).toContain('已到岗');
    expect(await day.locator(`[data-testid="attendance-line"][data-cadre="${t.cadre2}"]`).textContent()).toContain('缺勤 · 病假');
    expect(await day.locator(`[data-testid="attendance-line"][data-cadre="${t.judge}"]`).textContent()).toContain('未登记');
    expect(await day.locator('[data-testid="session-day-category"][data-category="livelihood_difficulty"]').textContent()).toContain('民生困难');
    expect(await day.getByTestId('session-day-case').allTextContents()).toEqual([expect.stringContaining('集市上反映：冬季取暖用煤困难')]);
    // the leader records the judge, who has not, on their behalf
    await day.locator(`[data-testid="attendance-line"][data-cadre="${t.judge}"] [data-testid="attendance-for-arrived"]`).click();
    await day.locator(`[data-testid="attendance-line"][data-cadre="${t.judge}"][data-status="arrived"]`).waitFor();
    expect(await day.locator(`[data-testid="attendance-line"][data-cadre="${t.judge}"]`).textContent()).toContain('由宝音代为登记');
    // the month's row counts them
    await page.locator(`[data-testid="session-report-row"][data-session="${session}"][data-date="${today}"][data-arrived="2"]`).waitFor();
    expect(await page.getByTestId('session-report-csv').getAttribute('href')).toContain('format=csv');
    expect(await page.getByTestId('session-report-xlsx').getAttribute('href')).toContain('format=xlsx');
    expect(await overflowsSideways(page)).toBe(false);
    expect(await latinOnScreen(page)).toEqual([]);
    await screenshot(page, 'market-day-report-desktop');

    await page.setViewportSize(PHONE);
    await page.reload();
    await page.locator(`[data-testid="session-report-day"][data-session="${session}"]`).waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'market-day-report-phone');
    await page.context().close();
  });
});
