/// <reference lib="dom" />
/**
 * Browser tests drive Debian's Chromium through playwright-core against the
 * console the case API serves. Screenshots of every screen land in
 * test-results/screenshots (not committed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM } from '@minqing/infra';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(repoRoot, 'test-results', 'screenshots');

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM,
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
  });

export const DESKTOP = { width: 1366, height: 768 };
export const PHONE = { width: 360, height: 740 };

/** A fresh browser profile (own cookies) in Chinese, in the township's timezone. */
export async function newContext(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(15_000);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

/** Whether the page is wider than the window (a sideways scroll on a phone). */
export const overflowsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

export async function signIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('me').waitFor();
}

/**
 * After signing in with an initial or reset password the console shows only the
 * change-password form; fill it, and wait for the console to open.
 */
/** A fresh page in its own context, signed in as `username`. */
export async function pageAs(browser: Browser, baseUrl: string, username: string, password: string, viewport = DESKTOP): Promise<Page> {
  const page = await (await newContext(browser, viewport)).newPage();
  await signIn(page, baseUrl, username, password);
  return page;
}

export async function chooseOwnPassword(page: Page, current: string, chosen: string): Promise<void> {
  await page.getByTestId('first-password').waitFor();
  await page.getByTestId('current-password').fill(current);
  await page.getByTestId('new-password').fill(chosen);
  await page.getByTestId('new-password-again').fill(chosen);
  await page.getByTestId('password-save').click();
  await page.getByTestId('first-password').waitFor({ state: 'detached' });
  await page.getByTestId('nav').waitFor();
}
