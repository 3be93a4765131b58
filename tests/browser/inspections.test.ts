/// <reference lib="dom" />
/**
 * 一听二看三查 and the evaluation sheet in a real browser, in zh-CN (issue 13).
 * A member of the assessment group, on a 360 px phone, records an inspection
 * of a cadre — the report heard, the ledger and a diary entry looked at, a
 * household checked, each part scored — and sees it listed with its grade;
 * finds it beside the cadre's duty figures on /duty; opens /evaluation for the
 * month, sees the cadre's row with the inspection, signs the sheet off, and
 * downloads it as XLSX and as PDF, both with the cadre's name in them. Nothing
 * wider than the screen on the phone, nor at 1366 px.
 */
import fs from 'node:fs';
import pg from 'pg';
import ExcelJS from 'exceljs';
import { extractText, getDocumentProxy } from 'unpdf';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs, screenshot } from '../support/browser';
import { workBody } from '../support/work';

const e = env();
const t = township(`ib${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const assessor = `assess-${t.run}`;
const PASSWORD = 'test-assessor-pass';
/** Today in the township and in the browser (Asia/Shanghai). */
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const month = today.slice(0, 7);
let db: pg.Client;
let browser: Browser;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  expect((await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组 · 测试', password: PASSWORD, mustChangePassword: false })).status).toBe(201);
  const diary = await http('POST', api('/work-records'), workBody('diary', { date: today, household: t.household, village: t.village, note: '走访王桂兰家，了解取暖情况' }), { 'x-actor': t.cadre1, 'idempotency-key': `ib-diary-${t.run}` });
  expect(diary.status, diary.text).toBe(201);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

async function download(page: Page, testid: string): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return fs.readFileSync((await file.path())!);
}

describe('the assessment group inspects a cadre and signs off the evaluation sheet', () => {
  it('records 一听二看三查 from a phone, sees it on /duty, signs the month’s sheet off and downloads it as XLSX and PDF', async () => {
    const page = await pageAs(browser, e.apiUrl, assessor, PASSWORD, PHONE);
    await page.goto(`${e.apiUrl}/inspections`);
    const form = page.getByTestId('inspection-form');
    await form.waitFor();
    await page.getByTestId('inspection-cadre').selectOption(t.cadre1);
    expect(await page.getByTestId('inspection-date').inputValue()).toBe(today);
    await page.getByTestId('inspection-listen-notes').fill('汇报了联系户走访和代办事项跟踪情况');
    await page.getByTestId('inspection-listen-score').fill('95');
    await page.getByTestId('inspection-ledger').fill(t.household);
    // the cadre's own diary entries to tick
    await page.getByTestId('inspection-diary-entry').first().check();
    await page.getByTestId('inspection-look-findings').fill('台帐完整，日记记录及时');
    await page.getByTestId('inspection-look-score').fill('90');
    await page.getByTestId('inspection-checked').fill(t.household);
    await page.getByTestId('inspection-check-findings').fill('走访户对干部评价好');
    await page.getByTestId('inspection-check-score').fill('91');
    expect(await overflowsSideways(page)).toBe(false);
    await page.getByTestId('inspection-submit').click();
    const saved = page.getByTestId('inspection-saved');
    await saved.waitFor();
    expect(await saved.textContent()).toContain('优秀');
    expect(await saved.textContent()).toContain('李海燕');
    const row = page.locator(`[data-testid="inspection-row"][data-cadre="${t.cadre1}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-grade')).toBe('excellent');
    expect(await row.textContent()).toContain('考核组 · 测试');
    // searchable: by a word of the findings
    await page.getByTestId('inspection-search').fill('评价好');
    await row.waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'inspections-phone');

    // beside the duty figures, once reporting has it
    await eventually(async () => {
      const duty = await http('GET', api(`/reports/duty?period=${month}&cadre=${t.cadre1}`));
      return duty.json?.items?.[0]?.inspection?.grade === 'excellent';
    }, 'the inspection in the duty figures', 60_000);
    await page.goto(`${e.apiUrl}/duty`);
    await page.getByTestId('duty-search').fill('李海燕');
    const duty = page.locator(`[data-testid="duty-row"][data-cadre="${t.cadre1}"] [data-testid="duty-inspection"]`);
    await duty.waitFor();
    expect(await duty.getAttribute('data-inspected')).toBe('yes');
    expect(await duty.textContent()).toContain('优秀');
    const quiet = page.locator(`[data-testid="duty-row"][data-cadre="${t.cadre2}"] [data-testid="duty-inspection"]`);
    await page.getByTestId('duty-search').fill('陈永明');
    await quiet.waitFor();
    expect(await quiet.textContent()).toContain('未检查');
    expect(await overflowsSideways(page)).toBe(false);

    // the month's evaluation sheet: the cadre's row, the sign-off, the downloads
    await page.goto(`${e.apiUrl}/evaluation`);
    await page.getByTestId('sheet-kind').selectOption('month');
    await page.getByTestId('sheet-month').fill(month);
    expect(await page.getByTestId('sheet-period').getAttribute('data-period')).toBe(month);
    await page.getByTestId('sheet-search').fill(t.cadre1);
    const sheetRow = page.locator(`[data-testid="sheet-row"][data-code="${t.cadre1}"]`);
    await sheetRow.waitFor();
    expect(await sheetRow.getAttribute('data-grade')).toBe('excellent');
    expect(await sheetRow.getByTestId('sheet-inspection').textContent()).toContain('优秀');
    await page.getByTestId('sheet-note').fill(`${month} 月度考核表`);
    await page.getByTestId('sheet-sign').click();
    const signed = page.getByTestId('sheet-signed');
    await signed.waitFor();
    expect(await signed.textContent()).toContain('考核组 · 测试');
    // the amendment check has run (other tests may be changing this month's figures meanwhile)
    await page.locator('[data-testid="sheet-signed"]:not([data-amended=""])').waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'evaluation-sheet-phone');

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(page, 'sheet-xlsx')) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('干部')!.getColumn(2).values).toContain('李海燕');
    const pdf = await download(page, 'sheet-pdf');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
    expect(text).toContain('评先选优考核表');
    expect(text).toContain('李海燕');
    expect(text).toContain('考核组 · 测试');
    const { rows } = await db.query('SELECT signed_by FROM reporting.evaluation_sheets WHERE period = $1 ORDER BY signed_at DESC LIMIT 1', [month]);
    expect(rows[0].signed_by).toBe(assessor);
  });

  it('fits a 1366 px screen too', async () => {
    const page = await pageAs(browser, e.apiUrl, assessor, PASSWORD, DESKTOP);
    for (const path of ['/inspections', '/evaluation']) {
      await page.goto(`${e.apiUrl}${path}`);
      await page.getByTestId(path === '/inspections' ? 'inspection-list' : 'sheet-history').waitFor();
      expect(await overflowsSideways(page), path).toBe(false);
    }
    await screenshot(page, 'evaluation-sheet-desktop');
  });
});
