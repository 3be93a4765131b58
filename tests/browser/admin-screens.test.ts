/// <reference lib="dom" />
/**
 * The administration screens of issue 11 in a real browser, in zh-CN: merging a
 * duplicate into the case found by its title; the roster (三联) with its rule
 * check worded per rule and name, CSV export and import, and a household's
 * link changed; the market-day sessions with their duty roster and the cases
 * opened at each; the SLA policy read by a manager in working days and a new
 * version published by an administrator. Each screen only for the roles its
 * operations allow; no English words and no raw codes on screen; usable at
 * 360 px and 1366 px.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { DESKTOP, launchBrowser, overflowsSideways, PHONE, pageAs as signedInPage, screenshot } from '../support/browser';

const e = env();
const t = township(`as${Date.now().toString(36)}`);
const servicePoint = t.code('hall');
const session = t.code('market');
/** digits that keep this run's case titles apart (titles are shown, and must read as Chinese text) */
const tag = String(Date.now()).slice(-7);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
let db: pg.Client;
let browser: Browser;

/** Words in Latin letters on the main part of the screen, leaving out what is shown as code on purpose (tracking codes, versions) and form fields. */
const latinOnScreen = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const main = document.querySelector('main');
    if (!main) return ['<no main>'];
    const copy = main.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('.mono, input, select, textarea').forEach((el) => el.remove());
    return (copy.textContent?.match(/[A-Za-z_][A-Za-z_-]{2,}/g) ?? []).filter((w) => !/^(CSV)+$/.test(w)); // the file format's name
  });

async function openCase(title: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = { 'x-actor': t.hall }): Promise<string> {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, servicePointCode: servicePoint, title, ...extra }), headers);
  expect(res.status, res.text).toBe(201);
  const id = res.json.id as string;
  await eventually(async () => (await http('GET', api(`/cases/${id}`))).json?.status === 'assigned', 'routing');
  return id;
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [servicePoint]);
  await db.query(`INSERT INTO directory.sessions (code, name, village_code, weekday, start_time, end_time) VALUES ($1, '乌兰集贸日联合办公', $2, 3, '09:00', '12:00')`, [session, t.village]);
  await db.query('INSERT INTO directory.session_duty (session_code, cadre_code) VALUES ($1, $2), ($1, $3)', [session, t.cadre1, t.judge]);
  await tokenFor(t.hall, { servicePointCode: servicePoint, channel: 'hall' });
  for (const who of [t.head, t.township]) await tokenFor(who);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

const pageAs = (username: string, password: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, password, viewport);

describe('merge (the case page\'s 合并 move)', () => {
  it('hall staff find the case to merge into by its title, see it named, and merge', async () => {
    const target = await openCase(`路灯不亮（原件）${tag}`);
    const duplicate = await openCase(`路灯不亮（重复）${tag}`);
    const page = await pageAs(t.hall, TEST_STAFF_PASSWORD, PHONE);
    await page.goto(`${e.apiUrl}/cases/${duplicate}`);
    await page.getByTestId('move-merge').click();
    const picker = page.getByTestId('field-intoCaseId');
    await picker.fill(`原件）${tag}`);
    const option = page.getByTestId('field-intoCaseId-option');
    await eventually(async () => (await option.count()) === 1, 'the search to find the target case');
    expect(await option.textContent()).toBe(`路灯不亮（原件）${tag}`);
    await option.click();
    expect(await page.getByTestId('field-intoCaseId-chosen').textContent()).toContain(`路灯不亮（原件）${tag}`);
    expect(await latinOnScreen(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'merge-phone');
    await page.getByTestId('field-note').fill('同一诉求重复登记');
    await page.getByTestId('move-submit').click();
    await eventually(async () => {
      if ((await page.getByTestId('problem').count()) > 0) throw new Error(`refused: ${await page.getByTestId('problem').first().textContent()}`);
      return (await page.locator('[data-status="merged"]').count()) > 0;
    }, 'the case shown as merged');
    const c = (await http('GET', api(`/cases/${duplicate}`))).json;
    expect(c).toMatchObject({ status: 'merged', mergedInto: target });
    await page.context().close();
  });
});

describe('the roster (/roster)', () => {
  it('the administrator sees the rule check in words, exports and imports CSV, and re-links a household', async () => {
    const page = await pageAs('admin', e.adminPassword);
    await page.getByTestId('nav').getByRole('link', { name: '三联花名册' }).click();
    await page.waitForURL(/\/roster$/);
    await page.getByTestId('rule-check-summary').waitFor();
    const check = (await http('GET', api('/directory/rule-check'))).json;
    if (!check.ok) {
      expect(await page.getByTestId('rule-check-summary').textContent()).toBe(`发现 ${check.violationCount} 处不符合三联要求`);
      await page.getByTestId('violation').first().waitFor();
      expect(await page.getByTestId('violations-pager-line').textContent()).toMatch(/^(共|已显示)/);
    }
    // export: the link the browser downloads from
    expect(await page.getByTestId('roster-export').getAttribute('href')).toBe('/api/v1/directory/csv/households');
    await page.getByTestId('roster-entity').selectOption('areas');
    expect(await page.getByTestId('roster-export').getAttribute('href')).toBe('/api/v1/directory/csv/areas');
    // import: this township's area back, as exported
    const csv = (await http('GET', api('/directory/csv/areas'))).text;
    await page.getByTestId('roster-file').setInputFiles({ name: 'areas.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('roster-import').click();
    const imported = await page.getByTestId('roster-imported').textContent();
    expect(imported).toMatch(/^已导入片区 \d+ 条；导入后三联规则检查发现 \d+ 处问题。$/);
    // a bad file: nothing imported, the row and field named in Chinese
    await page.getByTestId('roster-file').setInputFiles({ name: 'areas.csv', mimeType: 'text/csv', buffer: Buffer.from(`code,name,leaderCode\n${t.area},,${t.leader}\n`, 'utf8') });
    await page.getByTestId('roster-import').click();
    expect(await page.getByTestId('roster-import-errors').textContent()).toContain('第 1 条（文件第 2 行）字段「名称」有误');

    // re-link this township's first household from 李海燕 to 陈永明
    await page.getByTestId('link-household-q').fill(t.household);
    await page.getByTestId('link-household-find').click();
    const pick = page.getByTestId('link-household-pick');
    await pick.waitFor();
    expect(await pick.textContent()).toBe('王桂兰 · 乌兰社区 · 联系干部：李海燕');
    await pick.click();
    await page.getByTestId('link-household-cadre').selectOption(t.cadre2);
    await page.getByTestId('link-household-save').click();
    expect(await page.getByTestId('roster-links-done').textContent()).toBe('已将 王桂兰 户改由 陈永明 联系。');
    expect((await http('GET', api(`/directory/households/${t.household}`))).json.cadreCode).toBe(t.cadre2);
    const audit = (await http('GET', api(`/audit?action=directory.links&subject=${t.household}`))).json.items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['admin']);
    expect(await latinOnScreen(page)).toEqual([]);
    await screenshot(page, 'roster');
    await page.context().close();
    expect((await http('PUT', api(`/directory/households/${t.household}/links`), { cadreCode: t.cadre1 })).status).toBe(200);
  });

  it('a department head reads the rule check only; hall staff are not offered the roster', async () => {
    const head = await pageAs(t.head, TEST_STAFF_PASSWORD, PHONE);
    await head.getByTestId('nav').getByRole('link', { name: '三联花名册' }).click();
    await head.getByTestId('rule-check').waitFor();
    expect(await head.getByTestId('roster-csv').count()).toBe(0);
    expect(await head.getByTestId('roster-links').count()).toBe(0);
    expect(await overflowsSideways(head)).toBe(false);
    await head.context().close();
    const hall = await pageAs(t.hall, TEST_STAFF_PASSWORD);
    expect(await hall.getByTestId('nav').textContent()).not.toContain('三联花名册');
    await hall.goto(`${e.apiUrl}/roster`);
    await hall.getByTestId('not-allowed').waitFor();
    await hall.context().close();
  });
});

describe('market-day sessions (/sessions)', () => {
  it('show when and where, who is on duty by name, and the cases opened at the session', async () => {
    await openCase(`集贸日受理一 ${tag}`, { servicePointCode: session, channel: 'market_day' }, {});
    await openCase(`集贸日受理二 ${tag}`, { servicePointCode: session, channel: 'market_day' }, {});
    const page = await pageAs(t.township, TEST_STAFF_PASSWORD, PHONE);
    await page.getByTestId('nav').getByRole('link', { name: '集贸日' }).click();
    const card = page.locator(`[data-testid="session"][data-session="${session}"]`);
    await card.waitFor();
    expect(await card.getByTestId('session-when').textContent()).toBe('乌兰社区 · 每周三 09:00–12:00');
    expect(await card.getByTestId('session-duty').locator('li').allTextContents()).toEqual(['李海燕 · 社会事务办', '赵淑珍 · 司法所']);
    await card.getByTestId('session-open').click();
    await page.getByTestId('session-cases').getByText(`在「乌兰集贸日联合办公」受理的诉求`).first().waitFor();
    await eventually(async () => (await page.getByTestId('session-case').count()) === 2, 'the two cases opened at the session');
    expect((await page.getByTestId('session-case').locator('strong').allTextContents()).sort()).toEqual([`集贸日受理一 ${tag}`, `集贸日受理二 ${tag}`].sort());
    expect(await page.getByTestId('session-cases-pager-line').textContent()).toBe('已显示 2 条，共 2 条');
    expect(await latinOnScreen(page)).toEqual([]);
    expect(await overflowsSideways(page)).toBe(false);
    await screenshot(page, 'sessions-phone');
    await page.context().close();
  });
});

describe('the SLA policy (/sla-policy)', () => {
  it('a manager reads it in working days and hours; an administrator publishes a new version', async () => {
    const head = await pageAs(t.head, TEST_STAFF_PASSWORD);
    await head.getByTestId('nav').getByRole('link', { name: '办理时限' }).click();
    const row = head.locator('[data-testid="sla-rule"][data-category="*"]');
    await row.waitFor();
    expect(await row.locator('[data-priority="normal"][data-phase="resolve"]').textContent()).toBe('一般：7 个工作日');
    expect(await row.locator('[data-priority="urgent"][data-phase="signFor"]').textContent()).toBe('紧急：1 小时');
    expect(await head.locator('[data-testid="sla-rule"][data-category="dispute_mediation"] [data-priority="normal"][data-phase="resolve"]').textContent()).toBe('一般：15 个工作日');
    expect(await head.getByTestId('sla-publish-open').count()).toBe(0);
    expect(await latinOnScreen(head)).toEqual([]);
    await head.context().close();

    const admin = await pageAs('admin', e.adminPassword, PHONE);
    await admin.goto(`${e.apiUrl}/sla-policy`);
    await admin.getByTestId('sla-publish-open').click();
    // the same budgets under a new name (other tests share this database and its deadlines)
    const version = `sla-ui-${t.run}`;
    await admin.getByTestId('sla-version').fill(version);
    expect(await admin.getByTestId('sla-default-normal-resolve').inputValue()).toBe('7');
    expect(await overflowsSideways(admin)).toBe(false);
    await admin.getByTestId('sla-publish-submit').click();
    await eventually(async () => (await admin.getByTestId('sla-current-version').textContent()) === version, 'the new version shown as current');
    expect(await admin.locator('[data-testid="sla-rule"][data-category="*"] [data-priority="normal"][data-phase="resolve"]').textContent()).toBe('一般：7 个工作日');
    expect(await latinOnScreen(admin)).toEqual([]);
    await screenshot(admin, 'sla-policy-phone');
    await admin.context().close();
    expect((await http('GET', api('/sla-policy'))).json.policy.version).toBe(version);
    const audit = (await http('GET', api(`/audit?action=sla_policy.publish&subject=${version}`))).json.items;
    expect(audit.map((a: { actor: string }) => a.actor)).toEqual(['admin']);
  });
});
