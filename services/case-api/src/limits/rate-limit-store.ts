/**
 * A store for @fastify/rate-limit over the shared PostgreSQL counters, so a
 * route's `config.rateLimit` holds across API replicas and restarts (the
 * plugin's default store lives in one process's memory). Keys are prefixed
 * with the route, like the plugin's Redis store does.
 */
import type { Counters } from './counters';

type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void;

export function sharedRateLimitStore(counters: Counters) {
  return class SharedRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = 'rl:',
    ) {}

    /** The plugin passes the route's window (and max) after the callback. */
    incr(key: string, cb: Callback, timeWindow = 60_000): void {
      counters.hit(`${this.prefix}${key}`, timeWindow).then(
        (c) => cb(null, { current: c.hits, ttl: c.ttlMs }),
        (err: Error) => cb(err),
      );
    }

    /** Per route: the plugin hands the route as `routeInfo` (its typings say otherwise; its Redis store reads the same). */
    child(routeOptions: object): SharedRateLimitStore {
      const r = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo ?? {};
      return new SharedRateLimitStore(undefined, `rl:${r.method ?? ''}${r.url ?? ''}:`);
    }
  };
}
