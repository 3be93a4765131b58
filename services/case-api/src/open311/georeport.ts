/**
 * The GeoReport v2 wire format: every answer in XML (the spec's required
 * format) or JSON, chosen by the path's extension, and the spec's error
 * document — a list of errors, each with a `code` (the HTTP status) and a
 * `description` — in the same format. XML is written with fast-xml-parser's
 * XMLBuilder (text escaped); a list is the spec's wrapper element with one
 * child element per item.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from '@minqing/shared';

export const FORMATS = ['xml', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPES: Record<Format, string> = { xml: 'text/xml; charset=utf-8', json: 'application/json; charset=utf-8' };

/** A value of an answer: nulls and empty fields are left out of both formats. */
type Value = string | number | boolean | null | undefined | Value[] | { [k: string]: Value };

/**
 * How an answer is written: the JSON value as the spec shows it, and for XML the
 * root element and, for a list, the element of each item (`services`/`service`).
 */
export interface Answer {
  root: string;
  /** a list's item element; null for a single document */
  item: string | null;
  body: Value;
  /** inside documents: list-valued fields and the element of their items (e.g. attributes → attribute) */
  lists?: Record<string, string>;
}

const builder = new XMLBuilder({ format: true, ignoreAttributes: true, suppressEmptyNode: false, processEntities: true });

function toXmlTree(v: Value, lists: Record<string, string>): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) return v.map((x) => toXmlTree(x, lists));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === null || x === undefined) continue;
      const itemTag = lists[k];
      out[k] = itemTag && Array.isArray(x) ? { [itemTag]: x.map((y) => toXmlTree(y, lists)) } : toXmlTree(x, lists);
    }
    return out;
  }
  return String(v);
}

function withoutNulls(v: Value): Value {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, Value> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

export function render(format: Format, a: Answer): string {
  if (format === 'json') return JSON.stringify(withoutNulls(a.body));
  const lists = a.lists ?? {};
  const inner = a.item ? { [a.item]: toXmlTree(a.body, lists) } : toXmlTree(a.body, lists);
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [a.root]: inner ?? '' })}`;
}

export function send(reply: FastifyReply, format: Format, status: number, a: Answer): FastifyReply {
  return reply.code(status).type(CONTENT_TYPES[format]).send(render(format, a));
}

// ------------------------------------------------------------------ errors

export interface Open311ErrorItem {
  code: number;
  description: string;
}

/** An answer in the spec's error format: the HTTP status and what went wrong, one entry per problem. */
export class Open311Error extends Error {
  constructor(
    readonly status: number,
    readonly errors: Open311ErrorItem[],
  ) {
    super(errors.map((e) => e.description).join('; '));
  }
  static of(status: number, ...descriptions: string[]): Open311Error {
    return new Open311Error(status, descriptions.map((description) => ({ code: status, description })));
  }
}

export const errorAnswer = (errors: Open311ErrorItem[]): Answer => ({ root: 'errors', item: 'error', body: errors as unknown as Value });

/** The format a request asked for: its route's extension (or its path's, for a path no route matched); XML by default. */
export function formatOf(request: FastifyRequest): Format {
  const path = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** A field name as the spec spells it, from an Ajv error. */
function fieldOf(v: { instancePath?: string; params?: Record<string, unknown> }): string {
  const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : null;
  const extra = typeof v.params?.additionalProperty === 'string' ? v.params.additionalProperty : null;
  const at = (v.instancePath ?? '').replace(/^\//, '').split('/')[0] ?? '';
  return missing ?? extra ?? at;
}

/** Any error thrown on an Open311 route as the spec's error document (a 5xx says nothing of its cause). */
export function toOpen311Error(err: FastifyError | Error, request: FastifyRequest): Open311Error {
  if (err instanceof Open311Error) return err;
  if (err instanceof DomainError) {
    const fields = (err.extensions.errors as FieldError[] | undefined) ?? [];
    if (fields.length) return new Open311Error(err.status, fields.map((f) => ({ code: err.status, description: `${f.field.replace(/^(body|querystring|params)\/?/, '')} ${f.message}` })));
    return Open311Error.of(err.status, err.message);
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const seen = new Map<string, string>();
    for (const v of fe.validation) {
      const field = fieldOf(v as never);
      const params = (v.params ?? {}) as Record<string, unknown>;
      const message = typeof params.missingProperty === 'string'
        ? 'is required'
        : typeof params.additionalProperty === 'string'
          ? 'is not a parameter of this request'
          : v.keyword === 'type' && params.type === 'string'
            ? 'must be given once'
            : (v.message ?? 'is invalid');
      if (!seen.has(field)) seen.set(field, message);
    }
    return new Open311Error(400, [...seen].map(([field, message]) => ({ code: 400, description: `${field || 'request'} ${message}` })));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return Open311Error.of(415, 'send the request as application/x-www-form-urlencoded');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return Open311Error.of(413, 'the request body is larger than allowed');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return Open311Error.of(400, 'the request body is malformed');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) return Open311Error.of(fe.statusCode, fe.message);
  return Open311Error.of(500, `something went wrong on our side; quote request id ${request.id} when reporting it`);
}
