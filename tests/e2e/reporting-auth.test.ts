/**
 * Service-to-service authentication (issue 15), through the real stack: the
 * reporting service answers 401 to every operation of its own OpenAPI document
 * without a valid service token (only health is open); it limits what it
 * answers to the principal the token carries, so reaching its port leaks
 * nothing beyond that person's scope; the case API's explicit report routes
 * pass the signed-in person on; and the signer of a report and the enterer of
 * an appraisal are that person, never a body field.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_API_ISSUER, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenSigner, type ScopePrincipal } from '@minqing/shared';
import { caseBody, env, eventually, http, REPORTING_ADMIN, serviceToken, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`ra${Date.now().toString(36)}`);
const assessor = `assess-${t.run}`;
let db: pg.Client;
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const reporting = (path: string) => `${e.reportingUrl}${path}`;
const as = (actor: string) => ({ 'x-actor': actor });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const keysOf = (res: { json: { groups: { key: string }[] } }) => res.json.groups.map((g) => g.key).sort();

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  // The assessment group's account (not a roster cadre).
  await tokenFor(assessor, { cadreCode: null, role: 'assessment', name: '考核组' });
  // One case for the department (the household's linked cadre), one for the judicial office (the category rule).
  const ids: string[] = [];
  for (const body of [
    caseBody({ villageCode: t.village, householdCode: t.household, title: `鉴权 ${t.run} 1` }),
    caseBody({ category: 'dispute_mediation', villageCode: t.village, householdCode: t.household2, title: `鉴权 ${t.run} 2` }),
  ]) {
    const res = await http('POST', api('/cases'), body, as(t.hall));
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  await eventually(async () => {
    const r = await db.query('SELECT count(*)::int AS n FROM reporting.case_facts WHERE case_id = ANY($1::uuid[]) AND department_code IS NOT NULL', [ids]);
    return r.rows[0].n === 2;
  }, 'both cases routed and in the figures', 60_000);
}, 300_000);
afterAll(async () => db?.end());

describe('the reporting service without a valid service token', () => {
  /** Every operation of reporting's own OpenAPI document (read without a credential), path params filled in. */
  async function operations(): Promise<{ method: string; url: string; operationId: string }[]> {
    const doc = await http('GET', reporting('/openapi.json'), undefined, { authorization: '' });
    expect(doc.status).toBe(200);
    const paths = doc.json.paths as Record<string, Record<string, { operationId: string }>>;
    return Object.entries(paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), url: reporting(path.replace(/\{[^}]+\}/g, randomUUID())), operationId: op.operationId })),
    );
  }

  it('answers 401 (problem+json) to every operation with no, a forged, an expired, a misaddressed or a foreign credential', async () => {
    const ops = await operations();
    expect(ops.map((o) => o.operationId)).toEqual(expect.arrayContaining(['reportFigures', 'figureCases', 'exportFigures', 'freezeReport', 'enterAppraisal', 'rebuildReports', 'reportSummary']));
    const forged = new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(randomBytes(32).toString('base64url')), issuer: CASE_API_ISSUER });
    const expired = new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(e.serviceTokenSecrets), issuer: CASE_API_ISSUER, now: () => new Date(Date.now() - 10 * 60_000) });
    const credentials: Record<string, Record<string, string>> = {
      none: { authorization: '' },
      'a forged token': bearer(await forged.sign(REPORTING_AUDIENCE, REPORTING_ADMIN)),
      'an expired token': bearer(await expired.sign(REPORTING_AUDIENCE, REPORTING_ADMIN)),
      'a token for another service': bearer(await serviceToken(REPORTING_ADMIN, { audience: 'minqing-case-worker' })),
      'a token from an unknown issuer': bearer(await serviceToken(REPORTING_ADMIN, { issuer: 'minqing-somebody' })),
      'a session token of the case API': bearer(e.adminToken),
    };
    for (const { method, url, operationId } of ops) {
      for (const [what, headers] of Object.entries(credentials)) {
        const res = await http(method, url, method === 'POST' ? {} : undefined, headers);
        expect(res.status, `${operationId} with ${what}`).toBe(401);
        expect(res.headers.get('content-type'), `${operationId} with ${what}`).toContain('application/problem+json');
        expect(res.json.type).toBe('urn:minqing:problem:unauthenticated');
      }
    }
    // The same calls with the services' own kind of token get through the front door.
    expect((await http('GET', reporting('/api/v1/reports/summary'))).status).toBe(200);
  });

  it('answers 401 to other spellings of its paths, and keeps only health open', async () => {
    for (const path of ['/api/v1/reports/%66igures?groupBy=department', '/%61pi/v1/reports/summary', '//api/v1/reports/summary', '/API/V1/REPORTS/SUMMARY', '/api/v1/reports/./summary', '/api/v1/nothing-here']) {
      expect((await http('GET', reporting(path), undefined, { authorization: '' })).status, path).toBe(401);
    }
    for (const path of ['/healthz', '/readyz']) expect((await http('GET', reporting(path), undefined, { authorization: '' })).status, path).toBe(200);
  });
});

describe('a department head', () => {
  it('gets only their department\'s groups and drill-downs through the case API', async () => {
    const byDept = await http('GET', api('/reports/figures?groupBy=department'), undefined, as(t.head));
    expect(byDept.status).toBe(200);
    expect(keysOf(byDept)).toEqual([t.dept]);
    const byVillage = await http('GET', api('/reports/figures?groupBy=village'), undefined, as(t.head));
    expect(byVillage.status).toBe(200);
    expect(keysOf(byVillage)).toEqual([t.village]); // the department's linked villages with cases
    const byCadre = await http('GET', api('/reports/figures?groupBy=cadre'), undefined, as(t.head));
    expect(keysOf(byCadre).every((k) => [t.head, t.cadre1, t.cadre2].includes(k))).toBe(true);
    expect(keysOf(byCadre)).toContain(t.cadre1);
    // The township sees both departments.
    const all = await http('GET', api('/reports/figures?groupBy=department'), undefined, as(t.township));
    expect(keysOf(all)).toEqual(expect.arrayContaining([t.dept, t.judicial]));

    expect((await http('GET', api(`/reports/figures/cases?groupBy=department&key=${t.dept}&figure=cases`), undefined, as(t.head))).json.total).toBe(1);
    expect((await http('GET', api(`/reports/figures/cases?groupBy=department&key=${t.judicial}&figure=cases`), undefined, as(t.head))).status).toBe(403);
    expect((await http('GET', api('/reports/figures?groupBy=township'), undefined, as(t.head))).status).toBe(403);
  });

  it('is refused exports, composite scores, appraisals, signed-off reports and the rebuild (403)', async () => {
    const frozen = await http('POST', api('/reports/frozen'), { groupBy: 'department', note: `范围 ${t.run}` });
    expect(frozen.status).toBe(201);
    const calls: [string, string, unknown?][] = [
      ['GET', '/reports/figures/export?groupBy=department&format=csv'],
      ['GET', '/reports/composite?period=2026-Q4'],
      ['GET', '/reports/appraisals?period=2026-Q4'],
      ['POST', '/reports/appraisals', { period: '2026-Q4', subjectType: 'cadre', subjectCode: t.cadre1, appraiserGroup: 'leaders', score: 100 }],
      ['GET', '/reports/frozen'],
      ['POST', '/reports/frozen', { groupBy: 'department', note: 'x' }],
      ['GET', `/reports/frozen/${frozen.json.id}`],
      ['GET', `/reports/frozen/${frozen.json.id}/export?format=csv`],
      ['GET', '/reports/dead-letters'],
      ['POST', '/reports/rebuild'],
    ];
    for (const [method, path, body] of calls) {
      const res = await http(method, api(path), body, as(t.head));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.json.type).toBe('urn:minqing:problem:forbidden');
    }
  });

  it('gets no more from the reporting port itself, even with a valid token in their name', async () => {
    const principal: ScopePrincipal = { username: t.head, role: 'department_head', cadreCode: t.head, departmentCode: t.dept, areaCodes: [] };
    const headers = bearer(await serviceToken(principal));
    const byDept = await http('GET', reporting('/api/v1/reports/figures?groupBy=department'), undefined, headers);
    expect(byDept.status).toBe(200);
    expect(keysOf(byDept)).toEqual([t.dept]);
    expect((await http('GET', reporting(`/api/v1/reports/figures/cases?groupBy=department&key=${t.judicial}&figure=cases`), undefined, headers)).status).toBe(403);
    expect((await http('GET', reporting('/api/v1/reports/figures/export?groupBy=department&format=csv'), undefined, headers)).status).toBe(403);
    expect((await http('GET', reporting('/api/v1/reports/composite?period=2026-Q4'), undefined, headers)).status).toBe(403);
    expect((await http('GET', reporting('/api/v1/reports/frozen'), undefined, headers)).status).toBe(403);
    const summary = await http('GET', reporting('/api/v1/reports/summary'), undefined, headers);
    const township = await http('GET', reporting('/api/v1/reports/summary'));
    expect(summary.json.totalCases).toBeLessThan(township.json.totalCases); // their department's cases only
  });
});

describe('the actor of a write is the signed-in user', () => {
  it('a frozen report is signed by the signed-in user; a signedBy in the body is refused', async () => {
    const forged = await http('POST', api('/reports/frozen'), { groupBy: 'department', note: `签字 ${t.run}`, signedBy: t.township }, as(assessor));
    expect(forged.status).toBe(400);
    expect(forged.json.errors).toContainEqual(expect.objectContaining({ field: 'body/signedBy', code: 'unknown_property', message: 'is not an allowed property' }));
    const direct = await http('POST', reporting('/api/v1/reports/frozen'), { groupBy: 'department', note: `签字 ${t.run}`, signedBy: t.township });
    expect(direct.status).toBe(400);

    const res = await http('POST', api('/reports/frozen'), { groupBy: 'department', note: `签字 ${t.run}` }, as(assessor));
    expect(res.status).toBe(201);
    expect(res.json.signedBy).toBe(assessor);
    expect(res.headers.get('location')).toBe(`/api/v1/reports/frozen/${res.json.id}`);
    const listed = (await http('GET', api('/reports/frozen'), undefined, as(assessor))).json.items.filter((r: { note: string }) => r.note === `签字 ${t.run}`);
    expect(listed.map((r: { signedBy: string }) => r.signedBy)).toEqual([assessor]);
    const csv = await http('GET', api(`/reports/frozen/${res.json.id}/export?format=csv`), undefined, as(assessor));
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toContain(`frozen-${res.json.id}.csv`);
    expect(csv.text.split('\n')[0]).toContain(`signedBy=${assessor};`);
  });

  it('an appraisal is entered by the signed-in user; an enteredBy in the body is refused', async () => {
    const body = { period: '2026-Q4', subjectType: 'cadre', subjectCode: t.cadre1, appraiserGroup: 'staff', score: 86.5 };
    expect((await http('POST', api('/reports/appraisals'), { ...body, enteredBy: t.township }, as(assessor))).status).toBe(400);
    expect((await http('POST', api('/reports/appraisals'), body, as(assessor))).status).toBe(204);
    const items = (await http('GET', api('/reports/appraisals?period=2026-Q4'), undefined, as(assessor))).json.items;
    expect(items.filter((a: { subjectCode: string }) => a.subjectCode === t.cadre1)).toEqual([expect.objectContaining({ appraiserGroup: 'staff', score: 86.5, enteredBy: assessor })]);
  });
});
