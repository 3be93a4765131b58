/// <reference lib="dom" />
/**
 * The public-condition ledger in the console (民情台帐, issue 13), in Chromium, in
 * zh-CN, on a 360 px phone: a cadre sees a key household's needs on /households,
 * opens its file from there, records a new difficulty, sees the new version in
 * the history with what changed and who changed it — and the department head's
 * duty figures (/duty) count one more 档案更新 for the cadre. The ledger list
 * and the file show no English and no raw code, and need no sideways scroll.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_HOUSEHOLD_LEDGER } from '@minqing/shared';
import { env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { launchBrowser, newContext, overflowsSideways, PHONE, screenshot, signIn } from '../support/browser';
import { offences, watchRequests } from '../support/casework';

const e = env();
const t = township(`lb${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (actor: string) => ({ 'x-actor': actor });
const NEW_NOTE = `儿子外出务工，家中缺劳力 ${t.run}`;
let db: pg.Client;
let browser: Browser;

/** The cadre's 档案更新 count in the department head's duty figures for this month (via the API). */
async function filesUpdated(): Promise<number | undefined> {
  const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const duty = await http('GET', api(`/reports/duty?period=${month}`), undefined, as(t.head));
  return duty.json?.items?.find((i: { cadreCode: string }) => i.cadreCode === t.cadre1)?.householdFilesUpdated;
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await tokenFor(t.cadre1);
  await tokenFor(t.head);
  // The file's first version, from the cadre's first visit (through the API).
  const first = await http('PUT', api(`/ledger/households/${t.household}`), {
    baseVersion: 0,
    data: {
      ...EMPTY_HOUSEHOLD_LEDGER,
      population: { ...EMPTY_HOUSEHOLD_LEDGER.population, members: 3, workingAge: 1, elderly: 2, children: 0 },
      difficulties: { types: ['illness'], note: '老人患慢性病' },
      needs: { types: ['medical'], intentions: [], note: '希望了解大病救助政策' },
    },
    changeNote: '入户摸底建档',
  }, as(t.cadre1));
  expect(first.status, first.text).toBe(200);
  await eventually(async () => (await filesUpdated()) === 1, "the first version in the head's duty figures", 60_000);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

async function staffPage(username: string, viewport = PHONE): Promise<Page> {
  const page = await (await newContext(browser, viewport)).newPage();
  await signIn(page, e.apiUrl, username, TEST_STAFF_PASSWORD);
  return page;
}

describe("a cadre keeps a linked household's file", () => {
  it('opens it from /households, records a difficulty, sees the new version in the history, and 档案更新 rises in the duty figures', { timeout: 180_000 }, async () => {
    const page = await staffPage(t.cadre1);
    const watch = watchRequests(page);
    await page.goto(`${e.apiUrl}/households`);
    const row = page.locator(`[data-testid="household-row"][data-household-code="${t.household}"]`);
    await row.waitFor();
    // the key household's needs, from its file, under its row
    await expect.poll(() => row.getByTestId('household-needs').innerText()).toContain('医疗救助');
    expect(await row.getByTestId('household-needs').innerText()).toContain('希望了解大病救助政策');

    await row.getByTestId('household-ledger').click();
    await page.waitForURL(`**/ledger/households/${t.household}`);
    await page.getByTestId('household-ledger').waitFor();
    expect(await page.getByTestId('ledger-head-name').innerText()).toBe('王桂兰');
    expect(await page.getByTestId('ledger-version-line').getAttribute('data-version')).toBe('1');
    expect(await page.locator('[data-testid="ledger-value-difficulties.note"]').innerText()).toContain('老人患慢性病');

    await page.getByTestId('ledger-edit').click();
    await page.getByTestId('ledger-form').waitFor();
    await page.getByTestId('ledger-choice-difficulties.types-lack_of_labor').check();
    await page.getByTestId('ledger-field-difficulties.note').fill(NEW_NOTE);
    await page.getByTestId('ledger-change-note').fill('再次入户核实');
    expect(await overflowsSideways(page), 'the form at 360 px').toBe(false);
    await screenshot(page, 'ledger-form');
    await page.getByTestId('ledger-save').click();

    const saved = page.getByTestId('ledger-saved');
    await saved.waitFor();
    expect(await saved.innerText()).toContain('已保存为第 2 版');
    expect(await saved.getAttribute('data-work')).toBe('logged');
    expect(await page.getByTestId('ledger-work-logged').innerText()).toContain('档案更新');
    await expect.poll(() => page.getByTestId('ledger-version-line').getAttribute('data-version')).toBe('2');
    expect(await page.locator('[data-testid="ledger-value-difficulties.note"]').innerText()).toContain(NEW_NOTE);

    // the history: version 2 first, by the cadre, naming what changed from what
    const newest = page.getByTestId('ledger-version').first();
    await expect.poll(() => newest.getAttribute('data-version')).toBe('2');
    const text = await newest.innerText();
    expect(text).toContain('李海燕');
    expect(text).toContain('再次入户核实');
    expect(text).toContain('困难类型');
    expect(text).toContain('缺劳动力');
    const noteChange = newest.locator('[data-testid="ledger-change"][data-field="difficulties.note"]');
    expect(await noteChange.innerText()).toContain(`由“老人患慢性病”改为“${NEW_NOTE}”`);
    expect(await page.getByTestId('ledger-version').count()).toBe(2);
    expect(await page.locator('[data-testid="ledger-version"][data-version="1"]').innerText()).toContain('入户摸底建档');

    expect(await overflowsSideways(page), 'the file at 360 px').toBe(false);
    expect(await offences(page, t.run)).toEqual([]);
    await screenshot(page, 'ledger-household');
    expect(watch.failed).toEqual([]);

    // the ledger list: the file with its version, in Chinese, at 360 px
    await page.goto(`${e.apiUrl}/ledger`);
    const listed = page.locator(`[data-testid="ledger-row"][data-household-code="${t.household}"]`);
    await listed.waitFor();
    expect(await listed.getAttribute('data-version')).toBe('2');
    expect(await overflowsSideways(page), 'the list at 360 px').toBe(false);
    expect(await offences(page, t.run)).toEqual([]);
    await screenshot(page, 'ledger-list');

    // the department head's duty figures: one more 档案更新 for the cadre
    const head = await staffPage(t.head, { width: 1366, height: 768 });
    await head.goto(`${e.apiUrl}/duty`);
    const dutyRow = head.locator(`[data-testid="duty-row"][data-cadre="${t.cadre1}"]`);
    await eventually(async () => {
      await head.reload();
      await dutyRow.waitFor();
      return (await dutyRow.getByTestId('duty-household-files').innerText()).trim() === '2';
    }, "档案更新 2 in the head's duty figures", 60_000);
    await screenshot(head, 'ledger-duty');
  });

  it('a cadre not linked to the household is shown the refusal, and no form', async () => {
    await tokenFor(t.cadre2);
    const page = await staffPage(t.cadre2);
    await page.goto(`${e.apiUrl}/ledger/households/${t.household}`);
    const problem = page.locator('[data-testid="problem"][data-status="403"]');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('无权查看此档案');
    expect(await page.getByTestId('ledger-edit').count()).toBe(0);
  });
});
