/**
 * The notifier: driven by the case events, not by the workflow. A Kafka
 * consumer with its own group turns each event into deliveries (plan.ts), one
 * row per (event id, recipient, channel) — inserted with ON CONFLICT DO NOTHING
 * before the offset is committed, so a redelivered event adds nothing and a
 * crash loses nothing (at-least-once in, exactly one row out). A dispatcher
 * then works the due rows off, claimed with SKIP LOCKED under a lease (so
 * several worker copies share the work): opted-out residents are suppressed,
 * residents' SMS and e-mail wait out quiet hours, failures are retried with
 * exponential backoff and dead-lettered after the last attempt (listed for
 * administrators by the case API). Retries are rows with a due time rather
 * than an in-process retry library: they must outlive a restart.
 *
 * Never logged: phone numbers, e-mail addresses, message texts.
 */
import {
  createConsumer, DEFAULT_CALENDAR, DEFAULT_RESIDENT_LANGUAGE, fromKafkaMessage, inTransaction, NOTICE_LANGUAGES, parseQuietHours, quietUntil,
  type GroupConsumer, type KafkaClient, type Logger, type NoticeLanguage, type NotificationChannel, type Pool, type QuietHours, type ResidentNotice,
} from '@minqing/shared';
import { PermanentDeliveryError, type DeliveryChannel } from './channels';
import { backoffMs, isStale, notifies, planDeliveries } from './plan';
import { renderResident } from './templates';

export interface NotifierOptions {
  pool: Pool;
  logger: Logger;
  channels: DeliveryChannel[];
  topic: string;
  groupId: string;
  /** NOTIFY_QUIET_HOURS: used while administrators have set none */
  quietHours: string;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  pollMs: number;
  /** events older than this when read notify nobody (see isStale) */
  maxAgeMs: number;
  now?: () => Date;
}

/** How long a claimed delivery is ours before another copy may take it (a crash mid-send). */
const LEASE_SECONDS = 60;
const BATCH = 50;

interface DeliveryRow {
  id: string;
  case_id: string | null;
  recipient: string;
  channel: NotificationChannel;
  code: string;
  params: Record<string, unknown>;
  attempts: number;
}

export class Notifier {
  private consumer: GroupConsumer;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private lastQuiet: string | null = null;
  private readonly channels: Map<NotificationChannel, DeliveryChannel>;
  private readonly now: () => Date;
  lastError: string | null = null;
  /** events skipped because they were too old when read */
  stale = 0;

  constructor(kafka: KafkaClient, private readonly opts: NotifierOptions) {
    this.channels = new Map(opts.channels.map((c) => [c.name, c]));
    this.now = opts.now ?? (() => new Date());
    this.consumer = createConsumer(kafka, { groupId: opts.groupId, topic: opts.topic, fromBeginning: true, maxBatch: 50 });
  }

  get ready(): boolean {
    return this.consumer.ready;
  }

  get enabledChannels(): NotificationChannel[] {
    return [...this.channels.keys()];
  }

  async start(): Promise<void> {
    // One partition's messages at a time, in order; offsets are committed only after the handler resolved: the deliveries are in the table by then.
    await this.consumer.run(async ({ messages }) => {
      for (const message of messages) {
        const decoded = fromKafkaMessage(message);
        if (!decoded.ok) continue; // the reporting service dead-letters malformed events; nobody is told of them
        if (!notifies(decoded.event.type)) continue;
        if (isStale(decoded.event.time, this.now(), this.opts.maxAgeMs)) {
          this.stale++;
          continue;
        }
        await this.record(decoded.event.id, decoded.event.type, decoded.event.data as Record<string, unknown>);
      }
    });
    this.schedule(0);
  }

  /** Turn one event into delivery rows (idempotent by the unique key). */
  async record(eventId: string, type: string, data: Record<string, unknown>): Promise<number> {
    const caseId = typeof data.caseId === 'string' ? data.caseId : null;
    if (!caseId) return 0;
    const { rows } = await this.opts.pool.query(`SELECT tracking_code, priority, resident_phone, resident_email FROM casework.cases WHERE id = $1`, [caseId]);
    // The event is published after its case row committed, so a missing row is a case we cannot reach: nothing to send.
    if (!rows[0]) return 0;
    const planned = planDeliveries({ type, data } as never, { trackingCode: rows[0].tracking_code, priority: rows[0].priority, phone: rows[0].resident_phone, email: rows[0].resident_email }, new Set(this.channels.keys()));
    let inserted = 0;
    for (const p of planned) {
      const r = await this.opts.pool.query(
        `INSERT INTO casework.notification_deliveries (event_id, event_type, case_id, recipient, channel, code, params)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, recipient, channel) DO NOTHING`,
        [eventId, type, caseId, p.recipient, p.channel, p.code, p.params],
      );
      inserted += r.rowCount ?? 0;
    }
    if (inserted) this.schedule(0);
    return inserted;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return this.schedule(50);
      this.running = this.dispatch()
        .then((n) => {
          this.lastError = null;
          return n;
        })
        .catch((err) => {
          this.lastError = (err as Error).message;
          this.opts.logger.warn({ err: { message: (err as Error).message } }, 'notification dispatch failed; retrying');
          return 0;
        })
        .then((n) => {
          this.running = null;
          this.schedule(n === BATCH ? 0 : this.opts.pollMs);
        });
    }, ms);
  }

  /** Quiet hours in force: the administrators' setting, else NOTIFY_QUIET_HOURS. */
  private async quietHours(): Promise<QuietHours> {
    const { rows } = await this.opts.pool.query(`SELECT quiet_start, quiet_end FROM directory.notification_settings`).catch(() => ({ rows: [] as any[] }));
    if (rows[0]) return rows[0].quiet_start ? { start: rows[0].quiet_start, end: rows[0].quiet_end } : null;
    return parseQuietHours(this.opts.quietHours);
  }

  /** One round: claim due deliveries and work them off. Returns how many were claimed. */
  async dispatch(): Promise<number> {
    const quiet = await this.quietHours();
    const quietKey = JSON.stringify(quiet);
    if (this.lastQuiet !== null && this.lastQuiet !== quietKey) {
      // Quiet hours changed: what they held back is looked at again now.
      await this.opts.pool.query(`UPDATE casework.notification_deliveries SET next_attempt_at = now() WHERE status = 'pending' AND deferred_at IS NOT NULL`);
    }
    this.lastQuiet = quietKey;
    const { rows } = await this.opts.pool.query<DeliveryRow>(
      `UPDATE casework.notification_deliveries d SET next_attempt_at = now() + make_interval(secs => $2)
        WHERE d.id IN (SELECT id FROM casework.notification_deliveries
                        WHERE status = 'pending' AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.case_id, d.recipient, d.channel, d.code, d.params, d.attempts`,
      [BATCH, LEASE_SECONDS],
    );
    for (const row of rows) await this.deliver(row, quiet);
    return rows.length;
  }

  private async deliver(row: DeliveryRow, quiet: QuietHours): Promise<void> {
    const log = this.opts.logger.child({ delivery: row.id, caseId: row.case_id, channel: row.channel, code: row.code });
    const channel = this.channels.get(row.channel);
    const finish = (status: 'dead' | 'suppressed', why: string) =>
      this.opts.pool.query(`UPDATE casework.notification_deliveries SET status = $2, last_error = $3, finished_at = now() WHERE id = $1`, [row.id, status, why]);
    if (!channel) {
      await finish('dead', `channel ${row.channel} is not configured`);
      log.warn('notification dead-lettered: channel not configured');
      return;
    }
    let to: string;
    let subject = '';
    let text = '';
    if (row.recipient === 'resident') {
      const { rows: found } = await this.opts.pool.query(
        `SELECT c.tracking_code, c.resident_phone, c.resident_email, c.resident_language, c.resolution_reply, (o.case_id IS NOT NULL) AS opted_out
           FROM casework.cases c LEFT JOIN directory.notification_opt_outs o ON o.case_id = c.id WHERE c.id = $1`,
        [row.case_id],
      );
      const c = found[0];
      if (!c) return void (await finish('dead', 'case not found'));
      if (c.opted_out) {
        await finish('suppressed', 'opted_out');
        log.info('notification suppressed: the resident opted out');
        return;
      }
      const until = quietUntil(this.now(), quiet, DEFAULT_CALENDAR.utcOffsetMinutes);
      if (until) {
        await this.opts.pool.query(`UPDATE casework.notification_deliveries SET next_attempt_at = $2, deferred_at = now() WHERE id = $1`, [row.id, until]);
        log.info({ until: until.toISOString() }, 'notification deferred: quiet hours');
        return;
      }
      to = row.channel === 'sms' ? c.resident_phone : c.resident_email;
      const language: NoticeLanguage = (NOTICE_LANGUAGES as readonly string[]).includes(c.resident_language) ? c.resident_language : DEFAULT_RESIDENT_LANGUAGE;
      ({ subject, text } = renderResident(row.code as ResidentNotice, language, { trackingCode: c.tracking_code, reply: c.resolution_reply }));
    } else {
      to = row.recipient.replace(/^staff:/, '');
    }
    const attempt = row.attempts + 1;
    try {
      await inTransaction(this.opts.pool, async (db) => {
        await channel.send({ reference: `minqing-${row.id}`, to, subject, text, code: row.code, params: row.params, caseId: row.case_id }, db);
        await db.query(
          `UPDATE casework.notification_deliveries SET status = 'sent', attempts = $2, sent_at = now(), finished_at = now(), last_error = NULL WHERE id = $1`,
          [row.id, attempt],
        );
      });
      log.info({ attempt }, 'notification sent');
    } catch (err) {
      const message = (err as Error).message.slice(0, 300);
      if (err instanceof PermanentDeliveryError || attempt >= this.opts.maxAttempts) {
        await this.opts.pool.query(
          `UPDATE casework.notification_deliveries SET status = 'dead', attempts = $2, last_error = $3, finished_at = now() WHERE id = $1`,
          [row.id, attempt, message],
        );
        log.warn({ attempt, reason: message }, 'notification dead-lettered');
        return;
      }
      const delay = backoffMs(attempt, this.opts.retryBaseMs, this.opts.retryMaxMs);
      await this.opts.pool.query(
        `UPDATE casework.notification_deliveries SET attempts = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1`,
        [row.id, attempt, message, delay / 1000],
      );
      log.info({ attempt, retryInMs: delay, reason: message }, 'notification failed; will retry');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.consumer.stop();
    for (const c of this.channels.values()) await c.close?.();
  }
}
