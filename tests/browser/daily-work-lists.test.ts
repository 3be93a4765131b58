/// <reference lib="dom" />
/**
 * Daily work without friction (issue 11, points 1–4 and 10), in Chromium, in
 * zh-CN, against the real stack:
 * - the hall pages (and filters) back to a case resolved 210 cases ago and records its callback;
 * - a likely duplicate at intake is warned about, and the clerk confirms a new case;
 * - an optional note (说明（选填）) left empty is accepted; a refused field is worded in Chinese;
 * - a cadre with 250 households, on a 360 px phone, reaches the work-record form
 *   without scrolling, finds household #240 by name and logs a visit to it;
 * - a household without a phone in the roster gets a case.
 * The 210 newer cases are read-model rows written straight into casework.cases
 * (closed, at the hall's service point): only list volume; every case a step
 * is taken on here is a real one, opened and moved through the API.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { launchBrowser, newContext, PHONE, screenshot, signIn } from '../support/browser';

const e = env();
const t = township(`dw${Date.now().toString(36)}`);
const hallPoint = t.code('hall');
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (actor: string) => ({ 'x-actor': actor });
const hh = (n: number) => `${t.code('hh')}-${n}`;
/** English sentences or raw codes a Chinese screen must not show */
const NOT_CHINESE = /must NOT|must be|is required|[a-z]+_[a-z]+|querystring|body\//;
let db: pg.Client;
let browser: Browser;

const move = (id: string, path: string, actor: string, body: unknown = {}) => http('POST', api(`/cases/${id}/${path}`), body, as(actor));
const getCase = async (id: string) => (await http('GET', api(`/cases/${id}`))).json;

/** A real case opened at the hall for `household`, routed to its cadre. */
async function openRouted(household: string, title: string): Promise<{ id: string; trackingCode: string }> {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: household, servicePointCode: hallPoint, title }), as(t.hall));
  expect(res.status).toBe(201);
  await eventually(async () => (await getCase(res.json.id))?.status === 'assigned', `case ${title} routed`, 60_000);
  return { id: res.json.id, trackingCode: res.json.trackingCode };
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [hallPoint]);
  // 250 more households of cadre 1 (every 15th a key household); none of them has a phone in the roster.
  await db.query(
    `INSERT INTO directory.households (code, village_code, head_name, phone, address, members, is_key, is_vulnerable, cadre_code)
     SELECT $1 || '-' || n, $2, '户主' || n || '号', NULL, '乌兰社区' || n || '号院', 2, n % 15 = 0, false, $3 FROM unnest($4::int[]) AS n`,
    [t.code('hh'), t.village, t.cadre1, Array.from({ length: 250 }, (_, i) => i + 1)],
  );
  await tokenFor(t.hall, { servicePointCode: hallPoint, channel: 'hall' });
  await tokenFor(t.cadre1);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

async function staffPage(username: string, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await (await newContext(browser, viewport)).newPage();
  await signIn(page, e.apiUrl, username, TEST_STAFF_PASSWORD);
  return page;
}

describe('the hall reaches every case it opened', () => {
  it('pages back to a case resolved 210 cases ago, finds it by the 待回访 filter too, and records its callback', async () => {
    const old = await openRouted(t.household, `旧诉求 ${t.run}`);
    expect((await move(old.id, 'accept', t.cadre1)).status).toBe(200);
    expect((await move(old.id, 'resolve', t.cadre1, { reply: '已协调解决。' })).status).toBe(200);
    const resolvedAt = (await db.query<{ opened_at: Date }>('SELECT opened_at FROM casework.cases WHERE id = $1', [old.id])).rows[0]!.opened_at;
    // 210 later cases at the same hall (read-model rows, closed), so the old one is far down the list.
    await db.query(
      `INSERT INTO casework.cases (id, tracking_code, status, category, priority, channel, service_point_code, title, description,
         resident_name, resident_phone, village_code, household_code, request_hash, opened_by, opened_at, updated_at)
       SELECT gen_random_uuid(), 'MQ-' || upper(substr(md5($1 || n), 1, 4)) || '-' || upper(substr(md5($1 || n), 5, 4)), 'closed', 'other', 'normal', 'hall', $2,
              '后来的诉求 ' || n, '说明', '居民', NULL, $3, NULL, md5($1 || n), $4, $5::timestamptz + n * interval '1 second', $5::timestamptz + n * interval '1 second'
         FROM generate_series(1, 210) AS n`,
      [t.run, hallPoint, t.village, t.hall, resolvedAt],
    );

    const hall = await staffPage(t.hall);
    await hall.waitForURL(/\/intake$/);
    const row = hall.locator(`[data-testid="case-row"][data-case-id="${old.id}"]`);
    const pager = hall.getByTestId('point-cases-pager');
    await hall.getByTestId('case-row').first().waitFor();
    expect(await hall.getByTestId('case-row').count()).toBe(50);
    expect(await pager.getAttribute('data-total')).toBe('211');
    expect(await hall.getByTestId('point-cases-pager-line').textContent()).toBe('已显示 50 条，共 211 条');
    // Show more until the old case is there: 5 pages of 50.
    for (let i = 0; i < 5 && (await row.count()) === 0; i++) {
      const shown = await hall.getByTestId('case-row').count();
      await hall.getByTestId('point-cases-pager-more').click();
      await hall.waitForFunction((n) => document.querySelectorAll('[data-testid="case-row"]').length > n, shown);
    }
    await row.waitFor();
    expect(await hall.getByTestId('case-row').count()).toBe(211);
    expect(await pager.getAttribute('data-more')).toBe('false');
    await screenshot(hall, 'hall-paged-to-old-case');

    // The 待回访 filter brings it to the top of a short list.
    await hall.getByTestId('point-cases-status').selectOption('resolved');
    await hall.waitForFunction(() => document.querySelectorAll('[data-testid="case-row"]').length === 1);
    expect(await hall.getByTestId('point-cases-status').locator('option:checked').textContent()).toBe('已答复待回访');
    await row.getByTestId('callback').click();
    await row.getByTestId('callback-satisfaction').selectOption('satisfied');
    // The note is optional: left empty.
    await row.getByTestId('callback-submit').click();
    await eventually(async () => (await getCase(old.id))?.status === 'followed_up', 'the callback recorded');
    await hall.getByTestId('point-cases-none').waitFor();
    await hall.context().close();
  });

  it('finds a case by the household head’s name, which stays out of the URL', async () => {
    const hall = await staffPage(t.hall);
    const requests: string[] = [];
    hall.on('request', (r) => requests.push(r.url()));
    await hall.getByTestId('point-cases-q').fill('王桂兰');
    await hall.getByTestId('point-cases-search').click();
    await hall.waitForFunction(() => document.querySelectorAll('[data-testid="case-row"]').length === 1);
    expect(await hall.getByTestId('case-row').first().textContent()).toContain(`旧诉求 ${t.run}`);
    expect(requests.filter((u) => decodeURIComponent(u).includes('王桂兰'))).toEqual([]);
    await hall.context().close();
  });
});

describe('intake', () => {
  it('warns before a likely duplicate, offers the existing case, and opens a new one when the clerk confirms', async () => {
    const first = await openRouted(t.household2, `三组路灯坏了三天 ${t.run}`);
    const hall = await staffPage(t.hall);
    await hall.getByTestId('household-search').fill('巴特尔');
    await hall.locator(`[data-testid="household-result"][data-household-code="${t.household2}"]`).click();
    await hall.getByTestId('category').selectOption('livelihood_difficulty');
    await hall.getByTestId('title').fill(`三组路灯坏了 三天了 ${t.run}`);
    await hall.getByTestId('description').fill('独居老人家中取暖煤不足，请求协调解决。');
    await hall.getByTestId('submit-case').click();
    const warning = hall.getByTestId('duplicate-warning');
    await warning.waitFor();
    expect(await warning.locator(`[data-testid="duplicate-candidate"][data-case-id="${first.id}"]`).textContent()).toContain(first.trackingCode);
    expect(await warning.getByTestId('duplicate-open-existing').getAttribute('href')).toBe(`/cases/${first.id}`);
    expect(await warning.textContent()).not.toMatch(NOT_CHINESE);
    await screenshot(hall, 'intake-duplicate-warning');
    // A double click on the confirmation still opens one case (the form's key is kept).
    await warning.getByTestId('duplicate-confirm').dblclick();
    const code = (await hall.getByTestId('receipt-tracking-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^MQ-/);
    expect(code).not.toBe(first.trackingCode);
    // The read model may lag the receipt on a busy machine.
    const opened = await eventually(async () => {
      const r = await http('POST', api('/cases/search'), { q: code, limit: 5 }, as(t.hall));
      return r.json.items.length === 1 ? r : undefined;
    }, 'the new case in the read model', 60_000);
    const audit = await http('GET', api(`/audit?${new URLSearchParams({ action: 'case.open', subject: opened.json.items[0].id })}`));
    expect(audit.json.items).toEqual([expect.objectContaining({ actor: t.hall, details: expect.objectContaining({ duplicateConfirmed: [first.id] }) })]);
    const again = await http('POST', api('/cases/search'), { household: t.household2, q: `三天了 ${t.run}`, limit: 5 }, as(t.hall));
    expect(again.json.total).toBe(1);
    await hall.context().close();
  });

  it('opens a case for a household without a phone in the roster', async () => {
    const hall = await staffPage(t.hall);
    await hall.getByTestId('household-search').fill('户主7号');
    await hall.locator(`[data-testid="household-result"][data-household-code="${hh(7)}"]`).click();
    expect(await hall.getByTestId('resident-phone').inputValue()).toBe('');
    await hall.getByTestId('category').selectOption('policy_question');
    await hall.getByTestId('title').fill(`无电话户咨询 ${t.run}`);
    await hall.getByTestId('description').fill('咨询养老保险缴费。');
    await hall.getByTestId('submit-case').click();
    const code = (await hall.getByTestId('receipt-tracking-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^MQ-/);
    await hall.context().close();
  });

  it('a refused field is worded in Chinese, from the error’s code', async () => {
    const hall = await staffPage(t.hall);
    await hall.getByTestId('resident-name').fill('测试');
    await hall.getByTestId('resident-phone').fill('12');
    await hall.getByTestId('category').selectOption('other');
    await hall.getByTestId('title').fill(`格式 ${t.run}`);
    await hall.getByTestId('description').fill('说明');
    await hall.getByTestId('submit-case').click();
    const problem = hall.getByTestId('problem');
    await problem.waitFor();
    expect(await hall.locator('.field-error[data-code="bad_format"]').textContent()).toBe('格式不正确');
    expect(await problem.textContent()).toContain('联系电话');
    expect(await problem.textContent()).not.toMatch(NOT_CHINESE);
    await hall.context().close();
  });
});

describe('optional notes', () => {
  it('resuming with 说明（选填）left empty is accepted', async () => {
    const c = await openRouted(t.household, `等待群众 ${t.run}`);
    expect((await move(c.id, 'accept', t.cadre1)).status).toBe(200);
    expect((await move(c.id, 'wait-on-resident', t.cadre1, { note: '等群众补材料' })).status).toBe(200);
    const cadre = await staffPage(t.cadre1);
    await cadre.goto(`${e.apiUrl}/cases/${c.id}`);
    await cadre.getByTestId('move-resume').click();
    const form = cadre.getByTestId('move-form');
    expect(await form.textContent()).toContain('（选填）');
    expect(await cadre.getByTestId('field-note').inputValue()).toBe('');
    await cadre.getByTestId('move-submit').click();
    await cadre.getByTestId('move-done').waitFor();
    expect((await getCase(c.id)).status).toBe('in_progress');
    await cadre.context().close();
  });
});

describe('a cadre with 250 households on a phone', () => {
  it('reaches the work-record form without scrolling, finds household #240 by name and logs a visit', async () => {
    const cadre = await staffPage(t.cadre1, PHONE);
    await cadre.goto(`${e.apiUrl}/households`);
    const form = cadre.getByTestId('work-record-form');
    await form.waitFor();
    // The form starts within the first screen.
    const box = await form.boundingBox();
    expect(box!.y).toBeLessThan(PHONE.height);
    await cadre.waitForFunction(() => document.querySelector('[data-testid="linked-count"]')?.textContent === '251');
    await cadre.getByTestId('household-row').first().waitFor();
    expect(await cadre.getByTestId('households-pager-line').textContent()).toBe('已显示 50 条，共 251 条');

    // The list is searched on the server: #240 is far beyond the first page.
    await cadre.getByTestId('households-filter').fill('户主240号');
    await cadre.waitForFunction((code) => {
      const rows = Array.from(document.querySelectorAll('[data-testid="household-row"]'));
      return rows.length === 1 && rows[0]!.getAttribute('data-household-code') === code;
    }, hh(240));
    // All 17 key households are there.
    await cadre.getByTestId('households-filter').fill('');
    await cadre.getByTestId('households-key-only').check();
    await cadre.waitForFunction(() => document.querySelector('[data-testid="households-pager"]')?.getAttribute('data-total') === '17');
    expect(await cadre.getByTestId('household-row').count()).toBe(17);

    // The form picks its household by search, not from a long select.
    expect(await form.locator('select[data-testid="field-householdCode"]').count()).toBe(0);
    await cadre.getByTestId('field-householdSearch').fill('户主240号');
    await cadre.locator(`[data-testid="household-pick"][data-household-code="${hh(240)}"]`).click();
    expect(await cadre.getByTestId('picked-household').getAttribute('data-household-code')).toBe(hh(240));
    await cadre.getByTestId('field-note').fill('入户走访，了解取暖情况。');
    await cadre.getByTestId('work-record-submit').click();
    await cadre.getByTestId('work-record-done').waitFor();
    await screenshot(cadre, 'households-phone');
    const records = await http('GET', api(`/work-records?cadre=${t.cadre1}`), undefined, as(t.cadre1));
    expect(records.json.items).toEqual(expect.arrayContaining([expect.objectContaining({ householdCode: hh(240), kind: 'visit' })]));
    await cadre.context().close();
  });
});
