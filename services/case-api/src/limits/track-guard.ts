/**
 * Guessing on the residents' tracking page, slowed without letting anyone lock
 * a resident out of their own case. Wrong tries are counted in PostgreSQL
 * (shared by every API process, kept over restarts):
 *
 * - per client and code: a few wrong tries, then that client waits (the resident
 *   on their own phone is slowed only by their own typos);
 * - per code, from anywhere: when a code draws many wrong tries it is being
 *   guessed, so every client's allowance for it shrinks (backoff) — but the code
 *   is never locked as such: the right digits from a client that is not itself
 *   held back always open the case.
 *
 * An unknown code and wrong digits are counted, answered and timed the same
 * way, so the page does not tell whether a code exists. There is no cap on one
 * client's wrong tries across codes: codes are not guessable (32^8), many
 * residents share one address behind a carrier's NAT, and the route's request
 * limit per client (30 a minute) already bounds a client.
 */
import { DomainError, ProblemType } from '@minqing/shared';
import type { Counters } from './counters';

export const TRACK_LIMITS = {
  /** wrong tries one client gets for one code per window, by how many wrong tries the code has drawn from anywhere */
  perClientCode: { windowMs: 15 * 60_000, allowance: (codeFailures: number) => (codeFailures < 10 ? 5 : codeFailures < 30 ? 2 : 1) },
  /** how long a code's wrong tries are remembered */
  perCode: { windowMs: 24 * 60 * 60_000 },
} as const;

export class TooManyTriesError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      ProblemType.tooManyRequests,
      429,
      'Too many tries',
      `too many wrong tries from here: wait ${Math.max(1, Math.ceil(retryAfterSeconds / 60))} min, or ask at the service hall`,
    );
  }
}

const keys = (client: string, code: string) => ({
  clientCode: `track:client-code:${client}|${code}`,
  code: `track:code:${code}`,
});

export class TrackGuard {
  constructor(private readonly counters: Counters) {}

  /** Refuses (429) when this client is held back for this code; otherwise the digits are checked. */
  async admit(client: string, trackingCode: string): Promise<void> {
    const k = keys(client, trackingCode.toUpperCase());
    const counts = await this.counters.peekMany([k.clientCode, k.code]);
    const get = (key: string) => counts.get(key) ?? { hits: 0, ttlMs: 0 };
    const allowance = TRACK_LIMITS.perClientCode.allowance(get(k.code).hits);
    if (get(k.clientCode).hits >= allowance) throw new TooManyTriesError(get(k.clientCode).ttlMs / 1000);
  }

  /** A wrong try (unknown code or wrong digits: counted alike). */
  async failed(client: string, trackingCode: string): Promise<void> {
    const k = keys(client, trackingCode.toUpperCase());
    await Promise.all([
      this.counters.hit(k.clientCode, TRACK_LIMITS.perClientCode.windowMs),
      this.counters.hit(k.code, TRACK_LIMITS.perCode.windowMs),
    ]);
  }

  /** The right digits: this client's wrong tries for the code are forgiven. */
  async succeeded(client: string, trackingCode: string): Promise<void> {
    await this.counters.reset(keys(client, trackingCode.toUpperCase()).clientCode);
  }
}
