/**
 * Demo market-day attendance (双定 — 定时服务, issue 13): for each session, its
 * market days of the last four weeks (not the holidays the calendar cancels),
 * the duty roster's attendance — most there, now and then one absent with a
 * reason code — recorded through the API: by the cadre themselves within
 * their window (the day and 3 days after), by the assessment group on their
 * behalf for older days. Deterministic, and resumable: a cadre who has a
 * record for a day is left alone; today's market day is left for the cadres.
 */
import type { DirectoryDocument } from '@minqing/shared';
import { DEFAULT_CALENDAR } from '@minqing/shared/calendar';
import { ABSENCE_REASONS, ATTENDANCE_WINDOW, sessionOccurrences } from '@minqing/shared/market-days';

export interface DemoAttendance {
  session: string;
  date: string;
  cadre: string;
  status: 'arrived' | 'absent';
  reason?: (typeof ABSENCE_REASONS)[number];
  /** who records it: the cadre, or the assessment group on their behalf */
  by: 'self' | 'assessor';
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The planned records, oldest day first (`today`: the township's date). */
export function demoAttendance(township: Pick<DirectoryDocument, 'sessions'>, today: string): DemoAttendance[] {
  const first = iso(Date.parse(`${today}T00:00:00Z`) - 28 * DAY);
  const yesterday = iso(Date.parse(`${today}T00:00:00Z`) - DAY);
  const out: DemoAttendance[] = [];
  for (const s of township.sessions) {
    sessionOccurrences(s.weekday, first, yesterday, DEFAULT_CALENDAR).filter((o) => !o.cancelled).forEach((o, week) => {
      const late = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${o.date}T00:00:00Z`)) / DAY;
      s.dutyCadreCodes.forEach((cadre, i) => {
        // one cadre in five each week is absent, with one of the reasons in turn
        const absent = (i + week) % 5 === 3;
        out.push({
          session: s.code, date: o.date, cadre,
          ...(absent ? { status: 'absent' as const, reason: ABSENCE_REASONS[(i + week) % ABSENCE_REASONS.length] } : { status: 'arrived' as const }),
          by: late <= ATTENDANCE_WINDOW.selfDays ? 'self' : 'assessor',
        });
      });
    });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.session.localeCompare(b.session) || a.cadre.localeCompare(b.cadre));
}

type Call = (method: string, url: string, body: unknown, headers?: Record<string, string>) => Promise<{ status: number; json: any }>;

/** Records what `demoAttendance` plans and is not there yet; returns how many were recorded. */
export async function loadDemoAttendance(
  apiUrl: string,
  township: Pick<DirectoryDocument, 'sessions'>,
  today: string,
  as: (username: string) => Promise<Record<string, string>>,
  assessor: string,
  call: Call,
): Promise<number> {
  const plan = demoAttendance(township, today);
  const reader = await as(assessor);
  const known = new Map<string, Set<string>>();
  let recorded = 0;
  for (const a of plan) {
    const day = `${a.session}|${a.date}`;
    if (!known.has(day)) {
      const report = await call('GET', `${apiUrl}/api/v1/sessions/${a.session}/report?date=${a.date}`, undefined, reader);
      if (report.status !== 200) throw new Error(`demo market day ${day}: ${report.status} ${JSON.stringify(report.json)}`);
      known.set(day, new Set((report.json.roster as { cadreCode: string; status: string | null }[]).filter((l) => l.status).map((l) => l.cadreCode)));
    }
    if (known.get(day)!.has(a.cadre)) continue;
    const body = { date: a.date, status: a.status, ...(a.reason ? { reason: a.reason } : {}), ...(a.by === 'assessor' ? { cadreCode: a.cadre } : {}) };
    const headers = { ...(await as(a.by === 'self' ? a.cadre : assessor)), 'idempotency-key': `demo-attendance-${a.session}-${a.date}-${a.cadre}-${a.by}` };
    const res = await call('POST', `${apiUrl}/api/v1/sessions/${a.session}/attendance`, body, headers);
    if (res.status !== 201 && res.status !== 200) throw new Error(`demo attendance ${day} ${a.cadre}: ${res.status} ${JSON.stringify(res.json)}`);
    recorded++;
  }
  return recorded;
}
