/**
 * The tracking page's guard over in-memory counters (the same semantics as the
 * PostgreSQL ones): a client that guesses is held back; another client with the
 * right digits never is; a code under attack shrinks every client's allowance.
 */
import { describe, expect, it } from 'vitest';
import { MemoryCounters } from './counters';
import { TooManyTriesError, TrackGuard, TRACK_LIMITS } from './track-guard';

const CODE = 'MQ-7K2D-9QX4';

function setup() {
  let now = Date.parse('2026-12-01T08:00:00Z');
  const guard = new TrackGuard(new MemoryCounters(() => now));
  return { guard, advance: (ms: number) => (now += ms) };
}

async function wrongTries(guard: TrackGuard, client: string, code: string, n: number) {
  for (let i = 0; i < n; i++) {
    await guard.admit(client, code);
    await guard.failed(client, code);
  }
}

describe('TrackGuard', () => {
  it('holds back a client after 5 wrong tries for a code, for 15 minutes, while another client gets in', async () => {
    const { guard, advance } = setup();
    await wrongTries(guard, '198.51.100.7', CODE, 5);
    const refused = await guard.admit('198.51.100.7', CODE).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TooManyTriesError);
    expect((refused as TooManyTriesError).status).toBe(429);
    expect((refused as TooManyTriesError).retryAfterSeconds).toBeGreaterThan(14 * 60);
    // The resident, on their own phone: not held back by someone else's guessing.
    await expect(guard.admit('203.0.113.9', CODE)).resolves.toBeUndefined();
    advance(TRACK_LIMITS.perClientCode.windowMs + 1);
    await expect(guard.admit('198.51.100.7', CODE)).resolves.toBeUndefined();
  });

  it('an unknown code and a real one are counted alike (the code string is the key, existing or not)', async () => {
    const { guard } = setup();
    await wrongTries(guard, '198.51.100.7', 'MQ-0000-0000', 5);
    await expect(guard.admit('198.51.100.7', 'MQ-0000-0000')).rejects.toBeInstanceOf(TooManyTriesError);
    await expect(guard.admit('198.51.100.7', 'mq-0000-0000')).rejects.toBeInstanceOf(TooManyTriesError);
  });

  it('a code guessed from many clients shrinks each client’s allowance, but a fresh client with the right digits still gets in', async () => {
    const { guard } = setup();
    for (let i = 0; i < 30; i++) await wrongTries(guard, `198.51.100.${i}`, CODE, 1);
    // Now each client has a single try for this code…
    await wrongTries(guard, '192.0.2.1', CODE, 1);
    await expect(guard.admit('192.0.2.1', CODE)).rejects.toBeInstanceOf(TooManyTriesError);
    // …and a client that has not failed is admitted: the right digits would open the case.
    await expect(guard.admit('203.0.113.9', CODE)).resolves.toBeUndefined();
    await guard.succeeded('203.0.113.9', CODE);
    await expect(guard.admit('203.0.113.9', CODE)).resolves.toBeUndefined();
  });

  it('residents behind one address (a carrier’s NAT) do not hold each other back on their own codes', async () => {
    const { guard } = setup();
    for (let i = 0; i < 40; i++) await wrongTries(guard, '198.51.100.7', `MQ-AAAA-${String(i).padStart(4, '0')}`, 2);
    await expect(guard.admit('198.51.100.7', 'MQ-BBBB-0001')).resolves.toBeUndefined();
  });

  it('the right digits forgive the client’s own earlier typos', async () => {
    const { guard } = setup();
    await wrongTries(guard, '203.0.113.9', CODE, 4);
    await guard.succeeded('203.0.113.9', CODE);
    await wrongTries(guard, '203.0.113.9', CODE, 4);
    await expect(guard.admit('203.0.113.9', CODE)).resolves.toBeUndefined();
  });
});
