/** Small helpers for integration tests: HTTP calls, polling, Kafka reads. */
import { inject } from 'vitest';
import {
  CASE_API_ISSUER, createIdempotentProducer, createKafka, parseServiceTokenSecrets, readTopic, REPORTING_AUDIENCE, ServiceTokenSigner, withAdmin,
  type KafkaClient, type KafkaMessage, type OutgoingMessage, type ScopePrincipal,
} from '@minqing/shared';

export type { KafkaMessage };

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

/** The project's Kafka client (shared/src/kafka.ts) for the tests' own reads and writes. */
export function kafkaClient(brokers: string): KafkaClient {
  return createKafka({ brokers, clientId: 'minqing-tests' });
}

/** Every message on `topic` up to where it ends now, in offset order per partition (no committed group). */
export function readAll(brokers: string, topic: string, timeoutMs = 60_000): Promise<KafkaMessage[]> {
  return readTopic(kafkaClient(brokers), topic, { timeoutMs });
}

/** Read a topic from the beginning until `match` finds a message (own throwaway group). */
export async function findMessage(
  brokers: string,
  topic: string,
  match: (m: KafkaMessage) => boolean,
  timeoutMs = 20_000,
): Promise<{ message: KafkaMessage; partition: number }> {
  const read = await readTopic(kafkaClient(brokers), topic, { until: match, timeoutMs }).catch((err: Error) => {
    throw new Error(`no matching message on ${topic} within ${timeoutMs} ms (${err.message})`);
  });
  const message = read[read.length - 1]!;
  return { message, partition: message.partition };
}

/** Send messages as a service would (the idempotent producer; the key picks the partition). */
export async function sendMessages(brokers: string, topic: string, messages: OutgoingMessage[]): Promise<void> {
  const producer = createIdempotentProducer(kafkaClient(brokers));
  try {
    for (let i = 0; i < messages.length; i += 500) await producer.send(topic, messages.slice(i, i + 500));
  } finally {
    await producer.disconnect();
  }
}

/** The stack's own reporting group (other tests may run reporting copies in groups of their own). */
export async function reportingGroupId(): Promise<string> {
  const given = env().serviceEnv.REPORTING_GROUP_ID;
  if (given) return given;
  const groups = await withAdmin(kafkaClient(env().KAFKA_BROKERS), (admin) => admin.listGroups());
  return groups.find((g) => g.startsWith('minqing-reporting'))!;
}

/** Whether `groupId` has committed up to the end of every partition of `topic`. */
export async function committedToEnd(brokers: string, groupId: string, topic: string): Promise<boolean> {
  return withAdmin(kafkaClient(brokers), async (admin) => {
    const ends = await admin.topicOffsets(topic);
    const committed = await admin.committedOffsets(groupId, topic);
    return ends.every((p) => p.high === 0 || committed.find((c) => c.partition === p.partition)?.offset === p.high);
  });
}

export const header = (m: KafkaMessage, name: string): string | undefined => m.headers[name];

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
