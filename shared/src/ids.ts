/**
 * Identifiers derived at the edge. Node-only (uses node:crypto), so workflow
 * code receives these values in its input instead of computing them.
 */
import { createHash, randomUUID } from 'node:crypto';

/** Namespace for name-based (v5) case ids; fixed forever, changing it would re-key every retry. */
const CASE_ID_NAMESPACE = 'a4f0c7a2-3d1e-5b8a-9c61-6e2f1d0b7c35';

export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The case id. With an Idempotency-Key the id is a pure function of the key, so a
 * retried request maps onto the same Temporal Workflow ID and cannot open a second case.
 */
export function deriveCaseId(idempotencyKey: string | undefined): string {
  return idempotencyKey ? uuidV5(`case:${idempotencyKey}`, CASE_ID_NAMESPACE) : randomUUID();
}

/**
 * A work record's id. With an Idempotency-Key it is a pure function of the
 * cadre and the key, so a retried request maps onto the same workflow and the
 * same row; keys are per cadre, so one cadre's key never names another's record.
 */
export function deriveWorkRecordId(cadreCode: string, idempotencyKey: string | undefined): string {
  return idempotencyKey ? uuidV5(`work-record:${cadreCode}:${idempotencyKey}`, CASE_ID_NAMESPACE) : randomUUID();
}

// Crockford base32 without I, L, O, U: easy to read aloud at a hall window.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Human-friendly tracking code, e.g. `MQ-7K3F-9Q2D`, derived from the case id (40 bits). */
export function trackingCodeFor(caseId: string): string {
  const digest = createHash('sha256').update(`tracking:${caseId}`).digest();
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(bits & 31n)]! + out;
    bits >>= 5n;
  }
  return `MQ-${out.slice(0, 4)}-${out.slice(4)}`;
}

export const TRACKING_CODE_PATTERN = '^MQ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$';

/** Stable hash of a JSON value with sorted keys. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Event ids are stable across retries: a pure function of the case and the step. */
export function eventIdFor(caseId: string, step: string): string {
  return uuidV5(`event:${caseId}:${step}`, CASE_ID_NAMESPACE);
}
