/**
 * The one way the console talks to the case API: same-origin fetch with the
 * session cookie, JSON in and out, RFC 9457 problems turned into ApiError, and
 * a 401 on any signed-in call handed to the sign-in redirect.
 */
export interface FieldError {
  field: string;
  /** English, for logs; the console words the error from code and params */
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
  /** a refusal's stable code (e.g. a lifecycle rejection's `wrong_status`): the console words it from code and params */
  code?: string;
  params?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler | null = null;
/** The auth provider registers what a 401 means (go to /sign-in, keeping the intended path). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** a body sent as it is (e.g. CSV text), with the content-type given in `headers` */
  raw?: string;
  headers?: Record<string, string>;
  /** public and sign-in calls: a 401 is an answer, not a lost session */
  ignoreUnauthorized?: boolean;
  signal?: AbortSignal;
}

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function toProblem(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<Problem> & { message?: string; error?: string };
    return {
      type: body.type,
      title: body.title ?? body.error ?? res.statusText ?? String(res.status),
      status: body.status ?? res.status,
      detail: body.detail ?? body.message,
      errors: Array.isArray(body.errors) ? body.errors : undefined,
      ...(typeof body.code === 'string' ? { code: body.code, params: body.params && typeof body.params === 'object' ? body.params : {} } : {}),
    };
  } catch {
    return { title: res.statusText || String(res.status), status: res.status, detail: text.slice(0, 300) || undefined };
  }
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined && options.raw === undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
      credentials: 'same-origin',
      headers,
      body: options.raw ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError({ title: 'network', status: 0, type: 'urn:minqing:web:network' });
  }
  if (res.status === 401 && !options.ignoreUnauthorized) onUnauthorized?.();
  if (!res.ok) throw new ApiError(await toProblem(res));
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A problem from anything thrown (network failures included). */
export function problemOf(err: unknown): Problem {
  if (err instanceof ApiError) return err.problem;
  return { title: 'error', status: 0, detail: err instanceof Error ? err.message : String(err) };
}

export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** A v4 UUID for Idempotency-Key; crypto.randomUUID needs a secure context, getRandomValues does not. */
export function uuid(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
