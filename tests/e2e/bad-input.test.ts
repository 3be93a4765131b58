/**
 * Every input either valid or a 4xx (issue 15): the requests that gave 500s,
 * lost a case or hung, each as a regression test through the real stack —
 * offsets beyond bigint, NUL in any text (query, body, path), impossible
 * periods and timestamps, a 20 MB roster import by hall staff, a case with a
 * NUL, a withdrawal with a NUL; `%` in a search matching itself; an activity
 * that fails for good recorded in the operators' view instead of retrying
 * forever; and answers that match their documents.
 */
import http from 'node:http';
import pg from 'pg';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityFailure, WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { getCaseState } from '@minqing/workflows';
import { deriveCaseId, trackingCodeFor, type CaseWorkflowInput } from '@minqing/shared';
import { caseBody, env, eventually, http as call, tokenFor, uniqueKey } from '../support/helpers';
import { testTemporalClient } from '../support/temporal';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`bi${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const reporting = (path: string) => `${e.reportingUrl}/api/v1${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
let db: pg.Client;
let temporal: Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  temporal = await testTemporalClient(e);
});
afterAll(async () => {
  await db?.end();
  await temporal?.connection.close();
});

/** A 400 problem document naming `field` (e.g. `querystring/offset`). */
function expectBadField(res: { status: number; json: any; headers: Headers }, field: string | RegExp) {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.json.type).toBe('urn:minqing:problem:validation-error');
  expect((res.json.errors as { field: string }[]).map((x) => x.field)).toContainEqual(typeof field === 'string' ? field : expect.stringMatching(field));
}

describe('numbers past what the database holds are a 400, not a 500', () => {
  const huge = '100000000000000000000';
  it.each([
    ['listCases', '/cases?offset='],
    ['escalationQueue', '/escalations?scope=township&offset='],
  ])('%s with offset=100000000000000000000', async (_name, path) => {
    expectBadField(await call('GET', api(`${path}${huge}`)), 'querystring/offset');
  });

  it('searchHouseholds with offset=1e20 (a search is a POST: the term stays out of URLs)', async () => {
    const res = await call('POST', api('/directory/households/search'), `{"q":"王","offset":${huge}}`);
    expectBadField(res, 'body/offset');
  });

  it('an offset up to the documented maximum is still answered', async () => {
    expect((await call('GET', api('/cases?offset=1000000'))).status).toBe(200);
    expectBadField(await call('GET', api('/cases?offset=1000001')), 'querystring/offset');
  });
});

describe('NUL and unpaired surrogates in any text are a 400 naming the field', () => {
  it('q=%00 on listCases', async () => {
    expectBadField(await call('GET', api('/cases?q=%00')), 'querystring/q');
  });

  it('a NUL in the household search term', async () => {
    expectBadField(await call('POST', api('/directory/households/search'), { q: 'a\u0000' }), 'body/q');
  });

  it('a NUL in a path parameter (getCadre)', async () => {
    expectBadField(await call('GET', api('/directory/cadres/a%00b')), 'params/code');
  });

  it('a NUL in a work record\'s note', async () => {
    const res = await call('POST', api('/work-records'), { kind: 'diary', date: '2026-11-02', note: '入户走访\u0000' }, as(t.cadre1));
    expectBadField(res, 'body/note');
  });

  it('an unpaired surrogate in a body (JSON \\ud800)', async () => {
    const res = await call('POST', api('/work-records'), '{"kind":"diary","date":"2026-11-02","note":"x\\ud800y"}', as(t.cadre1));
    expectBadField(res, 'body/note');
  });

  it('a NUL in an appraisal\'s codes, through the case API and at the reporting service itself', async () => {
    const body = { period: '2026-Q4', subjectType: 'cadre', subjectCode: `${t.cadre1}\u0000`, appraiserGroup: 'staff', score: 90 };
    expectBadField(await call('POST', api('/reports/appraisals'), body), 'body/subjectCode');
    expectBadField(await call('POST', reporting('/reports/appraisals'), body), 'body/subjectCode');
  });

  it('a NUL in the sign-in name is a 400, not a 500', async () => {
    expectBadField(await call('POST', api('/auth/session'), { username: 'admin\u0000', password: 'whatever-it-is' }), 'body/username');
  });
});

describe('periods and timestamps are parsed strictly', () => {
  const badPeriods = ['0000', '0000-01', '9999-Q4', '2026-02-30', '2026-W54', '2027-W53'];
  it.each(badPeriods)('duty and composite refuse period=%s (case API and reporting)', async (period) => {
    for (const path of ['/reports/duty', '/reports/composite']) {
      expectBadField(await call('GET', api(`${path}?period=${period}`)), 'querystring/period');
      expectBadField(await call('GET', reporting(`${path}?period=${period}`)), 'querystring/period');
    }
  });

  it('a real period is answered', async () => {
    for (const period of ['2026', '2026-Q4', '2026-11', '2026-W53', '2028-02-29']) {
      expect((await call('GET', api(`/reports/composite?period=${period}`))).status).toBe(200);
    }
  });

  const odd = encodeURIComponent('2026-11-01T00:00:00+20:47');
  it('a +20:47 offset on figures and on listCases is a 400', async () => {
    expectBadField(await call('GET', api(`/reports/figures?groupBy=township&from=${odd}`)), 'querystring/from');
    expectBadField(await call('GET', reporting(`/reports/figures?groupBy=township&from=${odd}`)), 'querystring/from');
    expectBadField(await call('GET', api(`/cases?from=${odd}`)), 'querystring/from');
    expectBadField(await call('GET', api(`/cases?to=${odd}`)), 'querystring/to');
    expectBadField(await call('GET', api(`/cases?from=${encodeURIComponent('2026-02-30T00:00:00Z')}`)), 'querystring/from');
  });

  it('a timestamp with a real offset is answered', async () => {
    expect((await call('GET', api(`/cases?from=${encodeURIComponent('2026-11-01T00:00:00+08:00')}`))).status).toBe(200);
    expect((await call('GET', api(`/reports/figures?groupBy=township&from=${encodeURIComponent('2026-11-01T00:00:00-12:00')}`))).status).toBe(200);
  });
});

/** Sends `size` bytes of JSON slowly and resolves with the first answer: how much had been sent by then. */
function bigUpload(url: string, token: string, size: number): Promise<{ status: number; sentBeforeAnswer: number }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    let sent = 0;
    let answered = false;
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(size), authorization: `Bearer ${token}` } },
      (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sentBeforeAnswer: sent });
        req.destroy();
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      if (answered || req.destroyed) return;
      if (sent === 0) {
        req.write('{"households":[');
        sent += 15;
      }
      if (sent + chunk.length >= size) return; // never finish: a server that waits for the whole body never answers
      req.write(chunk);
      sent += chunk.length;
      setTimeout(pump, 20);
    };
    pump();
    setTimeout(() => {
      if (!answered) {
        req.destroy();
        reject(new Error(`no answer after sending ${sent} of ${size} bytes`));
      }
    }, 30_000);
  });
}

describe('bodies: limited per route, and refused before they are read when the caller may not use the route', () => {
  it('a 20 MB roster import by hall staff is refused (403) long before 20 MB have been sent', async () => {
    const res = await bigUpload(api('/directory/import'), await tokenFor(t.hall), 20 * 1024 * 1024);
    expect([403, 413]).toContain(res.status);
    expect(res.sentBeforeAnswer).toBeLessThan(2 * 1024 * 1024);
  });

  it('a sign-in body over 4 KiB is a 413 from the Content-Length alone', async () => {
    const signIn = await call('POST', api('/auth/session'), { username: 'admin', password: 'x'.repeat(8 * 1024) });
    expect(signIn.status).toBe(413);
    expect(signIn.json.type).toBe('urn:minqing:problem:payload-too-large');
  });
});

describe('a case whose first step cannot be stored is never acknowledged', () => {
  it('a NUL in a case\'s text is a 400 and starts no workflow', async () => {
    const key = uniqueKey('nul-case');
    const res = await call('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, description: '独居老人\u0000取暖' }), { ...as(t.hall), 'idempotency-key': key });
    expectBadField(res, 'body/description');
    await expect(temporal.workflow.getHandle(deriveCaseId(key)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const named = await call('POST', api('/cases'), caseBody({ resident: { name: '王\u0000桂兰', phone: '13912345678' } }), { ...as(t.hall), 'idempotency-key': uniqueKey('nul-name') });
    expectBadField(named, 'body/resident/name');
  });

  it('withdrawCase with a NUL in the reason is a 400 at once (not a hang), and the case still moves after', async () => {
    const opened = await call('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household }), as(t.hall));
    expect(opened.status).toBe(201);
    await eventually(async () => (await call('GET', api(`/cases/${opened.json.id}`))).json?.status === 'assigned', 'the case to be routed');
    // A move's body is small: over 32 KiB is a 413 before it is read.
    const big = await call('POST', api(`/cases/${opened.json.id}/withdraw`), { reason: '撤'.repeat(12 * 1024) }, as(t.hall));
    expect(big.status).toBe(413);
    const started = Date.now();
    const bad = await call('POST', api(`/cases/${opened.json.id}/withdraw`), { reason: '居民要求撤回\u0000' }, as(t.hall));
    expectBadField(bad, 'body/reason');
    expect(Date.now() - started).toBeLessThan(5_000);
    const good = await eventually(async () => {
      const r = await call('POST', api(`/cases/${opened.json.id}/withdraw`), { reason: '居民要求撤回' }, as(t.hall));
      return r.status === 200 ? r : undefined;
    }, 'the withdrawal');
    expect(good.json.status).toBe('withdrawn');
  });

  it('an activity the database refuses fails for good and is listed for administrators, instead of retrying forever', async () => {
    // Past the API (which refuses it): a workflow started with a NUL in its input, as a bug elsewhere might.
    const caseId = deriveCaseId(uniqueKey('bypass'));
    const input: CaseWorkflowInput = {
      caseId,
      trackingCode: trackingCodeFor(caseId),
      requestHash: 'bypass',
      openedAt: new Date().toISOString(),
      openedBy: t.hall,
      request: { category: 'policy_question', priority: 'normal', channel: 'hall', title: '测试', description: 'a\u0000b', resident: { name: '王桂兰', phone: '13912345678' } },
      dedupeHash: null,
    };
    const handle = await temporal.workflow.start('caseWorkflow', { taskQueue: e.taskQueue, workflowId: caseId, args: [input, { searchAttributes: false }] });
    const failed = await handle.result().then(() => null, (err: unknown) => err);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    const view = await call('GET', api('/operations/failures?limit=200'));
    expect(view.status).toBe(200);
    const entry = (view.json.items as { workflowId: string; activityType: string; sqlstate: string; message: string }[]).find((i) => i.workflowId === caseId);
    expect(entry).toMatchObject({ activityType: 'recordCaseOpened', sqlstate: '22021' });
    expect(entry!.message).not.toMatch(/王桂兰|13912345678/);
    // for administrators only
    expect((await call('GET', api('/operations/failures'), undefined, as(t.head))).status).toBe(403);
  });
});

describe('a move whose step the database refuses', () => {
  it('fails for good, leaves the case as it was (state and read model), is listed, and the case still moves', async () => {
    const opened = await call('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household }), as(t.hall));
    expect(opened.status).toBe(201);
    await eventually(async () => (await call('GET', api(`/cases/${opened.json.id}`))).json?.status === 'assigned', 'the case to be routed');
    const handle = temporal.workflow.getHandle(opened.json.id);
    // Past the API (which refuses it): an Update carrying a NUL, as a bug elsewhere might send.
    const err = await handle.executeUpdate('withdrawCase', { args: [{ actor: { code: t.hall, role: 'hall_staff' }, reason: '撤回\u0000' }] }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    // The step's own failure: from a local activity (cases opened since issue 12) as the activity
    // raised it, from an ordinary activity wrapped in ActivityFailure; either names the step recorder.
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause instanceof ActivityFailure ? cause.activityType : cause?.message).toMatch(/^recordTransition/);
    expect((await handle.query(getCaseState)).status).toBe('assigned');
    expect((await call('GET', api(`/cases/${opened.json.id}`))).json.status).toBe('assigned');
    const view = await call('GET', api('/operations/failures?limit=200'));
    // 22021 for a text column, 22P05 for the timeline's jsonb details: a data exception either way
    expect(view.json.items).toContainEqual(expect.objectContaining({ workflowId: opened.json.id, activityType: 'recordTransition', sqlstate: expect.stringMatching(/^22/) }));
    const good = await call('POST', api(`/cases/${opened.json.id}/withdraw`), { reason: '居民要求撤回' }, as(t.hall));
    expect(good.status, JSON.stringify(good.json)).toBe(200);
    expect(good.json.status).toBe('withdrawn');
  });
});

describe('searches match the text as typed', () => {
  it('q=% finds titles holding a percent sign, not every case', async () => {
    const marker = t.run;
    const pct = await call('POST', api('/cases'), caseBody({ title: `补贴发放100%到位了吗 ${marker}` }), as(t.hall));
    const plain = await call('POST', api('/cases'), caseBody({ title: `普通咨询 ${marker}` }), as(t.hall));
    expect([pct.status, plain.status]).toEqual([201, 201]);
    await eventually(async () => (await call('GET', api(`/cases?q=${marker}`))).json?.total === 2, 'both cases in the read model');
    const all = await call('GET', api(`/cases?q=${encodeURIComponent('%')}&limit=200`));
    expect(all.status).toBe(200);
    expect(all.json.items.length).toBeGreaterThan(0);
    expect(all.json.items.every((i: { title: string }) => i.title.includes('%'))).toBe(true);
    const underscore = await call('GET', api(`/cases?q=${encodeURIComponent(`_${marker}`)}`));
    expect(underscore.json.total).toBe(0); // "_" is not "any one character"
  });
});

describe('answers match their documents', () => {
  it('getCadre answers only properties its schema allows (the counts included)', async () => {
    const doc = (await (await fetch(`${e.apiUrl}/openapi.json`)).json()) as any;
    const schema = doc.paths['/api/v1/directory/cadres/{code}'].get.responses['200'].content['application/json'].schema;
    const res = await call('GET', api(`/directory/cadres/${t.cadre1}`));
    expect(res.status).toBe(200);
    const validate = new Ajv({ strict: false }).compile({ ...schema, components: doc.components });
    expect(validate(res.json), JSON.stringify(validate.errors)).toBe(true);
    expect(res.json).toMatchObject({ code: t.cadre1, linkedHouseholds: 1, keyHouseholds: 1 });
  });

  it('the figures, duty, composite and signed-off reports answer what both documents say, with real groups', async () => {
    await call('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household2 }), as(t.hall));
    await eventually(async () => ((await call('GET', reporting('/reports/figures?groupBy=township'))).json?.groups?.[0]?.counts?.cases ?? 0) > 0, 'a case in the figures');
    const frozen = await call('POST', api('/reports/frozen'), { groupBy: 'department', note: '季度考核' });
    expect(frozen.status).toBe(201);
    for (const base of [e.apiUrl, e.reportingUrl]) {
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as any;
      for (const [template, url] of [
        ['/api/v1/reports/figures', '/api/v1/reports/figures?groupBy=department'],
        ['/api/v1/reports/figures/cases', `/api/v1/reports/figures/cases?groupBy=township&key=township&figure=cases`],
        ['/api/v1/reports/duty', '/api/v1/reports/duty?period=2026'],
        ['/api/v1/reports/composite', '/api/v1/reports/composite?period=2026'],
        ['/api/v1/reports/frozen', '/api/v1/reports/frozen'],
        ['/api/v1/reports/frozen/{id}', `/api/v1/reports/frozen/${frozen.json.id}`],
        ['/api/v1/reports/rebuild', '/api/v1/reports/rebuild'],
        ['/api/v1/reports/summary', '/api/v1/reports/summary'],
      ] as const) {
        const res = await call('GET', `${base}${url}`);
        expect(res.status, `${base}${url}`).toBe(200);
        const schema = doc.paths[template].get.responses['200'].content['application/json'].schema;
        const validate = new Ajv({ strict: false, allErrors: true }).compile({ ...schema, components: doc.components });
        expect(validate(res.json), `${base}${url}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
  });

  it('the 403s and 400s of the directory, export and frozen-export operations are in the document', async () => {
    const doc = (await (await fetch(`${e.apiUrl}/openapi.json`)).json()) as any;
    for (const [path, method] of [['/api/v1/directory/import', 'post'], ['/api/v1/directory/export', 'get'], ['/api/v1/directory/csv/{entity}', 'get'], ['/api/v1/reports/figures/export', 'get'], ['/api/v1/reports/frozen/{id}/export', 'get']] as const) {
      expect(Object.keys(doc.paths[path][method].responses), `${method} ${path}`).toEqual(expect.arrayContaining(['400', '401', '403']));
    }
    expect((await call('GET', api('/directory/export'), undefined, as(t.cadre1))).status).toBe(403);
    expect((await call('GET', api('/reports/figures/export?groupBy=township&format=csv'), undefined, as(t.head))).status).toBe(403);
  });
});
