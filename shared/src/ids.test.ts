import { describe, expect, it } from 'vitest';
import { canonicalHash, deriveCaseId, deriveWorkRecordId, eventIdFor, trackingCodeFor, TRACKING_CODE_PATTERN, uuidV5 } from './ids';

describe('uuidV5', () => {
  it('matches the RFC 9562 name-based example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });
});

describe('deriveCaseId', () => {
  it('is a pure function of the Idempotency-Key, so a retry maps to the same workflow id', () => {
    expect(deriveCaseId('key-123456')).toBe(deriveCaseId('key-123456'));
    expect(deriveCaseId('key-123456')).not.toBe(deriveCaseId('key-123457'));
  });
  it('is random without a key', () => {
    expect(deriveCaseId(undefined)).not.toBe(deriveCaseId(undefined));
  });
});

describe('deriveWorkRecordId', () => {
  it("is a pure function of the cadre and the key, distinct from another cadre's and from a case's", () => {
    expect(deriveWorkRecordId('c1', 'key-123456')).toBe(deriveWorkRecordId('c1', 'key-123456'));
    expect(deriveWorkRecordId('c1', 'key-123456')).not.toBe(deriveWorkRecordId('c2', 'key-123456'));
    expect(deriveWorkRecordId('c1', 'key-123456')).not.toBe(deriveCaseId('key-123456'));
    expect(deriveWorkRecordId('c1', undefined)).not.toBe(deriveWorkRecordId('c1', undefined));
  });
});

describe('trackingCodeFor', () => {
  it('is stable, readable, and avoids ambiguous letters', () => {
    const id = '731b1418-a19c-420d-b63e-77434e42d274';
    const code = trackingCodeFor(id);
    expect(code).toBe(trackingCodeFor(id));
    expect(code).toMatch(new RegExp(TRACKING_CODE_PATTERN));
    expect(code).not.toMatch(/[ILOU]/);
  });
  it('differs between cases (no collisions among 20,000 ids)', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20_000; i++) codes.add(trackingCodeFor(deriveCaseId(`k-${i}`)));
    expect(codes.size).toBe(20_000);
  });
});

describe('canonicalHash', () => {
  it('ignores key order and undefined fields but not values', () => {
    expect(canonicalHash({ a: 1, b: { c: 2, d: undefined } })).toBe(canonicalHash({ b: { c: 2 }, a: 1 }));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: 2 }));
  });
});

describe('eventIdFor', () => {
  it('is stable across retries of the same step and differs between steps', () => {
    const id = deriveCaseId('x-12345678');
    expect(eventIdFor(id, 'opened')).toBe(eventIdFor(id, 'opened'));
    expect(eventIdFor(id, 'opened')).not.toBe(eventIdFor(id, 'accepted:1'));
  });
});
