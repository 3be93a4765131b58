/**
 * The case API's operations as its own OpenAPI document (GET /openapi.json)
 * lists them, made into concrete requests for the front-door and role tests:
 * path parameters and required query parameters are filled from the test's
 * fixtures by name (or else from the parameter's schema: default, enum,
 * format), and requests go out over plain HTTP with the request target exactly
 * as given — `fetch` would resolve `..` and `%2e` before sending.
 */
import http from 'node:http';

export interface Param {
  name: string;
  in: string;
  required: boolean;
  schema: Record<string, any>;
}

export interface Operation {
  method: string;
  /** the path template, e.g. /api/v1/cases/{id}/accept */
  template: string;
  operationId: string;
  tags: string[];
  params: Param[];
  /** the operation takes a request body */
  body: boolean;
}

export async function operationsOf(baseUrl: string): Promise<Operation[]> {
  const res = await fetch(`${baseUrl}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/openapi.json answered ${res.status}`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, any>> };
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        template,
        operationId: op.operationId ?? `${method} ${template}`,
        tags: op.tags ?? [],
        params: (op.parameters ?? []).map((p: any) => ({ name: p.name, in: p.in, required: p.required === true, schema: p.schema ?? {} })),
        body: op.requestBody !== undefined,
      });
    }
  }
  return ops;
}

/** A value the schema accepts, for parameters the fixtures do not name. */
export function sample(schema: Record<string, any> | undefined): string | undefined {
  if (!schema) return undefined;
  if (schema.default !== undefined) return String(schema.default);
  if (schema.enum?.length) return String(schema.enum[0]);
  if (schema.const !== undefined) return String(schema.const);
  for (const alt of schema.anyOf ?? schema.oneOf ?? []) {
    const v = sample(alt);
    if (v !== undefined) return v;
  }
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  if (schema.format === 'date') return '2026-11-02';
  if (schema.format === 'date-time') return '2026-11-02T00:00:00Z';
  if (schema.type === 'integer' || schema.type === 'number') return String(schema.minimum ?? 1);
  if (schema.type === 'boolean') return 'true';
  return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
}

export type Fixtures = (param: Param, op: Operation) => string | undefined;

/** The operation's canonical request target: path params filled, required query params appended. */
export function concretePath(op: Operation, fixtures: Fixtures): string {
  const value = (p: Param) => {
    const v = fixtures(p, op) ?? sample(p.schema);
    if (v === undefined) throw new Error(`${op.operationId}: no value for ${p.in} parameter ${p.name}`);
    return v;
  };
  let path = op.template;
  for (const p of op.params.filter((x) => x.in === 'path')) path = path.replace(`{${p.name}}`, encodeURIComponent(value(p)));
  const query = op.params.filter((p) => p.in === 'query' && p.required).map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(value(p))}`);
  return query.length ? `${path}?${query.join('&')}` : path;
}

const encodeFirstLetter = (segment: string) => {
  const i = segment.search(/[A-Za-z]/);
  return i < 0 ? segment : `${segment.slice(0, i)}%${segment.charCodeAt(i).toString(16)}${segment.slice(i + 1)}`;
};
const upperFirstLetter = (segment: string) => segment.replace(/[a-z]/, (c) => c.toUpperCase());

/**
 * Spellings of the same path a client can send: percent-encoded letters (in
 * every segment, and a whole segment), doubled slashes, dot segments (plain and
 * encoded), changed case, a trailing slash, and the absolute form
 * `http://host/path` of the request target.
 */
export function pathVariants(target: string, template: string, host: string): { kind: string; target: string }[] {
  const fixed = template.split('/').slice(1).map((s) => !s.startsWith('{'));
  const [path, query] = target.split('?') as [string, string | undefined];
  const q = query ? `?${query}` : '';
  const segs = path.split('/').slice(1);
  const join = (s: string[]) => `/${s.join('/')}`;
  const with_ = (i: number, v: string) => segs.map((s, j) => (j === i ? v : s));
  const last = segs.length - 1;
  const out: { kind: string; target: string }[] = [];
  segs.forEach((s, i) => {
    if (/[A-Za-z]/.test(s)) out.push({ kind: `percent-encoded segment ${i + 1}`, target: join(with_(i, encodeFirstLetter(s))) + q });
  });
  out.push({ kind: 'last segment fully percent-encoded', target: join(with_(last, [...segs[last]!].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`).join(''))) + q });
  out.push({ kind: 'leading double slash', target: `/${path}${q}` });
  out.push({ kind: 'double slash after /api', target: `${path.replace('/api/', '/api//')}${q}` });
  out.push({ kind: 'double slash before the last segment', target: `${join(segs.slice(0, last))}//${segs[last]}${q}` });
  out.push({ kind: 'dot segment', target: `${join(segs.slice(0, last))}/./${segs[last]}${q}` });
  out.push({ kind: 'dot-dot segment', target: `${join(segs.slice(0, last))}/x/../${segs[last]}${q}` });
  out.push({ kind: 'encoded dot segment', target: `${join(segs.slice(0, last))}/%2e/${segs[last]}${q}` });
  out.push({ kind: 'encoded dot-dot segment', target: `${join(segs.slice(0, last))}/x/%2E%2E/${segs[last]}${q}` });
  out.push({ kind: 'dot-dot back into the API', target: `/api/v1/../v1/${segs.slice(2).join('/')}${q}` });
  out.push({ kind: 'upper-case /API', target: `${path.replace('/api/', '/API/')}${q}` });
  out.push({ kind: 'upper-case V1', target: `${path.replace('/v1/', '/V1/')}${q}` });
  let lastStatic = -1;
  segs.forEach((s, i) => {
    if (i > 1 && fixed[i] && /^[a-z]/.test(s)) lastStatic = i;
  });
  if (lastStatic >= 0) out.push({ kind: 'upper-case letter in the last fixed segment', target: join(with_(lastStatic, upperFirstLetter(segs[lastStatic]!))) + q });
  out.push({ kind: 'trailing slash', target: `${path}/${q}` });
  out.push({ kind: 'absolute-form request target', target: `http://${host}${path}${q}` });
  return out;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One request, its target sent verbatim. `body` is sent as JSON. An event
 * stream is closed as soon as its status is known.
 */
export function send(baseUrl: string, method: string, target: string, opts: { token?: string; body?: unknown } = {}): Promise<RawAnswer> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const req = http.request({ host: base.hostname, port: base.port, method, path: target, headers }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      if (contentType.startsWith('text/event-stream')) {
        resolve({ status: res.statusCode ?? 0, contentType, body: '' });
        req.destroy();
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, body }));
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${target}: no answer within 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * The body the tests send to an operation that takes one: a property no schema
 * declares, so a caller who gets past the front door is refused by validation
 * (400) and nothing changes, while a refusal at the door (401/403) shows the
 * body was never looked at.
 */
export const PROBE_BODY = { frontDoorProbe: true };
