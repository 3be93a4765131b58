/**
 * Delivery channels: one interface, one adapter per way of reaching someone.
 * The notifier hands an adapter a rendered message and the delivery's
 * reference (stable across retries, so a gateway that deduplicates by it never
 * shows a retried message twice); an adapter resolves when the channel took
 * the message, throws `PermanentDeliveryError` when no retry can help (the
 * delivery is dead-lettered at once) and any other error when a retry might.
 * Errors never carry the address: they end up in a log line and a table.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { NotificationChannel, PoolClient } from '@minqing/shared';

export interface OutboundMessage {
  /** stable per delivery: `minqing-<delivery id>` */
  reference: string;
  /** phone (sms), e-mail address (email) or staff code (inapp) */
  to: string;
  subject: string;
  text: string;
  /** what the in-app channel stores: the console words the code itself */
  code: string;
  params: Record<string, unknown>;
  caseId: string | null;
}

export interface DeliveryChannel {
  readonly name: NotificationChannel;
  /** `db`: the transaction that marks the delivery sent (the in-app channel writes in it) */
  send(message: OutboundMessage, db: PoolClient): Promise<void>;
  close?(): Promise<void>;
}

/** A refusal no retry can change (a 4xx other than 408/429, a rejected address). */
export class PermanentDeliveryError extends Error {}

/**
 * SMS through an HTTP gateway: POST {url} with JSON {to, text, reference,
 * sender} and `Authorization: Bearer <key>`. 2xx: taken; 408, 429, 5xx or no
 * answer: retried; other 4xx: permanent. Most Chinese SMS providers (and the
 * demo's fake gateway) fit this shape or sit behind a small proxy that does.
 */
export class SmsGatewayChannel implements DeliveryChannel {
  readonly name = 'sms' as const;
  constructor(private readonly opts: { url: string; apiKey?: string; sender: string; timeoutMs?: number }) {}

  async send(m: OutboundMessage): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': m.reference,
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
        },
        body: JSON.stringify({ to: m.to, text: m.text, reference: m.reference, sender: this.opts.sender }),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new Error(`SMS gateway unreachable: ${(err as Error).name}`);
    }
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return;
    if (res.status >= 500 || res.status === 408 || res.status === 429) throw new Error(`SMS gateway answered ${res.status}`);
    throw new PermanentDeliveryError(`SMS gateway refused the message: ${res.status}`);
  }
}

/** E-mail over SMTP with nodemailer; the Message-ID is the delivery's reference. */
export class EmailChannel implements DeliveryChannel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;
  constructor(private readonly opts: { smtpUrl: string; from: string }) {
    this.transport = nodemailer.createTransport(opts.smtpUrl);
  }

  async send(m: OutboundMessage): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.opts.from, to: m.to, subject: m.subject, text: m.text, messageId: `<${m.reference}@minqing>` });
    } catch (err) {
      const e = err as { responseCode?: number; code?: string };
      // 5xx from the server: the address or message is refused for good; anything else (no connection, 4xx) may pass later.
      if (typeof e.responseCode === 'number' && e.responseCode >= 500) throw new PermanentDeliveryError(`SMTP refused the message: ${e.responseCode}`);
      throw new Error(`SMTP failed: ${e.code ?? e.responseCode ?? 'error'}`);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** The console's own notifications: a row the case API lists for the signed-in staff member. */
export class InAppChannel implements DeliveryChannel {
  readonly name = 'inapp' as const;
  async send(m: OutboundMessage, db: PoolClient): Promise<void> {
    const deliveryId = m.reference.replace(/^minqing-/, '');
    await db.query(
      `INSERT INTO casework.staff_notifications (delivery_id, staff_code, case_id, code, params)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (delivery_id) DO NOTHING`,
      [deliveryId, m.to, m.caseId, m.code, m.params],
    );
  }
}
