/** Dates and times in the browser's time zone, in the console's language. */
import { useTranslation } from 'react-i18next';

export function formatDateTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

export function formatDate(iso: string | null | undefined, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' }).format(d);
}

export function formatRelative(iso: string | null | undefined, lang: string, now = Date.now()): string {
  if (!iso) return '';
  const diff = Date.parse(iso) - now;
  if (Number.isNaN(diff)) return '';
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
  if (abs < 3600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 48 * 3600_000) return rtf.format(Math.round(diff / 3600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

export function formatPercent(value: number | null | undefined, lang: string): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

/** 'overdue' | 'risk' (within 4 h) | 'ok' | 'paused' | 'none' */
export function dueState(dueAt: string | null, paused: boolean, now = Date.now()): 'overdue' | 'risk' | 'ok' | 'paused' | 'none' {
  if (paused) return 'paused';
  if (!dueAt) return 'none';
  const t = Date.parse(dueAt);
  if (t < now) return 'overdue';
  if (t - now < 4 * 3600_000) return 'risk';
  return 'ok';
}

/** 13800001234 → 138****1234 */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (phone.length < 7) return phone;
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

export function todayLocal(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Hooks a component to the current language for formatting. */
export function useFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  return {
    lang,
    dateTime: (iso: string | null | undefined) => formatDateTime(iso, lang),
    date: (iso: string | null | undefined) => formatDate(iso, lang),
    relative: (iso: string | null | undefined) => formatRelative(iso, lang),
    percent: (v: number | null | undefined) => formatPercent(v, lang),
  };
}
