/**
 * Open311 GeoReport v2 (issue 14) through the real stack:
 * (a) a third-party client — PyPI `georeport`, installed like Schemathesis into
 *     a version-keyed venv of the cache — lists the services and reads requests
 *     from minqing in JSON and XML;
 * (b) a request posted form-encoded the way the spec shows opens a real case
 *     (channel online, routed through the village link, the key's service point),
 *     which the cadre accepts and resolves and the hall follows up and closes, while
 *     `status` and `status_notes` follow it in XML and JSON — with the key's own
 *     fields for the key that sent it, and never a name, phone or e-mail;
 * (c) invalid requests get the spec's error documents with the right status.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGeoReport } from '@minqing/infra';
import { CASE_CATEGORIES } from '@minqing/shared';
import zhCN from '../../web/src/i18n/zh-CN.json';
import en from '../../web/src/i18n/en.json';
import { env, eventually, http, tokenFor } from '../support/helpers';
import { loadTownship, township } from '../support/township';

const e = env();
const t = township(`o3${Date.now().toString(36)}`);
const sp = t.code('sp-311');
const api = (p: string) => `${e.apiUrl}/api/v1${p}`;
const o311 = (p: string) => `${e.apiUrl}/open311/v2${p}`;
const xml = new XMLParser({ parseTagValue: false });
const PHONE = '13987654321';
const EMAIL = 'guilan.wang@example.org';

let db: pg.Client;
let key: { id: string; secret: string };
let otherKey: { id: string; secret: string };

/** A POST as the spec shows it: application/x-www-form-urlencoded, the key among the fields. */
async function postForm(target: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(o311(target), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
}
async function get(target: string, headers: Record<string, string> = {}) {
  const res = await fetch(o311(target), { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}
const json = (r: { text: string }) => JSON.parse(r.text);
/** An XML list element as an array, whether it holds one item or many. */
const items = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

async function newKey(name: string, servicePointCode: string | null) {
  const res = await http('POST', api('/open311/keys'), { name, organisation: '城市服务App运营方', servicePointCode });
  expect(res.status, res.text).toBe(201);
  return { id: res.json.key.id as string, secret: res.json.secret as string };
}

const request = (over: Record<string, string> = {}) => ({
  api_key: key.secret,
  service_code: 'livelihood_difficulty',
  lat: '40.1234',
  long: '111.5678',
  address_string: '乌兰社区3号楼',
  email: EMAIL,
  first_name: '桂兰',
  last_name: '王',
  phone: PHONE,
  description: `家里暖气不热，老人怕冷 ${t.run}`,
  [`attribute[village]`]: t.village,
  ...over,
});

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.query(`INSERT INTO directory.service_points (code, name, kind, village_code) VALUES ($1, '便民服务大厅', 'hall', NULL)`, [sp]);
  // The hall that follows the app's requests up works at the key's service point.
  await tokenFor(t.hall, { servicePointCode: sp, channel: 'hall' });
  key = await newKey(`城市App ${t.run}`, sp);
  otherKey = await newKey(`小程序 ${t.run}`, null);
});
afterAll(async () => {
  await db?.end();
});

describe('a third-party GeoReport v2 client (PyPI georeport) reads minqing', () => {
  it('lists the services, reads a service definition and reads requests, in JSON and in XML', async () => {
    const posted = await postForm('/requests.json', request({ description: `georeport 客户端读取 ${t.run}` }));
    expect(posted.status, posted.text).toBe(201);
    const id = json(posted)[0].service_request_id as string;

    const python = await ensureGeoReport();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minqing-georeport-'));
    const script = path.join(dir, 'read.py');
    fs.writeFileSync(script, [
      'import json, sys',
      'from georeport import GeoReport',
      'root, request_id, service_code = sys.argv[1:4]',
      'as_list = lambda v: v if isinstance(v, list) else [v]',
      'out = {}',
      "for fmt in ('json', 'xml'):",
      '    client = GeoReport(root, output_format=fmt)',
      '    out[fmt] = {',
      "        'services': as_list(client.get_service_list()),",
      "        'definition': client.get_service_definition(service_code),",
      "        'requests': as_list(client.get_service_requests(service_request_id=request_id)),",
      "        'request': client.get_service_request(request_id),",
      "        'recent': as_list(client.get_service_requests(status='open')),",
      '    }',
      'print(json.dumps(out))',
    ].join('\n'));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(python, [script, `${e.apiUrl}/open311/v2`, id, 'livelihood_difficulty'], { timeout: 60_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    fs.rmSync(dir, { recursive: true, force: true });
    const out = JSON.parse(stdout) as Record<'json' | 'xml', any>;
    for (const fmt of ['json', 'xml'] as const) {
      const r = out[fmt];
      expect(r.services.map((s: { service_code: string }) => s.service_code), fmt).toEqual(CASE_CATEGORIES);
      expect(r.services.find((s: { service_code: string }) => s.service_code === 'livelihood_difficulty').service_name, fmt).toBe(zhCN.category.livelihood_difficulty);
      const attributes = items(fmt === 'xml' ? r.definition.attributes.attribute : r.definition.attributes) as any[];
      const village = attributes.find((a) => a.code === 'village');
      expect(village.datatype, fmt).toBe('singlevaluelist');
      const values = items(fmt === 'xml' ? village.values.value : village.values) as { key: string; name: string }[];
      expect(values.map((v) => v.key), fmt).toContain(t.village);
      expect(r.requests.map((x: { service_request_id: string }) => x.service_request_id), fmt).toEqual([id]);
      expect(r.request, fmt).toMatchObject({ service_request_id: id, status: 'open', service_code: 'livelihood_difficulty' });
      expect(r.recent.map((x: { service_request_id: string }) => x.service_request_id), fmt).toContain(id);
      // Read without a key: public fields only.
      expect(JSON.stringify(r), fmt).not.toMatch(new RegExp(`${PHONE}|${EMAIL}|乌兰社区3号楼|桂兰|40\\.1234`));
    }
  }, 240_000);
});

describe('a request posted form-encoded, followed to close in XML and JSON', () => {
  it('opens a real case, and status and status_notes follow it through the workflow', async () => {
    const posted = await postForm('/requests.json', request());
    expect(posted.status, posted.text).toBe(201);
    expect(posted.type).toMatch(/^application\/json/);
    expect(posted.headers.get('x-ratelimit-limit')).toBe('30');
    const [{ service_request_id: id, token }] = json(posted);
    expect(id).toMatch(/^MQ-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // The token answers the same id, in both formats.
    expect(json(await get(`/tokens/${token}.json`))).toEqual([{ service_request_id: id, token }]);
    expect(xml.parse((await get(`/tokens/${token}.xml`)).text).service_requests.request.service_request_id).toBe(id);

    // A real case: the hall's path (routing through the village link, the workflow), channel online, opened by the key.
    const caseId = await eventually(async () => (await db.query('SELECT id FROM casework.cases WHERE tracking_code = $1', [id])).rows[0]?.id as string | undefined, 'the case in the read model');
    const c = await eventually(async () => {
      const r = (await http('GET', api(`/cases/${caseId}`))).json;
      return r?.status === 'assigned' ? r : undefined;
    }, 'the case routed');
    expect(c).toMatchObject({ channel: 'online', category: 'livelihood_difficulty', villageCode: t.village, departmentCode: t.dept, servicePointCode: sp, openedBy: `open311:${key.id}` });
    expect(c.routing.rule).toBe('village');
    expect(c.resident).toMatchObject({ name: '王桂兰', phone: PHONE });
    expect(c.description).toContain('乌兰社区3号楼');
    expect(c.description).toContain('geo:40.1234,111.5678');
    // Attributed to the key in the audit trail.
    const audit = await db.query(`SELECT actor, actor_role FROM directory.audit_events WHERE action = 'case.open' AND subject = $1`, [caseId]);
    expect(audit.rows).toEqual([{ actor: `open311:${key.id}`, actor_role: 'open311' }]);

    const read = async () => {
      const j = await get(`/requests/${id}.json?api_key=${encodeURIComponent(key.secret)}`);
      const x = await get(`/requests/${id}.xml`, { 'accept-language': 'en' });
      expect(j.status).toBe(200);
      expect(x.status).toBe(200);
      expect(x.type).toMatch(/^text\/xml/);
      for (const body of [j.text, x.text]) {
        expect(body).not.toContain(PHONE);
        expect(body).not.toContain(EMAIL);
        expect(body).not.toContain('桂兰');
        expect(body).not.toContain(caseId);
        expect(body).not.toContain(c.assigneeCode);
      }
      return { json: json(j)[0], xml: xml.parse(x.text).service_requests.request };
    };

    let r = await read();
    expect(r.json).toMatchObject({ service_request_id: id, status: 'open', status_notes: zhCN.timeline.routed, service_code: 'livelihood_difficulty', service_name: zhCN.category.livelihood_difficulty });
    expect(r.xml).toMatchObject({ service_request_id: id, status: 'open', status_notes: en.timeline.routed, service_name: en.category.livelihood_difficulty });
    // The key that sent it sees what it sent; anyone else (another key, no key) only the public fields.
    expect(r.json).toMatchObject({ address: '乌兰社区3号楼', lat: 40.1234, long: 111.5678 });
    expect(r.xml.address).toBeUndefined();
    const other = json(await get(`/requests/${id}.json?api_key=${encodeURIComponent(otherKey.secret)}`))[0];
    expect(other.service_request_id).toBe(id);
    expect(other.address).toBeUndefined();
    expect(other.description).toBeUndefined();

    const as = (actor: string) => ({ 'x-actor': actor });
    const assignee = c.assigneeCode as string;
    expect((await http('POST', api(`/cases/${caseId}/accept`), {}, as(assignee))).status).toBe(200);
    r = await read();
    expect([r.json.status, r.json.status_notes, r.xml.status_notes]).toEqual(['open', zhCN.timeline.accepted, en.timeline.accepted]);

    const reply = `已协调供热站检修，暖气恢复正常 ${t.run}`;
    expect((await http('POST', api(`/cases/${caseId}/resolve`), { reply }, as(assignee))).status).toBe(200);
    r = await read();
    expect([r.json.status, r.json.status_notes, r.xml.status, r.xml.status_notes]).toEqual(['open', reply, 'open', reply]);

    expect((await http('POST', api(`/cases/${caseId}/follow-up`), { satisfaction: 'satisfied', method: 'call', note: '电话回访' }, as(t.hall))).status).toBe(200);
    expect((await http('POST', api(`/cases/${caseId}/close`), { note: '' }, as(t.hall))).status).toBe(200);
    r = await read();
    expect([r.json.status, r.json.status_notes, r.xml.status, r.xml.status_notes]).toEqual(['closed', reply, 'closed', reply]);
    expect(Date.parse(r.json.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(r.json.requested_datetime));

    // The list filters: closed finds it, open does not; the same in XML.
    const closed = json(await get(`/requests.json?status=closed&service_code=livelihood_difficulty`)).map((x: { service_request_id: string }) => x.service_request_id);
    expect(closed).toContain(id);
    expect(json(await get('/requests.json?status=open')).map((x: { service_request_id: string }) => x.service_request_id)).not.toContain(id);
    const listed = items(xml.parse((await get(`/requests.xml?service_request_id=${id}`)).text).service_requests.request) as { status: string }[];
    expect(listed.map((x) => x.status)).toEqual(['closed']);
    // Outside the window it is not listed (requested today; a window ending 95 days ago).
    const old = new Date(Date.now() - 95 * 86_400_000).toISOString();
    const older = new Date(Date.now() - 100 * 86_400_000).toISOString();
    expect(json(await get(`/requests.json?start_date=${older}&end_date=${old}`)).map((x: { service_request_id: string }) => x.service_request_id)).not.toContain(id);
  }, 120_000);

  it('the same request sent again by the same key is the same case (a duplicate, not a second case)', async () => {
    const fields = request({ description: `重复提交 ${t.run}` });
    const first = await postForm('/requests.xml', fields);
    const again = await postForm('/requests.xml', fields);
    expect(first.status, first.text).toBe(201);
    expect(again.status).toBe(200);
    const idOf = (r: { text: string }) => xml.parse(r.text).service_requests.request.service_request_id;
    expect(idOf(again)).toBe(idOf(first));
    expect((await db.query('SELECT count(*)::int AS n FROM directory.open311_requests WHERE tracking_code = $1', [idOf(first)])).rows[0].n).toBe(1);
  });
});

describe('invalid requests get the spec\'s error documents', () => {
  const errorsOf = (r: { text: string; type: string }) => {
    if (r.type.startsWith('application/json')) return json(r) as { code: number; description: string }[];
    return items(xml.parse(r.text).errors.error).map((x: any) => ({ code: Number(x.code), description: String(x.description) }));
  };
  const expectError = (r: { status: number; text: string; type: string }, status: number, description: RegExp, format: 'json' | 'xml') => {
    expect(r.status, r.text).toBe(status);
    expect(r.type).toMatch(format === 'json' ? /^application\/json/ : /^text\/xml/);
    const errors = errorsOf(r);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((x) => x.code === status)).toBe(true);
    expect(errors.map((x) => x.description).join('\n')).toMatch(description);
  };

  it.each(['json', 'xml'] as const)('in %s: missing or unknown service, bad key, bad lat/long, unknown id', async (f) => {
    const { service_code: _code, ...noService } = request();
    expectError(await postForm(`/requests.${f}`, noService), 400, /service_code is required/, f);
    expectError(await postForm(`/requests.${f}`, request({ service_code: 'potholes' })), 400, /service_code potholes is not a service/, f);
    expectError(await get(`/services/potholes.${f}`), 404, /potholes/, f);
    expectError(await postForm(`/requests.${f}`, request({ api_key: 'not-a-key' })), 403, /api_key/, f);
    const { api_key: _key, ...noKey } = request();
    expectError(await postForm(`/requests.${f}`, noKey), 403, /api_key is required/, f);
    expectError(await postForm(`/requests.${f}`, request({ lat: '91' })), 400, /lat must be between -90 and 90/, f);
    expectError(await postForm(`/requests.${f}`, request({ long: 'east' })), 400, /long/, f);
    const { long: _long, address_string: _address, ...latOnly } = request();
    expectError(await postForm(`/requests.${f}`, latOnly), 400, /lat and long must be given together/, f);
    expectError(await get(`/requests/MQ-0000-0000.${f}`), 404, /MQ-0000-0000/, f);
    expectError(await get(`/tokens/AAAAAAAAAAAAAAAAAAAAAA.${f}`), 404, /token/, f);
    expectError(await get(`/requests.${f}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`), 400, /90 days/, f);
    expectError(await get(`/requests.${f}?status=pending`), 400, /status pending/, f);
    expectError(await get(`/nothing-here.${f}`), 404, /no such resource/, f);
  });

  it('a revoked key is refused at once; a JSON body is not the spec\'s form', async () => {
    const k = await newKey(`吊销 ${t.run}`, null);
    expect((await postForm('/requests.json', request({ api_key: k.secret, description: `吊销前 ${t.run}` }))).status).toBe(201);
    const revoked = await http('POST', api(`/open311/keys/${k.id}/revoke`));
    expect(revoked.status).toBe(200);
    expect(revoked.json.revokedBy).toBe('admin');
    const refused = await postForm('/requests.json', request({ api_key: k.secret, description: `吊销后 ${t.run}` }));
    expect(refused.status).toBe(403);
    expect(json(refused)).toEqual([{ code: 403, description: expect.stringMatching(/unknown or revoked/) }]);
    const asJson = await fetch(o311('/requests.json'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request()) });
    expect(asJson.status).toBe(415);
    expect(await asJson.json()).toEqual([{ code: 415, description: expect.stringMatching(/x-www-form-urlencoded/) }]);
    // The list of keys shows it revoked, with its one request; the secret is never listed.
    const list = await http('GET', api('/open311/keys?limit=200'));
    const row = list.json.items.find((x: { id: string }) => x.id === k.id);
    expect(row).toMatchObject({ revokedBy: 'admin', requests: 1 });
    expect(list.text).not.toContain(k.secret.split('.')[1]);
  });
});
