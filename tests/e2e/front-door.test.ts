/**
 * One front door (issue 15): for every operation of the case API's OpenAPI
 * document that needs a session, the same path spelled otherwise — letters
 * percent-encoded, slashes doubled, dot segments, case changed, a trailing
 * slash, the absolute form `http://host/path` — gets the canonical path's
 * answer (the router matched the same route, so the same decision) or a 404
 * (the router matched nothing, so nothing was served) — or a 400 where a
 * trailing slash makes it another route with an empty parameter (`/cases/` is
 * getCase with id '') — and never a 5xx:
 * without a session, and with the session of a cadre of another department,
 * whom most operations refuse. The requests the issue reported are regression
 * cases of their own.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http, tokenFor } from '../support/helpers';
import { concretePath, operationsOf, pathVariants, PROBE_BODY, send, type Operation, type Param } from '../support/openapi';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`fd${Date.now().toString(36)}`);
const api = (path: string) => `${e.apiUrl}/api/v1${path}`;
const host = new URL(e.apiUrl).host;

let db: pg.Client;
let ops: Operation[];
let caseId: string;

/** Sign-in and the residents' page are public by design; everything else needs a session. */
const PUBLIC = (op: Operation) => op.operationId === 'signIn' || op.tags.includes('residents');

function fixtures(p: Param, op: Operation): string | undefined {
  if (p.in === 'path' && p.name === 'id') return caseId;
  if (p.in === 'path' && p.name === 'code') return op.template.includes('/households/') ? t.household : t.cadre1;
  if (p.in === 'path' && p.name === 'username') return t.cadre2;
  const byName: Record<string, string> = { cadre: t.cadre1, groupBy: 'department', key: t.dept, period: '2026-11', format: 'csv' };
  return p.in === 'query' ? byName[p.name] : undefined;
}

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  const opened = await http('POST', api('/cases'), caseBody({ villageCode: t.village, householdCode: t.household, title: `前门 ${t.run}` }), { 'x-actor': t.hall });
  expect(opened.status).toBe(201);
  caseId = opened.json.id;
  await eventually(async () => (await http('GET', api(`/cases/${caseId}`))).json?.assigneeCode === t.cadre1, 'the case routed to its linked cadre');
  ops = await operationsOf(e.apiUrl);
});
afterAll(async () => {
  await db?.end();
});

/** Answers that serve nothing: no route (404), or another route's parameter refused (400). */
const REFUSED_ELSEWHERE = [404, 400];

/** Every variant of every protected operation, as `credential`; the mismatches found. */
async function mismatches(token: string | undefined, skip: (op: Operation) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const op of ops.filter((o) => !PUBLIC(o) && !skip(o))) {
    const target = concretePath(op, fixtures);
    const body = op.body ? PROBE_BODY : undefined;
    const canonical = await send(e.apiUrl, op.method, target, { token, body });
    if (canonical.status >= 500) found.push(`${op.method} ${target} (${op.operationId}): canonical ${canonical.status}`);
    for (const v of pathVariants(target, op.template, host)) {
      const res = await send(e.apiUrl, op.method, v.target, { token, body });
      if (res.status !== canonical.status && !REFUSED_ELSEWHERE.includes(res.status)) {
        found.push(`${op.method} ${v.target} (${op.operationId}, ${v.kind}): ${res.status}, canonical ${canonical.status}`);
      }
    }
  }
  return found;
}

describe('the same answer for every spelling of a protected path', () => {
  it('covers every operation of the document, the figures among them', () => {
    expect(ops.length).toBeGreaterThan(40);
    expect(ops.filter((op) => op.template.startsWith('/api/v1/reports/')).length).toBeGreaterThan(5);
    expect(ops.some((op) => op.template.includes('{'))).toBe(true);
  });

  it('without a session: the canonical path is a 401 and every variant a 401 or a 404', async () => {
    for (const op of ops.filter((o) => !PUBLIC(o))) {
      const res = await send(e.apiUrl, op.method, concretePath(op, fixtures), { body: op.body ? PROBE_BODY : undefined });
      expect(res.status, `${op.method} ${op.template}`).toBe(401);
    }
    expect(await mismatches(undefined, () => false)).toEqual([]);
  });

  it("with a cadre of another department's session: every variant answers as the canonical path, or serves nothing (404/400)", async () => {
    const token = await tokenFor(t.judge);
    // Signing out ends the very session the test goes on with.
    expect(await mismatches(token, (op) => op.operationId === 'signOut')).toEqual([]);
  });
});

describe('the requests the issue reported', () => {
  it('GET /%61pi/v1/sla-policy with no token is not answered', async () => {
    for (const target of ['/%61pi/v1/sla-policy', '/api/v1/sla%2Dpolicy', `http://${host}/api/v1/sla-policy`]) {
      const res = await send(e.apiUrl, 'GET', target);
      expect(res.status, target).toBe(401);
    }
  });

  it("a department head reads only their department's figures, however the path is spelled", async () => {
    const token = await tokenFor(t.head);
    for (const target of ['/api/v1/reports/figures?groupBy=department', '/api/v1/reports/%66igures?groupBy=department', '/api/v1/repor%74s/figures?groupBy=department', '/%61pi/v1/reports/figures?groupBy=department']) {
      const res = await send(e.apiUrl, 'GET', target, { token });
      expect(res.status, target).toBe(200);
      const keys = (JSON.parse(res.body) as { groups: { key: string }[] }).groups.map((g) => g.key);
      expect(keys.every((k) => k === t.dept), `${target}: ${keys.join(', ')}`).toBe(true);
    }
    // Exports, composite scores and signed-off reports are not a department head's, whatever the spelling.
    for (const target of [
      '/api/v1/reports/figures/expor%74?groupBy=department&format=csv',
      '/api/v1/reports/%63omposite?period=2026-Q4',
      '/api/v1/reports/%66rozen',
      '/api/v1/reports/figures/cases?groupBy=department&key=' + t.judicial + '&figure=cases',
    ]) {
      const res = await send(e.apiUrl, 'GET', target, { token });
      expect([403, 404], `${target}: ${res.status}`).toContain(res.status);
    }
  });
});
