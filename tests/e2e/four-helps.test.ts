/**
 * 四帮四促 (issue 13) through the real stack: a case tagged at intake, tagged
 * and retagged later by a cadre who may see it (revisions, 409 on a stale one,
 * the audit trail, an Idempotency-Key replay), a work record with tags; each
 * as its event on the topic (case.opened with `helps`, case.helps_tagged, the
 * work event with `helps`), valid against the published schemas; and the
 * report by period and area — reporting's projection — equal to an
 * independent SQL recomputation over the case-worker's own tables, with its
 * case drill-down paged, and the roles and inputs it refuses.
 */
import pg from 'pg';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_HELPS_TAGGED_EVENT } from '@minqing/shared';
import { caseBody, env, eventually, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { workBody } from '../support/work';
import { expectedFourHelps, groupsOf } from '../support/four-helps';

const e = env();
const t = township(`fh${Date.now().toString(36)}`);
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (cadre: string) => ({ 'x-actor': cadre });
/** today where the township is (UTC+8): the cases are opened and resolved today */
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const PERIOD = `from=${TODAY}&to=${TODAY}`;
const assessor = `assessor-${t.run}`;
let db: pg.Client;
let tagged: string; // opened with tags, resolved today
let untagged: string; // opened without, tagged later by cadre2
const records: string[] = [];

async function assigned(id: string): Promise<void> {
  await eventually(async () => (await http('GET', api(`/cases/${id}`))).json?.status === 'assigned', `case ${id} assigned`, 30_000);
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await tokenFor(assessor, { cadreCode: null, role: 'assessment', name: '考核组' });
  const a = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, helps: ['practical_problems', 'policy_understanding'] }), { 'idempotency-key': `fh-a-${t.run}` });
  expect(a.status, a.text).toBe(201);
  tagged = a.json.id;
  const b = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household2 }), { 'idempotency-key': `fh-b-${t.run}` });
  expect(b.status, b.text).toBe(201);
  untagged = b.json.id;
  await assigned(tagged);
  for (const move of ['accept', 'start']) expect((await http('POST', api(`/cases/${tagged}/${move}`), {}, as(t.cadre1))).status).toBe(200);
  expect((await http('POST', api(`/cases/${tagged}/resolve`), { reply: '已协调解决' }, as(t.cadre1))).status).toBe(200);
  for (const [i, helps] of [['dispute_resolution'], [], ['practical_problems', 'dispute_resolution']].entries()) {
    const body = { ...workBody(i === 1 ? 'training' : 'visit', { date: TODAY, household: t.household, village: t.village }), ...(helps.length ? { helps } : {}) };
    const res = await http('POST', api('/work-records'), body, { ...as(t.cadre1), 'idempotency-key': `fh-w${i}-${t.run}` });
    expect(res.status, res.text).toBe(201);
    records.push(res.json.id);
  }
}, 120_000);
afterAll(async () => db?.end());

describe("a case's tags", () => {
  it('are those given at intake, revision 1, with the suggestion of its category, for whoever may see it', async () => {
    const res = await http('GET', api(`/cases/${tagged}/helps`), undefined, as(t.cadre1));
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ caseId: tagged, helps: ['policy_understanding', 'practical_problems'], revision: 1, suggested: 'practical_problems', mayChange: true });
    const none = (await http('GET', api(`/cases/${untagged}/helps`), undefined, as(t.cadre2))).json;
    expect(none).toMatchObject({ helps: [], revision: 0, changedAt: null });
    // cadre1 is not linked to the second case's household, nor does it handle it
    expect((await http('GET', api(`/cases/${untagged}/helps`), undefined, as(t.cadre1))).status).toBe(403);
    expect((await http('GET', api('/cases/00000000-0000-4000-8000-000000000000/helps'))).status).toBe(404);
  });

  it('are changed by a cadre who may see the case, once per Idempotency-Key, refused on a stale revision', async () => {
    const key = { ...as(t.cadre2), 'idempotency-key': `fh-set-${t.run}` };
    const set = await http('PUT', api(`/cases/${untagged}/helps`), { helps: ['dispute_resolution', 'development_ideas'], revision: 0 }, key);
    expect(set.status, set.text).toBe(200);
    expect(set.json).toMatchObject({ helps: ['development_ideas', 'dispute_resolution'], revision: 1, changedBy: t.cadre2 });
    const again = await http('PUT', api(`/cases/${untagged}/helps`), { helps: ['dispute_resolution', 'development_ideas'], revision: 0 }, key);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.revision).toBe(1);
    const stale = await http('PUT', api(`/cases/${untagged}/helps`), { helps: [], revision: 0 }, as(t.cadre2));
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'helps_revision_conflict', params: { current: 1, base: 0 } });
    const second = await http('PUT', api(`/cases/${untagged}/helps`), { helps: ['dispute_resolution'], revision: 1 }, as(t.cadre2));
    expect(second.json).toMatchObject({ helps: ['dispute_resolution'], revision: 2 });
    // each change in the audit trail (the replay is not a change)
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM directory.audit_events WHERE action = 'case.helps_set' AND subject = $1`, [untagged])).rows[0].n;
    await eventually(async () => (await count()) >= 2, 'the changes audited');
    expect(await count()).toBe(2);
  });

  it('keep every revision with who and when, newest first, paged', async () => {
    const first = await http('GET', api(`/cases/${untagged}/helps/history?limit=1`), undefined, as(t.cadre2));
    expect(first.status).toBe(200);
    expect(first.json.items).toEqual([expect.objectContaining({ revision: 2, helps: ['dispute_resolution'], actorCode: t.cadre2 })]);
    const rest = await http('GET', api(`/cases/${untagged}/helps/history?limit=1&cursor=${first.json.nextCursor}`), undefined, as(t.cadre2));
    expect(rest.json.items).toEqual([expect.objectContaining({ revision: 1, helps: ['development_ideas', 'dispute_resolution'] })]);
    expect(rest.json.nextCursor).toBeNull();
  });

  it('refuse what is not a set of the four, a missing revision, and the assessment group', async () => {
    for (const body of [{ helps: ['unknown'], revision: 2 }, { helps: ['dispute_resolution', 'dispute_resolution'], revision: 2 }, { helps: [] }, { helps: [], revision: -1 }]) {
      const res = await http('PUT', api(`/cases/${untagged}/helps`), body, as(t.cadre2));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.errors?.[0]?.code).toBeTruthy();
    }
    expect((await http('PUT', api(`/cases/${untagged}/helps`), { helps: [], revision: 2 }, as(assessor))).status).toBe(403);
    expect((await http('PUT', api(`/cases/${untagged}/helps`), { helps: [], revision: 2 }, as(t.cadre1))).status).toBe(403);
  });
});

describe('the tags as events', () => {
  it('travel in case.opened, case.helps_tagged and the work events, valid against the published schemas', async () => {
    const rows = await eventually(async () => {
      const { rows } = await db.query(
        `SELECT event_type, event FROM casework.outbox WHERE (case_id = ANY($1::uuid[]) OR event_id = ANY($2::uuid[])) AND published_at IS NOT NULL ORDER BY id`,
        [[tagged, untagged], records],
      );
      return rows.filter((r) => r.event_type === CASE_HELPS_TAGGED_EVENT).length === 2 && rows.filter((r) => records.includes(r.event.id)).length === 3 ? rows : undefined;
    }, 'the events published', 60_000);
    const ajv = new Ajv({ allErrors: true });
    ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin)(ajv);
    const validators = new Map<string, ValidateFunction>();
    for (const r of rows) {
      if (!validators.has(r.event.dataschema)) validators.set(r.event.dataschema, ajv.compile((await http('GET', r.event.dataschema, undefined, { authorization: '' })).json));
      const validate = validators.get(r.event.dataschema)!;
      expect(validate(r.event.data), `${r.event_type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const opened = rows.filter((r) => r.event_type === 'org.minqing.case.opened.v1');
    expect(opened.find((r) => r.event.data.caseId === tagged).event.data.helps).toEqual(['policy_understanding', 'practical_problems']);
    expect(opened.find((r) => r.event.data.caseId === untagged).event.data).not.toHaveProperty('helps');
    expect(rows.filter((r) => r.event_type === CASE_HELPS_TAGGED_EVENT).map((r) => r.event.data)).toEqual([
      expect.objectContaining({ caseId: untagged, revision: 1, helps: ['development_ideas', 'dispute_resolution'], actor: expect.objectContaining({ code: t.cadre2 }) }),
      expect.objectContaining({ caseId: untagged, revision: 2, helps: ['dispute_resolution'] }),
    ]);
    const work = rows.filter((r) => records.includes(r.event.id)).map((r) => r.event.data.helps);
    expect(work).toEqual([['dispute_resolution'], undefined, ['practical_problems', 'dispute_resolution']]);
  });
});

describe('四帮四促 by period and area', () => {
  const report = async (q: string, who = t.township) => http('GET', api(`/reports/four-helps?${q}`), undefined, as(who));

  it('equals the independent SQL over the case-worker\'s tables, for the area (by village)', async () => {
    const want = await expectedFourHelps(db, { from: TODAY, to: TODAY, areaCode: t.area });
    // what the test set out to make: the tagged case opened and resolved, the retagged one opened, three records
    expect(want.totals.find((x) => x.help === 'practical_problems')).toEqual({ help: 'practical_problems', casesOpened: 1, casesResolved: 1, workRecords: 1 });
    expect(want.totals.find((x) => x.help === 'dispute_resolution')).toEqual({ help: 'dispute_resolution', casesOpened: 1, casesResolved: 0, workRecords: 2 });
    const got = await eventually(async () => {
      const res = await report(`${PERIOD}&areaCode=${t.area}`);
      return res.status === 200 && JSON.stringify(res.json.totals) === JSON.stringify(want.totals) ? res.json : undefined;
    }, 'reporting to count the tags', 60_000);
    expect(got).toMatchObject({ groupBy: 'village', areaCode: t.area, period: { from: TODAY, to: TODAY } });
    expect(groupsOf(got)).toEqual(want.groups);
    expect(got.untagged).toEqual(want.untagged);
    expect(Object.keys(want.groups)).toEqual([t.village]);
  });

  it('for the township by area, and for one village', async () => {
    const township = (await report(PERIOD)).json;
    expect(township.groupBy).toBe('area');
    const mine = township.groups.find((g: { key: string }) => g.key === t.area);
    const want = await expectedFourHelps(db, { from: TODAY, to: TODAY, areaCode: t.area });
    expect(Object.fromEntries(mine.counts.map(({ help, ...c }: { help: string }) => [help, c]))).toEqual(
      Object.fromEntries(want.totals.map(({ help, ...c }) => [help, c])),
    );
    const village = (await report(`${PERIOD}&villageCode=${t.village}`)).json;
    expect(village.totals).toEqual(want.totals);
    expect((await report(`${PERIOD}&villageCode=${t.otherVillage}`)).json.groups).toEqual([]);
  });

  it('opens the cases behind a count, paged, with their titles', async () => {
    const q = `${PERIOD}&areaCode=${t.area}&help=dispute_resolution&count=casesOpened&limit=1`;
    const page = await http('GET', api(`/reports/four-helps/cases?${q}`), undefined, as(t.township));
    expect(page.status, page.text).toBe(200);
    expect(page.json.total).toBe(1);
    expect(page.json.items).toEqual([expect.objectContaining({ caseId: untagged, helps: ['dispute_resolution'], title: expect.stringContaining('冬季取暖') })]);
    expect(page.json.nextCursor).toBeNull();
    const resolved = await http('GET', api(`/reports/four-helps/cases?${PERIOD}&areaCode=${t.area}&help=practical_problems&count=casesResolved&group=${t.village}`), undefined, as(t.township));
    expect(resolved.json.items.map((i: { caseId: string }) => i.caseId)).toEqual([tagged]);
    const two = await http('GET', api(`/reports/four-helps/cases?${PERIOD}&areaCode=${t.area}&help=policy_understanding&count=casesOpened&limit=1`), undefined, as(t.township));
    expect(two.json.total).toBe(1);
  });

  it('is for the dashboard roles, an area leader counting their area only; bad periods are 400s', async () => {
    expect((await report(PERIOD, t.cadre1)).status).toBe(403);
    expect((await report(PERIOD, t.hall)).status).toBe(403);
    const leader = (await report(PERIOD, t.leader)).json;
    expect(leader.groups.map((g: { key: string }) => g.key)).toEqual([t.area]);
    const assessed = await report(`${PERIOD}&areaCode=${t.area}`, assessor);
    expect(assessed.status).toBe(200);
    const backwards = await report(`from=${TODAY}&to=2020-01-01`);
    expect(backwards.status).toBe(400);
    expect(backwards.json.errors[0]).toMatchObject({ field: 'querystring/to', code: 'before_from' });
    expect((await report(`to=${TODAY}`)).status).toBe(400);
    expect((await report(`${PERIOD}&areaCode=bad code`)).status).toBe(400);
    expect((await http('GET', api(`/reports/four-helps/cases?${PERIOD}&help=nope&count=casesOpened`), undefined, as(t.township))).status).toBe(400);
  });
});
