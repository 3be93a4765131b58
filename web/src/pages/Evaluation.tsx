/**
 * 评先选优: the evaluation sheet of a period (GET /reports/evaluation) — per
 * cadre and per department the service figures, duty, democratic appraisal,
 * inspection (一听二看三查) and the composite under the named, versioned
 * composite definitions. The assessment group signs it off (POST
 * /reports/evaluation/sign-off, the signer taken from the session); every
 * sign-off is listed (paged) with its downloads (XLSX, PDF), and the latest
 * shows whether later events amended it. Searchable by name or department.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { mayUse, REPORT_OPERATIONS } from '@minqing/shared/console-access';
import type { EvaluationSheet, EvaluationSheetRow, SignedSheetSummary } from '@minqing/shared/domain';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { FieldError, ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { useAction } from '../useAction';
import { useFormat } from '../format';
import { thisMonth, useLocalList } from '../localList';

/** The period kinds the screen offers: a month, a quarter or a year. */
type Kind = 'month' | 'quarter' | 'year';
const periodOf = (kind: Kind, month: string): string => {
  const [y, m] = month.split('-');
  if (kind === 'year') return y!;
  if (kind === 'quarter') return `${y}-Q${Math.floor((Number(m) - 1) / 3) + 1}`;
  return month;
};

interface Amendment { amended: boolean; changes: unknown[] }

export default function Evaluation() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const f = useFormat();
  const canSign = mayUse(REPORT_OPERATIONS, 'signEvaluationSheet', me?.role);
  const [kind, setKind] = useState<Kind>('quarter');
  const [month, setMonth] = useState(thisMonth());
  const period = /^\d{4}-\d{2}$/.test(month) ? periodOf(kind, month) : '';
  const [sheet, setSheet] = useState<EvaluationSheet | null>(null);
  const [signed, setSigned] = useState<SignedSheetSummary | null>(null);
  const [amendment, setAmendment] = useState<Amendment | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [subjects, setSubjects] = useState<'cadres' | 'departments'>('cadres');
  const [search, setSearch] = useState('');
  const [note, setNote] = useState('');
  const [generation, setGeneration] = useState(0);
  const sign = useAction();

  useEffect(() => {
    if (!period) return;
    let live = true;
    setSheet(null);
    setAmendment(null);
    api<{ sheet: EvaluationSheet; signed: SignedSheetSummary | null }>(withQuery('/reports/evaluation', { period }))
      .then(async (a) => {
        if (!live) return;
        setSheet(a.sheet);
        setSigned(a.signed);
        setProblem(null);
        if (a.signed) {
          const full = await api<{ amendment: Amendment }>(`/reports/evaluation/sheets/${a.signed.id}`);
          if (live) setAmendment(full.amendment);
        }
      })
      .catch((err: unknown) => live && setProblem(problemOf(err)));
    return () => {
      live = false;
    };
  }, [period, generation]);

  const loadSheets = useCallback(
    (cursor: string | undefined, signal: AbortSignal) => api<CursorPage<SignedSheetSummary>>(withQuery('/reports/evaluation/sheets', { period: period || undefined, limit: 10, cursor }), { signal }),
    [period],
  );
  const sheets = useCursorList(loadSheets, `${period}|${generation}`);

  const rows = sheet ? (subjects === 'cadres' ? sheet.cadres : sheet.departments) : null;
  const nameOf = (r: EvaluationSheetRow) => r.name ?? (r.subjectType === 'cadre' ? dir.cadre(r.code) : dir.department(r.code));
  const list = useLocalList(rows, search, (r) => `${nameOf(r)} ${r.code} ${dir.department(r.departmentCode)}`, 20, `${period}|${subjects}`);
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : f.percent(x));
  const num = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : x.toLocaleString(i18n.language, { maximumFractionDigits: digits }));
  const download = (id: string, format: 'xlsx' | 'pdf') => `/api/v1${withQuery(`/reports/evaluation/sheets/${id}/export`, { format, lang: i18n.language.startsWith('en') ? 'en' : 'zh-CN' })}`;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await sign.run(async () => {
      await api('/reports/evaluation/sign-off', { body: { period, note: note.trim() } });
      setNote('');
      setGeneration((g) => g + 1);
    });
  }

  return (
    <div className="page evaluation evaluation-sheet">
      <div className="page-head">
        <h1>{t('evaluationSheet.title')}</h1>
      </div>
      <div className="panel filters" data-testid="sheet-filters">
        <label>
          {t('evaluationSheet.periodKind')}
          <select data-testid="sheet-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="month">{t('evaluationSheet.kind.month')}</option>
            <option value="quarter">{t('evaluationSheet.kind.quarter')}</option>
            <option value="year">{t('evaluationSheet.kind.year')}</option>
          </select>
        </label>
        <label>
          {t('evaluationSheet.containing')}
          <input type="month" data-testid="sheet-month" value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <p className="small" data-testid="sheet-period" data-period={period}>{t('evaluationSheet.periodKind')}: <strong>{period}</strong>{sheet ? ` (${sheet.first} – ${sheet.last})` : ''}</p>
      </div>
      <p className="muted small">{t('evaluationSheet.explain')}</p>
      <ProblemBox problem={problem} />
      {!sheet && !problem && <Loading />}
      {sheet && (
        <section className="panel" data-testid="sheet-status">
          <p className="small" data-testid="sheet-definitions">
            {t('evaluationSheet.definitions', {
              version: sheet.compositeVersion,
              weights: Object.entries(sheet.weights).map(([k, v]) => `${t(`composite.part.${k}`, { defaultValue: k })} ${v}`).join(' · '),
              figures: sheet.figureDefinitionsVersion,
            })}
          </p>
          {signed ? (
            <p data-testid="sheet-signed" data-id={signed.id} data-amended={amendment?.amended ?? ''}>
              {t('evaluationSheet.signedBy', { who: signed.signedByName ?? t('inspection.assessmentGroup'), when: f.dateTime(signed.signedAt) })}{' '}
              {amendment && (amendment.amended ? <strong className="warn">{t('evaluationSheet.amended', { count: amendment.changes.length })}</strong> : <span>{t('evaluationSheet.unchanged')}</span>)}{' '}
              <a className="button secondary" href={download(signed.id, 'xlsx')} download data-testid="sheet-xlsx">{t('evaluationSheet.xlsx')}</a>{' '}
              <a className="button secondary" href={download(signed.id, 'pdf')} download data-testid="sheet-pdf">{t('evaluationSheet.pdf')}</a>
            </p>
          ) : (
            <p className="muted" data-testid="sheet-unsigned">{t('evaluationSheet.notSigned')}</p>
          )}
          {canSign && (
            <form className="form" data-testid="sheet-sign-form" onSubmit={submit}>
              <label>
                {t('evaluationSheet.note')}
                <textarea data-testid="sheet-note" required maxLength={2000} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
                <FieldError problem={sign.problem} field="note" />
              </label>
              <ProblemBox problem={sign.problem} />
              <div className="actions">
                <button type="submit" className="primary" data-testid="sheet-sign" disabled={sign.busy || !note.trim() || !period}>
                  {sign.busy ? t('common.saving') : t('evaluationSheet.sign')}
                </button>
              </div>
            </form>
          )}
        </section>
      )}
      {sheet && (
        <section className="panel" data-testid="sheet-table-panel">
          <div className="panel-head">
            <div className="tabs" role="tablist">
              {(['cadres', 'departments'] as const).map((s) => (
                <button key={s} type="button" role="tab" aria-selected={subjects === s} data-testid={`sheet-tab-${s}`} className={subjects === s ? 'tab active' : 'tab'} onClick={() => setSubjects(s)}>
                  {t(`evaluationSheet.${s}`)}
                </button>
              ))}
            </div>
            <input type="search" data-testid="sheet-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('evaluation.searchHint')} aria-label={t('evaluation.search')} />
          </div>
          {list.items.length === 0 && !list.loading ? (
            <p className="muted" data-testid="sheet-empty">{t('evaluationSheet.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table stack" data-testid="sheet-table">
                <thead>
                  <tr>
                    <th>{subjects === 'cadres' ? t('evaluation.cadre') : t('evaluation.department')}</th>
                    <th>{t('evaluationSheet.service')}</th>
                    <th>{t('evaluationSheet.duty')}</th>
                    <th>{t('evaluationSheet.appraisal')}</th>
                    <th>{t('evaluationSheet.inspection')}</th>
                    <th>{t('evaluationSheet.composite')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((r) => (
                    <tr key={`${r.subjectType}:${r.code}`} data-testid="sheet-row" data-code={r.code} data-grade={r.inspection?.grade ?? ''}>
                      <td data-label={subjects === 'cadres' ? t('evaluation.cadre') : t('evaluation.department')}>
                        <span className="cell">{nameOf(r)} {r.subjectType === 'cadre' && <small className="muted">{dir.department(r.departmentCode)}</small>}</span>
                      </td>
                      <td data-label={t('evaluationSheet.service')}>
                        <span className="cell">{r.service ? t('evaluationSheet.serviceCell', { score: pct(r.service.score), cases: r.service.cases, resolution: pct(r.service.resolutionRate), satisfaction: pct(r.service.satisfactionRate) }) : '—'}</span>
                      </td>
                      <td data-label={t('evaluationSheet.duty')}><span className="cell">{t('evaluationSheet.dutyCell', { score: pct(r.duty.score), days: num(r.duty.daysPerWeek) })}</span></td>
                      <td data-label={t('evaluationSheet.appraisal')}><span className="cell">{r.appraisal ? num(r.appraisal.score) : '—'}</span></td>
                      <td data-label={t('evaluationSheet.inspection')}>
                        <span className="cell" data-testid="sheet-inspection">{r.inspection ? `${t(`inspection.grade.${r.inspection.grade}`)} ${num(r.inspection.score)} (${t('evaluationSheet.times', { count: r.inspection.count })})` : t('inspection.notInspected')}</span>
                      </td>
                      <td data-label={t('evaluationSheet.composite')}><span className="cell"><strong>{pct(r.composite)}</strong>{r.partial && <small className="muted"> {t('evaluationSheet.partial')}</small>}</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager list={list} testid="sheet-pager" />
        </section>
      )}
      <section className="panel" data-testid="sheet-history">
        <h2>{t('evaluationSheet.history')}</h2>
        <ProblemBox problem={sheets.problem} />
        {!sheets.loading && sheets.items.length === 0 && <p className="muted">{t('evaluationSheet.noneSigned')}</p>}
        <ul className="plain">
          {sheets.items.map((s) => (
            <li key={s.id} data-testid="sheet-history-item" data-id={s.id}>
              {s.period} · {f.dateTime(s.signedAt)} · {s.signedByName ?? t('inspection.assessmentGroup')} · <small translate="no">{s.note}</small>{' '}
              <a href={download(s.id, 'xlsx')} download>{t('evaluationSheet.xlsx')}</a> · <a href={download(s.id, 'pdf')} download>{t('evaluationSheet.pdf')}</a>
            </li>
          ))}
        </ul>
        <Pager list={sheets} testid="sheet-history-pager" />
      </section>
    </div>
  );
}
