/**
 * The lifecycle table (shared/src/domain/lifecycle) is the one definition of
 * the moves; these tests hold every layer to it through the real stack:
 * - for every move of the table, the API route, its OpenAPI operation, the
 *   workflow's Update handler, the event type and the console's labels exist
 *   and agree (adding a row and nothing else fails here until all are wired);
 * - a case walked through every public step shows each one on the residents'
 *   tracking page, in order (the page once missed "work started").
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, ApplicationFailure, type Client } from '@temporalio/client';
import { eventTypeOf, LIFECYCLE_SCHEMAS, MOVE_LIST, MOVES, PUBLIC_STEPS, SYSTEM_STEPS } from '@minqing/shared';
import { caseBody, env, eventually, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { testTemporalClient } from '../support/temporal';

const e = env();
const t = township(`lt${Date.now().toString(36)}`);
let db: pg.Client;
let temporal: Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  temporal = await testTemporalClient(e);
});
afterAll(async () => {
  await temporal?.connection.close();
  await db?.end();
});

const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const as = (actor: string) => ({ 'x-actor': actor });
const move = async (id: string, name: keyof typeof MOVES, actor: string, body: unknown = {}) => {
  const res = await http('POST', api(`/cases/${id}/${MOVES[name].path}`), body, as(actor));
  expect(res.status, `${name}: ${res.text}`).toBe(200);
  return res.json;
};
const phoneTail = caseBody().resident.phone.slice(-4);

async function openAssigned(title: string) {
  const res = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title: `${title} ${t.run}` }), as(t.hall));
  expect(res.status).toBe(201);
  const id = res.json.id as string;
  await eventually(async () => (await http('GET', api(`/cases/${id}`))).json?.status === 'assigned', `case ${id} to be routed`);
  return { id, trackingCode: res.json.trackingCode as string };
}

/** The tracking page's steps, and the public ones of the staff timeline, once they agree on the last step. */
async function publicSteps(c: { id: string; trackingCode: string }, last: string) {
  return eventually(async () => {
    const track = await http('POST', api('/public/track'), { trackingCode: c.trackingCode, phoneTail }, { authorization: '' });
    const steps = (track.json?.steps ?? []).map((s: { kind: string }) => s.kind) as string[];
    return steps.at(-1) === last ? steps : undefined;
  }, `the tracking page to show ${last}`);
}

describe('every move of the lifecycle table is wired through every layer', () => {
  it('route, OpenAPI operation, workflow Update handler, event type and console labels exist and agree', async () => {
    const doc = (await http('GET', `${e.apiUrl}/openapi.json`)).json;
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const i18n = (lang: string) => JSON.parse(fs.readFileSync(path.join(root, `web/src/i18n/${lang}.json`), 'utf8'));
    const langs = [i18n('zh-CN'), i18n('en')];
    const c = await openAssigned('接线检查');
    const handle = temporal.workflow.getHandle(c.id);

    const problems: string[] = [];
    for (const m of MOVE_LIST) {
      const op = doc.paths[`/api/v1/cases/{id}/${m.path}`]?.post;
      if (op?.operationId !== m.operationId) problems.push(`${m.name}: no POST /cases/{id}/${m.path} with operationId ${m.operationId}`);
      for (const field of Object.keys(m.fields)) {
        if (!op?.requestBody?.content?.['application/json']?.schema?.properties?.[field]) problems.push(`${m.name}: body field ${field} not in OpenAPI`);
      }
      if (!(eventTypeOf(m.step) in LIFECYCLE_SCHEMAS)) problems.push(`${m.name}: event type ${eventTypeOf(m.step)} not in the catalogue`);
      const consoleId = m.path.replace(/\//g, '-');
      for (const [lang, dict] of langs.map((d, i) => [i === 0 ? 'zh-CN' : 'en', d] as const)) {
        if (!dict.move?.[consoleId]) problems.push(`${m.name}: no console label move.${consoleId} in ${lang}`);
        if (!dict.timeline?.[m.step]) problems.push(`${m.name}: no timeline label timeline.${m.step} in ${lang}`);
        for (const field of Object.keys(m.fields)) if (!dict.field?.[field]) problems.push(`${m.name}: no label field.${field} in ${lang}`);
      }
      // A registered handler's validator answers (no actor: invalid); an unregistered Update would be unknown.
      try {
        await handle.executeUpdate(m.name, { args: [{}] });
        problems.push(`${m.name}: the workflow accepted an Update without an actor`);
      } catch (err) {
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (!(cause instanceof ApplicationFailure) || cause.type !== 'InvalidArguments') problems.push(`${m.name}: no workflow handler (${(err as Error).message})`);
      }
    }
    for (const step of Object.keys(SYSTEM_STEPS)) for (const dict of langs) if (!dict.timeline?.[step]) problems.push(`no timeline label for ${step}`);
    expect(problems).toEqual([]);

    // The API answers the moves the caller may make, by the same rules: the assignee may accept or return.
    const seen = (await http('GET', api(`/cases/${c.id}`), undefined, as(t.cadre1))).json;
    expect(seen.moves).toEqual(expect.arrayContaining(['acceptCase', 'returnCase']));
    expect(seen.moves).not.toContain('resolveCase');
    expect((await http('GET', api(`/cases/${c.id}`), undefined, as(t.head))).json.moves).toEqual(expect.arrayContaining(['reassignCase', 'rejectCase', 'superviseCase']));
  });
});

describe("the residents' tracking page shows every public step", () => {
  it('walks cases through every public step; each shows on the tracking page in the order it happened', async () => {
    const seen = new Set<string>();
    const check = async (c: { id: string; trackingCode: string }, last: string) => {
      const steps = await publicSteps(c, last);
      const timeline = (await http('GET', api(`/cases/${c.id}/timeline`))).json.items.map((i: { kind: string }) => i.kind) as string[];
      expect(steps).toEqual(timeline.filter((k) => PUBLIC_STEPS.includes(k)));
      steps.forEach((s) => seen.add(s));
      return steps;
    };

    const a = await openAssigned('全流程');
    await move(a.id, 'acceptCase', t.cadre1);
    await move(a.id, 'startWork', t.cadre1);
    await move(a.id, 'waitOnResident', t.cadre1, { note: '请群众补充材料' });
    await move(a.id, 'resumeFromResident', t.cadre1, {});
    await move(a.id, 'forwardUpstream', t.cadre1, { authority: '旗民政局', note: '上报审批' });
    await move(a.id, 'upstreamAnswered', t.cadre1, { outcome: '同意', note: '' });
    await move(a.id, 'resolveCase', t.cadre1, { reply: '已办理' });
    await move(a.id, 'recordFollowUp', t.hall, { satisfaction: 'dissatisfied', method: 'call' });
    await move(a.id, 'reopenCase', t.hall, { reason: '群众不满意，重新办理' });
    await move(a.id, 'resolveCase', t.cadre1, { reply: '已重新办理' });
    await move(a.id, 'recordFollowUp', t.hall, { satisfaction: 'satisfied', method: 'visit' });
    await move(a.id, 'closeCase', t.hall, {});
    expect(await check(a, 'closed')).toEqual([
      'opened', 'routed', 'accepted', 'work_started', 'waiting_on_resident', 'resumed', 'forwarded_upstream', 'upstream_answered',
      'resolved', 'follow_up_recorded', 'reopened', 'resolved', 'follow_up_recorded', 'closed',
    ]);

    const b = await openAssigned('合并');
    const into = await openAssigned('合并目标');
    await move(b.id, 'mergeCase', t.hall, { intoCaseId: into.id, note: '重复诉求' });
    await check(b, 'merged');
    const w = await openAssigned('撤回');
    await move(w.id, 'withdrawCase', t.hall, { reason: '群众已自行解决' });
    await check(w, 'withdrawn');
    const r = await openAssigned('不予受理');
    await move(r.id, 'rejectCase', t.head, { reasonCode: 'out_of_scope', note: '不属于乡镇职权' });
    await check(r, 'rejected');

    // Every step the table calls public was walked and shown.
    expect([...PUBLIC_STEPS].filter((s) => !seen.has(s))).toEqual([]);
  });
});
