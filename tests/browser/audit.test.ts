/// <reference lib="dom" />
/**
 * The audit screen in a real browser: the administrator finds it in the menu,
 * filters by action and actor, pages on with "next page"; the assessment group
 * has it too, a department head gets "not allowed"; it fits 360 px and 1366 px.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, firstSignIn, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs as signedInPage, screenshot } from '../support/browser';

const e = env();
const t = township(`ad${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const assessor = `audit-assessor-${t.run}`;
let db: pg.Client;
let browser: Browser;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await tokenFor(t.head);
  await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: 'initial-pass-1' });
  await firstSignIn(assessor, 'initial-pass-1', 'assessor-pass-1');
  // 55 household reads by the administrator: more than one page of the screen's 50.
  for (let i = 0; i < 55; i++) expect((await http('GET', api(`/directory/households/${i % 2 ? t.household : t.household2}`))).status).toBe(200);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

const pageAs = (username: string, password: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, password, viewport);

describe('the audit screen (/audit)', () => {
  it('the administrator filters by action and actor and pages on', async () => {
    const page = await pageAs('admin', e.adminPassword);
    await page.getByTestId('nav').getByRole('link', { name: '审计日志' }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByTestId('audit-row').first().waitFor();

    await page.getByTestId('audit-action').selectOption('household.read');
    await page.getByTestId('audit-actor').fill('admin');
    await page.getByTestId('audit-apply').click();
    await eventually(async () => (await page.getByTestId('audit-row').count()) === 50, 'a full first page of household reads');
    const rows = page.getByTestId('audit-row');
    expect(new Set(await rows.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-action')} ${el.getAttribute('data-actor')}`)))).toEqual(new Set(['household.read admin']));
    expect(await rows.first().textContent()).toContain('查看农户信息');
    const ids = () => page.getByTestId('audit-row').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));
    const firstPage = await ids();
    await screenshot(page, 'audit');

    await page.getByTestId('audit-next').click();
    await page.locator('[data-testid="audit-page"][data-page="2"]').waitFor();
    await eventually(async () => (await page.getByTestId('audit-row').count()) > 0 && (await ids())[0] !== firstPage[0], 'the second page');
    const second = await ids();
    expect(second.filter((x) => firstPage.includes(x))).toEqual([]);
    // Older than everything on the first page.
    expect(second.every((id) => Number(id) < Math.min(...firstPage.map(Number)))).toBe(true);
    await page.getByTestId('audit-first').click();
    await page.locator('[data-testid="audit-page"][data-page="1"]').waitFor();

    // By subject: this township's first household, read 27 times by the administrator (the odd ones of 55).
    await page.getByTestId('audit-subject').fill(t.household);
    await page.getByTestId('audit-apply').click();
    await eventually(async () => (await page.getByTestId('audit-row').count()) === 27, 'the reads of one household');
    expect(await page.getByTestId('audit-next').isDisabled()).toBe(true);
    await page.context().close();
  });

  it('the assessment group has it; a department head does not', async () => {
    const assessment = await pageAs(assessor, 'assessor-pass-1');
    await assessment.getByTestId('nav').getByRole('link', { name: '审计日志' }).click();
    await assessment.getByTestId('audit-row').first().waitFor();
    await assessment.context().close();

    const head = await pageAs(t.head, TEST_STAFF_PASSWORD);
    expect(await head.getByTestId('nav').getByRole('link', { name: '审计日志' }).count()).toBe(0);
    await head.goto(`${e.apiUrl}/audit`);
    await head.getByTestId('not-allowed').waitFor();
    expect(await head.getByTestId('audit-list').count()).toBe(0);
    await head.context().close();
  });

  for (const viewport of [PHONE, DESKTOP]) {
    it(`fits ${viewport.width} px wide with no sideways scrolling`, async () => {
      const page = await pageAs('admin', e.adminPassword, viewport);
      await page.goto(`${e.apiUrl}/audit`);
      await page.getByTestId('audit-row').first().waitFor();
      await screenshot(page, 'screen-audit');
      expect(await overflowsSideways(page)).toBe(false);
      await page.context().close();
    });
  }
});
