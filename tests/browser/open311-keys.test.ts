/// <reference lib="dom" />
/**
 * The Open311 keys screen in a real browser: the administrator finds it in the
 * menu, creates a key for an app with a service point and sees its secret once
 * — a key that the GeoReport endpoint takes — then revokes it, after which the
 * endpoint refuses it; a department head gets "not allowed"; the screen fits
 * 360 px and 1366 px.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, tokenFor, TEST_STAFF_PASSWORD } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs as signedInPage, screenshot } from '../support/browser';

const e = env();
const t = township(`ok${Date.now().toString(36)}`);
const sp = t.code('sp-app');
let db: pg.Client;
let browser: Browser;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, $2, 'hall', NULL)`, [sp, `应用回访大厅 ${t.run}`]);
  await tokenFor(t.head);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

const pageAs = (username: string, password: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, password, viewport);

/** A request the spec's way, with `apiKey`: the status the endpoint answers. */
async function submitWith(apiKey: string): Promise<number> {
  const res = await fetch(`${e.apiUrl}/open311/v2/requests.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: apiKey, service_code: 'other', address_string: '乌兰社区', last_name: '王', phone: '13912345678', description: `控制台密钥 ${t.run}` }).toString(),
  });
  await res.text();
  return res.status;
}

describe('the Open311 keys screen (/open311-keys)', () => {
  it('the administrator creates a key (its secret shown once, and it works), then revokes it (and it stops working)', async () => {
    const page = await pageAs('admin', e.adminPassword);
    await page.getByTestId('nav').getByRole('link', { name: '开放接口密钥' }).click();
    await page.waitForURL(/\/open311-keys$/);
    await page.getByTestId('open311-key-name').fill(`城市服务App ${t.run}`);
    await page.getByTestId('open311-key-organisation').fill('市政务服务中心');
    await page.getByTestId('open311-key-service-point').selectOption(sp);
    await page.getByTestId('open311-key-submit').click();
    const created = page.getByTestId('open311-key-created');
    await created.waitFor();
    const id = (await created.getAttribute('data-key-id'))!;
    const secret = (await page.getByTestId('open311-key-secret').textContent())!.trim();
    expect(secret.startsWith(`${id}.`)).toBe(true);
    await screenshot(page, 'open311-keys');

    const row = page.locator(`[data-testid="open311-key-row"][data-key-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-revoked')).toBe('false');
    expect(await row.textContent()).toContain(`应用回访大厅 ${t.run}`);
    // The list never shows a secret.
    expect(await page.getByTestId('open311-key-list').textContent()).not.toContain(secret.split('.')[1]);
    expect(await submitWith(secret)).toBe(201);

    page.once('dialog', (d) => void d.accept());
    await row.getByTestId('open311-key-revoke').click();
    await page.locator(`[data-testid="open311-key-row"][data-key-id="${id}"][data-revoked="true"]`).waitFor();
    expect(await submitWith(secret)).toBe(403);
    await page.context().close();
  });

  it('a department head is not allowed', async () => {
    const page = await pageAs(t.head, TEST_STAFF_PASSWORD);
    await page.goto(`${e.apiUrl}/open311-keys`);
    await page.getByTestId('not-allowed').waitFor();
    expect(await page.getByTestId('nav').getByRole('link', { name: '开放接口密钥' }).count()).toBe(0);
    await page.context().close();
  });
});

describe('the screen at 360 px and 1366 px', () => {
  it.each([PHONE, DESKTOP])('fits %o without a sideways scroll', async (viewport) => {
    const page = await pageAs('admin', e.adminPassword, viewport);
    await page.goto(`${e.apiUrl}/open311-keys`);
    await page.getByTestId('open311-key-form').waitFor();
    await page.getByTestId('open311-key-row').first().waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'open311-keys-list');
    await page.context().close();
  });
});
