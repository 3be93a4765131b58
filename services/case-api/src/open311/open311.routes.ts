/**
 * Open311 GeoReport v2 under /open311/v2 (issue 14), for the city apps,
 * mini-programs and hotlines that speak it: discovery, the service list (one
 * service per case category), service definitions (the `village` attribute),
 * POST requests (form-encoded, with an `api_key`), tokens, GET requests with the
 * spec's filters and defaults, GET requests/{id} — each in XML (`.xml`, the
 * spec's required format) and JSON (`.json`), errors in the spec's format.
 *
 * A request opens a real case through the hall's own path (CaseService.openCase:
 * validation, duplicates, routing, the workflow), channel `online`, opened by
 * `open311:<key id>`; `service_request_id` is its tracking code, `status` and
 * `status_notes` follow the case through the residents' public projection
 * (public/public-case.ts): the reply once given, else the last public step.
 *
 * Who sees what: these routes need no session (their contract is the GeoReport
 * spec, so they are not in /openapi.json). Writing needs a live API key; reading
 * does not (GeoReport clients read without one), and then answers only the
 * public fields of requests that came in through Open311 — never cases opened
 * at the hall. A key also sees what it sent itself (description, address,
 * lat/long, media URL) on its own requests. Names, phones and e-mail are never
 * answered. Every route is rate-limited per key (per client without one) on the
 * shared PostgreSQL counters; a request opened, a key refused and a key's read
 * of its own requests go into the audit trail as `open311:<key id>`.
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  CASE_CATEGORIES, IntakeChannel, inGroup, isStrictDateTime, OPEN311_ROUTE, OpenCaseBodySchema, open311Actor, AUDIT_OPEN311_ROLE, PHONE_PATTERN, TEXT_PATTERN,
  TRACKING_CODE_PATTERN, type CaseCategory, type OpenCaseBody, type Pool,
} from '@minqing/shared';
import type { CaseService } from '../case.service';
import type { AuditLog } from '../audit/audit.service';
import { PublicCases, type PublicCaseView } from '../public/public-case';
import { errorAnswer, FORMATS, formatOf, Open311Error, send, toOpen311Error, type Format } from './georeport';
import type { Open311Keys, VerifiedKey } from './keys';
import type { Counters } from '../limits/counters';
import { label, languageOf, type Open311Language } from './labels';
import { Open311Requests, TOKEN_PATTERN, type Open311RequestRow } from './requests.repository';

declare module 'fastify' {
  interface FastifyRequest {
    /** the live API key the request came with (Open311 routes), or null */
    open311Key: VerifiedKey | null;
  }
}

/** The spec's defaults and bounds for GET requests. */
export const OPEN311_WINDOW_DAYS = 90;
export const OPEN311_MAX_RESULTS = 1000;
const DAY_MS = 86_400_000;
/** When this document last changed (the discovery's changeset). */
const CHANGESET = '2026-12-02T00:00:00Z';
const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

const text = (maxLength: number, minLength = 0) => ({ type: 'string', pattern: TEXT_PATTERN, minLength, maxLength });
const DECIMAL = '^-?\\d{1,3}(\\.\\d{1,15})?$';
const EMAIL_PATTERN = (OpenCaseBodySchema.properties.resident.properties.email as { pattern: string }).pattern;

/** POST requests: the spec's parameters, each at most once; `attribute[code]` for the service's attributes. */
const PostRequestBody = {
  type: 'object',
  required: ['service_code'],
  additionalProperties: false,
  properties: {
    api_key: text(200),
    jurisdiction_id: text(64),
    service_code: text(64, 1),
    lat: { type: 'string', pattern: DECIMAL },
    long: { type: 'string', pattern: DECIMAL },
    address_string: text(500, 1),
    address_id: text(100, 1),
    email: { type: 'string', maxLength: 254, pattern: EMAIL_PATTERN },
    device_id: text(100),
    account_id: text(100),
    first_name: text(50),
    last_name: text(50),
    phone: { type: 'string', pattern: PHONE_PATTERN },
    description: text(4000),
    media_url: { type: 'string', maxLength: 2000, pattern: '^https?://[^\\s\\u0000]+$' },
  },
  patternProperties: { '^attribute\\[[A-Za-z0-9_]{1,64}\\]$': text(200) },
} as const;

const ReadQuery = (extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties: { api_key: text(200), jurisdiction_id: text(64), ...extra },
});

const ATTRIBUTE_VILLAGE = 'village';

interface Deps {
  pool: Pool;
  service: CaseService;
  keys: Open311Keys;
  audit: AuditLog;
  /** the shared limiter counters: refused keys are counted per client */
  counters: Counters;
}

/** Refused keys a client may send in a minute before it is told to wait (a key is not guessable; this bounds the load). */
const REFUSED_KEYS_PER_MINUTE = 20;

export const open311Routes: FastifyPluginAsync<Deps> = async (app, deps) => {
  const { service, keys, audit, counters } = deps;
  const requests = new Open311Requests(deps.pool);
  const publicCases = new PublicCases({ pool: deps.pool, service });

  // Form bodies here, and only here (the rest of the API takes JSON).
  app.removeAllContentTypeParsers();
  await app.register(formbody);
  app.decorateRequest('open311Key', null);

  // The key check, its own hook: after the body is parsed (POST carries the key in
  // its form), before it is validated. A key given and not live is a 403 for every
  // route; writing needs one.
  app.addHook('preValidation', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const query = request.query as Record<string, unknown> | undefined;
    const given = request.method === 'POST' ? body?.api_key : query?.api_key;
    if (given === undefined) {
      if (request.method === 'POST') throw Open311Error.of(403, 'api_key is required to submit a request; ask the township\'s administrators for one');
      return;
    }
    const key = typeof given === 'string' ? await keys.verify(given) : null;
    if (!key) {
      const refused = await counters.hit(`open311-refused:${request.ip}`, 60_000);
      if (refused.hits > REFUSED_KEYS_PER_MINUTE) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(refused.ttlMs / 1000))));
        throw Open311Error.of(429, 'too many refused keys from this client; try again later');
      }
      await audit.record(request, { action: 'open311.key_refused', outcome: 'failure', actor: `${AUDIT_OPEN311_ROLE}:?`, actorRole: AUDIT_OPEN311_ROLE, details: { route: request.routeOptions.url ?? null } });
      throw Open311Error.of(403, 'api_key is not valid (unknown or revoked)');
    }
    request.open311Key = key;
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const e = toOpen311Error(err, request);
    if (e.status >= 500) request.log.error({ err }, 'open311 request failed');
    // Not the descriptions: they may echo what the client sent.
    else request.log.info({ open311: e.status, errors: e.errors.length }, 'open311 request rejected');
    return send(reply, formatOf(request), e.status, errorAnswer(e.errors));
  });
  app.setNotFoundHandler((request, reply) =>
    send(reply, formatOf(request), 404, errorAnswer([{ code: 404, description: `no such resource: ${request.method} ${request.url.split('?')[0]} (formats: .xml, .json)` }])),
  );

  // Per key, or per client without one; counted in PostgreSQL like every limiter of the API.
  const limit = (max: number) => ({
    max,
    timeWindow: '1 minute',
    keyGenerator: (request: FastifyRequest) => (request.open311Key ? `key:${request.open311Key.id}` : `client:${request.ip}`),
  });
  const READS = limit(120);
  const WRITES = limit(30);

  const route = (method: 'GET' | 'POST', path: string, opts: { schema?: Record<string, unknown>; rateLimit: ReturnType<typeof limit> }, handler: (request: FastifyRequest, reply: FastifyReply, format: Format) => Promise<unknown>) => {
    for (const format of FORMATS) {
      app.route({
        method,
        url: `${path}.${format}`,
        config: { ...OPEN311_ROUTE, rateLimit: opts.rateLimit },
        schema: { hide: true, ...opts.schema },
        handler: (request, reply) => handler(request, reply, format),
      });
    }
  };

  // ---------------------------------------------------------------- discovery

  route('GET', '/discovery', { schema: { querystring: ReadQuery() }, rateLimit: READS }, async (request, reply, format) => {
    const lang = languageOf(request);
    const url = `${request.protocol}://${request.host}${request.routeOptions.url!.replace(/\/discovery\.(xml|json)$/, '')}`;
    return send(reply, format, 200, {
      root: 'discovery',
      item: null,
      lists: { endpoints: 'endpoint', formats: 'format' },
      body: {
        changeset: CHANGESET,
        contact: label(lang, 'open311', 'contact'),
        key_service: label(lang, 'open311', 'keyService'),
        endpoints: [{ specification: SPECIFICATION, url, changeset: CHANGESET, type: 'production', formats: ['text/xml', 'application/json'] }],
      },
    });
  });

  // ---------------------------------------------------------------- services

  const serviceOf = (code: CaseCategory, lang: Open311Language) => ({
    service_code: code,
    service_name: label(lang, 'category', code),
    description: label(lang, 'open311', `service_${code}`),
    metadata: true,
    type: 'realtime',
    keywords: label(lang === 'en' ? 'zh-CN' : 'en', 'category', code),
    group: label(lang, 'open311', 'group'),
  });

  route('GET', '/services', { schema: { querystring: ReadQuery() }, rateLimit: READS }, async (request, reply, format) => {
    const lang = languageOf(request);
    return send(reply, format, 200, { root: 'services', item: 'service', body: CASE_CATEGORIES.map((c) => serviceOf(c, lang)) });
  });

  route('GET', '/services/:service_code', {
    schema: { params: { type: 'object', properties: { service_code: text(64, 1) }, required: ['service_code'] }, querystring: ReadQuery() },
    rateLimit: READS,
  }, async (request, reply, format) => {
    const code = (request.params as { service_code: string }).service_code;
    if (!(CASE_CATEGORIES as readonly string[]).includes(code)) throw Open311Error.of(404, `service_code ${code} is not a service of this endpoint (see services.${format})`);
    const lang = languageOf(request);
    const villages = await requests.villages();
    return send(reply, format, 200, {
      root: 'service_definition',
      item: null,
      lists: { attributes: 'attribute', values: 'value' },
      body: {
        service_code: code,
        attributes: [
          {
            variable: true,
            code: ATTRIBUTE_VILLAGE,
            datatype: 'singlevaluelist',
            required: false,
            datatype_description: label(lang, 'open311', 'villageHint'),
            order: 1,
            description: label(lang, 'open311', 'village'),
            values: villages.map((v) => ({ key: v.code, name: v.name })),
          },
        ],
      },
    });
  });

  // ---------------------------------------------------------------- POST requests

  route('POST', '/requests', { schema: { body: PostRequestBody, querystring: ReadQuery() }, rateLimit: WRITES }, async (request, reply, format) => {
    const key = request.open311Key!;
    const b = request.body as Record<string, string | undefined>;
    const bad: string[] = [];
    const code = b.service_code!;
    if (!(CASE_CATEGORIES as readonly string[]).includes(code)) bad.push(`service_code ${code} is not a service of this endpoint (see services.${format})`);
    // A location is required: lat and long together, or an address (address_id is a city's own register; minqing has none).
    const hasLat = b.lat !== undefined;
    const hasLong = b.long !== undefined;
    if (hasLat !== hasLong) bad.push('lat and long must be given together');
    const lat = hasLat ? Number(b.lat) : null;
    const long = hasLong ? Number(b.long) : null;
    if (lat !== null && !(lat >= -90 && lat <= 90)) bad.push('lat must be between -90 and 90');
    if (long !== null && !(long >= -180 && long <= 180)) bad.push('long must be between -180 and 180');
    if (b.address_id !== undefined) bad.push('address_id is not supported here; send address_string or lat and long');
    if (!(hasLat && hasLong) && !b.address_string?.trim()) bad.push('a location is required: lat and long, or address_string');
    const description = b.description?.trim() ?? '';
    if (!description) bad.push('description is required: what is the request about?');
    // The township calls the resident back (回访) and the tracking page asks for the phone's last digits.
    if (!b.phone) bad.push('phone is required (mainland mobile, or a landline with area code)');
    const name = nameOf(b.first_name, b.last_name);
    if (!name) bad.push('first_name or last_name is required');
    else if ([...name].length > 50) bad.push('first_name and last_name together must be at most 50 characters');
    let villageCode: string | undefined;
    for (const [k, v] of Object.entries(b)) {
      const m = /^attribute\[(.+)\]$/.exec(k);
      if (!m) continue;
      if (m[1] !== ATTRIBUTE_VILLAGE) bad.push(`attribute[${m[1]}] is not an attribute of this service (see services/${code}.${format})`);
      else if (v && !(await requests.villageExists(v))) bad.push(`attribute[${ATTRIBUTE_VILLAGE}] ${v} is not one of its values`);
      else if (v) villageCode = v;
    }
    if (bad.length) throw Open311Error.of(400, ...bad);

    const location = [b.address_string?.trim(), lat !== null && long !== null ? `geo:${lat},${long}` : undefined].filter(Boolean).join('\n');
    const body: OpenCaseBody = {
      category: code as CaseCategory,
      priority: 'normal',
      channel: IntakeChannel.online,
      title: titleOf(description),
      description: location ? `${description}\n\n${location}` : description,
      resident: { name: name!, phone: b.phone!, ...(b.email ? { email: b.email } : {}) },
      ...(key.servicePointCode ? { servicePointCode: key.servicePointCode } : {}),
      ...(villageCode ? { villageCode } : {}),
    };
    const opened = await service.openCase(body, { actor: open311Actor(key.id), requester: `${key.id}:${b.phone!.replace(/\D/g, '')}` });
    const { token } = await requests.record({
      caseId: opened.id, trackingCode: opened.trackingCode, keyId: key.id, serviceCode: code, requestedAt: opened.openedAt,
      address: b.address_string?.trim() || null, lat, long, mediaUrl: b.media_url ?? null,
    });
    if (opened.created) {
      await audit.record(request, {
        action: 'case.open', actor: open311Actor(key.id), actorRole: AUDIT_OPEN311_ROLE, subjectType: 'case', subject: opened.id,
        details: { trackingCode: opened.trackingCode, channel: body.channel, category: body.category, via: 'open311', key: key.id },
      });
    }
    return send(reply, format, opened.created ? 201 : 200, {
      root: 'service_requests',
      item: 'request',
      body: [{ service_request_id: opened.trackingCode, token, ...(b.account_id ? { account_id: b.account_id } : {}) }],
    });
  });

  // ---------------------------------------------------------------- reading requests

  async function answerRequests(request: FastifyRequest, rows: Open311RequestRow[]) {
    const lang = languageOf(request);
    const views = await publicCases.views(rows.map((r) => r.publicCase));
    const key = request.open311Key;
    const own = key ? rows.filter((r) => r.keyId === key.id) : [];
    // What the key sent is the resident's: no answer without its audit entry.
    if (key && own.length) {
      await audit.record(request, {
        action: 'open311.read', actor: open311Actor(key.id), actorRole: AUDIT_OPEN311_ROLE, subjectType: 'open311_key', subject: key.id,
        details: { requests: rows.length, own: own.length, first: own[0]!.trackingCode },
      }, { required: true });
    }
    return rows.map((r, i) => record(r, views[i]!, lang, key?.id === r.keyId));
  }

  route('GET', '/requests', {
    schema: {
      querystring: ReadQuery({ service_request_id: text(20_000), service_code: text(2_000), start_date: text(40), end_date: text(40), status: text(40) }),
    },
    rateLimit: READS,
  }, async (request, reply, format) => {
    const q = request.query as Record<string, string | undefined>;
    const bad: string[] = [];
    const list = (v: string | undefined) => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean));
    const ids = list(q.service_request_id)?.map((s) => s.toUpperCase());
    const codes = list(q.service_code);
    const statuses = list(q.status);
    if (ids) {
      if (ids.length === 0) bad.push('service_request_id must name at least one request');
      if (ids.length > OPEN311_MAX_RESULTS) bad.push(`service_request_id names more than ${OPEN311_MAX_RESULTS} requests`);
      for (const id of ids.filter((s) => !new RegExp(TRACKING_CODE_PATTERN).test(s)).slice(0, 5)) bad.push(`service_request_id ${id} is not a request id of this endpoint`);
    }
    for (const c of (codes ?? []).filter((s) => !(CASE_CATEGORIES as readonly string[]).includes(s)).slice(0, 5)) bad.push(`service_code ${c} is not a service of this endpoint`);
    for (const s of (statuses ?? []).filter((s) => s !== 'open' && s !== 'closed')) bad.push(`status ${s} is not one of open, closed`);
    const date = (name: 'start_date' | 'end_date') => {
      const v = q[name];
      if (v === undefined) return undefined;
      if (!isStrictDateTime(v)) {
        bad.push(`${name} must be a W3C date-time, e.g. 2026-12-01T00:00:00Z`);
        return undefined;
      }
      return new Date(v);
    };
    const start = date('start_date');
    const end = date('end_date');
    if (bad.length) throw Open311Error.of(400, ...bad);

    // service_request_id overrides every other filter (the spec); else the window: the
    // last 90 days by default, never wider than 90 days.
    let from: Date | undefined;
    let to: Date | undefined;
    if (!ids) {
      to = end ?? (start ? new Date(Math.min(Date.now(), start.getTime() + OPEN311_WINDOW_DAYS * DAY_MS)) : new Date());
      from = start ?? new Date(to.getTime() - OPEN311_WINDOW_DAYS * DAY_MS);
      if (from > to) throw Open311Error.of(400, 'start_date must not be after end_date');
      if (to.getTime() - from.getTime() > OPEN311_WINDOW_DAYS * DAY_MS) throw Open311Error.of(400, `start_date and end_date may not span more than ${OPEN311_WINDOW_DAYS} days`);
    }
    const rows = ids
      ? await requests.list({ trackingCodes: ids, limit: OPEN311_MAX_RESULTS })
      : await requests.list({ serviceCodes: codes, statuses: statuses as ('open' | 'closed')[] | undefined, from, to, limit: OPEN311_MAX_RESULTS + 1 });
    // No silent cap: a cut list says so, and where the rest is (the same query up to the oldest shown).
    if (rows.length > OPEN311_MAX_RESULTS) {
      rows.length = OPEN311_MAX_RESULTS;
      const next = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v !== undefined && k !== 'api_key' && k !== 'start_date' && k !== 'end_date') next.set(k, v);
      next.set('start_date', from!.toISOString());
      next.set('end_date', rows[rows.length - 1]!.requestedAt.toISOString());
      reply.header('link', `<${request.routeOptions.url}?${next.toString()}>; rel="next"`);
      reply.header('x-result-truncated', String(OPEN311_MAX_RESULTS));
    }
    return send(reply, format, 200, { root: 'service_requests', item: 'request', body: await answerRequests(request, rows) });
  });

  route('GET', '/requests/:service_request_id', {
    schema: { params: { type: 'object', properties: { service_request_id: text(64, 1) }, required: ['service_request_id'] }, querystring: ReadQuery() },
    rateLimit: READS,
  }, async (request, reply, format) => {
    const id = (request.params as { service_request_id: string }).service_request_id.toUpperCase();
    const row = new RegExp(TRACKING_CODE_PATTERN).test(id) ? await requests.byTrackingCode(id) : null;
    if (!row) throw Open311Error.of(404, `service_request_id ${id} is not a request of this endpoint`);
    return send(reply, format, 200, { root: 'service_requests', item: 'request', body: await answerRequests(request, [row]) });
  });

  route('GET', '/tokens/:token', {
    schema: { params: { type: 'object', properties: { token: text(64, 1) }, required: ['token'] }, querystring: ReadQuery() },
    rateLimit: READS,
  }, async (request, reply, format) => {
    const token = (request.params as { token: string }).token;
    const found = new RegExp(TOKEN_PATTERN).test(token) ? await requests.byToken(token) : null;
    if (!found) throw Open311Error.of(404, 'no request has this token');
    return send(reply, format, 200, { root: 'service_requests', item: 'request', body: [{ service_request_id: found.trackingCode, token: found.token }] });
  });
};

/** The resident's name as the case carries it: family name first for Chinese names, "first last" otherwise. */
function nameOf(first: string | undefined, last: string | undefined): string | null {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return null;
  if (!f || !l) return f || l;
  return /^[\p{Script=Han}·]+$/u.test(`${l}${f}`) ? `${l}${f}` : `${f} ${l}`;
}

/** The case's one-line title: the description's first line, cut at 60 characters. */
function titleOf(description: string): string {
  const first = description.split(/\r?\n/)[0]!.trim();
  const chars = [...first];
  return chars.length > 60 ? `${chars.slice(0, 59).join('')}…` : first;
}

/** One request as GeoReport answers it: the public projection, plus what the key itself sent when it is the key's. */
function record(r: Open311RequestRow, v: PublicCaseView, lang: Open311Language, own: boolean) {
  const last = v.steps[v.steps.length - 1];
  return {
    service_request_id: r.trackingCode,
    status: inGroup('terminal', v.status) ? 'closed' : 'open',
    status_notes: v.reply ?? (last ? label(lang, 'timeline', last.kind) : label(lang, 'timeline', 'opened')),
    service_name: label(lang, 'category', v.category),
    service_code: r.serviceCode,
    ...(own ? { description: r.description } : {}),
    requested_datetime: v.openedAt,
    updated_datetime: last?.at ?? v.openedAt,
    expected_datetime: v.expectedReplyBy,
    ...(own ? { address: r.address, lat: r.lat, long: r.long, media_url: r.mediaUrl } : {}),
  };
}
