/// <reference lib="dom" />
/**
 * The rebuild notice on the dashboard: while the figures are being rebuilt the
 * township-wide roles see who started it, when, which step and how far, in
 * Chinese and English; it goes away (and the figures reload) once the rebuilt
 * figures are live. A real rebuild on this small stack lasts a few seconds, so
 * the running state is shown from an answer the test holds steady (the shape the
 * API documents, checked against a real status first); the end is the real one.
 */
import type { Browser, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, http } from '../support/helpers';
import { launchBrowser, pageAs, screenshot } from '../support/browser';

const e = env();
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe('the rebuild notice on the dashboard', () => {
  it('says a rebuild is running, its step and progress, and goes away when the rebuilt figures are live', async () => {
    const real = (await http('GET', `${e.apiUrl}/api/v1/reports/rebuild`)).json;
    expect(Object.keys(real).sort()).toEqual(['error', 'finishedAt', 'phase', 'progress', 'startedAt', 'startedBy', 'state']);
    const running = { state: 'rebuilding', phase: 'catching_up', startedAt: new Date().toISOString(), finishedAt: null, error: null, startedBy: 'admin', progress: { applied: 1200, target: 5000 } };
    let answer: unknown = running;
    const page = await pageAs(browser, e.apiUrl, 'admin', e.adminPassword);
    await page.route('**/api/v1/reports/rebuild', (route: Route) =>
      answer ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) }) : route.continue());
    await page.goto(`${e.apiUrl}/dashboard`);
    const banner = page.getByTestId('rebuild-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-state')).toBe('rebuilding');
    expect(await banner.textContent()).toContain('考评数据正在重建');
    expect(await page.getByTestId('rebuild-phase').textContent()).toBe('正在从事件流重建');
    expect(await page.getByTestId('rebuild-progress').textContent()).toBe('已读取 1200 / 5000 条事件');
    await screenshot(page, 'rebuild-banner-zh');

    await page.getByTestId('lang-switch').click();
    await eventually(async () => (await page.getByTestId('rebuild-progress').textContent()) === '1200 of 5000 events read', 'the notice in English');
    expect(await banner.textContent()).toContain('The figures are being rebuilt');
    await screenshot(page, 'rebuild-banner-en');

    // From now on the real status (idle, or the last real rebuild's end): the notice goes away.
    answer = null;
    await banner.waitFor({ state: 'detached', timeout: 10_000 });
  }, 60_000);
});
