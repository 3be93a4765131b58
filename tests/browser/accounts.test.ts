/// <reference lib="dom" />
/**
 * Accounts in a real browser: the administrator creates accounts for roster
 * cadres of a fresh township on /accounts, gives the hall staff account its
 * service point, and those people sign in with the passwords given — and the
 * console shows them nothing but the change-password form until they choose
 * their own; the provision box opens accounts for the rest of the roster; a
 * locked account shows as locked and the administrator unlocks it; a cadre
 * changes their own password on /account (the old one is refused afterwards); a
 * cadre opening /accounts sees no accounts; the case page names the routing
 * rule in the user's language; both screens fit 360 px and 1366 px.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { chooseOwnPassword, DESKTOP, launchBrowser, newContext, overflowsSideways, PHONE, pageAs as signedInPage, screenshot, signIn } from '../support/browser';

const e = env();
const t = township(`ac${Date.now().toString(36)}`);
const servicePoint = t.code('hall');
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
let db: pg.Client;
let browser: Browser;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '乌兰便民服务大厅', 'hall', NULL)`, [servicePoint]);
  await tokenFor(t.cadre1); // the cadre who changes their own password
  await tokenFor(t.judge); // a cadre who is not an administrator
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

const pageAs = (username: string, password: string, viewport = DESKTOP): Promise<Page> => signedInPage(browser, e.apiUrl, username, password, viewport);

/** Sign-in that is expected to fail: the form shows the 401 problem and nobody is signed in. */
async function signInRefused(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${e.apiUrl}/sign-in`);
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in').click();
  await page.locator('[data-testid="problem"][data-status="401"]').waitFor();
  expect(await page.getByTestId('me').count()).toBe(0);
}

const adminPage = async (viewport = DESKTOP) => {
  const page = await pageAs('admin', e.adminPassword, viewport);
  await page.getByTestId('nav').getByRole('link', { name: '账号管理' }).click();
  await page.waitForURL(/\/accounts$/);
  await page.getByTestId('account-list').waitFor();
  return page;
};

const HALL_PASSWORD = 'hall-window-2024';
const CADRE2_PASSWORD = 'cadre-two-pass';
/** what they choose at their first sign-in */
const HALL_CHOSEN = 'hall-chosen-2024';
const CADRE2_CHOSEN = 'cadre-two-chosen';

describe('account administration (/accounts)', () => {
  it('the administrator creates accounts for roster cadres and sets the hall’s service point; they sign in with the new passwords', async () => {
    const admin = await adminPage();

    // A new account for a roster cadre: the user name and the name come from the roster, the role defaults from it.
    await admin.getByTestId('account-new').click();
    const form = admin.getByTestId('account-form');
    expect(await form.getAttribute('data-mode')).toBe('new');
    await admin.getByTestId('account-cadre').selectOption(t.cadre2);
    expect(await admin.getByTestId('account-username').inputValue()).toBe(t.cadre2);
    expect(await admin.getByTestId('account-name').inputValue()).toBe('陈永明');
    // A password that is too short is caught before anything is sent.
    await admin.getByTestId('account-password').fill('short');
    await admin.getByTestId('account-save').click();
    await form.locator('.field-error').first().waitFor();
    expect(await admin.getByTestId('account-saved').count()).toBe(0);
    await admin.getByTestId('account-password').fill(CADRE2_PASSWORD);
    await admin.getByTestId('account-save').click();
    await admin.locator(`[data-testid="account-saved"][data-username="${t.cadre2}"][data-created="true"]`).waitFor();
    const cadreRow = admin.locator(`[data-testid="account-row"][data-username="${t.cadre2}"]`);
    expect(await cadreRow.getAttribute('data-role')).toBe('cadre');

    // The hall staff member: created first, then given the service point and channel in an edit.
    await admin.getByTestId('account-new').click();
    await admin.getByTestId('account-cadre').selectOption(t.hall);
    await admin.getByTestId('account-password').fill(HALL_PASSWORD);
    await admin.getByTestId('account-save').click();
    await admin.locator(`[data-testid="account-saved"][data-username="${t.hall}"][data-created="true"]`).waitFor();

    // The list filters by text and by role.
    await admin.getByTestId('account-filter').fill(t.run);
    await admin.getByTestId('account-filter-role').selectOption('hall_staff');
    await eventually(async () => (await admin.getByTestId('account-row').count()) === 1, 'the filtered list');
    const hallRow = admin.locator(`[data-testid="account-row"][data-username="${t.hall}"]`);
    expect(await hallRow.getAttribute('data-role')).toBe('hall_staff');
    await admin.getByTestId('account-filter-role').selectOption('');
    // this township's accounts: the two made here and the two the set-up made
    await eventually(async () => (await admin.getByTestId('account-row').count()) === 4, 'the township’s accounts under the text filter');

    await hallRow.click();
    expect(await form.getAttribute('data-mode')).toBe('edit');
    expect(await admin.getByTestId('account-username').inputValue()).toBe(t.hall);
    await admin.getByTestId('account-service-point').selectOption(servicePoint);
    await admin.getByTestId('account-channel').selectOption('hall');
    await admin.getByTestId('account-save').click();
    await admin.locator(`[data-testid="account-saved"][data-username="${t.hall}"][data-created="false"]`).waitFor();
    expect(await hallRow.textContent()).toContain('乌兰便民服务大厅');
    await screenshot(admin, 'accounts');

    const listed = (await http('GET', api('/accounts'))).json.items.find((a: { username: string }) => a.username === t.hall);
    expect(listed).toMatchObject({ cadreCode: t.hall, role: 'hall_staff', servicePointCode: servicePoint, channel: 'hall', disabled: false });

    // They sign in with the passwords the administrator gave, and must choose their own before anything else.
    const hall = await pageAs(t.hall, HALL_PASSWORD);
    await hall.getByTestId('first-password').waitFor();
    expect(await hall.getByTestId('nav').count()).toBe(0);
    expect(await hall.locator('.intake-form').count()).toBe(0);
    await screenshot(hall, 'first-password');
    // The same password again is caught before anything is sent.
    await hall.getByTestId('current-password').fill(HALL_PASSWORD);
    await hall.getByTestId('new-password').fill(HALL_PASSWORD);
    await hall.getByTestId('new-password-again').fill(HALL_PASSWORD);
    await hall.getByTestId('password-save').click();
    await hall.locator('[data-testid="password-error"][data-field="new"]').waitFor();
    await chooseOwnPassword(hall, HALL_PASSWORD, HALL_CHOSEN);
    await hall.waitForURL(/\/intake$/);
    expect(await hall.getByTestId('channel').getAttribute('data-channel')).toBe('hall');
    await hall.getByTestId('me-link').click();
    await hall.waitForURL(/\/account$/);
    expect(await hall.getByTestId('profile-service-point').textContent()).toContain('乌兰便民服务大厅');
    const cadre2 = await pageAs(t.cadre2, CADRE2_PASSWORD);
    await chooseOwnPassword(cadre2, CADRE2_PASSWORD, CADRE2_CHOSEN);
    await cadre2.waitForURL(/\/inbox$/);
    for (const p of [admin, hall, cadre2]) await p.context().close();
  });

  it('the provision box opens an account for every roster cadre without one', async () => {
    const admin = await adminPage();
    await admin.getByTestId('provision-password').fill('initial-pass-1');
    await admin.getByTestId('provision-submit').click();
    const done = admin.getByTestId('provision-done');
    await done.waitFor();
    // This township's leaders had no account yet.
    expect(Number(await done.getAttribute('data-count'))).toBeGreaterThanOrEqual(3);
    await admin.locator(`[data-testid="account-row"][data-username="${t.leader}"]`).waitFor();
    await screenshot(admin, 'accounts-provisioned');
    const leader = await pageAs(t.leader, 'initial-pass-1');
    await chooseOwnPassword(leader, 'initial-pass-1', 'leader-chosen-1');
    await leader.waitForURL(/\/queue$/);
    for (const p of [admin, leader]) await p.context().close();
  });

  it('a locked account shows as locked; the administrator unlocks it and the person signs in', async () => {
    for (let i = 0; i < 10; i++) expect((await http('POST', api('/auth/session'), { username: t.judge, password: `wrong-${i}` })).status).toBe(401);
    const refused = await (await newContext(browser)).newPage();
    await refused.goto(`${e.apiUrl}/sign-in`);
    await refused.getByTestId('username').fill(t.judge);
    await refused.getByTestId('password').fill(TEST_STAFF_PASSWORD);
    await refused.getByTestId('sign-in').click();
    await refused.locator('[data-testid="problem"][data-status="429"]').waitFor();
    await screenshot(refused, 'sign-in-locked');

    const admin = await adminPage();
    const row = admin.locator(`[data-testid="account-row"][data-username="${t.judge}"]`);
    expect(await row.getAttribute('data-locked')).toBe('true');
    await row.click();
    await admin.getByTestId('account-locked').waitFor();
    await screenshot(admin, 'accounts-locked');
    await admin.getByTestId('account-unlock').click();
    await admin.locator(`[data-testid="account-row"][data-username="${t.judge}"][data-locked="false"]`).waitFor();
    expect(await admin.getByTestId('account-locked').count()).toBe(0);

    await signIn(refused, e.apiUrl, t.judge, TEST_STAFF_PASSWORD);
    await refused.waitForURL(/\/inbox$/);
    for (const p of [admin, refused]) await p.context().close();
  });

  it('a cadre opening /accounts sees no account list', async () => {
    const judge = await pageAs(t.judge, TEST_STAFF_PASSWORD);
    expect(await judge.getByTestId('nav').getByRole('link', { name: '账号管理' }).count()).toBe(0);
    await judge.goto(`${e.apiUrl}/accounts`);
    await judge.getByTestId('not-allowed').waitFor();
    expect(await judge.locator('[data-testid="problem"][data-status="403"]').count()).toBe(1);
    expect(await judge.getByTestId('account-list').count()).toBe(0);
    expect(await judge.getByTestId('account-row').count()).toBe(0);
    expect(await judge.content()).not.toContain(t.hall);
    await screenshot(judge, 'accounts-not-allowed');
    await judge.context().close();
  });
});

describe('own account (/account)', () => {
  it('a cadre changes their own password; the old one is refused afterwards', async () => {
    const NEW = 'a-brand-new-password';
    const cadre = await pageAs(t.cadre1, TEST_STAFF_PASSWORD);
    await cadre.getByTestId('me-link').click();
    await cadre.waitForURL(/\/account$/);
    expect(await cadre.getByTestId('profile-name').textContent()).toBe('李海燕');
    expect(await cadre.getByTestId('profile-role').getAttribute('data-role')).toBe('cadre');
    await eventually(async () => (await cadre.getByTestId('profile-department').textContent()) === '社会事务办', 'the department name');

    const passwordCalls: string[] = [];
    cadre.on('request', (r) => r.url().endsWith('/api/v1/auth/password') && passwordCalls.push(r.method()));

    // Checked before sending: the repeat must match, and the new one must be 8 or more characters.
    await cadre.getByTestId('current-password').fill(TEST_STAFF_PASSWORD);
    await cadre.getByTestId('new-password').fill(NEW);
    await cadre.getByTestId('new-password-again').fill(`${NEW}x`);
    await cadre.getByTestId('password-save').click();
    await cadre.locator('[data-testid="password-error"][data-field="again"]').waitFor();
    await cadre.getByTestId('new-password').fill('short');
    await cadre.getByTestId('new-password-again').fill('short');
    await cadre.getByTestId('password-save').click();
    await cadre.locator('[data-testid="password-error"][data-field="new"]').waitFor();
    expect(passwordCalls).toEqual([]);

    // A wrong current password: the API's 403.
    await cadre.getByTestId('current-password').fill('not-my-password');
    await cadre.getByTestId('new-password').fill(NEW);
    await cadre.getByTestId('new-password-again').fill(NEW);
    await cadre.getByTestId('password-save').click();
    await cadre.locator('[data-testid="problem"][data-status="403"]').waitFor();
    expect(await cadre.getByTestId('password-saved').count()).toBe(0);

    await cadre.getByTestId('current-password').fill(TEST_STAFF_PASSWORD);
    await cadre.getByTestId('password-save').click();
    await cadre.getByTestId('password-saved').waitFor();
    expect(passwordCalls).toEqual(['PUT', 'PUT']);
    await screenshot(cadre, 'account-password-changed');
    await cadre.getByTestId('sign-out').click();
    await cadre.waitForURL(/\/sign-in/);

    await signInRefused(cadre, t.cadre1, TEST_STAFF_PASSWORD);
    await signIn(cadre, e.apiUrl, t.cadre1, NEW);
    await cadre.waitForURL(/\/inbox$/);
    await cadre.context().close();
  });
});

describe('the routing rule in the user’s language', () => {
  it('the case page names the rule and words its reason (names, not codes) as a smaller line', async () => {
    await tokenFor(t.head);
    // Opened by the administrator (no actor), so the hall's password stays the one set above.
    const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, servicePointCode: servicePoint, title: `路由说明 ${t.run}` }));
    expect(res.status, res.text).toBe(201);
    const routing = await eventually(async () => (await http('GET', api(`/cases/${res.json.id}`))).json.routing ?? undefined, 'routing');
    const page = await pageAs(t.head, TEST_STAFF_PASSWORD);
    await page.goto(`${e.apiUrl}/cases/${res.json.id}`);
    const cell = page.getByTestId('case-routing');
    await cell.waitFor();
    expect(await cell.getAttribute('data-rule')).toBe(routing.rule);
    const names: Record<string, string> = { category: '按类别规则', household: '干部联户', village: '部门联村', fallback: '乡镇统一派单' };
    expect(await cell.locator('.routing-rule').textContent()).toBe(names[routing.rule]);
    // The reason in Chinese, from the reason's code and parameters: no English sentence, no codes — once the
    // directory's names have arrived (in a full test database they can come after the case).
    const reason = async () => (await cell.locator('.routing-reason').textContent()) ?? '';
    await expect.poll(reason, { timeout: 15_000 }).not.toMatch(/[A-Za-z]/);
    expect(await reason()).not.toBe('');
    await screenshot(page, 'case-routing');
    // …and in English after the switch, still naming people and places rather than their codes.
    const english: Record<string, string> = { category: 'Category rule', household: 'Cadre–household link', village: 'Department–village link', fallback: 'Township queue' };
    await page.getByTestId('lang-switch').click();
    await eventually(async () => (await cell.locator('.routing-rule').textContent()) === english[routing.rule], 'the English rule name');
    const enReason = await reason();
    expect(enReason).toMatch(/[A-Za-z]{3}/);
    for (const code of [t.household, t.cadre1, t.dept, t.village]) expect(enReason).not.toContain(code);
    await page.context().close();
  });
});

describe('both screens at 360 px and 1366 px', () => {
  for (const viewport of [PHONE, DESKTOP]) {
    it(`fit ${viewport.width} px wide with no sideways scrolling`, async () => {
      const overflowing: string[] = [];
      const admin = await adminPage(viewport);
      await admin.locator(`[data-testid="account-row"][data-username="${t.hall}"]`).click();
      await screenshot(admin, 'screen-accounts');
      if (await overflowsSideways(admin)) overflowing.push('accounts');
      await admin.context().close();
      const cadre = await pageAs(t.cadre2, CADRE2_CHOSEN, viewport);
      await cadre.goto(`${e.apiUrl}/account`);
      await cadre.getByTestId('password-form').waitFor();
      await screenshot(cadre, 'screen-account');
      if (await overflowsSideways(cadre)) overflowing.push('account');
      await cadre.context().close();
      expect(overflowing).toEqual([]);
    });
  }
});
