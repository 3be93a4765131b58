/**
 * The audit trail (administrators and the assessment group): who signed in,
 * changed an account, imported the roster, moved a case, read a resident's or a
 * household's details, exported or froze figures — with filters by actor,
 * action, subject and period, newest first, page by page (GET /audit).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS, AUDIT_READER_ROLES } from '@minqing/shared/audit';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useMe } from '../auth';
import { ProblemBox } from '../components/ProblemBox';
import { NotAllowed } from '../components/NotAllowed';
import { Loading, useEnum } from '../components/bits';
import { useFormat } from '../format';
import { useDirectory } from '../directory';
import { CaseRef } from '../components/CaseRef';

interface AuditEvent {
  id: string;
  at: string;
  actor: string;
  actorRole: string | null;
  action: string;
  outcome: 'success' | 'failure';
  subjectType: string | null;
  subject: string | null;
  clientIp: string | null;
  userAgent: string | null;
  details: Record<string, unknown>;
}
interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
  hasMore: boolean;
}
interface Filters {
  actor: string;
  action: string;
  subject: string;
  outcome: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { actor: '', action: '', subject: '', outcome: '', from: '', to: '' };
const PAGE_SIZE = 50;

/** A day in the browser's timezone → the instant it starts (`to` is inclusive: up to the next day's start). */
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** A detail's value as recorded (codes and counts only; the server never puts personal data there). */
function valueText(v: unknown): string {
  return Array.isArray(v) ? `${v.slice(0, 10).join(', ')}${v.length > 10 ? ' …' : ''}` : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** Details: each key in the reader's language; the values are the record's own codes, shown as recorded (not translated). */
function Details({ details }: { details: Record<string, unknown> }) {
  const { t } = useTranslation();
  return (
    <div className="audit-details small">
      {Object.entries(details).map(([k, v], i) => (
        <span key={k}>
          {i > 0 && ' · '}
          {t(`auditDetail.${k}`, { defaultValue: t(`detailKey.${k}`, { defaultValue: k }) })}:{' '}
          <span className="mono" translate="no">{valueText(v)}</span>
        </span>
      ))}
    </div>
  );
}

function Trail() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const label = useEnum();
  const f = useFormat();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  /** cursors of the pages seen so far: [undefined (first page), cursor of page 2, …] */
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<AuditPage | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(false);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async (filters: Filters, at: string | undefined) => {
    setLoading(true);
    try {
      const r = await api<AuditPage>(
        withQuery('/audit', {
          actor: filters.actor.trim(),
          action: filters.action,
          subject: filters.subject.trim(),
          outcome: filters.outcome,
          from: dayStart(filters.from),
          to: dayStart(filters.to, 1),
          cursor: at,
          limit: PAGE_SIZE,
        }),
      );
      setPage(r);
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load(applied, cursor);
  }, [load, applied, cursor]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setCursors([undefined]);
    setApplied({ ...draft });
  }
  const set = (k: keyof Filters, v: string) => setDraft((d) => ({ ...d, [k]: v }));

  return (
    <div className="page audit">
      <div className="page-head">
        <h1>{t('audit.title')}</h1>
      </div>
      <form className="panel filters audit-filters" data-testid="audit-filters" onSubmit={submit} noValidate>
        <label>
          {t('audit.actor')}
          <input data-testid="audit-actor" className="mono" value={draft.actor} maxLength={200} autoComplete="off" spellCheck={false} onChange={(e) => set('actor', e.target.value)} placeholder={t('audit.actorHint')} />
        </label>
        <label>
          {t('audit.action')}
          <select data-testid="audit-action" value={draft.action} onChange={(e) => set('action', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>{label('auditAction', a)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.subject')}
          <input data-testid="audit-subject" className="mono" value={draft.subject} maxLength={200} autoComplete="off" spellCheck={false} onChange={(e) => set('subject', e.target.value)} placeholder={t('audit.subjectHint')} />
        </label>
        <label>
          {t('audit.outcome')}
          <select data-testid="audit-outcome" value={draft.outcome} onChange={(e) => set('outcome', e.target.value)}>
            <option value="">{t('common.all')}</option>
            <option value="success">{t('audit.success')}</option>
            <option value="failure">{t('audit.failure')}</option>
          </select>
        </label>
        <label>
          {t('audit.from')}
          <input data-testid="audit-from" type="date" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('audit.to')}
          <input data-testid="audit-to" type="date" value={draft.to} onChange={(e) => set('to', e.target.value)} />
        </label>
        <div className="audit-filter-actions">
          <button type="submit" className="primary" data-testid="audit-apply">{t('audit.apply')}</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setDraft(EMPTY);
              setCursors([undefined]);
              setApplied(EMPTY);
            }}
          >
            {t('audit.clear')}
          </button>
        </div>
      </form>
      <section className="panel">
        <div className="panel-head">
          <h2>
            {t('audit.entries')} <span className="count" data-testid="audit-page" data-page={cursors.length}>{t('audit.page', { n: cursors.length })}</span>
          </h2>
        </div>
        <ProblemBox problem={problem} />
        {!page && !problem && <Loading />}
        {page && page.items.length === 0 && <p className="muted" data-testid="audit-none">{t('audit.none')}</p>}
        <ul className="audit-list" data-testid="audit-list" aria-busy={loading}>
          {page?.items.map((e) => (
            <li
              key={e.id}
              className={`audit-row${e.outcome === 'failure' ? ' failure' : ''}`}
              data-testid="audit-row"
              data-id={e.id}
              data-action={e.action}
              data-actor={e.actor}
              data-subject={e.subject ?? ''}
              data-outcome={e.outcome}
            >
              <div className="audit-row-head">
                <strong>{label('auditAction', e.action)}</strong>
                {e.outcome === 'failure' && <span className="tag failure">{t('audit.failure')}</span>}
                <time dateTime={e.at} className="muted small">{f.dateTime(e.at)}</time>
              </div>
              <div className="meta">
                <span>
                  {t('audit.by')} {dir.cadres.some((c) => c.code === e.actor) && <>{dir.cadre(e.actor)} </>}
                  <span className="mono" translate="no">{e.actor}</span>
                  {e.actorRole && e.actorRole !== 'resident' && <small className="muted"> · {label('role', e.actorRole)}</small>}
                </span>
                {e.subject && (
                  <span>
                    {e.subjectType && <small className="muted">{label('auditSubject', e.subjectType)} </small>}
                    {e.subjectType === 'case' && /^[0-9a-f-]{36}$/i.test(e.subject) ? <CaseRef id={e.subject} /> : <span className="mono" translate="no">{e.subject}</span>}
                  </span>
                )}
              </div>
              {Object.keys(e.details).length > 0 && <Details details={e.details} />}
              {(e.clientIp || e.userAgent) && (
                <div className="audit-client small muted" title={e.userAgent ?? undefined} translate="no">
                  {e.clientIp && <span className="mono">{e.clientIp}</span>}
                  {e.userAgent && <span> · {e.userAgent}</span>}
                </div>
              )}
            </li>
          ))}
        </ul>
        <div className="pager">
          <button type="button" className="secondary" data-testid="audit-first" disabled={cursors.length === 1 || loading} onClick={() => setCursors([undefined])}>
            {t('audit.first')}
          </button>
          <button
            type="button"
            className="secondary"
            data-testid="audit-next"
            disabled={!page?.hasMore || loading}
            onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor!])}
          >
            {t('audit.next')}
          </button>
        </div>
      </section>
    </div>
  );
}

export default function Audit() {
  const me = useMe();
  return AUDIT_READER_ROLES.includes(me.role) ? <Trail /> : <NotAllowed />;
}
