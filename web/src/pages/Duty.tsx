/**
 * Duty figures (履职) per cadre for a month, from their own work records
 * (GET /reports/duty): the grassroots-days rule (每周下基层不少于3天) week by
 * week and who misses it, records per role of the plan's six roles, days with
 * work, visits (to linked and key households), diary entries; each cadre's
 * records (with their role) below. A department head sees their department's
 * cadres, everyone else their own row; searchable by name or department, paged.
 * Never from location tracking: only the dates of records cadres make anyway.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import type { DutyAnswer } from '@minqing/shared/domain';
import { WORK_ROLES } from '@minqing/shared/work-kinds';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { Pager } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { WorkRecordList } from '../components/WorkRecordList';
import { Loading, useEnum } from '../components/bits';
import { thisMonth, useLocalList } from '../localList';

type Week = DutyAnswer['grassroots']['weeks'][number];

/** "11月2日至8日" / "Nov 2 – 8": a week's Monday to Sunday in the console's language. */
function weekRange(w: Week, lang: string): string {
  const noon = (d: string) => new Date(`${d}T12:00:00`);
  return new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric' }).formatRange(noon(w.first), noon(w.last));
}


export default function Duty() {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const [period, setPeriod] = useState(thisMonth());
  const [answer, setAnswer] = useState<DutyAnswer | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [search, setSearch] = useState('');
  const [missingOnly, setMissingOnly] = useState(false);
  const me = useMe();
  const label = useEnum();
  // Whose records are listed below the figures: one's own at first when one has a row.
  const [shownCadre, setShownCadre] = useState<string | null>(me.cadreCode);
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
  const rows = answer ? answer.items.filter((r) => !missingOnly || r.weeksMissingPlan > 0) : null;
  const list = useLocalList(rows, search, (r) => `${dir.cadre(r.cadreCode)} ${dir.department(r.departmentCode)}`, 20, `${period}|${missingOnly}`);
  const num = (n: number, digits = 0) => n.toLocaleString(i18n.language, { maximumFractionDigits: digits });
  const weeks = answer?.grassroots.weeks ?? [];
  const missing = answer ? answer.items.filter((r) => r.weeksMissingPlan > 0).length : 0;
  // The records behind the figures: the period's, and the days of its whole weeks the rule counts.
  const recordsFrom = answer ? [answer.first, weeks[0]?.first ?? answer.first].sort()[0]! : '';
  const recordsTo = answer ? [answer.last, weeks[weeks.length - 1]?.last ?? answer.last].sort()[1]! : '';
  const recordsShown = shownCadre && answer?.items.some((r) => r.cadreCode === shownCadre) ? shownCadre : null;

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
        <label className="check">
          <input type="checkbox" data-testid="duty-missing-only" checked={missingOnly} onChange={(e) => setMissingOnly(e.target.checked)} /> {t('duty.missingOnly')}
        </label>
      </div>
      <p className="muted small">{t('duty.explain')}</p>
      {answer && (
        <section className="panel duty-rule" data-testid="duty-rule" data-min-days={answer.grassroots.minDaysPerWeek}>
          <h2>{t('duty.ruleTitle', { n: answer.grassroots.minDaysPerWeek })}</h2>
          <p className="small">{t('duty.ruleHow')}</p>
          <p className="small">
            {t('duty.ruleWeeks', { count: weeks.length })}{' '}
            {weeks.map((w) => (
              <span key={w.week} className="tag" data-testid="duty-rule-week" data-week={w.week} data-ended={w.ended}>
                {weekRange(w, i18n.language)}
              </span>
            ))}
          </p>
          <p data-testid="duty-rule-summary" data-missing={missing}>
            <strong>{missing > 0 ? t('duty.missingCount', { count: missing }) : t('duty.noneMissing')}</strong>
          </p>
        </section>
      )}
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
                    <th>{t('duty.grassroots')}</th>
                    <th>{t('duty.byRole')}</th>
                    <th>{t('duty.daysWithWork')}</th>
                    <th>{t('duty.daysPerWeek')}</th>
                    <th>{t('duty.weeksMeetingPlan')}</th>
                    <th>{t('duty.visits')}</th>
                    <th>{t('duty.visitsToKeyHouseholds')}</th>
                    <th>{t('duty.householdsVisited')}</th>
                    <th>{t('duty.diaryEntries')}</th>
                    <th>{t('duty.householdFilesUpdated')}</th>
                    <th>{t('duty.marketDays')}</th>
                    <th>{t('duty.inspection')}</th>
                    <th>{t('duty.planItems')}</th>
                    <th>{t('duty.records')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((r) => (
                    <tr key={r.cadreCode} data-testid="duty-row" data-cadre={r.cadreCode} data-missed={r.weeksMissingPlan} className={r.weeksMissingPlan > 0 ? 'missing' : undefined}>
                      <td data-label={t('evaluation.cadre')}><span className="cell">{dir.cadre(r.cadreCode)}</span></td>
                      <td data-label={t('evaluation.department')}><span className="cell">{dir.department(r.departmentCode) || t('common.none')}</span></td>
                      <td data-label={t('duty.grassroots')}>
                        <span className="cell weeks">
                          {r.grassrootsWeeks.map((w, i) => (
                            <span key={w.week} className={`tag week-${w.status}`} data-testid="duty-week" data-week={w.week} data-status={w.status} data-days={w.days}>
                              {weeks[i] ? weekRange(weeks[i]!, i18n.language) : ''} {t('duty.daysN', { count: w.days })} · {t(`duty.weekStatus.${w.status}`)}
                            </span>
                          ))}
                        </span>
                      </td>
                      <td data-label={t('duty.byRole')}>
                        <span className="cell roles">
                          {WORK_ROLES.filter((role) => r.byRole[role]).map((role) => (
                            <span key={role} className={`tag role role-${role}`} data-testid="duty-role" data-role={role} data-count={r.byRole[role]}>
                              {label('workRole', role)} {num(r.byRole[role] ?? 0)}
                            </span>
                          ))}
                          {WORK_ROLES.every((role) => !r.byRole[role]) && t('common.none')}
                        </span>
                      </td>
                      <td data-label={t('duty.daysWithWork')}><span className="cell">{num(r.daysWithWork)}</span></td>
                      <td data-label={t('duty.daysPerWeek')}><span className="cell">{num(r.daysPerWeek, 1)}</span></td>
                      <td data-label={t('duty.weeksMeetingPlan')}><span className="cell">{t('duty.weeksOf', { n: num(r.weeksMeetingPlan), of: num(weeks.length) })}</span></td>
                      <td data-label={t('duty.visits')}><span className="cell">{num(r.visits)}</span></td>
                      <td data-label={t('duty.visitsToKeyHouseholds')}><span className="cell">{num(r.visitsToKeyHouseholds)}</span></td>
                      <td data-label={t('duty.householdsVisited')}><span className="cell">{num(r.householdsVisited)}</span></td>
                      <td data-label={t('duty.diaryEntries')}><span className="cell">{num(r.diaryEntries)}</span></td>
                      <td data-label={t('duty.householdFilesUpdated')} data-testid="duty-household-files"><span className="cell">{num(r.householdFilesUpdated)}</span></td>
                      <td data-label={t('duty.marketDays')} data-testid="duty-market-days" data-attended={r.marketDays.attended} data-rostered={r.marketDays.rostered}>
                        <span className="cell">{t('duty.marketDaysLine', { attended: num(r.marketDays.attended), rostered: num(r.marketDays.rostered), absent: num(r.marketDays.absent) })}</span>
                      </td>
                      <td data-label={t('duty.inspection')} data-testid="duty-inspection" data-inspected={r.inspection ? 'yes' : 'no'} data-grade={r.inspection?.grade ?? ''}>
                        <span className="cell">
                          {r.inspection
                            ? t('duty.inspected', { grade: t(`inspection.grade.${r.inspection.grade}`), score: num(r.inspection.score, 1), count: r.inspection.count })
                            : t('inspection.notInspected')}
                        </span>
                      </td>
                      <td data-label={t('duty.planItems')} data-testid="duty-plan-items" data-done={r.plans.done} data-due={r.plans.due} data-overdue={r.plans.overdue}>
                        <span className="cell">{t('duty.planItemsLine', { done: num(r.plans.done), due: num(r.plans.due), overdue: num(r.plans.overdue) })}</span>
                      </td>
                      <td data-label={t('duty.records')}>
                        <span className="cell">
                          <button type="button" className="link" data-testid="duty-show-records" aria-pressed={recordsShown === r.cadreCode} onClick={() => setShownCadre(r.cadreCode)}>
                            {t('duty.showRecords')}
                          </button>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager list={list} testid="duty-pager" />
        </section>
      )}
      {answer && recordsShown && <WorkRecordList cadreCode={recordsShown} from={recordsFrom} to={recordsTo} testid="duty-records" />}
    </div>
  );
}
