/**
 * The administration operations the console's roster and SLA policy screens use
 * (issue 11), through the real stack: an administrator re-links a household to
 * another cadre (干部联户) and a village to another department (部门联村) — checked
 * like an import row, audited with before and after, answered with the rule
 * check — and publishes a new SLA policy version, which cases opened afterwards
 * start under while a case already running keeps the version it started with.
 * Every other role is refused at the front door; an unknown code is a 422, a
 * policy the check refuses a 422, a version already published a 409.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`rp${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
let db: pg.Client;
let since: string;

async function audited(action: string, subject: string): Promise<{ actor: string; details: Record<string, unknown> }[]> {
  const res = await http('GET', api(`/audit?${new URLSearchParams({ action, subject, from: since })}`));
  expect(res.status, res.text).toBe(200);
  return res.json.items;
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  since = new Date(Date.now() - 1000).toISOString();
});
afterAll(async () => {
  await db?.end();
});

describe('roster links (setHouseholdLinks, setVillageLinks)', () => {
  it('an administrator re-links a household to another cadre: stored, audited with before and after, rule check answered', async () => {
    const res = await http('PUT', api(`/directory/households/${t.household}/links`), { cadreCode: t.cadre2 });
    expect(res.status, res.text).toBe(200);
    expect(res.json.before.cadreCode).toBe(t.cadre1);
    expect(res.json.after).toMatchObject({ code: t.household, cadreCode: t.cadre2, headName: '王桂兰' });
    expect(res.json.ruleCheck).toMatchObject({ ok: expect.any(Boolean), violationCount: expect.any(Number) });
    // cadre1 now has no key household at all: the rule check words it with counts, not only English
    const check = (await http('GET', api('/directory/rule-check'))).json;
    const mine = check.violations.find((v: { subject: string; rule: string }) => v.subject === t.cadre2 && v.rule === 'key-households');
    expect(mine?.params).toEqual({ linked: 2, key: 1 });
    expect((await http('GET', api(`/directory/households/${t.household}`))).json.cadreCode).toBe(t.cadre2);
    const entries = await audited('directory.links', t.household);
    expect(entries.map((x) => [x.actor, x.details])).toEqual([['admin', { cadreCode: { from: t.cadre1, to: t.cadre2 } }]]);
    // put it back for the other checks
    expect((await http('PUT', api(`/directory/households/${t.household}/links`), { cadreCode: t.cadre1 })).status).toBe(200);
  });

  it('an unknown cadre or household is refused and nothing changes', async () => {
    const bad = await http('PUT', api(`/directory/households/${t.household}/links`), { cadreCode: `nobody-${t.run}` });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ entity: 'households', field: 'cadreCode' });
    expect((await http('PUT', api(`/directory/households/nohh-${t.run}/links`), { cadreCode: t.cadre1 })).status).toBe(404);
    expect((await http('GET', api(`/directory/households/${t.household}`))).json.cadreCode).toBe(t.cadre1);
  });

  it('an administrator re-links a village to another department, audited', async () => {
    const res = await http('PUT', api(`/directory/villages/${t.otherVillage}/links`), { departmentCode: t.judicial, areaCode: t.area });
    expect(res.status, res.text).toBe(200);
    expect(res.json.before.departmentCode).toBe(t.dept);
    expect(res.json.after).toMatchObject({ code: t.otherVillage, departmentCode: t.judicial, areaCode: t.area });
    const villages = (await http('GET', api('/directory/villages'))).json.items as { code: string; departmentCode: string }[];
    expect(villages.find((v) => v.code === t.otherVillage)?.departmentCode).toBe(t.judicial);
    const entries = await audited('directory.links', `village/${t.otherVillage}`);
    expect(entries.map((x) => x.details)).toEqual([{ departmentCode: { from: t.dept, to: t.judicial }, areaCode: { from: t.area, to: t.area } }]);
    expect((await http('PUT', api(`/directory/villages/${t.otherVillage}/links`), { departmentCode: `nodept-${t.run}`, areaCode: t.area })).status).toBe(422);
  });

  it('no other role may change links', async () => {
    for (const who of [t.head, t.township, t.hall, t.cadre1]) {
      const res = await http('PUT', api(`/directory/households/${t.household}/links`), { cadreCode: t.cadre2 }, as(who));
      expect(res.status, who).toBe(403);
      expect((await http('PUT', api(`/directory/villages/${t.village}/links`), { departmentCode: t.judicial, areaCode: t.area }, as(who))).status).toBe(403);
    }
    expect((await http('GET', api(`/directory/households/${t.household}`))).json.cadreCode).toBe(t.cadre1);
  });
});

describe('SLA policy versions (publishSlaPolicy)', () => {
  const openAssigned = async (title: string) => {
    const opened = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title }), as(t.hall));
    expect(opened.status, opened.text).toBe(201);
    return eventually(async () => {
      const c = (await http('GET', api(`/cases/${opened.json.id}`))).json;
      return c?.status === 'assigned' ? c : undefined;
    }, 'routing');
  };

  it('cases opened after a new version start under it; a running case keeps its own', async () => {
    const before = (await http('GET', api('/sla-policy'))).json;
    const running = await openAssigned(`策略前 ${t.run}`);
    expect(running.slaPolicyVersion).toBe(before.policy.version);

    // The same budgets under a new name (so other tests sharing this database keep their deadlines).
    const version = `sla-${t.run}`;
    const published = await http('POST', api('/sla-policy'), { ...before.policy, version });
    expect(published.status, published.text).toBe(201);
    expect(published.json).toMatchObject({ policy: { version }, publishedBy: 'admin' });
    expect(published.json.versions.map((v: { version: string }) => v.version).slice(0, 1)).toEqual([version]);
    expect((await http('GET', api('/sla-policy'), undefined, as(t.cadre1))).json.policy.version).toBe(version);

    const after = await openAssigned(`策略后 ${t.run}`);
    expect(after.slaPolicyVersion).toBe(version);
    expect((await http('GET', api(`/cases/${running.id}`))).json.slaPolicyVersion).toBe(before.policy.version);

    const entries = await audited('sla_policy.publish', version);
    expect(entries.map((x) => x.actor)).toEqual(['admin']);
    // a version is never published twice
    const again = await http('POST', api('/sla-policy'), { ...before.policy, version });
    expect(again.status, again.text).toBe(409);
    expect(again.json.code).toBe('sla_policy_version_taken');
  });

  it('a policy the check refuses is a 422 with its problems; other roles are refused', async () => {
    const { policy } = (await http('GET', api('/sla-policy'))).json;
    const bad = await http('POST', api('/sla-policy'), { ...policy, version: `sla-bad-${t.run}`, reminders: [0.75, 0.5] });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.json.code).toBe('sla_policy_invalid');
    expect(bad.json.errors.length).toBeGreaterThan(0);
    for (const who of [t.township, t.head, t.hall]) {
      expect((await http('POST', api('/sla-policy'), { ...policy, version: `sla-no-${t.run}` }, as(who))).status, who).toBe(403);
    }
    expect((await http('GET', api('/sla-policy'))).json.policy.version).toBe(`sla-${t.run}`);
  });
});
