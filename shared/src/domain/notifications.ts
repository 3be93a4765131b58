/**
 * Notifications (issue 14): the vocabulary shared by the notifier (case-worker,
 * which turns case events into deliveries), the case API (which lists in-app
 * notifications, dead letters and settings) and the console (which words the
 * codes in zh-CN and en). Deliveries carry codes and params, never personal
 * data: a resident's phone and e-mail are looked up when a message is sent.
 */
import { Type, type Static } from '@sinclair/typebox';

/** What residents are told: receipt, accepted, resolved (with the reply), asked to call back. */
export const RESIDENT_NOTICES = ['receipt', 'acceptance', 'resolution', 'callback_request'] as const;
/** What staff are told in the console: a new case, a reminder, an escalation, an extension to decide or decided. */
export const STAFF_NOTICES = ['assigned', 'reminder', 'escalation', 'extension_request', 'extension_decided'] as const;
export type ResidentNotice = (typeof RESIDENT_NOTICES)[number];
export type StaffNotice = (typeof STAFF_NOTICES)[number];
export type NoticeCode = ResidentNotice | StaffNotice;

/** Delivery channels, each an adapter behind one interface in the notifier. */
export const NOTIFICATION_CHANNELS = ['sms', 'email', 'inapp'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * pending: waiting to be sent (or retried, or held by quiet hours);
 * sent: the channel took it; dead: gave up (a permanent refusal, or the last
 * attempt failed) — the dead-letter list; suppressed: not sent on purpose
 * (the resident opted out).
 */
export const DELIVERY_STATUSES = ['pending', 'sent', 'dead', 'suppressed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Languages of residents' messages; residents default to zh-CN. */
export const NOTICE_LANGUAGES = ['zh-CN', 'en'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];
export const DEFAULT_RESIDENT_LANGUAGE: NoticeLanguage = 'zh-CN';

const LocalTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'HH:MM, township local time' });
/**
 * Quiet hours for residents' SMS and e-mail, in the township calendar's local
 * time; a window may wrap midnight (21:00–08:00). null: no quiet hours.
 */
export const QuietHoursSchema = Type.Union([
  Type.Object({ start: LocalTime, end: LocalTime }, { additionalProperties: false }),
  Type.Null(),
]);
export type QuietHours = Static<typeof QuietHoursSchema>;
export const DEFAULT_QUIET_HOURS = { start: '21:00', end: '08:00' } as const;

/** Parses `HH:MM-HH:MM` (env NOTIFY_QUIET_HOURS) or `off`. */
export function parseQuietHours(text: string): QuietHours {
  if (text.trim() === 'off') return null;
  const m = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!m) throw new RangeError(`quiet hours must be HH:MM-HH:MM or off, got ${JSON.stringify(text)}`);
  return { start: `${m[1]}:${m[2]}`, end: `${m[3]}:${m[4]}` };
}

const minutesOf = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/**
 * If `now` falls in the quiet window (local time by `utcOffsetMinutes`, the
 * township calendar's), the instant the window ends; else null. An empty
 * window (start = end) is never quiet.
 */
export function quietUntil(now: Date, quiet: QuietHours, utcOffsetMinutes: number): Date | null {
  if (!quiet) return null;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return null;
  const localMs = now.getTime() + utcOffsetMinutes * 60_000;
  const minuteOfDay = Math.floor((((localMs % 86_400_000) + 86_400_000) % 86_400_000) / 60_000);
  const inside = start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
  if (!inside) return null;
  const dayStartLocal = localMs - (((localMs % 86_400_000) + 86_400_000) % 86_400_000);
  // the end falls today (local) unless the window wraps midnight and we are before it
  const endDay = start > end && minuteOfDay >= start ? dayStartLocal + 86_400_000 : dayStartLocal;
  return new Date(endDay + end * 60_000 - utcOffsetMinutes * 60_000);
}

/** An in-app notification as the case API answers it (GET /api/v1/notifications) and the console shows it. */
export interface StaffNotification {
  id: string;
  code: string;
  params: Record<string, unknown>;
  caseId: string | null;
  createdAt: string;
  read: boolean;
}
