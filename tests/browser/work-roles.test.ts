/// <reference lib="dom" />
/**
 * The six roles' work in a real browser, in zh-CN (issue 13). A cadre, on a
 * 360 px phone, logs a holiday visit (服务员) and the Friday clean-up (文明员)
 * from the work-record form — the kind chosen among its role's kinds, then
 * only that kind's fields — and finds both on /duty: their own row by role,
 * the grassroots-days rule week by week, and the records with their role. A
 * department head reads, for a month whose weeks are over, the rule's weeks,
 * how many cadres miss it and who: one who met it every week, one who did not,
 * one who recorded nothing. No English words on screen, nothing wider than it.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs as signedInPage, screenshot } from '../support/browser';

const e = env();
const t = township(`wb${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
let db: pg.Client;
let browser: Browser;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Today in the township and in the browser (Asia/Shanghai). */
const today = iso(Date.now() + 8 * 3_600_000);
/** The last Friday on or before today: the form's date for the clean-up day. */
const lastFriday = iso(Date.parse(`${today}T00:00:00Z`) - ((new Date(`${today}T00:00:00Z`).getUTCDay() + 2) % 7) * DAY);
/** A month whose weeks are all over: two months back. */
const pastMonth = (() => {
  const d = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - 2);
  return d.toISOString().slice(0, 7);
})();
/** The Mondays of the weeks whose Thursday falls in `month` (the weeks the rule judges it on). */
function ruleMondays(month: string): string[] {
  const first = Date.parse(`${month}-01T00:00:00Z`);
  const mondays: string[] = [];
  for (let d = first; iso(d).startsWith(month); d += DAY) {
    if (new Date(d).getUTCDay() === 4) mondays.push(iso(d - 3 * DAY));
  }
  return mondays;
}

/** Words in Latin letters on the main part of the screen (inputs and selects left out). */
const latinOnScreen = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['<no main>'];
    const copy = main.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.mono, input, select, textarea').forEach((el) => el.remove());
    return copy.textContent?.match(/[A-Za-z_][A-Za-z_-]{2,}/g) ?? [];
  });

const pageAs = (username: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, TEST_STAFF_PASSWORD, viewport);

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  for (const who of [t.cadre1, t.cadre2, t.head]) await tokenFor(who);
  // The past month: cadre 2 at the grassroots three days in every week it is judged on, cadre 1 one day in its first week.
  const mondays = ruleMondays(pastMonth);
  let n = 0;
  const log = async (cadre: string, date: string, household: string) => {
    const res = await http('POST', api('/work-records'), { kind: 'visit', date, householdCode: household, note: '入户走访' }, { 'x-actor': cadre, 'idempotency-key': `wb-${t.run}-${n++}` });
    expect(res.status, res.text).toBe(201);
  };
  for (const monday of mondays) {
    for (const k of [0, 1, 2]) await log(t.cadre2, iso(Date.parse(`${monday}T00:00:00Z`) + k * DAY), t.household2);
  }
  await log(t.cadre1, mondays[0]!, t.household);
  await eventually(async () => {
    const duty = await http('GET', api(`/reports/duty?period=${pastMonth}&cadre=${t.cadre2}`));
    return duty.json?.items?.[0]?.weeksMeetingPlan === mondays.length;
  }, "cadre 2's weeks in the duty figures", 60_000);
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

describe('a cadre logs the work of two roles from a phone and finds it on /duty', () => {
  it('a holiday visit and the Friday clean-up, each with only its own fields, then both by role on /duty', async () => {
    const page = await pageAs(t.cadre1, PHONE);
    await page.goto(`${e.apiUrl}/households`);
    const form = page.getByTestId('work-record-form');
    await form.waitFor();
    expect((await form.boundingBox())!.y).toBeLessThan(PHONE.height);

    // The kinds come grouped by the six roles.
    const groups = await page.getByTestId('field-kind').locator('optgroup').evaluateAll((els) => els.map((el) => el.getAttribute('label')));
    expect(groups).toEqual(['调查员', '宣传员', '指导员', '服务员', '文明员', '调解员']);

    // 服务员: a holiday visit to the linked household.
    await page.getByTestId('field-kind').selectOption('holiday_visit');
    expect(await page.getByTestId('work-record-role').textContent()).toContain('服务员');
    expect(await form.locator('[data-testid="field-place"], [data-testid="field-participants"], [data-testid="field-villageCode"]').count()).toBe(0);
    await page.getByTestId('field-householdSearch').fill('王桂兰');
    await page.locator(`[data-testid="household-pick"][data-household-code="${t.household}"]`).click();
    expect(await page.getByTestId('field-holiday').locator('option').allTextContents()).toEqual(['请选择', '七一', '元旦', '春节']);
    await page.getByTestId('field-holiday').selectOption('new_year');
    await page.getByTestId('field-note').fill('送去米面油，了解过冬取暖情况。');
    await page.getByTestId('work-record-submit').click();
    expect(await page.getByTestId('work-record-done').textContent()).toContain('节日走访慰问（服务员）');
    expect(await page.getByTestId('field-date').inputValue()).toBe(today);

    // 文明员: the Friday clean-up day, dated the last Friday; no household, its village, place and people.
    await page.getByTestId('field-kind').selectOption('cleanup_day');
    expect(await page.getByTestId('work-record-role').textContent()).toContain('文明员');
    expect(await page.getByTestId('field-date').inputValue()).toBe(lastFriday);
    expect(await page.getByTestId('weekday-hint').textContent()).toContain('周五');
    expect(await form.locator('[data-testid="field-householdSearch"], [data-testid="field-holiday"]').count()).toBe(0);
    // the department's villages come first
    expect([t.village, t.otherVillage]).toContain(await page.getByTestId('field-villageCode').inputValue());
    await page.getByTestId('field-villageCode').selectOption(t.village);
    await page.getByTestId('field-place').fill('背街小巷和门前屋后');
    await page.getByTestId('field-participants').fill('26');
    await page.getByTestId('field-note').fill('组织居民清扫背街小巷。');
    await page.getByTestId('work-record-submit').click();
    expect(await page.getByTestId('work-record-done').textContent()).toContain('周五环境卫生清扫日（文明员）');
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'work-record-roles-phone');

    // /duty: the cadre's own row, by role, and the records with their role (once reporting has both).
    for (const [date, role] of [[today, 'service_attendant'], [lastFriday, 'civility_officer']] as const) {
      await eventually(async () => {
        const duty = await http('GET', api(`/reports/duty?period=${date.slice(0, 7)}`), undefined, { 'x-actor': t.cadre1 });
        return duty.json?.items?.[0]?.byRole?.[role] === 1;
      }, `the ${role} record in the duty figures`, 60_000);
    }
    await page.getByTestId('nav').getByRole('link', { name: '履职情况' }).click();
    await page.waitForURL(/\/duty$/);
    for (const [kind, date, role, roleName] of [['holiday_visit', today, 'service_attendant', '服务员'], ['cleanup_day', lastFriday, 'civility_officer', '文明员']] as const) {
      await page.getByTestId('duty-period').fill(date.slice(0, 7));
      const row = page.locator(`[data-testid="duty-row"][data-cadre="${t.cadre1}"]`);
      await row.locator(`[data-testid="duty-role"][data-role="${role}"]`).waitFor();
      expect(await row.locator(`[data-testid="duty-role"][data-role="${role}"]`).textContent()).toContain(roleName);
      expect(await page.getByTestId('duty-row').count()).toBe(1); // a cadre sees their own row only
      // the rule: at least three days a week, week by week
      expect(await page.getByTestId('duty-rule').textContent()).toContain('每周下基层不少于 3 天');
      expect(await row.getByTestId('duty-week').count()).toBeGreaterThan(0);
      const record = page.locator(`[data-testid="duty-records"] [data-testid="work-record"][data-kind="${kind}"]`);
      await record.first().waitFor();
      expect(await record.first().getByTestId('work-record-item-role').textContent()).toBe(roleName);
    }
    expect(await latinOnScreen(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'duty-cadre-phone');
    await page.context().close();
  });
});

describe('the grassroots-days rule on /duty', () => {
  it('a department head sees the month\'s weeks, how many miss the rule and who', async () => {
    const page = await pageAs(t.head);
    await page.goto(`${e.apiUrl}/duty`);
    await page.getByTestId('duty-period').fill(pastMonth);
    const met = page.locator(`[data-testid="duty-row"][data-cadre="${t.cadre2}"]`);
    await met.waitFor();
    const weeks = ruleMondays(pastMonth).length;
    expect(await page.getByTestId('duty-rule-week').count()).toBe(weeks);
    expect(await met.getByTestId('duty-week').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))).toEqual(Array(weeks).fill('met'));
    expect(await met.getAttribute('data-missed')).toBe('0');
    const missed = page.locator(`[data-testid="duty-row"][data-cadre="${t.cadre1}"]`);
    expect(await missed.getByTestId('duty-week').evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))).toEqual(Array(weeks).fill('missed'));
    expect(await missed.getByTestId('duty-week').first().textContent()).toContain('1 天 · 未达标');
    // cadre 1 and the head, who recorded nothing, miss it; cadre 2 does not
    expect(await page.getByTestId('duty-rule-summary').getAttribute('data-missing')).toBe('2');
    expect(await page.getByTestId('duty-rule-summary').textContent()).toContain('2 人有已结束的周未达标');
    await page.getByTestId('duty-missing-only').check();
    await eventually(async () => (await met.count()) === 0, 'only those missing the rule');
    const shown = await page.getByTestId('duty-row').evaluateAll((els) => els.map((el) => el.getAttribute('data-cadre')));
    expect(shown.sort()).toEqual([t.cadre1, t.head].sort());
    expect(await latinOnScreen(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'duty-rule');
    await page.context().close();
  });
});
