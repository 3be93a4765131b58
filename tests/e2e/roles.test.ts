/**
 * Every role against every operation of the case API, generated from its own
 * OpenAPI document (not a hand list): without a session every operation but
 * sign-in and the residents' page is a 401; signed in as each of the seven
 * roles, what the README's "Who sees what" withholds is a 401/403/404 and what
 * it grants is answered. The oracle is the table MAY below — by operationId, or
 * else by tag — and a new operation fails the test until the table says who
 * may use it.
 *
 * The accounts are chosen outside the fixture case's scope wherever a role has
 * one (a cadre and a head of another department, the leader of another area,
 * hall staff of another service point), so "may see this case" is a matter of
 * role alone. Writes are sent only where the table refuses them, with a body no
 * schema accepts: a refusal must come from the front door, before the body is
 * looked at (else validation would answer 400); nothing is changed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, caseBody, env, eventually, firstSignIn, http, TEST_STAFF_INITIAL_PASSWORD, tokenFor } from '../support/helpers';
import { concretePath, operationsOf, PROBE_BODY, send, type Operation, type Param } from '../support/openapi';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`rl${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const westArea = t.code('area-west');
const westLeader = t.code('leader-west');
const spHere = t.code('sp-here');
const spThere = t.code('sp-there');
const assessor = `assess-${t.run}`;

type Role = 'hall_staff' | 'cadre' | 'department_head' | 'area_leader' | 'township_leader' | 'assessment' | 'admin';
const ALL: readonly Role[] = ['hall_staff', 'cadre', 'department_head', 'area_leader', 'township_leader', 'assessment', 'admin'];
const but = (...no: Role[]) => ALL.filter((r) => !no.includes(r));
const ROSTER = but('assessment', 'admin'); // accounts that are roster staff (act on cases, log work, have an inbox)
const DASHBOARD: readonly Role[] = ['department_head', 'area_leader', 'township_leader', 'assessment', 'admin'];
const WIDE: readonly Role[] = ['township_leader', 'assessment', 'admin'];
const SIGN_OFF: readonly Role[] = ['assessment', 'admin'];

/** The oracle: who may use what (README "Who sees what"), by operationId, else by tag. */
const MAY: Record<string, readonly Role[]> = {
  whoAmI: ALL, changePassword: ALL, signOut: ALL,
  listAccounts: ['admin'], putAccount: ['admin'], provisionAccounts: ['admin'], unlockAccount: ['admin'],
  importDirectory: ['admin'], importDirectoryCsv: ['admin'], exportDirectory: ['admin'], exportDirectoryCsv: ['admin'],
  directoryRuleCheck: DASHBOARD,
  setHouseholdLinks: ['admin'], setVillageLinks: ['admin'], publishSlaPolicy: ['admin'],
  getHousehold: but('cadre'), // a cadre sees the households linked to them; the fixture's is another cadre's
  openCase: but('assessment'), findDuplicateCases: but('assessment'),
  listTasks: ROSTER, logWorkRecord: ROSTER,
  escalationQueue: DASHBOARD, escalationChanges: DASHBOARD,
  // the fixture case, its cadre's records and its village are outside every account's scope but the township-wide roles'
  getCase: WIDE, caseTimeline: WIDE, listWorkRecords: WIDE, figureCases: WIDE,
  caseCandidates: ['township_leader', 'admin'], // managers who may see the case: whom it can be reassigned to
  'case moves': ['township_leader'], // roster staff who may see the case (which move is theirs is the workflow's call)
  reports: DASHBOARD,
  dutyFigures: ALL, // issue 13: everyone their own row (the grassroots-days rule for themselves); managers their scope
  listFigureDefinitions: DASHBOARD, // how the figures are counted: for whoever reads them
  exportFigures: WIDE, compositeScores: WIDE, listAppraisals: WIDE, listFrozenReports: WIDE, getFrozenReport: WIDE, exportFrozenReport: WIDE,
  listDeadLetters: WIDE, rebuildStatus: WIDE, enterAppraisal: SIGN_OFF, freezeReport: SIGN_OFF, rebuildReports: ['admin'],
  listAuditEvents: SIGN_OFF, listActivityFailures: ['admin'],
  'open311 keys': ['admin'], // Open311 API keys: created, listed and revoked by administrators
  // notifications (issue 14): everyone's own in-app list; hall staff record a resident's opt-out; administrators see deliveries and set quiet hours
  notifications: ALL, setCaseNotifications: ['hall_staff'],
  listNotificationDeliveries: ['admin'], getNotificationSettings: ['admin'], putNotificationSettings: ['admin'],
  codec: WIDE,
  // the public-condition ledger (issue 13): the fixture household is another cadre's and the fixture village another department's and area's,
  // so a file and a village's ledger are read by the hall and the township-wide roles, and changed by none of these accounts (their keepers are the
  // household's linked cadre and the village's department head and area leader); lists answer everyone within their scope; exports are not the hall's
  getHouseholdLedger: ['hall_staff', ...WIDE], householdLedgerHistory: ['hall_staff', ...WIDE], updateHouseholdLedger: [],
  getVillageLedger: ['hall_staff', ...WIDE], villageLedgerHistory: ['hall_staff', ...WIDE], updateVillageLedger: [],
  searchHouseholdLedgers: ALL, listVillageLedgers: ALL, exportLedger: but('hall_staff'),
  // hot topics and the month's topic (issue 13, 每月一题): read by managers and the assessment group within their scope; taken up by the township leadership
  'hot topics': DASHBOARD, takeUpHotTopic: ['township_leader', 'admin'],
  // market-day sessions (issue 13, 双定): a day's report and dates for every role (which session's day: the roster, the area, the managers);
  // attendance by roster staff and the assessment group (whose: the service's call); the month's report and export for those who judge duty
  listSessionDates: ALL, sessionDayReport: ALL, recordSessionAttendance: but('admin'), sessionMonthReport: DASHBOARD, exportSessionReport: DASHBOARD,
  // inspections (issue 13, 一听二看三查): recorded by the assessment group, read by the township-wide roles; the evaluation sheet (评先选优) read by them, signed off by the assessment group and administrators
  recordInspection: ['assessment'], listInspections: WIDE,
  evaluationSheet: WIDE, listEvaluationSheets: WIDE, getEvaluationSheet: WIDE, exportEvaluationSheet: WIDE, signEvaluationSheet: SIGN_OFF,
  // 四帮四促 (issue 13): a case's tags for whoever may see it (the fixture case: the township-wide roles), set by the roles that work on
  // cases who may see it (not sent: a write); the report by period and area for the dashboard roles, each within their scope
  getCaseHelps: WIDE, caseHelpsHistory: WIDE, setCaseHelps: ['township_leader', 'admin'], fourHelpsReport: DASHBOARD, fourHelpsCases: DASHBOARD,
  // plans (issue 13, 片区 work plans and departments' annual service plans): read by every role within its scope; a plan and its items' terms
  // kept by its owner (the area leader, the department head; administrators for them); progress by whoever owns an item (any roster staff)
  listPlans: ALL, getPlan: ALL, listPlanItems: ALL, planItemHistory: ALL,
  createPlan: ['department_head', 'area_leader', 'admin'], addPlanItem: ['department_head', 'area_leader', 'admin'], updatePlanItem: ['department_head', 'area_leader', 'admin'],
  recordPlanProgress: but('assessment'),
  cases: ALL, directory: ALL, policy: ALL,
};
/** Answered without a session. */
const PUBLIC = (op: Operation) => op.operationId === 'signIn' || op.tags.includes('residents');

function whoMay(op: Operation): readonly Role[] | undefined {
  return MAY[op.operationId] ?? op.tags.map((tag) => MAY[tag]).find((r) => r !== undefined);
}

let db: pg.Client;
let ops: Operation[];
let caseId: string;
const tokens = {} as Record<Role, string>;

/** Path and required query parameters: the fixtures by name, else a value from the schema. */
function fixtures(p: Param, op: Operation): string | undefined {
  if (p.in === 'path' && p.name === 'id') return caseId;
  if (p.in === 'path' && p.name === 'code') return op.template.includes('/households/') ? t.household : op.template.includes('/ledger/villages/') ? t.village : t.cadre1;
  if (p.in === 'path' && p.name === 'username') return assessor;
  const byName: Record<string, string> = { cadre: t.cadre1, groupBy: 'village', key: t.village, period: '2026-11', month: '2026-11', format: 'csv' };
  return p.in === 'query' ? byName[p.name] : undefined;
}

const request = (op: Operation, token?: string) =>
  send(e.apiUrl, op.method, concretePath(op, fixtures), { token, body: op.body ? PROBE_BODY : undefined });

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.cadres (code, name, role, department_code) VALUES ($1, '其木格', 'area_leader', NULL)`, [westLeader]);
  await db.query(`INSERT INTO directory.areas (code, name, leader_code) VALUES ($1, '西片区', $2)`, [westArea, westLeader]);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL), ($2, '三段地便民服务站', 'station', NULL)`, [spHere, spThere]);

  const put = await http('PUT', api(`/accounts/${assessor}`), { role: 'assessment', name: '考核组', password: TEST_STAFF_INITIAL_PASSWORD });
  expect(put.status).toBe(201);
  Object.assign(tokens, {
    hall_staff: await tokenFor(t.hall, { servicePointCode: spThere, channel: 'station' }),
    cadre: await tokenFor(t.judge),
    department_head: await tokenFor(t.judicialHead),
    area_leader: await tokenFor(westLeader),
    township_leader: await tokenFor(t.township),
    assessment: await firstSignIn(assessor, TEST_STAFF_INITIAL_PASSWORD),
    admin: await adminToken(),
  });
  // The oracle's premise: each account has the role it stands for.
  for (const role of ALL) {
    const me = await http('GET', api('/auth/session'), undefined, { authorization: `Bearer ${tokens[role]}` });
    expect(me.json?.role, role).toBe(role);
  }

  const opened = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, servicePointCode: spHere, title: `角色 ${t.run}` }));
  expect(opened.status).toBe(201);
  caseId = opened.json.id;
  await eventually(async () => (await http('GET', api(`/cases/${caseId}`))).json?.assigneeCode === t.cadre1, 'the fixture case routed to its linked cadre');
  await http('POST', api('/work-records'), { kind: 'diary', date: '2026-11-02', note: '民情日记' }, { 'x-actor': t.cadre1 });

  ops = await operationsOf(e.apiUrl);
});
afterAll(async () => {
  await db?.end();
});

describe('who may use which operation of the case API', () => {
  it('the table says who may use every operation in the OpenAPI document', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.filter((op) => !PUBLIC(op) && !whoMay(op)).map((op) => `${op.method} ${op.template} (${op.operationId})`)).toEqual([]);
  });

  it('without a session every operation but sign-in and the residents\' page is a 401; those two answer', async () => {
    for (const op of ops) {
      const res = await request(op);
      if (PUBLIC(op)) expect([200, 400, 404], `${op.operationId} answers without a session`).toContain(res.status);
      else expect(res.status, `${op.method} ${op.template} (${op.operationId}) without a session`).toBe(401);
    }
  });

  it.each(ALL)('signed in as %s: refused exactly where the README says, answered elsewhere', async (role) => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => !PUBLIC(o))) {
      const allowed = whoMay(op)?.includes(role) ?? false;
      // Writes a role may make are not sent: the test changes nothing.
      if (allowed && op.method !== 'GET') continue;
      const res = await request(op, tokens[role]);
      const label = `${op.method} ${op.template} (${op.operationId}) as ${role}: ${res.status}`;
      if (res.status >= 500) failures.push(`${label} — a server error`);
      else if (allowed && [401, 403].includes(res.status)) failures.push(`${label} — refused, but the README lets ${role} use it (${res.body.slice(0, 200)})`);
      else if (!allowed && ![401, 403, 404].includes(res.status)) failures.push(`${label} — not refused (${res.body.slice(0, 200)})`);
    }
    expect(failures).toEqual([]);
  });
});
