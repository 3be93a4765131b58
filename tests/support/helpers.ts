/** Small helpers for integration tests: HTTP calls, polling, Kafka reads. */
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { inject } from 'vitest';
import { CASE_API_ISSUER, parseServiceTokenSecrets, REPORTING_AUDIENCE, ServiceTokenSigner, type ScopePrincipal } from '@minqing/shared';

export const env = () => inject('minqing');

/**
 * The initial password the administrator gives the staff accounts tests create,
 * and the password each person then chooses at their first sign-in (an initial
 * password must be changed before anything else). Throwaway stack: not secrets.
 */
export const TEST_STAFF_INITIAL_PASSWORD = 'test-staff-initial';
export const TEST_STAFF_PASSWORD = 'test-staff-password';
const tokens = new Map<string, Promise<string>>();

async function signIn(username: string, password: string): Promise<{ token: string; mustChangePassword: boolean }> {
  const res = await fetch(`${env().apiUrl}/api/v1/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  const { token, me } = (await res.json()) as { token: string; me: { mustChangePassword?: boolean } };
  return { token, mustChangePassword: me.mustChangePassword === true };
}

/** Signs in with the initial password and, as the console makes a new user do, replaces it with `chosen` (the session stays). */
export async function firstSignIn(username: string, initial: string, chosen = TEST_STAFF_PASSWORD): Promise<string> {
  const { token, mustChangePassword } = await signIn(username, initial);
  if (!mustChangePassword) return token;
  const res = await fetch(`${env().apiUrl}/api/v1/auth/password`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ currentPassword: initial, newPassword: chosen }),
  });
  if (res.status !== 204) throw new Error(`${username} could not replace the initial password: ${res.status} ${await res.text()}`);
  return token;
}

/** The administrator's session of this test run (the global setup signed in once). */
export const adminToken = (): Promise<string> => Promise.resolve(env().adminToken);

/**
 * A session for the roster cadre `code`: the administrator creates their
 * account on first use with an initial password, and the cadre replaces it with
 * TEST_STAFF_PASSWORD at the first sign-in. A code that is not in the roster
 * gets a token the API does not know, so its calls are answered as unauthenticated.
 */
export function tokenFor(code: string, account: Record<string, unknown> = {}): Promise<string> {
  if (!tokens.has(code)) {
    tokens.set(code, (async () => {
      const put = await fetch(`${env().apiUrl}/api/v1/accounts/${encodeURIComponent(code)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await adminToken()}` },
        body: JSON.stringify({ cadreCode: code, password: TEST_STAFF_INITIAL_PASSWORD, ...account }),
      });
      if (put.status === 422) return `unknown-${code}`;
      if (put.status >= 300) throw new Error(`creating the account of ${code} failed: ${put.status} ${await put.text()}`);
      return firstSignIn(code, TEST_STAFF_INITIAL_PASSWORD);
    })());
  }
  return tokens.get(code)!;
}

/** Who tests act as on the reporting service unless they say otherwise: an administrator (every operation, every group). */
export const REPORTING_ADMIN: ScopePrincipal = { username: 'admin', role: 'admin', cadreCode: null, departmentCode: null, areaCodes: [] };

/**
 * A service token for a direct call to the reporting service, signed like the
 * case API signs its own (issuer minqing-case-api, audience minqing-reporting,
 * 60 s) with the test stack's SERVICE_TOKEN_SECRETS, for `principal`.
 */
export async function serviceToken(principal: ScopePrincipal = REPORTING_ADMIN, opts: { secrets?: string; audience?: string; issuer?: string } = {}): Promise<string> {
  const secrets = opts.secrets ?? env().serviceTokenSecrets;
  if (!secrets) throw new Error('no SERVICE_TOKEN_SECRETS for the services under test (set it when pointing the tests at running services)');
  const signer = new ServiceTokenSigner({ secrets: parseServiceTokenSecrets(secrets), issuer: opts.issuer ?? CASE_API_ISSUER });
  return signer.sign(opts.audience ?? REPORTING_AUDIENCE, principal);
}

/**
 * Case API calls act as someone: `x-actor: <cadre code>` in `headers` signs in
 * as that roster cadre (test shorthand; the API itself knows only sessions),
 * no actor acts as the administrator, and `authorization: ''` sends no
 * credentials at all. Reporting API calls carry a service token for
 * REPORTING_ADMIN unless they send their own `authorization` (or `''` for
 * none). Other URLs are fetched as given.
 */
async function authorize(url: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const { 'x-actor': actor, ...rest } = headers;
  if (rest.authorization === '') {
    delete rest.authorization;
    return rest;
  }
  if (url.startsWith(`${env().reportingUrl}/api/v1/`) && rest.authorization === undefined) return { ...rest, authorization: `Bearer ${await serviceToken()}` };
  const api = `${env().apiUrl}/api/v1/`;
  if (!url.startsWith(api) || rest.authorization !== undefined || /\/api\/v1\/(public|auth)\//.test(url)) return rest;
  return { ...rest, authorization: `Bearer ${actor ? await tokenFor(actor) : await adminToken()}` };
}

export async function http(method: string, url: string, body?: unknown, given: Record<string, string> = {}) {
  const headers = await authorize(url, given);
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** Poll `fn` until it returns a value that is not undefined/false, or fail after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/**
 * Waits until the reporting consumer has applied every event that the cases opened since
 * `since` emitted: each outbox row's event id is among reporting's processed events.
 */
export async function reportingCaughtUp(db: { query(sql: string, params: unknown[]): Promise<{ rows: { missing: number }[] }> }, since: string, timeoutMs = 120_000): Promise<void> {
  await eventually(async () => {
    const r = await db.query(
      `SELECT count(*)::int AS missing FROM casework.outbox o JOIN casework.cases c ON c.id = o.case_id
        WHERE c.opened_at >= $1 AND NOT EXISTS (SELECT 1 FROM reporting.processed_events p WHERE p.event_id = o.event_id)`,
      [since],
    );
    return r.rows[0]!.missing === 0;
  }, 'reporting to apply every event of these cases', timeoutMs);
}

export function kafkaClient(brokers: string): Kafka {
  return new Kafka({ clientId: 'minqing-tests', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Read a topic from the beginning until `match` finds a message (own throwaway group). */
export async function findMessage(
  brokers: string,
  topic: string,
  match: (m: KafkaMessage) => boolean,
  timeoutMs = 20_000,
): Promise<{ message: KafkaMessage; partition: number }> {
  const kafka = kafkaClient(brokers);
  const consumer = kafka.consumer({ groupId: `tests-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          if (match(message)) {
            clearTimeout(timer);
            resolve({ message, partition });
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

export const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

let counter = 0;
/** A valid openCase body; `overrides` replace top-level fields. */
export function caseBody(overrides: Record<string, unknown> = {}) {
  counter++;
  return {
    category: 'livelihood_difficulty',
    priority: 'normal',
    channel: 'hall',
    servicePointCode: 'hall-main',
    title: `冬季取暖用煤困难 #${counter}`,
    description: '独居老人家中取暖煤不足，请求协调解决。',
    resident: { name: '王桂兰', phone: '13912345678' },
    villageCode: 'wulan',
    ...overrides,
  };
}

export const uniqueKey = (label: string) => `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
