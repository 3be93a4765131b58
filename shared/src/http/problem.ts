/**
 * Errors at the HTTP edge are RFC 9457 problem documents
 * (`application/problem+json`) with a stable `type` per error kind. Domain code
 * throws typed errors (below); only this module knows about status codes. A 5xx
 * never leaks internals: the client gets a generic detail and the log gets the rest.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { coerceQueryStrings } from './query';
import { TEXT_PATTERN, UNSAFE_TEXT_MESSAGE, unsafeTextPaths } from '../domain/text';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'urn:minqing:problem:';

export const ProblemType = {
  validation: `${TYPE_BASE}validation-error`,
  malformedBody: `${TYPE_BASE}malformed-body`,
  unsupportedMediaType: `${TYPE_BASE}unsupported-media-type`,
  payloadTooLarge: `${TYPE_BASE}payload-too-large`,
  notFound: `${TYPE_BASE}not-found`,
  methodNotAllowed: `${TYPE_BASE}method-not-allowed`,
  conflict: `${TYPE_BASE}conflict`,
  idempotencyKeyReused: `${TYPE_BASE}idempotency-key-reused`,
  transitionNotAllowed: `${TYPE_BASE}transition-not-allowed`,
  forbidden: `${TYPE_BASE}forbidden`,
  unauthenticated: `${TYPE_BASE}unauthenticated`,
  signInFailed: `${TYPE_BASE}sign-in-failed`,
  tooManyRequests: `${TYPE_BASE}too-many-requests`,
  /** too many failed sign-ins for one user name: wait, or an administrator unlocks it */
  accountLocked: `${TYPE_BASE}account-locked`,
  /** the session may only change its password until the initial or reset one is changed */
  passwordChangeRequired: `${TYPE_BASE}password-change-required`,
  unavailable: `${TYPE_BASE}dependency-unavailable`,
  /** the figures are being rebuilt: signing off waits until the rebuilt projection is live */
  rebuildRunning: `${TYPE_BASE}rebuild-running`,
  internal: `${TYPE_BASE}internal-error`,
} as const;

export interface FieldError {
  field: string;
  /** English, for logs and API users; a console words the error from `code` and `params` */
  message: string;
  /** stable code of the error kind (FIELD_ERROR_CODES), e.g. `required`, `too_short` */
  code?: string;
  /** what the code needs to be worded, e.g. `{ min: 1 }` for too_short */
  params?: Record<string, string | number>;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [ext: string]: unknown;
}

/** Base of every typed error that maps to a problem document. */
export class DomainError extends Error {
  constructor(
    readonly problemType: string,
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(ProblemType.notFound, 404, 'Not found', `${what} ${id} does not exist`);
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(
      ProblemType.idempotencyKeyReused,
      422,
      'Idempotency-Key reused with a different request',
      `Idempotency-Key ${JSON.stringify(key)} was already used for a different request body; use a new key for a new request`,
    );
  }
}

/** No valid session: sign in (again). */
export class UnauthenticatedError extends DomainError {
  constructor(detail = 'sign in first; your session may have expired') {
    super(ProblemType.unauthenticated, 401, 'Not signed in', detail);
  }
}

/** Signed in, but the role or the links do not allow this. */
export class ForbiddenError extends DomainError {
  constructor(detail: string) {
    super(ProblemType.forbidden, 403, 'Forbidden', detail);
  }
}

export class DependencyUnavailableError extends DomainError {
  constructor(dependency: string) {
    super(ProblemType.unavailable, 503, 'Service temporarily unavailable', `${dependency} is not reachable right now; retry with the same Idempotency-Key`);
  }
}

/** A 400 naming each field that holds text the system cannot store (a NUL, an unpaired surrogate). */
export class UnsafeTextError extends DomainError {
  constructor(fields: string[]) {
    const errors: FieldError[] = fields.map((field) => ({ field, message: UNSAFE_TEXT_MESSAGE, code: 'unsafe_text', params: {} }));
    super(ProblemType.validation, 400, 'Invalid request', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
  }
}

/** Throws UnsafeTextError when any string (or key) in `value` holds a NUL or an unpaired surrogate. */
export function assertSafeText(value: unknown, prefix = 'body'): void {
  const bad = unsafeTextPaths(value, prefix);
  if (bad.length) throw new UnsafeTextError(bad);
}

/**
 * The safety net under the schemas: whatever a route's schema says, no string
 * holding a NUL or an unpaired surrogate gets past the edge, in a path
 * parameter, a query string or a body (JSON or text). The schemas refuse such
 * text field by field already (`Text`, `Code` in domain/text.ts); this catches
 * a field someone forgot, before PostgreSQL fails on it with a 500 — or a
 * workflow retries it forever. Runs after parsing, before schema validation.
 */
function refuseUnsafeText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const bad = [
      ...unsafeTextPaths(request.params, 'params'),
      ...unsafeTextPaths(request.query, 'querystring'),
      ...unsafeTextPaths(request.body, 'body'),
    ];
    if (bad.length) throw new UnsafeTextError(bad);
  });
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

function validationErrors(err: FastifyError): FieldError[] {
  const ctx = err.validationContext ?? 'body';
  return (err.validation ?? []).map((v) => {
    let field = v.instancePath || '';
    const params = v.params as Record<string, unknown>;
    if (typeof params.missingProperty === 'string') field = `${field}/${params.missingProperty}`;
    if (typeof params.additionalProperty === 'string') field = `${field}/${params.additionalProperty}`;
    const message =
      typeof params.additionalProperty === 'string'
        ? 'is not an allowed property'
        : params.pattern === TEXT_PATTERN
          ? UNSAFE_TEXT_MESSAGE
        : typeof params.allowedValues !== 'undefined'
          ? `${v.message}: ${JSON.stringify(params.allowedValues)}`
          : (v.message ?? 'is invalid');
    return { field: `${ctx}${field || ''}`, message, ...fieldErrorCode(v.keyword, params) };
  });
}

/**
 * The stable codes of field errors (issue 11): a client words the error in its
 * own language from the code and its params, never from Ajv's English message.
 */
export const FIELD_ERROR_CODES = [
  'required', 'too_short', 'too_long', 'too_small', 'too_large', 'too_few', 'too_many', 'bad_format', 'not_allowed',
  'unknown_property', 'wrong_type', 'unsafe_text', 'cursor_foreign', 'invalid',
  // a work record of a kind the plan fixes a weekday for (the Friday clean-up day), on another day: params { weekday } (ISO, 5 = Friday)
  'wrong_weekday',
  // the ledger's checks across fields (shared/src/domain/ledger.ts): a count above the total it is part of (params { max }),
  // age groups that do not add up to the members (params { sum, total }), a main choice not among those ticked, a population below its households (params { min })
  'exceeds_total', 'sum_mismatch', 'not_selected', 'fewer_than_households',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** The code and params of one Ajv error. */
export function fieldErrorCode(keyword: string | undefined, params: Record<string, unknown>): { code: FieldErrorCode; params: Record<string, string | number> } {
  const n = (v: unknown) => (typeof v === 'number' ? v : Number(v));
  switch (keyword) {
    case 'required': return { code: 'required', params: {} };
    case 'minLength': return { code: 'too_short', params: { min: n(params.limit) } };
    case 'maxLength': return { code: 'too_long', params: { max: n(params.limit) } };
    case 'minimum': case 'exclusiveMinimum': return { code: 'too_small', params: { min: n(params.limit) } };
    case 'maximum': case 'exclusiveMaximum': return { code: 'too_large', params: { max: n(params.limit) } };
    case 'minItems': case 'minProperties': return { code: 'too_few', params: { min: n(params.limit) } };
    case 'maxItems': case 'maxProperties': return { code: 'too_many', params: { max: n(params.limit) } };
    case 'pattern': return params.pattern === TEXT_PATTERN ? { code: 'unsafe_text', params: {} } : { code: 'bad_format', params: {} };
    case 'format': return { code: 'bad_format', params: typeof params.format === 'string' ? { format: params.format } : {} };
    case 'enum': case 'const': case 'anyOf': case 'oneOf': return { code: 'not_allowed', params: {} };
    case 'additionalProperties': return { code: 'unknown_property', params: {} };
    case 'type': return { code: 'wrong_type', params: typeof params.type === 'string' ? { type: params.type } : {} };
    default: return { code: 'invalid', params: {} };
  }
}

/** Collapse Ajv's union noise ("must be equal to constant" × n) into one line per field. */
function dedupe(errors: FieldError[]): FieldError[] {
  const byField = new Map<string, FieldError>();
  for (const e of errors) {
    const prev = byField.get(e.field);
    if (!prev) byField.set(e.field, e);
    else if (e.message.startsWith('must be equal to constant')) byField.set(e.field, { field: e.field, message: 'is not one of the allowed values', code: 'not_allowed', params: {} });
  }
  for (const [field, e] of byField) {
    if (e.message === 'must match a schema in anyOf' || e.message.startsWith('must be equal to constant')) {
      byField.set(field, { field, message: 'is not one of the allowed values', code: 'not_allowed', params: {} });
    }
  }
  return [...byField.values()];
}

export function toProblem(err: FastifyError | Error, request: FastifyRequest): Problem {
  const instance = request.url;
  if (err instanceof DomainError) {
    return { type: err.problemType, title: err.title, status: err.status, detail: err.message, instance, ...err.extensions };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const errors = dedupe(validationErrors(fe));
    return {
      type: ProblemType.validation,
      title: 'Invalid request',
      status: 400,
      detail: errors.map((e) => `${e.field} ${e.message}`).join('; '),
      instance,
      errors,
    };
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { type: ProblemType.malformedBody, title: 'Malformed request body', status: 400, detail: 'the body is not valid JSON', instance };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return {
        type: ProblemType.unsupportedMediaType,
        title: 'Unsupported media type',
        status: 415,
        detail: 'send the body as application/json',
        instance,
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { type: ProblemType.payloadTooLarge, title: 'Payload too large', status: 413, detail: 'the body is larger than allowed', instance };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { type: `${TYPE_BASE}http-${fe.statusCode}`, title: fe.message, status: fe.statusCode, instance };
  }
  return {
    type: ProblemType.internal,
    title: 'Internal error',
    status: 500,
    detail: `something went wrong on our side; quote request id ${request.id} when reporting it`,
    instance,
  };
}

/** Installs the one error handler and the not-found handler for an app. */
export function registerProblemHandlers(app: FastifyInstance): void {
  coerceQueryStrings(app);
  refuseUnsafeText(app);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const problem = toProblem(err, request);
    if (problem.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ problem: problem.type, detail: problem.detail }, 'request rejected');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, {
      type: ProblemType.notFound,
      title: 'Not found',
      status: 404,
      detail: `no route ${request.method} ${request.url.split('?')[0]}`,
      instance: request.url,
    }),
  );
}

/** Problem document schema for OpenAPI responses. */
export const ProblemSchema = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem document',
  required: ['type', 'title', 'status'],
  // Extension members (RFC 9457 §3.2), e.g. `move`, must survive serialisation.
  additionalProperties: true,
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          field: { type: 'string' },
          message: { type: 'string', description: 'English, for logs; word the error from code and params' },
          code: { type: 'string', description: 'stable error kind: required, too_short, too_long, too_small, too_large, too_few, too_many, bad_format, not_allowed, unknown_property, wrong_type, unsafe_text, cursor_foreign, invalid, wrong_weekday, exceeds_total, sum_mismatch, not_selected, fewer_than_households' },
          params: { type: 'object', additionalProperties: true, description: 'what the code needs, e.g. { min: 1 }' },
        },
      },
    },
  },
} as const;
