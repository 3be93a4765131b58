/**
 * Duty performance (履职) from cadres' own work records, democratic appraisal,
 * and the composite score — through the API, the outbox, Kafka and reporting.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env, eventually, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`ev${Date.now().toString(36)}`);
const PERIOD = '2026-11';
let db: pg.Client;
const recordIds: string[] = [];

const log = async (actor: string, body: Record<string, unknown>) => http('POST', `${e.apiUrl}/api/v1/work-records`, body, { 'x-actor': actor });

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
});
afterAll(async () => db?.end());

describe('work records', () => {
  it('are logged by the cadre and refused with a clear error when incomplete', async () => {
    const entries = [
      { kind: 'visit', date: '2026-11-02', householdCode: t.household, role: 'investigator', note: '入户了解取暖情况' }, // linked, key
      { kind: 'visit', date: '2026-11-03', householdCode: t.household2, role: 'investigator', note: '走访' }, // not linked to cadre-1
      { kind: 'diary', date: '2026-11-04', villageCode: t.village, note: '民情日记：村民反映路灯问题' },
      { kind: 'household_file', date: '2026-11-04', householdCode: t.household, note: '更新家庭人口信息' },
      { kind: 'visit', date: '2026-11-10', householdCode: t.household, note: '回访' },
    ];
    for (const body of entries) {
      const res = await log(t.cadre1, body);
      expect(res.status).toBe(201);
      recordIds.push(res.json.id);
    }
    expect((await log(t.cadre1, { kind: 'visit', date: '2026-11-05', note: 'x' })).json.errors[0].field).toBe('body/householdCode');
    expect((await log(t.cadre1, { kind: 'diary', date: '2099-01-01', note: 'x' })).status).toBe(422);
    expect((await log(t.cadre1, { kind: 'visit', date: '2026-11-05', householdCode: 'nope', note: 'x' })).status).toBe(422);
    expect((await log('nobody', { kind: 'diary', date: '2026-11-05', note: 'x' })).status).toBe(401);
    expect((await log(t.cadre1, { kind: 'visit', date: '2026-11-05', householdCode: t.household, note: 'x', gps: '40.1,111.2' })).status).toBe(400);
    // issue 13: the role is the kind's (a visit is 调查员 work): another one is refused, naming the field
    const wrongRole = await log(t.cadre1, { kind: 'visit', date: '2026-11-05', householdCode: t.household, role: 'service_attendant', note: 'x' });
    expect(wrongRole.status).toBe(422);
    expect(wrongRole.json.errors).toEqual([expect.objectContaining({ field: 'body/role', code: 'not_allowed' })]);

    const list = (await http('GET', `${e.apiUrl}/api/v1/work-records?cadre=${t.cadre1}&from=2026-11-01&to=2026-11-30`)).json.items;
    expect(list).toHaveLength(5);
  });

  it('give the duty figures: days with grassroots work per week, visits to linked and key households, diary, files', async () => {
    await eventually(async () => (await db.query('SELECT count(*)::int AS n FROM reporting.work_facts WHERE event_id = ANY($1::uuid[])', [recordIds])).rows[0].n === 5, 'work records applied');
    const duty = (await http('GET', `${e.reportingUrl}/api/v1/reports/duty?period=${PERIOD}&cadre=${t.cadre1}`)).json;
    expect(duty).toMatchObject({ first: '2026-11-01', last: '2026-11-30' });
    expect(duty.items).toEqual([
      {
        cadreCode: t.cadre1,
        departmentCode: t.dept,
        daysWithWork: 4, // 2, 3, 4 and 10 November
        weeks: 4.29, // 30 days
        daysPerWeek: 0.93,
        weeksMeetingPlan: 1, // 2–4 November: three days in one week
        visits: 3,
        visitsToLinkedHouseholds: 2,
        visitsToKeyHouseholds: 2,
        householdsVisited: 2,
        diaryEntries: 1,
        householdFilesUpdated: 1,
        // issue 13: per role and kind, and the grassroots-days rule over November's four whole weeks (the diary is no day there)
        byRole: { investigator: 5, publicist: 0, guide: 0, service_attendant: 0, civility_officer: 0, mediator: 0 },
        byKind: {
          visit: 3, survey: 0, household_file: 1, diary: 1, training: 0, door_to_door: 0, leaflets: 0, development_guidance: 0,
          proxy_service: 0, holiday_visit: 0, civility_persuasion: 0, cleanup_day: 0, mediation: 0,
        },
        grassrootsDays: 4,
        grassrootsWeeks: [
          { week: '2026-W45', days: 3, status: 'met' },
          { week: '2026-W46', days: 1, status: 'missed' },
          { week: '2026-W47', days: 0, status: 'missed' },
          { week: '2026-W48', days: 0, status: 'missed' },
        ],
        weeksMissingPlan: 3,
        // issue 13: market-day duty (双定): on no session's roster
        marketDays: { rostered: 0, attended: 0, absent: 0 },
        // issue 13: not inspected (一听二看三查) in the period, and no plan item of theirs due or done
        inspection: null,
        plans: { due: 0, doneOnTime: 0, doneLate: 0, overdue: 0, done: 0 },
      },
    ]);
  });
});

describe('democratic appraisal and the composite score', () => {
  it('combine with duty (and service, when there are cases) under versioned weights', async () => {
    for (const [group, score] of [['leaders', 90], ['residents_representatives', 80]] as const) {
      const res = await http('POST', `${e.reportingUrl}/api/v1/reports/appraisals`, { period: PERIOD, subjectType: 'cadre', subjectCode: t.cadre1, appraiserGroup: group, score });
      expect(res.status).toBe(204);
    }
    // Who entered a score is the principal of the service token (here the administrator), never a body field.
    const entered = (await http('GET', `${e.reportingUrl}/api/v1/reports/appraisals?period=${PERIOD}`)).json.items.filter((a: { subjectCode: string }) => a.subjectCode === t.cadre1);
    expect(entered.map((a: { enteredBy: string }) => a.enteredBy)).toEqual(['admin', 'admin']);
    expect((await http('POST', `${e.reportingUrl}/api/v1/reports/appraisals`, { period: '2026-13', subjectType: 'cadre', subjectCode: t.cadre1, appraiserGroup: 'leaders', score: 101 })).status).toBe(400);
    const composite = (await http('GET', `${e.reportingUrl}/api/v1/reports/composite?period=${PERIOD}`)).json;
    expect(composite.definitionsVersion).toMatch(/^composite-/);
    const mine = composite.items.find((i: { cadreCode: string }) => i.cadreCode === t.cadre1);
    // No cases this month: service is missing, duty 0.93/3 = 0.31, appraisal (90+80)/2/100 = 0.85, weights 0.2 and 0.2 renormalised.
    expect(mine).toEqual({ cadreCode: t.cadre1, composite: 0.58, parts: { duty: 0.31, appraisal: 0.85 }, partial: true });
    // Listed by code, not ranked.
    const codes = composite.items.map((i: { cadreCode: string }) => i.cadreCode);
    expect(codes).toEqual([...codes].sort());
  });
});
