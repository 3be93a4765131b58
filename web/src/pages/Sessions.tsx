/**
 * Market-day sessions (定时服务): where and when each is held, who is on duty
 * (the roster's duty list, by name and department), and the cases opened at
 * the session the user picks — the case list filtered by the session as the
 * place a case was opened (listCases `servicePoint`), within what the user may
 * see, searchable and paged. Issue 13: the chosen session's market day —
 * the latest on or before today, or an earlier / later one — with the duty
 * roster's attendance, where a rostered cadre records their own (on a phone)
 * and a manager on a cadre's behalf, and the cases opened there that day; the
 * month's report of every session is /sessions/report.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useDirectory } from '../directory';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { Loading, StatusBadge, useEnum } from '../components/bits';
import { todayLocal, useFormat } from '../format';
import type { CaseListItem } from '../types';
import { useMe } from '../auth';
import { screenAllows } from '../screens';
import { addWeeks, lastOccurrence, SessionDay } from './sessions/SessionDay';
import { mayReadSessionDay } from '@minqing/shared/market-days';

interface Session {
  code: string;
  name: string;
  villageCode: string;
  weekday: number;
  startTime: string;
  endTime: string;
  dutyCadreCodes: string[];
}
const PAGE = 20;

/** One page of the cases opened at `place`; the list's own cursor when it pages by cursor, else offsets behind an `o:` cursor. */
async function casesAt(place: string, q: string, cursor: string | undefined, signal: AbortSignal): Promise<CursorPage<CaseListItem>> {
  const offset = cursor?.startsWith('o:') ? Number(cursor.slice(2)) : undefined;
  const r = await api<{ items: CaseListItem[]; total?: number; nextCursor?: string | null }>(
    withQuery('/cases', { servicePoint: place, q: q.trim() || undefined, limit: PAGE, ...(offset !== undefined ? { offset } : cursor ? { cursor } : {}) }),
    { signal },
  );
  if (r.nextCursor !== undefined) return { items: r.items, nextCursor: r.nextCursor, total: r.total };
  const start = offset ?? 0;
  const next = r.total !== undefined && start + r.items.length < r.total ? `o:${start + PAGE}` : null;
  return { items: r.items, nextCursor: next, total: r.total };
}

function SessionCases({ session }: { session: Session }) {
  const { t } = useTranslation();
  const label = useEnum();
  const f = useFormat();
  const dir = useDirectory();
  const [q, setQ] = useState('');
  const list = useCursorList<CaseListItem>((cursor, signal) => casesAt(session.code, q, cursor, signal), `${session.code}|${q.trim()}`);
  return (
    <section className="panel" data-testid="session-cases">
      <div className="panel-head">
        <h2>{t('sessions.casesAt', { name: session.name })}</h2>
        <input type="search" data-testid="session-cases-search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('sessions.searchCases')} aria-label={t('sessions.searchCases')} maxLength={100} />
      </div>
      <ProblemBox problem={list.problem} />
      {list.loading ? <Loading /> : list.items.length === 0 ? (
        <p className="muted" data-testid="session-cases-empty">{t('sessions.noCases')}</p>
      ) : (
        <ul className="case-list" data-testid="session-case-list">
          {list.items.map((c) => (
            <li key={c.id} data-testid="session-case">
              <Link to={`/cases/${c.id}`}><strong>{c.title}</strong></Link>
              <div className="muted small">
                <StatusBadge status={c.status} /> {label('category', c.category)} · {dir.village(c.villageCode)} · {f.date(c.openedAt)} · <span className="mono">{c.trackingCode}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pager list={list} testid="session-cases-pager" />
    </section>
  );
}

/** The chosen session's market day: the latest held on or before today, stepping a week back or on. */
function MarketDay({ session }: { session: Session }) {
  const { t } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const today = todayLocal();
  const latest = lastOccurrence(session.weekday, today);
  const [date, setDate] = useState(latest);
  // whether the day is the user's to read (the shared rule, asked before any call): its roster, its area's leader, the managers, the community's station
  const village = dir.villages.find((v) => v.code === session.villageCode);
  const station = me.servicePoint ? (dir.servicePoints.find((p) => p.code === me.servicePoint!.code) as { villageCode?: string | null } | undefined) : undefined;
  const readable = !village && dir.villages.length === 0 ? null : mayReadSessionDay(me, { duty: session.dutyCadreCodes, areaCode: village?.areaCode ?? null, villageCode: session.villageCode }, station?.villageCode ?? null);
  return (
    <>
      <div className="session-day-nav" data-testid="session-day-nav">
        <button type="button" className="secondary" data-testid="session-day-earlier" onClick={() => setDate((d) => addWeeks(d, -1))}>{t('sessionReport.earlier')}</button>
        <input type="date" data-testid="session-day-date" aria-label={t('sessionReport.date')} value={date} max={latest} step={7} onChange={(e) => e.target.value && setDate(lastOccurrence(session.weekday, e.target.value))} />
        <button type="button" className="secondary" data-testid="session-day-later" disabled={date >= latest} onClick={() => setDate((d) => addWeeks(d, 1))}>{t('sessionReport.later')}</button>
      </div>
      {readable === null ? <Loading /> : readable ? <SessionDay code={session.code} date={date} /> : <p className="muted small" data-testid="session-day-outside">{t('sessionReport.outside')}</p>}
    </>
  );
}

export default function Sessions() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const me = useMe();
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  useEffect(() => {
    api<{ items: Session[] }>('/directory/sessions')
      .then((r) => {
        setSessions(r.items);
        setOpen((o) => o ?? r.items[0]?.code ?? null);
      })
      .catch((err: unknown) => setProblem(problemOf(err)));
  }, []);
  const chosen = sessions?.find((s) => s.code === open) ?? null;

  return (
    <div className="page sessions">
      <div className="page-head">
        <h1>{t('sessions.title')}</h1>
        {screenAllows('/sessions/report', me.role) && <Link to="/sessions/report" data-testid="session-report-link">{t('sessionReport.title')}</Link>}
      </div>
      <ProblemBox problem={problem} />
      {!sessions && !problem && <Loading />}
      {sessions && sessions.length === 0 && <p className="muted">{t('sessions.none')}</p>}
      {sessions && sessions.length > 0 && (
        <div className="session-cards" data-testid="sessions">
          {sessions.map((s) => (
            <section key={s.code} className={`panel session${s.code === open ? ' active' : ''}`} data-testid="session" data-session={s.code}>
              <div className="panel-head">
                <h2>{s.name}</h2>
                <button type="button" className={s.code === open ? 'primary' : 'secondary'} data-testid="session-open" aria-pressed={s.code === open} onClick={() => setOpen(s.code)}>
                  {t('sessions.showCases')}
                </button>
              </div>
              <p data-testid="session-when">
                {t('sessions.when', { village: dir.village(s.villageCode), weekday: t(`sessions.weekday.${s.weekday}`), start: s.startTime, end: s.endTime })}
              </p>
              <p className="muted small">{t('sessions.duty', { count: s.dutyCadreCodes.length })}</p>
              <ul className="duty-roster" data-testid="session-duty">
                {s.dutyCadreCodes.map((c) => {
                  const cadre = dir.cadres.find((x) => x.code === c);
                  return <li key={c}>{dir.cadre(c)}{cadre?.departmentCode ? ` · ${dir.department(cadre.departmentCode)}` : ''}</li>;
                })}
              </ul>
            </section>
          ))}
        </div>
      )}
      {chosen && <MarketDay key={`day-${chosen.code}`} session={chosen} />}
      {chosen && <SessionCases key={chosen.code} session={chosen} />}
    </div>
  );
}
