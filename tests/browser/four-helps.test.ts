/// <reference lib="dom" />
/**
 * 四帮四促 in a real browser, in zh-CN (issue 13). A cadre, on a 360 px
 * phone, opens a case of their linked household, finds the help its category
 * suggests preselected, adds 化解纠纷 and saves: the case page shows both tags
 * and who set them; then logs the mediation that followed from the
 * work-record form, tagged 化解纠纷 too. The township leader then opens /four-helps for today and
 * the case's area — each help's counts by village — sees the case counted
 * under both helps and the record under 化解纠纷, opens the count and finds the case. No English words on
 * screen, nothing wider than it, at 360 px and 1366 px.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs as signedInPage, screenshot } from '../support/browser';

const e = env();
const t = township(`fb${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
let db: pg.Client;
let browser: Browser;
let caseId: string;

/** Words in Latin letters on the main part of the screen (inputs, selects and codes left out). */
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
  for (const who of [t.cadre1, t.township]) await tokenFor(who);
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title: '冬季取暖用煤困难，邻里为煤棚占地起争执' }), { 'idempotency-key': `fb-${t.run}` });
  expect(res.status, res.text).toBe(201);
  caseId = res.json.id;
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

describe('四帮四促: a cadre tags a case, a manager finds it counted', () => {
  it('the cadre tags the case from a phone, the suggestion preselected', async () => {
    const page = await pageAs(t.cadre1, PHONE);
    await page.goto(`${e.apiUrl}/cases/${caseId}`);
    const panel = page.getByTestId('case-helps');
    await panel.getByTestId('case-helps-none').waitFor();
    expect(await panel.locator('h2').textContent()).toBe('四帮四促');
    await page.getByTestId('case-helps-edit').click();
    // 民生困难 suggests 帮助解决实际问题: ticked, and marked as the category's suggestion
    expect(await page.getByTestId('case-helps-pick-practical_problems').isChecked()).toBe(true);
    expect(await page.getByTestId('case-helps-pick-suggested').textContent()).toBe('按类别建议');
    expect(await page.getByTestId('case-helps-pick').textContent()).toContain('化解纠纷');
    await page.getByTestId('case-helps-pick-dispute_resolution').check();
    await page.getByTestId('case-helps-save').click();
    expect(await page.getByTestId('case-helps-saved').textContent()).toBe('四帮四促标注已保存');
    const tags = page.getByTestId('case-helps-tags');
    expect(await tags.locator('.tag').allTextContents()).toEqual(['解决问题', '化解纠纷']);
    expect(await panel.textContent()).toContain('李海燕');
    expect(await overflowsSideways(page)).toBe(false);
    expect((await panel.textContent())?.match(/[A-Za-z_][A-Za-z_-]{2,}/g) ?? []).toEqual([]);
    await screenshot(page, 'four-helps-case');
    // the change is its revision, with who: the history
    await page.getByTestId('case-helps-history-toggle').click();
    const revision = page.getByTestId('case-helps-revision');
    await revision.first().waitFor();
    expect(await revision.count()).toBe(1);
    expect(await revision.getByTestId('case-helps-revision-tags').textContent()).toBe('解决问题化解纠纷');

    // the mediation that followed, logged from the work-record form with its tag
    await page.goto(`${e.apiUrl}/households`);
    await page.getByTestId('field-kind').selectOption('mediation');
    await page.getByTestId('field-villageCode').selectOption(t.village);
    await page.getByTestId('field-participants').fill('4');
    await page.getByTestId('field-outcome').selectOption({ index: 1 });
    await page.getByTestId('field-note').fill('调解邻里煤棚占地纠纷。');
    expect(await page.getByTestId('work-helps').locator('legend').textContent()).toContain('四帮四促');
    await page.getByTestId('work-helps-dispute_resolution').check();
    await page.getByTestId('work-record-submit').click();
    await page.getByTestId('work-record-done').waitFor();
    expect(await page.getByTestId('work-helps-dispute_resolution').isChecked()).toBe(false); // the form is ready for the next record
    expect(await overflowsSideways(page)).toBe(false);
  });

  for (const viewport of [PHONE, DESKTOP]) {
    it(`the township leader sees it counted for today and the area, and opens the case (${viewport.width} px)`, async () => {
      await eventually(async () => {
        const r = await http('GET', api(`/reports/four-helps?from=${today}&to=${today}&areaCode=${t.area}`), undefined, { 'x-actor': t.township });
        const d = r.json?.totals?.find((x: { help: string }) => x.help === 'dispute_resolution');
        return d?.casesOpened === 1 && d?.workRecords === 1;
      }, 'reporting to count the tags', 60_000);
      const page = await pageAs(t.township, viewport);
      await page.goto(`${e.apiUrl}/dashboard`);
      await page.getByTestId('four-helps-link').click();
      await page.waitForURL(/\/four-helps/);
      await page.getByTestId('four-helps-totals').waitFor();
      expect(await page.locator('h1').textContent()).toBe('四帮四促');
      await page.getByTestId('four-helps-from').fill(today);
      await page.getByTestId('four-helps-to').fill(today);
      await page.getByTestId('four-helps-area').selectOption(t.area);
      await page.waitForURL(new RegExp(`area=${t.area}`));
      const totals = page.getByTestId('four-helps-totals');
      await totals.locator('[data-testid="four-helps-total-dispute_resolution-casesOpened"][data-count="1"]').waitFor();
      expect(await totals.getByTestId('four-helps-total-practical_problems-casesOpened').textContent()).toBe('1');
      expect(await totals.getByTestId('four-helps-total-policy_understanding-casesOpened').textContent()).toBe('0');
      expect(await totals.getByTestId('four-helps-total-dispute_resolution-workRecords').textContent()).toBe('1');
      expect(await totals.locator('thead th').allTextContents()).toEqual(['四帮四促', '新受理', '办结', '履职记录']);
      // by village: the case's village
      const group = page.locator(`[data-testid="four-helps-group"][data-key="${t.village}"]`);
      expect(await group.locator('h3').textContent()).toBe('乌兰社区');
      expect(await page.getByTestId('four-helps-groups').locator('h2').textContent()).toBe('按嘎查村（社区）');
      expect(await overflowsSideways(page)).toBe(false);
      expect(await latinOnScreen(page)).toEqual([]);
      await screenshot(page, 'four-helps-report');
      // the count opens its cases
      await totals.getByTestId('four-helps-total-dispute_resolution-casesOpened').click();
      const cases = page.getByTestId('four-helps-cases');
      await cases.locator(`[data-testid="four-helps-case"][data-case-id="${caseId}"]`).waitFor();
      expect(await cases.locator('h2').textContent()).toContain('化解纠纷 · 新受理');
      expect(await overflowsSideways(page)).toBe(false);
      await cases.getByRole('link', { name: '冬季取暖用煤困难，邻里为煤棚占地起争执' }).click();
      await page.waitForURL(new RegExp(`/cases/${caseId}$`));
      await page.getByTestId('case-helps-tags').waitFor();
    });
  }
});
