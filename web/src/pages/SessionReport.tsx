/**
 * The market-day report (双定 — 定时服务, issue 13): for a month, every
 * occurrence of every session the user may read — held, or cancelled by the
 * calendar's holiday —, the duty roster's attendance (arrived, absent, not
 * recorded) and the cases opened there (resolved, still open), with the
 * month's totals; a row opens that day's report (who was there, the cases by
 * category). Exported as CSV or XLSX in the user's language.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useDirectory } from '../directory';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { todayLocal, useFormat } from '../format';
import type { MonthReport } from '@minqing/shared/market-days';
import { SessionDay } from './sessions/SessionDay';
import './sessions/sessions.css';

export default function SessionReport() {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const today = todayLocal();
  const [month, setMonth] = useState(today.slice(0, 7));
  const [q, setQ] = useState('');
  const [report, setReport] = useState<MonthReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [chosen, setChosen] = useState<{ code: string; date: string } | null>(null);
  // raised after an attendance is recorded in the day below: the month's rows and totals are read again
  const [reloads, setReloads] = useState(0);

  // a new month starts from nothing shown
  useEffect(() => {
    setReport(null);
    setChosen(null);
  }, [month]);
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(month)) return;
    const ctrl = new AbortController();
    setProblem(null);
    api<MonthReport>(withQuery('/sessions/report', { month }), { signal: ctrl.signal })
      .then((r) => {
        setReport(r);
        // the day shown stays; else the latest held day up to today opens by itself
        const held = r.items.filter((i) => !i.cancelled && i.date <= today);
        const last = held[held.length - 1];
        setChosen((c) => (c && held.some((i) => i.sessionCode === c.code && i.date === c.date) ? c : last ? { code: last.sessionCode, date: last.date } : null));
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setProblem(problemOf(err));
      });
    return () => ctrl.abort();
  }, [month, today, reloads]);

  const rows = useMemo(() => {
    const needle = q.trim().toLowerCase();
    if (!report || !needle) return report?.items ?? [];
    return report.items.filter((r) => `${r.sessionName} ${dir.village(r.villageCode)} ${r.date}`.toLowerCase().includes(needle));
  }, [report, q, dir]);
  const exportUrl = (format: 'csv' | 'xlsx') => `/api/v1${withQuery('/sessions/report/export', { month, format, lang: i18n.language })}`;
  const day = (date: string) => f.date(`${date}T12:00:00+08:00`);

  return (
    <div className="page session-report">
      <div className="page-head">
        <h1>{t('sessionReport.title')}</h1>
      </div>
      <div className="panel session-report-filters" data-testid="session-report-filters">
        <label>
          {t('sessionReport.month')}
          <input type="month" data-testid="session-report-month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <label>
          {t('sessionReport.search')}
          <input type="search" data-testid="session-report-search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder={t('sessionReport.searchHint')} />
        </label>
        <div className="session-report-exports">
          <a className="button secondary" href={exportUrl('csv')} download data-testid="session-report-csv">{t('sessionReport.exportCsv')}</a>
          <a className="button secondary" href={exportUrl('xlsx')} download data-testid="session-report-xlsx">{t('sessionReport.exportXlsx')}</a>
        </div>
      </div>
      <p className="muted small">{t('sessionReport.explain')}</p>
      <ProblemBox problem={problem} />
      {!report && !problem && <Loading />}
      {report && (
        <section className="panel" data-testid="session-report">
          <p className="session-report-totals" data-testid="session-report-totals" data-held={report.totals.sessionsHeld} data-arrived={report.totals.arrived} data-rostered={report.totals.rostered}>
            <span className="tag">{t('sessionReport.held', { count: report.totals.sessionsHeld })}</span>
            {report.totals.sessionsCancelled > 0 && <span className="tag attendance-none">{t('sessionReport.cancelledN', { count: report.totals.sessionsCancelled })}</span>}
            <span className="tag attendance-arrived">{t('sessionReport.attendedOf', { arrived: report.totals.arrived, rostered: report.totals.rostered })}</span>
            <span className="tag attendance-absent">{t('sessionReport.absentN', { count: report.totals.absent })}</span>
            <span className="tag">{t('sessionReport.casesOpened', { count: report.totals.casesOpened })}</span>
            <span className="tag">{t('sessionReport.casesResolved', { count: report.totals.casesResolved })}</span>
          </p>
          {rows.length === 0 ? (
            <p className="muted" data-testid="session-report-empty">{t('sessionReport.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table stack" data-testid="session-report-table">
                <thead>
                  <tr>
                    <th>{t('sessionReport.date')}</th>
                    <th>{t('sessionReport.session')}</th>
                    <th>{t('sessionReport.attendance')}</th>
                    <th>{t('sessionReport.cases')}</th>
                    <th>{t('sessionReport.open')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const isChosen = chosen?.code === r.sessionCode && chosen.date === r.date;
                    return (
                      <tr key={`${r.sessionCode}|${r.date}`} data-testid="session-report-row" data-session={r.sessionCode} data-date={r.date} data-cancelled={r.cancelled}
                        data-arrived={r.arrived} data-rostered={r.rostered} data-cases={r.casesOpened}
                        className={[r.cancelled ? 'session-cancelled' : '', isChosen ? 'session-chosen' : ''].join(' ').trim() || undefined}>
                        <td data-label={t('sessionReport.date')}><span className="cell">{day(r.date)}</span></td>
                        <td data-label={t('sessionReport.session')}><span className="cell">{r.sessionName} · {dir.village(r.villageCode)}</span></td>
                        <td data-label={t('sessionReport.attendance')}>
                          <span className="cell">
                            {r.cancelled
                              ? t('sessionReport.cancelledHolidayShort')
                              : r.date > today
                                ? t('sessionReport.notYet')
                                : t('sessionReport.rowAttendance', { arrived: r.arrived, rostered: r.rostered, absent: r.absent, none: r.notRecorded })}
                          </span>
                        </td>
                        <td data-label={t('sessionReport.cases')}><span className="cell">{t('sessionReport.rowCases', { opened: r.casesOpened, resolved: r.casesResolved, open: r.casesOpen })}</span></td>
                        <td data-label={t('sessionReport.open')}>
                          <span className="cell">
                            {!r.cancelled && r.date <= today && (
                              <button type="button" className="link" data-testid="session-report-open" aria-pressed={isChosen} onClick={() => setChosen({ code: r.sessionCode, date: r.date })}>
                                {t('sessionReport.openDay')}
                              </button>
                            )}
                          </span>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {chosen && <SessionDay key={`${chosen.code}|${chosen.date}`} code={chosen.code} date={chosen.date} testid="session-report-day" onRecorded={() => setReloads((n) => n + 1)} />}
    </div>
  );
}
