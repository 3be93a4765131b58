/// <reference lib="dom" />
/**
 * Hot topics and this month's topic (每月一题, issue 13) in Chromium, in zh-CN:
 * a township leader goes from the dashboard to the hot topics, picks a month,
 * sees its recurring issues ranked with counts and the trend against the month
 * before, opens a topic's cases, takes it up with a note and sees it on top as
 * the month's topic; then changes it to another with a reason, and finds both
 * decisions in its history. An area leader, on a 360 px phone, reads the same
 * month (the area's cases) with the month's topic on top and no take-up button;
 * a cadre is not offered the screen. No English and no raw code on screen.
 *
 * The month is one long past, picked by this run (so its topics are this file's
 * alone and the month starts without a topic); its cases are written straight
 * into the case read model, as the month's cases would stand — what the screen
 * reads. (tests/e2e/hot-topics.test.ts opens cases through the API instead.)
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftMonth } from '@minqing/shared';
import { env, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, pageAs as signedInPage, PHONE, screenshot } from '../support/browser';

const e = env();
const t = township(`hb${Date.now().toString(36)}`);
let db: pg.Client;
let browser: Browser;

/** A month of 1990–2019 picked by the run: no other test has cases or a topic in it. */
const hash = [...t.run].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
const month = `${1990 + (hash % 30)}-${String(1 + (Math.floor(hash / 30) % 12)).padStart(2, '0')}`;
const previous = shiftMonth(month, -1);

type Row = [category: string, title: string, description: string, village: string, household: string | null];
const RODENTS: Row[] = [
  ['development_guidance', '草原鼠害严重', '草场上鼠洞越来越多，牧草被啃光。', t.village, t.household],
  ['development_guidance', '请求防治鼠害', '草原鼠害太严重，请派人来灭鼠。', t.otherVillage, null],
  ['development_guidance', '灭鼠药什么时候发', '草原鼠害防治的灭鼠药什么时候发放？', t.village, t.household2],
];
const WELLS: Row[] = [
  ['livelihood_difficulty', '饮水井干涸', '村里的饮水井干了，吃水要去很远的地方拉。', t.village, null],
  ['livelihood_difficulty', '饮水井水质发黄', '饮水井的水发黄，担心不能喝。', t.otherVillage, null],
];
const ONE_OFF: Row = ['other', '手机信号差', '村里手机信号很差，打电话断断续续。', t.village, null];
const LAST_MONTH: Row = ['development_guidance', '鼠害又来了', '草原鼠害又开始了。', t.village, null];
const ids = new Map<string, string>();

/** Words in Latin letters on the main part of the screen, leaving out what is shown as code on purpose (tracking codes). */
const latinOnScreen = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['<no main>'];
    const copy = main.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.mono, input, select, textarea').forEach((el) => el.remove());
    return copy.textContent?.match(/[A-Za-z_][A-Za-z_-]{2,}/g) ?? [];
  });

/** Writes a case of `m` into the read model, in this run's area and department, as the case-worker would have. */
async function insertCase(m: string, n: number, [category, title, description, village, household]: Row): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO casework.cases (id, tracking_code, status, category, priority, channel, service_point_code, title, description,
       resident_name, resident_phone, village_code, household_code, request_hash, opened_by, opened_at, updated_at, area_code, department_code)
     VALUES (gen_random_uuid(), 'MQ-' || upper(substr(md5($1), 1, 4)) || '-' || upper(substr(md5($1), 5, 4)), 'closed', $2, 'normal', 'hall', NULL, $3, $4,
       '居民', NULL, $5, $6, md5($1), NULL, $7::timestamptz, $7::timestamptz, $8, $9)
     RETURNING id`,
    [`${t.run}-${m}-${n}`, category, title, description, village, household, `${m}-10T02:0${n}:00Z`, t.area, t.dept],
  );
  ids.set(title, rows[0]!.id);
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  for (const who of [t.township, t.leader, t.cadre1]) await tokenFor(who);
  for (const [n, row] of [...RODENTS, ...WELLS, ONE_OFF].entries()) await insertCase(month, n, row);
  await insertCase(previous, 0, LAST_MONTH);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

const pageAs = (username: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, TEST_STAFF_PASSWORD, viewport);
const topicWith = (page: Page, word: string) => page.getByTestId('hot-topic').filter({ has: page.getByTestId('hot-topic-label').filter({ hasText: word }) });

describe('hot topics (/hot-topics)', () => {
  it('a township leader opens a month\'s hot topics from the dashboard, opens a topic\'s cases, takes it up with a note and sees it as the month\'s topic; then changes it with a reason', async () => {
    const page = await pageAs(t.township);
    await page.goto(`${e.apiUrl}/dashboard`);
    await page.getByTestId('hot-topics-link').click();
    await page.waitForURL(/\/hot-topics/);
    await page.getByTestId('hot-topics-month').fill(month);
    await page.getByTestId('hot-topics-summary').filter({ hasText: '本月可见案件 6 件，其中 5 件归入热点问题' }).waitFor();

    // ranked: the rodents (3 cases, 1 the month before) above the wells (2, new)
    const topics = page.getByTestId('hot-topic');
    expect(await topics.count()).toBe(2);
    const rodents = topicWith(page, '鼠害');
    const wells = topicWith(page, '水井');
    expect(await topics.nth(0).getAttribute('data-topic')).toBe(await rodents.getAttribute('data-topic'));
    const rodentsText = await rodents.textContent();
    expect(rodentsText).toContain('发展指导');
    expect(rodentsText).toContain('3 件案件 · 涉及 2 户 · 2 个村（社区）');
    expect(rodentsText).toContain('乌兰社区 2 件、嘎鲁图嘎查 1 件');
    expect(await rodents.getByTestId('hot-topic-trend').textContent()).toBe('较上月增加 2 件');
    expect(await wells.getByTestId('hot-topic-trend').textContent()).toBe('本月新出现');
    // no topic for the month yet
    expect(await page.getByTestId('monthly-topic').getAttribute('data-state')).toBe('none');

    // its cases, each a link to the case
    await rodents.getByTestId('hot-topic-open').click();
    const cases = rodents.getByTestId('hot-topic-case');
    await cases.first().waitFor();
    expect(await cases.evaluateAll((els) => els.map((el) => el.querySelector('a')?.textContent))).toEqual(['灭鼠药什么时候发', '请求防治鼠害', '草原鼠害严重']);
    expect(await cases.first().locator('a').getAttribute('href')).toBe(`/cases/${ids.get('灭鼠药什么时候发')}`);
    expect(await rodents.getByTestId('hot-topic-cases-pager-line').textContent()).toBe('已显示 3 条，共 3 条');

    // take it up with a note
    await rodents.getByTestId('hot-topic-take-up').click();
    const form = rodents.getByTestId('take-up-form');
    expect(await form.getByTestId('take-up-replaces').count()).toBe(0);
    await form.getByTestId('take-up-note').fill('由农牧站牵头，月底前统一组织灭鼠。');
    await form.getByTestId('take-up-submit').click();
    await page.getByTestId('take-up-saved').waitFor();
    const card = page.getByTestId('monthly-topic');
    await card.and(page.locator('[data-state="taken"]')).waitFor();
    expect(await card.getByTestId('monthly-topic-label').textContent()).toContain('鼠害');
    expect(await card.getByTestId('monthly-topic-note').textContent()).toBe('由农牧站牵头，月底前统一组织灭鼠。');
    expect(await card.getByTestId('monthly-topic-by').textContent()).toContain('王书记（乡镇领导）');
    await rodents.and(page.locator('[data-taken-up="true"]')).waitFor();
    expect(await rodents.getByTestId('hot-topic-take-up').count()).toBe(0);
    expect(await latinOnScreen(page)).toEqual([]);
    await screenshot(page, 'hot-topics');

    // change it: the form says the month has one, and asks why
    await wells.getByTestId('hot-topic-take-up').click();
    const change = wells.getByTestId('take-up-form');
    expect(await change.getByTestId('take-up-replaces').textContent()).toContain('鼠害');
    await change.getByTestId('take-up-note').fill('排查各村饮水井，协调送水。');
    await change.getByTestId('take-up-reason').fill('入冬后吃水问题更急');
    await change.getByTestId('take-up-submit').click();
    await card.and(page.locator(`[data-topic="${await wells.getAttribute('data-topic')}"]`)).waitFor();
    expect(await card.getByTestId('monthly-topic-reason').textContent()).toBe('改定原因：入冬后吃水问题更急');
    await card.getByTestId('monthly-topic-history-toggle').click();
    const revisions = card.getByTestId('monthly-topic-revision');
    await revisions.nth(1).waitFor();
    expect(await revisions.evaluateAll((els) => els.map((el) => el.getAttribute('data-revision')))).toEqual(['2', '1']);
    expect(await revisions.nth(1).textContent()).toContain('由农牧站牵头');
    expect(await latinOnScreen(page)).toEqual([]);
    await page.context().close();

    // recorded as the signed-in leader
    const { rows } = await db.query('SELECT revision, taken_by, reason FROM directory.monthly_topics WHERE month = $1 ORDER BY revision', [month]);
    expect(rows).toEqual([{ revision: 1, taken_by: t.township, reason: null }, { revision: 2, taken_by: t.township, reason: '入冬后吃水问题更急' }]);
  });

  it("an area leader reads the month on a phone, the month's topic on top, and cannot take one up", async () => {
    const page = await pageAs(t.leader, PHONE);
    await page.goto(`${e.apiUrl}/hot-topics?month=${month}`);
    await page.getByTestId('hot-topic').nth(1).waitFor();
    // the villages by name, once the directory is in
    await page.getByTestId('monthly-topic').filter({ hasText: '涉及村社：嘎鲁图嘎查、乌兰社区' }).waitFor();
    expect(await page.getByTestId('monthly-topic').getAttribute('data-state')).toBe('taken');
    expect(await page.getByTestId('monthly-topic-label').textContent()).toContain('水井');
    expect(await page.getByTestId('hot-topic-take-up').count()).toBe(0);
    expect(await overflowsSideways(page)).toBe(false);
    expect(await latinOnScreen(page)).toEqual([]);
    await screenshot(page, 'hot-topics-phone');
    await page.context().close();
  });

  it('a cadre is not offered the screen, nor a way to take a topic up', async () => {
    const page = await pageAs(t.cadre1);
    await page.goto(`${e.apiUrl}/hot-topics?month=${month}`);
    await page.getByTestId('not-allowed').waitFor();
    expect(await page.getByTestId('hot-topic-take-up').count()).toBe(0);
    await page.context().close();
  });
});
