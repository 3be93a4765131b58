/**
 * Which case event tells whom what, over which channels — the one table of it.
 * Residents hear of the receipt, the acceptance, the resolution (with the
 * reply) and a request to call back (the case waits on them); staff hear of a
 * case assigned to them, reminders, escalations and extensions, in the console.
 * Pure: the notifier passes the case's contact facts and the channels that are
 * configured; a phone that takes no SMS (a landline) gets none.
 */
import type { CloudEvent, NotificationChannel, ResidentNotice, StaffNotice } from '@minqing/shared';

export interface PlannedDelivery {
  /** 'resident' or 'staff:<code>' — with the event id and channel, the dedupe key */
  recipient: string;
  channel: NotificationChannel;
  code: ResidentNotice | StaffNotice;
  /** codes only, never personal data (the console words staff notices from them) */
  params: Record<string, string | number | boolean | null>;
}

export interface CaseContact {
  trackingCode: string;
  /** the case's priority: the console words an extension in working days, or in hours for an urgent case */
  priority: string;
  phone: string | null;
  email: string | null;
}

const MOBILE = /^1[3-9]\d{9}$/;

type Data = Record<string, unknown>;
type Rule =
  | { audience: 'resident'; code: ResidentNotice }
  | { audience: 'staff'; code: StaffNotice; to: (d: Data) => unknown; params?: (d: Data, c: CaseContact) => PlannedDelivery['params'] };

const RULES: Record<string, Rule> = {
  'org.minqing.case.opened.v1': { audience: 'resident', code: 'receipt' },
  'org.minqing.case.accepted.v1': { audience: 'resident', code: 'acceptance' },
  'org.minqing.case.resolved.v1': { audience: 'resident', code: 'resolution' },
  'org.minqing.case.waiting_on_resident.v1': { audience: 'resident', code: 'callback_request' },
  'org.minqing.case.routed.v1': { audience: 'staff', code: 'assigned', to: (d) => d.assigneeCode },
  'org.minqing.case.reassigned.v1': { audience: 'staff', code: 'assigned', to: (d) => d.assigneeCode },
  'org.minqing.case.reminder_sent.v1': {
    audience: 'staff', code: 'reminder', to: (d) => d.notifiedCode,
    params: (d) => ({ phase: String(d.phase), percent: Math.round(Number(d.fraction) * 100), dueAt: String(d.dueAt) }),
  },
  'org.minqing.case.escalated.v1': {
    audience: 'staff', code: 'escalation', to: (d) => d.escalatedToCode,
    params: (d) => ({ phase: String(d.phase), level: Number(d.level), dueAt: String(d.dueAt) }),
  },
  'org.minqing.case.extension_requested.v1': {
    audience: 'staff', code: 'extension_request', to: (d) => d.deciderCode,
    params: (d, c) => ({ phase: String(d.phase), minutes: Number(d.minutes), priority: c.priority }),
  },
  'org.minqing.case.extension_decided.v1': {
    audience: 'staff', code: 'extension_decided', to: (d) => d.assigneeCode,
    params: (d, c) => ({ phase: String(d.phase), approved: Boolean(d.approved), minutes: Number(d.minutes), priority: c.priority }),
  },
};

/** Does this event notify anyone (before looking the case up)? */
export const notifies = (type: string): boolean => type in RULES;

export function planDeliveries(event: Pick<CloudEvent, 'type' | 'data'>, contact: CaseContact, channels: ReadonlySet<NotificationChannel>): PlannedDelivery[] {
  const rule = RULES[event.type];
  if (!rule) return [];
  const data = event.data as Data;
  const base = { trackingCode: contact.trackingCode };
  if (rule.audience === 'resident') {
    const out: PlannedDelivery[] = [];
    if (channels.has('sms') && contact.phone && MOBILE.test(contact.phone)) out.push({ recipient: 'resident', channel: 'sms', code: rule.code, params: base });
    if (channels.has('email') && contact.email) out.push({ recipient: 'resident', channel: 'email', code: rule.code, params: base });
    return out;
  }
  const to = rule.to(data);
  if (typeof to !== 'string' || !to) return [];
  return [{ recipient: `staff:${to}`, channel: 'inapp', code: rule.code, params: { ...base, ...(rule.params?.(data, contact) ?? {}) } }];
}

/** Delay before attempt `attempt + 1` after `attempt` failures: base · 2^(attempt-1), capped, with ±20 % jitter. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/** An event this old when read is no longer news: nobody is notified of it (NOTIFY_MAX_AGE_HOURS). */
export function isStale(eventTime: string, now: Date, maxAgeMs: number): boolean {
  return now.getTime() - new Date(eventTime).getTime() > maxAgeMs;
}
