/**
 * Duty figures (履职) per cadre for a month, from their own work records
 * (GET /reports/duty): days with work, visits (to linked and key households),
 * diary entries. A department head sees their department's cadres; searchable
 * by name or department, paged.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import type { DutyAnswer } from '@minqing/shared/domain';
import { useDirectory } from '../directory';
import { Pager } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { thisMonth, useLocalList } from '../localList';


export default function Duty() {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const [period, setPeriod] = useState(thisMonth());
  const [answer, setAnswer] = useState<DutyAnswer | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [search, setSearch] = useState('');
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(period)) return;
    let live = true;
    setAnswer(null);
    api<DutyAnswer>(withQuery('/reports/duty', { period }))
      .then((a) => live && (setAnswer(a), setProblem(null)))
      .catch((err: unknown) => live && setProblem(problemOf(err)));
    return () => {
      live = false;
    };
  }, [period]);
  const list = useLocalList(answer?.items ?? null, search, (r) => `${dir.cadre(r.cadreCode)} ${dir.department(r.departmentCode)}`, 20, period);
  const num = (n: number, digits = 0) => n.toLocaleString(i18n.language, { maximumFractionDigits: digits });

  return (
    <div className="page evaluation duty">
      <div className="page-head">
        <h1>{t('duty.title')}</h1>
      </div>
      <div className="panel filters" data-testid="duty-filters">
        <label>
          {t('evaluation.period')}
          <input type="month" data-testid="duty-period" value={period} onChange={(e) => setPeriod(e.target.value)} />
        </label>
        <label>
          {t('evaluation.search')}
          <input type="search" data-testid="duty-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('evaluation.searchHint')} />
        </label>
      </div>
      <p className="muted small">{t('duty.explain')}</p>
      <ProblemBox problem={problem} />
      {!answer && !problem && <Loading />}
      {answer && (
        <section className="panel">
          {list.items.length === 0 && !list.loading ? (
            <p className="muted" data-testid="duty-empty">{t('duty.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table stack" data-testid="duty-table">
                <thead>
                  <tr>
                    <th>{t('evaluation.cadre')}</th>
                    <th>{t('evaluation.department')}</th>
                    <th>{t('duty.daysWithWork')}</th>
                    <th>{t('duty.daysPerWeek')}</th>
                    <th>{t('duty.weeksMeetingPlan')}</th>
                    <th>{t('duty.visits')}</th>
                    <th>{t('duty.visitsToKeyHouseholds')}</th>
                    <th>{t('duty.householdsVisited')}</th>
                    <th>{t('duty.diaryEntries')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((r) => (
                    <tr key={r.cadreCode} data-testid="duty-row" data-cadre={r.cadreCode}>
                      <td data-label={t('evaluation.cadre')}><span className="cell">{dir.cadre(r.cadreCode)}</span></td>
                      <td data-label={t('evaluation.department')}><span className="cell">{dir.department(r.departmentCode) || t('common.none')}</span></td>
                      <td data-label={t('duty.daysWithWork')}><span className="cell">{num(r.daysWithWork)}</span></td>
                      <td data-label={t('duty.daysPerWeek')}><span className="cell">{num(r.daysPerWeek, 1)}</span></td>
                      <td data-label={t('duty.weeksMeetingPlan')}><span className="cell">{t('duty.weeksOf', { n: num(r.weeksMeetingPlan), of: num(r.weeks, 1) })}</span></td>
                      <td data-label={t('duty.visits')}><span className="cell">{num(r.visits)}</span></td>
                      <td data-label={t('duty.visitsToKeyHouseholds')}><span className="cell">{num(r.visitsToKeyHouseholds)}</span></td>
                      <td data-label={t('duty.householdsVisited')}><span className="cell">{num(r.householdsVisited)}</span></td>
                      <td data-label={t('duty.diaryEntries')}><span className="cell">{num(r.diaryEntries)}</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager list={list} testid="duty-pager" />
        </section>
      )}
    </div>
  );
}
