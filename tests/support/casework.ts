/// <reference lib="dom" />
/**
 * Case work through the API for browser tests (issue 11): open a case as
 * someone, make a move as someone, build cases whose timelines hold every kind
 * of step, and read a page's visible text for English or raw codes on a
 * Chinese screen.
 */
import type pg from 'pg';
import type { Page } from 'playwright-core';
import { MOVES, type MoveName } from '@minqing/shared/lifecycle';
import { caseBody, env, eventually, http, uniqueKey } from './helpers';
import type { Township } from './township';

const api = (p: string) => `${env().apiUrl}/api/v1${p}`;

/** Opens a case as `actor` and waits until routing has assigned it (or left it in a queue). */
export async function openCaseAs(actor: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; trackingCode: string; expectedReplyBy: string }> {
  const r = await http('POST', api('/cases'), caseBody(overrides), { 'x-actor': actor, 'idempotency-key': uniqueKey('walk') });
  if (r.status !== 201) throw new Error(`opening a case failed: ${r.status} ${r.text}`);
  const c = r.json as { id: string; trackingCode: string; expectedReplyBy: string };
  await eventually(async () => (await http('GET', api(`/cases/${c.id}`))).json?.status !== 'submitted', 'routing', 60_000);
  return c;
}

/** One move on a case as `actor`; throws unless the move is answered 200. */
export async function moveAs(actor: string, caseId: string, move: MoveName, body: Record<string, unknown> = {}): Promise<any> {
  const r = await http('POST', api(`/cases/${caseId}/${MOVES[move].path}`), body, { 'x-actor': actor });
  if (r.status !== 200) throw new Error(`${move} by ${actor} failed: ${r.status} ${r.text}`);
  return r.json;
}

export const getCase = async (id: string): Promise<any> => (await http('GET', api(`/cases/${id}`))).json;

/**
 * Cases whose timelines together hold every kind of step: `full` goes through
 * return and reroute, work, waiting on the resident, upstream, an extension,
 * supervision, reassignment, resolution, a dissatisfied callback, reopening, a
 * satisfied callback and closing, plus the reminder and escalation steps the
 * deadline clock records (written into its timeline as the workflow writes
 * them: a test cannot wait days of working time); `merged` is merged into
 * `full`'s sibling, `rejected` and `withdrawn` end as they say.
 */
export async function casesWithEveryStep(db: pg.Client, t: Township, servicePointCode: string) {
  const at = { servicePointCode, channel: 'hall', villageCode: t.village, householdCode: t.household, resident: { name: '王桂兰', phone: '13912345678' } };
  const full = await openCaseAs(t.hall, { ...at, title: '村道路灯损坏，夜间出行不便' });
  await moveAs(t.cadre1, full.id, 'returnCase', { reasonCode: 'not_our_duty', note: '路灯归城建管理' });
  await moveAs(t.head, full.id, 'reviewReturn', { decision: 'reroute', assigneeCode: t.cadre2, note: '请陈永明办理' });
  await moveAs(t.cadre2, full.id, 'acceptCase');
  await moveAs(t.cadre2, full.id, 'startWork');
  await moveAs(t.cadre2, full.id, 'waitOnResident', { note: '请群众补充具体位置' });
  await moveAs(t.cadre2, full.id, 'resumeFromResident', { note: '已补充' });
  await moveAs(t.cadre2, full.id, 'forwardUpstream', { authority: '旗住建局', note: '需上级审批更换' });
  await moveAs(t.cadre2, full.id, 'upstreamAnswered', { outcome: '同意更换', note: '下周施工' });
  await moveAs(t.cadre2, full.id, 'requestExtension', { minutes: 900, reason: '等待施工' });
  await moveAs(t.township, full.id, 'decideExtension', { approve: true, note: '同意' });
  await moveAs(t.head, full.id, 'superviseCase', { note: '请抓紧' });
  await moveAs(t.head, full.id, 'reassignCase', { assigneeCode: t.cadre1, note: '改由李海燕跟进' });
  await moveAs(t.cadre1, full.id, 'acceptCase');
  await moveAs(t.cadre1, full.id, 'resolveCase', { reply: '路灯已更换。' });
  await moveAs(t.hall, full.id, 'recordFollowUp', { satisfaction: 'dissatisfied', method: 'call', note: '仍有一盏不亮' });
  await moveAs(t.head, full.id, 'reopenCase', { reason: '群众反映仍有一盏不亮' });
  await moveAs(t.cadre1, full.id, 'resolveCase', { reply: '剩余路灯已修好。' });
  await moveAs(t.hall, full.id, 'recordFollowUp', { satisfaction: 'satisfied', method: 'visit' });
  await moveAs(t.hall, full.id, 'closeCase', { note: '办结' });
  // The deadline clock's steps, shaped as the workflow records them (shared/src/domain/lifecycle/effects.ts).
  const { rows } = await db.query<{ seq: number }>('SELECT max(seq)::int AS seq FROM casework.case_timeline WHERE case_id = $1', [full.id]);
  const seq = rows[0]!.seq;
  const due = new Date(Date.now() - 3600_000).toISOString();
  await db.query(
    `INSERT INTO casework.case_timeline (case_id, seq, step, kind, actor, at, details) VALUES
       ($1, $2, $6, 'reminder_resolve_1', NULL, now(), $4),
       ($1, $3, $7, 'escalated_resolve_1', NULL, now(), $5)`,
    [full.id, seq + 1, seq + 2, { phase: 'resolve', fraction: 0.5, dueAt: due, notifiedCode: t.cadre1 }, { phase: 'resolve', level: 1, escalatedToCode: t.head, dueAt: due }, `${seq + 1}:reminder_resolve_1`, `${seq + 2}:escalated_resolve_1`],
  );

  const target = await openCaseAs(t.hall, { ...at, title: '冬季取暖用煤不足' });
  const merged = await openCaseAs(t.hall, { ...at, title: '取暖煤不够（重复反映）' });
  await moveAs(t.hall, merged.id, 'mergeCase', { intoCaseId: target.id, note: '同一诉求' });
  const rejected = await openCaseAs(t.hall, { ...at, title: '要求调解邻里纠纷（已处理过）' });
  await moveAs(t.head, rejected.id, 'rejectCase', { reasonCode: 'already_handled', note: '上月已调解' });
  const withdrawn = await openCaseAs(t.hall, { ...at, title: '咨询低保政策' });
  await moveAs(t.hall, withdrawn.id, 'withdrawCase', { reason: '群众已自行了解' });
  // routed by a category rule, to the judicial office (its reason names the rule's note)
  const byRule = await openCaseAs(t.hall, { ...at, category: 'dispute_mediation', title: '邻里宅基地纠纷' });
  return { full, target, merged, rejected, withdrawn, byRule };
}

/**
 * What a Chinese screen must not show: English sentences (three or more
 * English words in a row), snake_case codes, code-like `word-word-123`, UUIDs,
 * schema wording ("must have"), and any code of this test run's roster (they
 * all end in the run's id: a name was expected).
 */
export function offencePatterns(run: string): { name: string; re: RegExp }[] {
  return [
    { name: 'English sentence', re: /\b[A-Za-z]{2,}(?:[ ,'’]+[A-Za-z]{2,}){2,}\b/ },
    { name: 'snake_case code', re: /\b[a-z]+_[a-z_]+\b/ },
    { name: 'code-like', re: /\b[a-z]+-[a-z]+-\d+\b/ },
    { name: 'uuid', re: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i },
    { name: 'schema wording', re: /must (NOT )?have/ },
    { name: 'roster code', re: new RegExp(`[a-z0-9]-${run}\\b`) },
  ];
}

/**
 * The offending lines of the page's visible text (select options included), each with the pattern it matched.
 * Text marked `translate="no"` is data a person types or quotes as it is (a username, a user agent) and is not read.
 */
export async function offences(page: Page, run: string): Promise<string[]> {
  const text = await page.evaluate(() => {
    let all = document.body.innerText;
    // longest first: a short one ("2", a count in an audit entry) taken out first would break up a longer one (127.0.0.1 · Mozilla/5.0 …) so it stayed
    const owns = Array.from(document.querySelectorAll<HTMLElement>('[translate="no"]')).map((el) => el.innerText || el.textContent || '');
    for (const own of owns.sort((a, b) => b.length - a.length)) {
      if (own.trim()) all = all.split(own).join(' ');
    }
    return all;
  });
  const out: string[] = [];
  for (const line of text.split('\n').map((l) => l.trim()).filter(Boolean)) {
    for (const { name, re } of offencePatterns(run)) {
      if (re.test(line)) out.push(`${name}: "${line.slice(0, 160)}"`);
    }
  }
  return out;
}

/** Records the API requests a page makes and the ones that failed (4xx/5xx, or no answer). */
export function watchRequests(page: Page): { all: string[]; failed: string[]; reset(): void } {
  const w = { all: [] as string[], failed: [] as string[], reset() { w.all.length = 0; w.failed.length = 0; } };
  page.on('request', (r) => {
    if (r.url().includes('/api/')) w.all.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  page.on('response', (r) => {
    // signed out, the session probe's 401 is its answer
    if (r.status() === 401 && new URL(r.url()).pathname === '/api/v1/auth/session') return;
    if (r.url().includes('/api/') && r.status() >= 400) w.failed.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  page.on('requestfailed', (r) => {
    if (r.url().includes('/api/') && !/aborted/i.test(r.failure()?.errorText ?? '')) w.failed.push(`failed ${r.method()} ${new URL(r.url()).pathname}`);
  });
  return w;
}
