/**
 * The case workflow's timers on Temporal's time-skipping test server (the real
 * server code, with time that jumps): deadlines in business time across a
 * weekend and a holiday, escalation one level at a time, reminders at 50 % and
 * 75 %, no escalation while paused. Activities here are in-memory fakes
 * injected into the worker: this file tests the workflow; the real activities
 * are tested through the whole stack elsewhere.
 * With RECORD_HISTORIES=1 each scenario's history is saved for the replay test.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ensureTemporalTestServer } from '@minqing/infra';
import { saveHistory } from '../support/histories';
import { DEFAULT_SLA_POLICY, type BusinessCalendar, type CaseWorkflowInput, type RoutingDecision } from '@minqing/shared';
import { getCaseState, UPDATES, type CaseActivities, type TransitionRecord } from '@minqing/workflows';
import { WORKFLOW_BUNDLER_OPTIONS } from '@minqing/workflows/bundle';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workflowsPath = path.join(root, 'workflows/src/case/workflows.ts');

/**
 * The scenarios are laid out from an anchor Thursday a few days after the test
 * server's "now", so they never fall in the past whatever day the tests run.
 * `day(n, 'HH:MM')` is that local time n days after the anchor (UTC+08:00).
 */
let anchor = '';
function day(offset: number, time: string): string {
  const [y, m, d] = anchor.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
  return `${date}T${time.length === 5 ? `${time}:00` : time}+08:00`;
}

/** The calendar is written out in the test, so expectations do not depend on the default data: the Friday after the anchor is a holiday. */
let calendar: BusinessCalendar;

const routing: RoutingDecision = {
  assigneeCode: 'cadre-1',
  departmentCode: 'dept-1',
  areaCode: 'area-1',
  villageCode: 'wulan',
  rule: 'household',
  reason: 'test',
  escalation: { departmentHead: 'head-1', areaLeader: 'leader-1', township: 'township-1' },
};

function fakeActivities(log: TransitionRecord[]): CaseActivities {
  return {
    async recordCaseOpened() {
      return { inserted: true };
    },
    async routeCase() {
      return routing;
    },
    async recordTransition(t) {
      log.push(t);
      return { inserted: true };
    },
    async notify() {},
  };
}

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const log: TransitionRecord[] = [];
const taskQueue = 'timers';

beforeAll(async () => {
  const server = await ensureTemporalTestServer();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server } } });
  const local = new Date((await env.currentTimeMs()) + 8 * 3600_000 + 3 * 86_400_000);
  local.setUTCDate(local.getUTCDate() + ((4 - local.getUTCDay() + 7) % 7)); // the next Thursday, at least 3 days ahead
  anchor = local.toISOString().slice(0, 10);
  calendar = {
    version: 'test',
    utcOffsetMinutes: 480,
    workdays: [1, 2, 3, 4, 5],
    workingHours: [
      { start: '08:30', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ],
    holidays: [day(1, '00:00').slice(0, 10)],
    makeupWorkdays: [],
  };
  worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS, activities: fakeActivities(log) });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

/** Jump the test server's clock to `iso` (it only moves forward). */
async function jumpTo(iso: string) {
  const now = await env.currentTimeMs();
  const target = Date.parse(iso);
  if (target > now) await env.sleep(target - now);
}

let n = 0;
function input(priority: 'normal' | 'urgent', openedAt: string): CaseWorkflowInput {
  n++;
  const caseId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  return {
    caseId,
    trackingCode: `MQ-TEST-${String(n).padStart(4, '0')}`,
    requestHash: 'h',
    openedAt,
    openedBy: 'hall-1',
    request: {
      category: 'livelihood_difficulty',
      priority,
      channel: 'hall',
      title: 't',
      description: 'd',
      resident: { name: '王桂兰', phone: '13912345678' },
      villageCode: 'wulan',
    },
  };
}

const moves = (caseId: string, kind: string) => log.filter((t) => t.caseId === caseId && t.kind === kind);
const iso8 = (t: string) => new Date(t).toISOString().slice(0, 19);
/** Instants to the second: the test server's clock runs on for the few ms the worker takes. */
const sec = (t: string | null | undefined) => (t ? new Date(t).toISOString().slice(0, 19) : t);


describe('a normal case left unaccepted', () => {
  it('gets reminders at 50 % and 75 %, then escalates to the department head, the area leader and the township, in business time across a holiday and a weekend', async () => {
    // Thursday 15:00 in the township; Friday is a holiday. Sign-for budget: one working day.
    await jumpTo(day(0, '15:00'));
    const i = input('normal', day(0, '15:00'));
    const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: i.caseId, args: [i, { calendar, slaPolicy: DEFAULT_SLA_POLICY, searchAttributes: false }] });

    await env.sleep('10 days');
    const state = await handle.query(getCaseState);
    expect(state.status).toBe('assigned');
    expect(state.escalationLevel).toBe(3);

    const routed = moves(i.caseId, 'routed')[0]!;
    // 450 working minutes: 150 on Thursday, Friday is a holiday, then the weekend, 300 on Monday.
    expect(sec(routed.readModel.dueAt)).toBe(iso8(day(4, '15:00')));

    const reminders = log.filter((t) => t.caseId === i.caseId && t.kind.startsWith('reminder_sign_for'));
    expect(reminders.map((t) => sec(t.at))).toEqual([
      iso8(day(4, '09:45')), // 50 % = 225 min: 150 on Thursday, 75 on Monday morning
      iso8(day(4, '11:37:30')), // 75 % = 337.5 min: 150 + 187.5
    ]);
    const escalations = log.filter((t) => t.caseId === i.caseId && t.kind.startsWith('escalated_sign_for'));
    expect(escalations.map((t) => [sec(t.at), t.eventData.level, t.eventData.escalatedToCode])).toEqual([
      [iso8(day(4, '15:00')), 1, 'head-1'],
      [iso8(day(5, '15:00')), 2, 'leader-1'],
      [iso8(day(6, '15:00')), 3, 'township-1'],
    ]);
    await saveHistory(env.client, 'unaccepted-escalates-three-levels', i.caseId);
  });
});

describe('a paused case', () => {
  it('does not escalate while it waits on the resident, and its deadline moves by the paused time', async () => {
    await jumpTo(day(11, '09:00')); // a Monday
    const i = input('normal', day(11, '09:00'));
    const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: i.caseId, args: [i, { calendar, slaPolicy: DEFAULT_SLA_POLICY, searchAttributes: false }] });
    const actor = { code: 'cadre-1', role: 'staff' };
    await waitForStatus(handle, 'assigned');
    await handle.executeUpdate(UPDATES.acceptCase, { args: [{ actor }] });
    const waiting = await handle.executeUpdate(UPDATES.waitOnResident, { args: [{ actor, note: '等待村民补充材料' }] });
    expect(waiting.status).toBe('waiting_on_resident');
    expect(waiting.clock).toMatchObject({ phase: 'resolve', paused: true, dueAt: null });

    await env.sleep('30 days');
    expect(log.filter((t) => t.caseId === i.caseId && /^(reminder|escalated)_resolve/.test(t.kind))).toEqual([]);
    expect((await handle.query(getCaseState)).escalationLevel).toBe(0);

    await jumpTo(day(41, '09:00')); // a Wednesday
    const resumed = await handle.executeUpdate(UPDATES.resumeFromResident, { args: [{ actor, note: '材料已补齐' }] });
    // Seven working days of 450 minutes from Wednesday 09:00, nothing used before the pause.
    expect(sec(resumed.clock?.dueAt)).toBe(iso8(day(50, '09:00'))); // the Friday after next
    expect(moves(i.caseId, 'resumed')[0]!.eventData.pausedBusinessMinutes).toBe(22 * 450); // 22 working days paused (Monday 09:00 → the Wednesday 30 days later, 09:00)

    await env.sleep('20 days');
    const escalations = log.filter((t) => t.caseId === i.caseId && t.kind.startsWith('escalated_resolve'));
    expect(escalations.map((t) => [sec(t.at), t.eventData.level])).toEqual([
      [iso8(day(50, '09:00')), 1],
      [iso8(day(53, '09:00')), 2], // one working day later, over the weekend
      [iso8(day(54, '09:00')), 3],
    ]);
    await saveHistory(env.client, 'paused-then-escalates', i.caseId);
  });
});

describe('an urgent case', () => {
  it('runs on clock hours, weekends included', async () => {
    await jumpTo(day(65, '22:00')); // a Saturday night
    const i = input('urgent', day(65, '22:00'));
    await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: i.caseId, args: [i, { calendar, slaPolicy: DEFAULT_SLA_POLICY, searchAttributes: false }] });
    await env.sleep('1 day');
    const timed = log.filter((t) => t.caseId === i.caseId && /^(reminder|escalated)_sign_for/.test(t.kind));
    expect(timed.map((t) => [t.kind.replace(/_\d+$/, ''), sec(t.at)])).toEqual([
      ['reminder_sign_for', iso8(day(65, '22:30'))],
      ['reminder_sign_for', iso8(day(65, '22:45'))],
      ['escalated_sign_for', iso8(day(65, '23:00'))],
      ['escalated_sign_for', iso8(day(66, '01:00'))],
      ['escalated_sign_for', iso8(day(66, '03:00'))],
    ]);
    await saveHistory(env.client, 'urgent-clock-hours', i.caseId);
  });
});

describe('a case whose work started', () => {
  it('keeps its deadline timer: the resolve reminders come on time, and starting work did not cancel and restart it', async () => {
    await jumpTo(day(81, '09:00')); // a Monday
    const i = input('normal', day(81, '09:00'));
    const handle = await env.client.workflow.start('caseWorkflow', { taskQueue, workflowId: i.caseId, args: [i, { calendar, slaPolicy: DEFAULT_SLA_POLICY, searchAttributes: false }] });
    const actor = { code: 'cadre-1', role: 'staff' };
    await waitForStatus(handle, 'assigned');
    await handle.executeUpdate(UPDATES.acceptCase, { args: [{ actor }] });
    await jumpTo(day(81, '10:00'));
    expect((await handle.executeUpdate(UPDATES.startWork, { args: [{ actor }] })).status).toBe('in_progress');

    await env.sleep('8 days');
    const reminders = log.filter((t) => t.caseId === i.caseId && t.kind.startsWith('reminder_resolve'));
    // Seven working days of 450 minutes from Monday 09:00: 50 % (1,575 min) on Thursday afternoon, 75 % the Monday after.
    expect(reminders.map((t) => sec(t.at))).toEqual([iso8(day(84, '14:15')), iso8(day(88, '10:52:30'))]);
    // One timer cancelled: the sign-for one, when the case was accepted (its plan moved); starting work left the resolve timer running.
    const events = (await handle.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.timerCanceledEventAttributes).length).toBe(1);
    await saveHistory(env.client, 'work-started-keeps-timer', i.caseId);
  });
});

async function waitForStatus(handle: { query: (q: typeof getCaseState) => Promise<{ status: string }> }, status: string) {
  for (let k = 0; k < 100; k++) {
    if ((await handle.query(getCaseState)).status === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`case never reached ${status}`);
}
