/// <reference lib="dom" />
/**
 * Daily work in the Chinese console (issue 11, points 5–9): server messages
 * worded from codes with names for codes (routing reason, timeline details,
 * refusals, "merged into" as a link by title); the reassign / reroute picker
 * scoped to who can take the case, by load, with a search, and the case page
 * following the reroute to the new department; extensions asked in working
 * days (hours for an urgent case); the tracking page keeping the promised
 * reply date after the reply and saying what was asked; the dashboard's
 * drill-down by title, the satisfaction figure explained, and a cadre sent to
 * the translated not-allowed page by URL without one failing request.
 */
import pg from 'pg';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR, workingMinutesPerDay } from '@minqing/shared/calendar';
import { env, eventually, TEST_STAFF_PASSWORD, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { launchBrowser, newContext, screenshot, signIn } from '../support/browser';
import { getCase, moveAs, offences, openCaseAs, watchRequests } from '../support/casework';

const e = env();
const t = township(`dw${Date.now().toString(36)}`);
const servicePoint = t.code('hall');
let db: pg.Client;
let browser: Browser;
const at = () => ({ servicePointCode: servicePoint, channel: 'hall', villageCode: t.village, householdCode: t.household, resident: { name: '王桂兰', phone: '13912345678' } });

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [servicePoint]);
  await tokenFor(t.hall, { servicePointCode: servicePoint, channel: 'hall' });
  for (const who of [t.cadre1, t.cadre2, t.head, t.township, t.judge]) await tokenFor(who);
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

async function staffPage(username: string): Promise<Page> {
  const page = await (await newContext(browser)).newPage();
  await signIn(page, e.apiUrl, username, TEST_STAFF_PASSWORD);
  return page;
}
const text = async (page: Page, testid: string) => ((await page.getByTestId(testid).first().textContent()) ?? '').trim();

describe('daily work in the Chinese console', () => {
  it('5 + 6: names and worded reasons; the reroute picker offers who can take the case, by load; the case follows to the new department', async () => {
    // cadre 1 already carries a case: cadre 2 (same department, no load) is listed first
    await openCaseAs(t.hall, { ...at(), title: '院墙倒塌需要修缮' });
    const c = await openCaseAs(t.hall, { ...at(), title: '村道路灯损坏，夜间出行不便' });
    await moveAs(t.cadre1, c.id, 'returnCase', { reasonCode: 'not_our_duty', note: '路灯归城建管理' });

    const head = await staffPage(t.head);
    await head.goto(`${e.apiUrl}/cases/${c.id}`);
    await head.getByTestId('routing-reason').waitFor();
    // the routing reason in Chinese, with the cadre's name instead of codes
    // (names come with the directory, which loads beside the case: with many rosters in the test database it can arrive after the case)
    await expect.poll(() => text(head, 'routing-reason'), { timeout: 20_000 }).toBe('该户的联户干部是李海燕（干部联户）');
    const returned = head.locator('[data-testid="timeline-item"][data-kind="returned"]');
    expect(await returned.textContent()).toContain('非本部门职责');
    expect(await offences(head, t.run)).toEqual([]);

    await head.getByTestId('move-return-review').click();
    await head.getByTestId('field-decision').selectOption('reroute');
    const picker = head.getByTestId('candidate-picker');
    await picker.locator('[data-testid="candidate"]').first().waitFor();
    const groups = await picker.locator('optgroup').evaluateAll((els) => els.map((g) => ({
      label: g.getAttribute('label'),
      options: Array.from(g.querySelectorAll('option')).map((o) => ({ text: o.textContent ?? '', load: Number(o.getAttribute('data-load')) })),
    })));
    // the case's department first (by load: the idle cadre before the busy one), then other departments' cadres
    // (the test database holds other runs' townships too, so the judicial office is found by search below)
    expect(groups[0]!.label).toBe('本部门：社会事务办');
    expect(groups[0]!.options.map((o) => o.text.split(' · ')[0])).toEqual(['陈永明', '李海燕']);
    expect(groups[0]!.options[0]!.load).toBeLessThan(groups[0]!.options[1]!.load);
    expect(groups[0]!.options[1]!.text).toMatch(/在办 [1-9]\d* 件/);
    const everyone = groups.flatMap((g) => g.options.map((o) => o.text)).join('\n');
    for (const notACandidate of ['孙丽娟', '张建国', '刘志强', '宝音', '王书记']) expect(everyone).not.toContain(notACandidate);
    // search by name
    await head.getByTestId('candidate-search').fill('赵淑珍');
    // (the test database holds other runs' townships, each with a 赵淑珍: the search leaves only
    // 赵淑珍s; page on with 显示更多 until this township's is offered)
    await eventually(async () => {
      const names = await picker.locator('[data-testid="candidate"]').allTextContents();
      if (names.length === 0 || !names.every((x) => x.startsWith('赵淑珍'))) return false;
      if ((await picker.locator(`option[value="${t.judge}"]`).count()) === 1) return true;
      const more = head.getByTestId('candidate-pager-more');
      if (await more.isVisible() && await more.isEnabled()) await more.click();
      return false;
    }, 'the search', 60_000);
    // offered under her department's name
    expect(await picker.locator(`option[value="${t.judge}"]`).evaluate((o) => o.parentElement?.getAttribute('label'))).toBe('司法所');
    await head.getByTestId('field-assigneeCode').selectOption(t.judge);
    await head.getByTestId('field-note').fill('交司法所处理');
    await screenshot(head, 'reroute-picker');
    await head.getByTestId('move-submit').click();
    // attribution follows the handling cadre: the case has gone to the judicial office, out of this head's view — the page says so
    await head.getByTestId('left-scope').waitFor();
    expect(await text(head, 'left-scope')).toBe('已完成“审核退单”：诉求“村道路灯损坏，夜间出行不便”已交司法所的赵淑珍办理，不再在您的查看范围内。');
    expect((await getCase(c.id)).departmentCode).toBe(t.judicial);
    expect(await offences(head, t.run)).toEqual([]);

    // the township leadership's case page shows the new department and assignee by name
    const leader = await staffPage(t.township);
    await leader.goto(`${e.apiUrl}/cases/${c.id}`);
    const details = leader.locator('.details');
    await details.waitFor();
    expect(await details.textContent()).toContain('部门司法所');
    expect(await details.textContent()).toContain('承办人赵淑珍');
    const reviewed = leader.locator('[data-testid="timeline-item"][data-kind="return_reviewed"]');
    expect(await reviewed.textContent()).toContain('改派');
    expect(await offences(leader, t.run)).toEqual([]);
  });

  it('5: a refused move is worded from its code; "merged into" is the other case by title, as a link', async () => {
    const c = await openCaseAs(t.hall, { ...at(), title: '自来水管冻裂' });
    const cadre = await staffPage(t.cadre1);
    await cadre.goto(`${e.apiUrl}/cases/${c.id}`);
    await cadre.getByTestId('move-accept').waitFor();
    // accepted meanwhile elsewhere: the stale button's refusal is worded in Chinese from its code and status
    await moveAs(t.cadre1, c.id, 'acceptCase');
    await cadre.getByTestId('move-accept').click();
    const problem = cadre.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.locator('.problem-detail').getAttribute('data-code')).toBe('wrong_status');
    expect(await problem.textContent()).toContain('案件当前状态为“已签收”，不能执行此操作');
    expect(await offences(cadre, t.run)).toEqual([]);

    const target = await openCaseAs(t.hall, { ...at(), title: '冬季取暖用煤不足' });
    const dup = await openCaseAs(t.hall, { ...at(), title: '取暖煤不够（重复反映）' });
    await moveAs(t.hall, dup.id, 'mergeCase', { intoCaseId: target.id, note: '同一诉求' });
    const hall = await staffPage(t.hall);
    await hall.goto(`${e.apiUrl}/cases/${dup.id}`);
    const ref = hall.locator('.details [data-testid="case-ref"]');
    await eventually(async () => (await ref.textContent())?.includes('冬季取暖用煤不足'), 'the merge target by title');
    expect(await ref.textContent()).toBe(`冬季取暖用煤不足（${target.trackingCode}）`);
    await hall.locator('[data-testid="timeline-item"][data-kind="merged"] [data-testid="case-ref"]').click();
    await hall.waitForURL(new RegExp(`/cases/${target.id}$`));
    expect(await offences(hall, t.run)).toEqual([]);
  });

  it('7: an extension is asked in working days (hours for an urgent case) and sent as minutes', async () => {
    const c = await openCaseAs(t.hall, { ...at(), title: '低保复核材料补交' });
    await moveAs(t.cadre1, c.id, 'acceptCase');
    const cadre = await staffPage(t.cadre1);
    await cadre.goto(`${e.apiUrl}/cases/${c.id}`);
    await cadre.getByTestId('move-extensions').click();
    const form = cadre.getByTestId('move-form');
    expect(await form.textContent()).toContain('延期（工作日）');
    expect(await form.textContent()).not.toContain('分钟');
    expect(await cadre.getByTestId('field-minutes').inputValue()).toBe('1');
    await cadre.getByTestId('field-minutes').fill('2');
    await cadre.getByTestId('field-reason').fill('需等待民政所复核');
    await cadre.getByTestId('move-submit').click();
    await cadre.getByTestId('move-done').waitFor();
    expect((await getCase(c.id)).pendingExtension.minutes).toBe(2 * workingMinutesPerDay(DEFAULT_CALENDAR));
    expect(await cadre.locator('.notice').textContent()).toContain('2 个工作日');
    expect(await cadre.locator('[data-testid="timeline-item"][data-kind="extension_requested"]').textContent()).toContain('延期时长: 2 个工作日');

    const urgent = await openCaseAs(t.hall, { ...at(), priority: 'urgent', title: '老人独居突发断电' });
    await moveAs(t.cadre1, urgent.id, 'acceptCase');
    await cadre.goto(`${e.apiUrl}/cases/${urgent.id}`);
    await cadre.getByTestId('move-extensions').click();
    expect(await cadre.getByTestId('move-form').textContent()).toContain('延期（小时）');
    await cadre.getByTestId('field-minutes').fill('3');
    await cadre.getByTestId('field-reason').fill('等待供电所抢修');
    await cadre.getByTestId('move-submit').click();
    await cadre.getByTestId('move-done').waitFor();
    expect((await getCase(urgent.id)).pendingExtension.minutes).toBe(180);
    expect(await cadre.locator('.notice').textContent()).toContain('3 小时');
  });

  it('8: the tracking page keeps the promised reply date after the reply, and says what was asked', async () => {
    const c = await openCaseAs(t.hall, { ...at(), title: '申请危房改造补助' });
    await moveAs(t.cadre1, c.id, 'acceptCase');
    await moveAs(t.cadre1, c.id, 'resolveCase', { reply: '已纳入今年危房改造名单。' });
    const page = await (await newContext(browser)).newPage();
    await page.goto(`${e.apiUrl}/track`);
    await page.getByTestId('track-code').fill(c.trackingCode);
    await page.getByTestId('track-phone').fill('5678');
    await page.getByTestId('track-submit').click();
    await page.getByTestId('track-result').waitFor();
    expect(await text(page, 'track-title')).toBe('申请危房改造补助');
    const promised = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(c.expectedReplyBy));
    expect(await text(page, 'track-expected')).toBe(promised);
    expect(await text(page, 'track-expected')).not.toBe('待定');
    expect(await offences(page, t.run)).toEqual([]);
  });

  it('9: drill-downs list titles, the satisfaction figure says what it counts, and a cadre on /dashboard gets the not-allowed page without one failing request', async () => {
    const c = await openCaseAs(t.hall, { ...at(), title: '村口垃圾清运不及时' });
    await moveAs(t.cadre1, c.id, 'acceptCase');
    await moveAs(t.cadre1, c.id, 'resolveCase', { reply: '已增加清运频次。' });
    await moveAs(t.hall, c.id, 'recordFollowUp', { satisfaction: 'basically_satisfied', method: 'call' });

    const head = await staffPage(t.head);
    await head.goto(`${e.apiUrl}/dashboard`);
    const explained = head.getByTestId('satisfaction-explained');
    await eventually(async () => {
      await head.getByTestId('dashboard-refresh').click();
      await head.waitForLoadState('networkidle');
      return (await explained.count()) === 1;
    }, 'the satisfaction figure of the department', 60_000);
    expect(await explained.textContent()).toMatch(/^[\d.]+ 为加权满意数（满意计 1，基本满意计 0\.9，不满意计 0），\d+ 为评价次数$/);
    await head.locator('[data-testid="figure-card"][data-figure="satisfaction"]').click();
    const row = head.locator(`[data-testid="drilldown-row"][data-case-id="${c.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('drilldown-title').textContent()).toBe('村口垃圾清运不及时');
    expect(await row.textContent()).toContain(c.trackingCode);
    await screenshot(head, 'dashboard-drilldown-titles');

    const cadre = await staffPage(t.cadre1);
    const watch = watchRequests(cadre);
    await cadre.goto(`${e.apiUrl}/dashboard`);
    await cadre.waitForLoadState('networkidle');
    await screenshot(cadre, 'dashboard-as-cadre');
    await cadre.getByTestId('not-allowed').waitFor();
    await cadre.waitForLoadState('networkidle');
    expect(await cadre.getByTestId('not-allowed').textContent()).toContain('无权访问');
    expect(watch.failed).toEqual([]);
    expect(watch.all.filter((r) => r.includes('/reports/'))).toEqual([]);
    expect(await offences(cadre, t.run)).toEqual([]);
    // and the header offers it no dashboard
    expect(await cadre.getByTestId('nav').textContent()).not.toContain('考评看板');
  });
});
