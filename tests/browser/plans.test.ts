/// <reference lib="dom" />
/**
 * Plans in the console (片区工作计划, issue 13), in Chromium, in zh-CN: the area
 * leader starts this year's area plan on /plans and adds an item with an owner
 * and a due date; the owner, on a 360 px phone, finds the plan, marks the item
 * done with a note in a few taps, and sees it done with its history; the
 * assessment group sees the plan's progress in the list and on the plan page
 * the figure reporting projected (one item due, done on time) — and the owner's
 * done item in their duty line. No English, no raw code, no sideways scroll.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, firstSignIn, http, TEST_STAFF_INITIAL_PASSWORD, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { launchBrowser, newContext, overflowsSideways, PHONE, screenshot, signIn } from '../support/browser';
import { offences, watchRequests } from '../support/casework';

const e = env();
const t = township(`pb${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const assessor = `assess-${t.run}`;
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
// due in a week, or on the last day of the year when that is sooner: done today is on time, and due this year
const DUE = (() => {
  const week = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
  const end = `${TODAY.slice(0, 4)}-12-31`;
  return week < end ? week : end;
})();
const TITLE = '推进肉羊养殖合作社建设';
let db: pg.Client;
let browser: Browser;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  for (const who of [t.leader, t.cadre1]) await tokenFor(who);
  expect((await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: TEST_STAFF_INITIAL_PASSWORD })).status).toBeLessThan(300);
  await firstSignIn(assessor, TEST_STAFF_INITIAL_PASSWORD);
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

describe('an area plan tracked to done', () => {
  it('the leader adds an item, the owner marks it done on a phone, the assessment group sees the progress and the figure', { timeout: 240_000 }, async () => {
    // the area leader starts the plan and adds an item (a desktop)
    const leader = await staffPage(t.leader, { width: 1366, height: 768 });
    const leaderWatch = watchRequests(leader);
    await leader.goto(`${e.apiUrl}/plans`);
    await leader.getByTestId('plan-start').waitFor();
    await leader.getByTestId('plan-start-choice').selectOption(`area:${t.area}`);
    await leader.getByTestId('plan-start-submit').click();
    await leader.getByTestId('plan-page').waitFor();
    expect(await leader.getByTestId('plan-title').innerText()).toContain('东片区');
    await leader.getByTestId('plan-add-item').click();
    await leader.getByTestId('new-item-title').fill(TITLE);
    await leader.getByTestId('new-item-owner').selectOption(t.cadre1);
    await leader.getByTestId('new-item-due').fill(DUE);
    await leader.getByTestId('plan-item-form').getByText('乌兰社区').click();
    await leader.getByTestId('new-item-submit').click();
    const added = leader.getByTestId('plan-item');
    await added.waitFor();
    expect(await added.getAttribute('data-status')).toBe('planned');
    expect(await added.getAttribute('data-owner')).toBe(t.cadre1);
    expect(await added.innerText()).toContain('李海燕');
    expect(await offences(leader, t.run)).toEqual([]);
    expect(leaderWatch.failed).toEqual([]);
    await screenshot(leader, 'plans-leader');

    // the owner, on a phone: the plan is in their list; they mark the item done with a note
    const owner = await staffPage(t.cadre1);
    const watch = watchRequests(owner);
    await owner.goto(`${e.apiUrl}/plans`);
    const row = owner.getByTestId('plan-row').filter({ hasText: '东片区' });
    await row.waitFor();
    expect(await overflowsSideways(owner), 'the list at 360 px').toBe(false);
    await row.getByTestId('plan-open').click();
    await owner.getByTestId('plan-page').waitFor();
    const item = owner.getByTestId('plan-item').filter({ hasText: TITLE });
    await item.waitFor();
    await item.getByTestId('plan-item-note').fill('已召开合作社成立大会，章程已通过');
    expect(await overflowsSideways(owner), 'the plan at 360 px').toBe(false);
    await screenshot(owner, 'plans-owner-phone');
    await item.getByTestId('plan-item-to-done').click();
    const done = owner.locator('[data-testid="plan-item"][data-status="done"]');
    await done.waitFor();
    expect(await done.getByTestId('plan-item-status').innerText()).toBe('已完成');
    expect(await done.innerText()).toContain('已召开合作社成立大会');
    await done.getByTestId('plan-item-history-toggle').click();
    const newest = done.getByTestId('plan-revision').first();
    await newest.waitFor();
    expect(await newest.getAttribute('data-status')).toBe('done');
    expect(await newest.innerText()).toContain('未开始 → 已完成');
    expect(await owner.getByTestId('plan-revision').count()).toBe(2);
    expect(await overflowsSideways(owner), 'the done item at 360 px').toBe(false);
    expect(await offences(owner, t.run)).toEqual([]);
    expect(watch.failed).toEqual([]);
    await screenshot(owner, 'plans-owner-done');

    // the assessment group: the plan's progress in the list, and the figure on its page once reporting has it
    const assess = await staffPage(assessor, { width: 1366, height: 768 });
    await assess.goto(`${e.apiUrl}/plans`);
    // the test database holds other runs' 东片区: search by this run's area code
    await assess.getByTestId('plans-search').fill(t.area);
    const plans = (await http('GET', api(`/plans?q=${encodeURIComponent(t.area)}`), undefined, { 'x-actor': t.leader })).json.items;
    expect(plans).toHaveLength(1);
    const planId: string = plans[0].id;
    const progress = assess.locator(`[data-testid="plan-row"][data-plan="${planId}"] [data-testid="plan-progress"]`);
    await progress.waitFor();
    expect(await progress.getAttribute('data-done')).toBe('1');
    expect(await progress.getAttribute('data-total')).toBe('1');
    expect(await progress.innerText()).toContain('已完成 1 / 1 项');
    await assess.locator(`[data-testid="plan-row"][data-plan="${planId}"] [data-testid="plan-open"]`).click();
    await assess.getByTestId('plan-page').waitFor();
    expect(await assess.getByTestId('plan-add-item').count()).toBe(0); // the assessment group reads, it does not edit
    expect(await assess.getByTestId('plan-item-to-done').count()).toBe(0);
    await eventually(async () => {
      await assess.reload();
      await assess.getByTestId('plan-figure').waitFor();
      return (await assess.getByTestId('fig-done-on-time').count()) > 0 && (await assess.getByTestId('fig-done-on-time').innerText()).trim() === '1';
    }, 'the plan figure from reporting', 90_000);
    expect((await assess.getByTestId('fig-due').innerText()).trim()).toBe('1');
    expect((await assess.getByTestId('fig-overdue').innerText()).trim()).toBe('0');
    expect(await assess.getByTestId('fig-completion').innerText()).toContain('100');
    expect(await offences(assess, t.run)).toEqual([]);
    await screenshot(assess, 'plans-assessment');

    // and the owner's done item in their own duty line (/duty, this month), on the phone
    await owner.goto(`${e.apiUrl}/duty`);
    const duty = owner.locator(`[data-testid="duty-row"][data-cadre="${t.cadre1}"] [data-testid="duty-plan-items"]`);
    await duty.waitFor();
    expect(await duty.getAttribute('data-done')).toBe('1');
    expect(await duty.innerText()).toContain('完成 1');
  });
});
