/**
 * Tells live screens (the managers' escalation queue) that cases changed. Every
 * state change commits an outbox row, whose trigger NOTIFYs `minqing_outbox`;
 * one LISTEN connection per API process fans that out, throttled, to the
 * subscribers. Only the fact of a change is sent: each screen refetches
 * through the API, which applies the viewer's visibility.
 */
import type { Logger, Pool, PoolClient } from '@minqing/shared';

type Listener = (at: string) => void;

export class CaseChanges {
  private readonly listeners = new Set<Listener>();
  private client: PoolClient | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly deps: { pool: Pool; logger?: Logger; throttleMs?: number }) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    void this.ensureListening();
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  private ensureListening(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= (async () => {
      try {
        const client = await this.deps.pool.connect();
        client.on('notification', () => this.changed());
        client.on('error', (err) => {
          this.deps.logger?.warn({ err }, 'case change listener lost its connection; reconnecting');
          client.release(true);
          this.client = null;
          if (!this.closed) setTimeout(() => void this.ensureListening(), 1_000);
        });
        await client.query('LISTEN minqing_outbox');
        this.client = client;
      } catch (err) {
        this.deps.logger?.warn({ err }, 'case change listener could not connect; retrying');
        if (!this.closed) setTimeout(() => void this.ensureListening(), 2_000);
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const at = new Date().toISOString();
      for (const l of this.listeners) l(at);
    }, this.deps.throttleMs ?? 250);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.listeners.clear();
    if (this.connecting) await this.connecting;
    if (this.client) {
      this.client.release(true);
      this.client = null;
    }
  }
}
