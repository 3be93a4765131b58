/**
 * One market day of a session (双定 — 定时服务): the duty roster with each
 * cadre's attendance, the buttons to record one's own (a rostered cadre, on the
 * day and a few days after) or a rostered cadre's on their behalf (the area's
 * leader, the township leadership, the assessment group), and the cases opened
 * at the session that day by category and where they stand now. What the user
 * may do and whether the day still takes records come from the API
 * (sessionDayReport's `may` and `open`); identity is the signed-in session's.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ABSENCE_REASONS, occurrenceOn, type AbsenceReason, type AttendanceStatus, type DayReport, type RosterLine } from '@minqing/shared/market-days';
import { api, problemOf, uuid, withQuery, type Problem } from '../../api';
import { useDirectory } from '../../directory';
import { useMe } from '../../auth';
import { ProblemBox } from '../../components/ProblemBox';
import { Loading, StatusBadge, useEnum } from '../../components/bits';
import { useFormat } from '../../format';
import './sessions.css';

type Status = AttendanceStatus;
type Reason = AbsenceReason;

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The latest date on or before `today` that falls on ISO `weekday` (the market day a case of today belongs to). */
export const lastOccurrence = (weekday: number, today: string): string => occurrenceOn(weekday, today);
export const addWeeks = (date: string, n: number) => iso(Date.parse(`${date}T00:00:00Z`) + n * 7 * DAY);

/** Records attendance: `cadreCode` only when on a rostered cadre's behalf. */
function AttendanceButtons({ onRecord, busy, testid, current, own }: { onRecord: (status: Status, reason?: Reason) => void; busy: boolean; testid: string; current: Status | null; own: boolean }) {
  const { t } = useTranslation();
  const [absent, setAbsent] = useState(false);
  const [reason, setReason] = useState<Reason | ''>('');
  return (
    <div className="attendance-actions" data-testid={testid}>
      <button type="button" className={current === 'arrived' ? 'secondary' : 'primary'} disabled={busy} data-testid={`${testid}-arrived`} onClick={() => onRecord('arrived')}>
        {own ? t('sessionReport.markArrived') : t('sessionReport.markArrivedFor')}
      </button>
      {!absent ? (
        <button type="button" className="secondary" disabled={busy} data-testid={`${testid}-absent`} onClick={() => setAbsent(true)}>
          {t('sessionReport.markAbsent')}
        </button>
      ) : (
        <span className="attendance-absent">
          <select value={reason} data-testid={`${testid}-reason`} aria-label={t('sessionReport.reasonLabel')} onChange={(e) => setReason(e.target.value as Reason | '')}>
            <option value="">{t('sessionReport.reasonPick')}</option>
            {ABSENCE_REASONS.map((r) => <option key={r} value={r}>{t(`sessionReport.reason.${r}`)}</option>)}
          </select>
          <button type="button" className="primary" disabled={busy || !reason} data-testid={`${testid}-absent-save`} onClick={() => reason && onRecord('absent', reason)}>
            {t('sessionReport.saveAbsent')}
          </button>
        </span>
      )}
    </div>
  );
}

function StatusTag({ line }: { line: RosterLine }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  if (!line.status) return <span className="tag attendance-none" data-testid="attendance-status" data-status="none">{t('sessionReport.status.none')}</span>;
  return (
    <span className={`tag attendance-${line.status}`} data-testid="attendance-status" data-status={line.status} data-reason={line.reason ?? ''}>
      {t(`sessionReport.status.${line.status}`)}
      {line.reason ? ` · ${t(`sessionReport.reason.${line.reason}`)}` : ''}
      {line.onBehalf && line.recordedBy ? ` · ${t('sessionReport.recordedFor', { by: dir.cadre(line.recordedBy) || t('sessionReport.assessmentGroup') })}` : ''}
    </span>
  );
}

/** `onRecorded`: after an attendance is recorded here (the month's report reloads its row). */
export function SessionDay({ code, date, testid = 'session-day', onRecorded }: { code: string; date: string; testid?: string; onRecorded?: () => void }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const label = useEnum();
  const me = useMe();
  const [day, setDay] = useState<DayReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setDay(await api<DayReport>(withQuery(`/sessions/${encodeURIComponent(code)}/report`, { date }), { signal }));
      setProblem(null);
    } catch (err) {
      if (!signal?.aborted) setProblem(problemOf(err));
    }
  }, [code, date]);
  useEffect(() => {
    const ctrl = new AbortController();
    setDay(null);
    setSaved(null);
    void load(ctrl.signal);
    return () => ctrl.abort();
  }, [load]);

  async function record(status: Status, reason?: Reason, cadreCode?: string) {
    setBusy(true);
    setSaved(null);
    try {
      await api(`/sessions/${encodeURIComponent(code)}/attendance`, {
        body: { date, status, ...(reason ? { reason } : {}), ...(cadreCode ? { cadreCode } : {}) },
        headers: { 'Idempotency-Key': uuid() },
      });
      setSaved(cadreCode ?? 'own');
      await load();
      onRecorded?.();
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }

  // a session outside the user's links: its day is for its roster, its area and the managers
  if (!day && problem?.status === 403) return <p className="muted small" data-testid="session-day-outside">{t('sessionReport.outside')}</p>;
  if (!day) return problem ? <ProblemBox problem={problem} /> : <Loading />;
  const mine = day.roster.find((l) => l.cadreCode === me.cadreCode);
  return (
    <section className="panel session-day" data-testid={testid} data-session={day.session.code} data-date={day.date} data-cancelled={day.cancelled}>
      <div className="panel-head">
        <h2>{t('sessionReport.dayTitle', { name: day.session.name, date: f.date(`${day.date}T12:00:00+08:00`) })}</h2>
      </div>
      <ProblemBox problem={problem} />
      {day.cancelled ? (
        <p className="notice" data-testid="session-cancelled">{t('sessionReport.cancelledHoliday')}</p>
      ) : (
        <p className="muted small">{t('sessions.when', { village: dir.village(day.session.villageCode), weekday: t(`sessions.weekday.${day.session.weekday}`), start: day.session.startTime, end: day.session.endTime })}</p>
      )}
      <p className="attendance-counts" data-testid="attendance-counts" data-rostered={day.counts.rostered} data-arrived={day.counts.arrived} data-absent={day.counts.absent}>
        <span className="tag">{t('sessionReport.rostered', { count: day.counts.rostered })}</span>
        <span className="tag attendance-arrived">{t('sessionReport.arrivedN', { count: day.counts.arrived })}</span>
        <span className="tag attendance-absent">{t('sessionReport.absentN', { count: day.counts.absent })}</span>
        <span className="tag attendance-none">{t('sessionReport.notRecordedN', { count: day.counts.notRecorded })}</span>
      </p>
      {!day.cancelled && day.may.recordOwn && (
        <div className="attendance-own" data-testid="attendance-own">
          <h3>{t('sessionReport.ownTitle')}</h3>
          {mine && <StatusTag line={mine} />}
          {day.open.own ? (
            <AttendanceButtons own testid="attendance-own-record" busy={busy} current={mine?.status ?? null} onRecord={(s, r) => void record(s, r)} />
          ) : (
            <p className="muted small" data-testid="attendance-own-closed">{t('sessionReport.windowClosed')}</p>
          )}
          {saved === 'own' && <p className="ok small" role="status" data-testid="attendance-saved">{t('sessionReport.saved')}</p>}
        </div>
      )}
      <h3>{t('sessionReport.rosterTitle')}</h3>
      <ul className="attendance-roster" data-testid="attendance-roster">
        {day.roster.map((l) => (
          <li key={l.cadreCode} data-testid="attendance-line" data-cadre={l.cadreCode} data-status={l.status ?? 'none'}>
            <div className="attendance-who">
              <strong>{l.name}</strong>
              {l.departmentCode && <span className="muted small"> · {dir.department(l.departmentCode)}</span>}
            </div>
            <StatusTag line={l} />
            {!day.cancelled && day.may.recordOnBehalf && day.open.onBehalf && (
              <AttendanceButtons own={false} testid="attendance-for" busy={busy} current={l.status} onRecord={(s, r) => void record(s, r, l.cadreCode)} />
            )}
            {saved === l.cadreCode && <span className="ok small" role="status">{t('sessionReport.saved')}</span>}
          </li>
        ))}
      </ul>
      <h3>{t('sessionReport.casesTitle', { count: day.cases.opened })}</h3>
      <p className="attendance-counts" data-testid="session-day-cases" data-opened={day.cases.opened} data-resolved={day.cases.resolved} data-open={day.cases.open}>
        <span className="tag">{t('sessionReport.casesOpened', { count: day.cases.opened })}</span>
        <span className="tag attendance-arrived">{t('sessionReport.casesResolved', { count: day.cases.resolved })}</span>
        <span className="tag">{t('sessionReport.casesOpen', { count: day.cases.open })}</span>
        {day.cases.ended > 0 && <span className="tag attendance-none">{t('sessionReport.casesEnded', { count: day.cases.ended })}</span>}
      </p>
      {day.cases.byCategory.length > 0 && (
        <div className="table-wrap">
          <table className="table stack" data-testid="session-day-categories">
            <thead>
              <tr>
                <th>{t('sessionReport.category')}</th>
                <th>{t('sessionReport.opened')}</th>
                <th>{t('sessionReport.resolved')}</th>
                <th>{t('sessionReport.stillOpen')}</th>
              </tr>
            </thead>
            <tbody>
              {day.cases.byCategory.map((c) => (
                <tr key={c.category} data-testid="session-day-category" data-category={c.category}>
                  <td data-label={t('sessionReport.category')}><span className="cell">{label('category', c.category)}</span></td>
                  <td data-label={t('sessionReport.opened')}><span className="cell">{c.opened}</span></td>
                  <td data-label={t('sessionReport.resolved')}><span className="cell">{c.resolved}</span></td>
                  <td data-label={t('sessionReport.stillOpen')}><span className="cell">{c.open}</span></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {day.caseList.length === 0 ? (
        <p className="muted" data-testid="session-day-no-cases">{t('sessionReport.noCases')}</p>
      ) : (
        <ul className="case-list" data-testid="session-day-case-list">
          {day.caseList.map((c) => (
            <li key={c.id} data-testid="session-day-case" data-outcome={c.outcome}>
              <Link to={`/cases/${c.id}`}><strong>{c.title}</strong></Link>
              <div className="muted small">
                <StatusBadge status={c.status} /> {label('category', c.category)} · {f.dateTime(c.openedAt)} · <span className="mono">{c.trackingCode}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
