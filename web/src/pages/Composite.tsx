/**
 * The composite evaluation (综合考评) per cadre for a month (GET /reports/composite),
 * with its parts (service, duty, appraisal). Listed by name or code; a ranking by
 * score is only the sort a manager chooses, never the default.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useDirectory } from '../directory';
import { Pager } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { Loading } from '../components/bits';
import { thisMonth, useLocalList } from '../localList';

interface CompositeRow {
  cadreCode: string;
  composite: number;
  parts: { service?: number; duty?: number; appraisal?: number };
  partial: boolean;
}
interface CompositeAnswer {
  definitionsVersion: string;
  period: string;
  items: CompositeRow[];
}
const SORTS = ['name', 'code', 'score'] as const;
type Sort = (typeof SORTS)[number];

export default function Composite() {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const [period, setPeriod] = useState(thisMonth());
  const [sort, setSort] = useState<Sort>('name');
  const [search, setSearch] = useState('');
  const [answer, setAnswer] = useState<CompositeAnswer | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    if (!/^\d{4}-\d{2}$/.test(period)) return;
    let live = true;
    setAnswer(null);
    api<CompositeAnswer>(withQuery('/reports/composite', { period }))
      .then((a) => live && (setAnswer(a), setProblem(null)))
      .catch((err: unknown) => live && setProblem(problemOf(err)));
    return () => {
      live = false;
    };
  }, [period]);
  const collator = new Intl.Collator(i18n.language);
  const sorted = answer
    ? [...answer.items].sort((a, b) =>
        sort === 'score' ? b.composite - a.composite || a.cadreCode.localeCompare(b.cadreCode)
        : sort === 'code' ? a.cadreCode.localeCompare(b.cadreCode)
        : collator.compare(dir.cadre(a.cadreCode), dir.cadre(b.cadreCode)) || a.cadreCode.localeCompare(b.cadreCode))
    : null;
  const list = useLocalList(sorted, search, (r) => `${dir.cadre(r.cadreCode)} ${r.cadreCode}`, 20, `${period}|${sort}|${dir.cadres.length}`);
  // Scores and parts are fractions of the whole (0–1); shown out of 100.
  const score = (n: number | undefined) => (n === undefined ? t('composite.noPart') : (n * 100).toLocaleString(i18n.language, { maximumFractionDigits: 1 }));
  const deptOf = (code: string) => dir.department(dir.cadres.find((c) => c.code === code)?.departmentCode);

  return (
    <div className="page evaluation composite">
      <div className="page-head">
        <h1>{t('composite.title')}</h1>
      </div>
      <div className="panel filters" data-testid="composite-filters">
        <label>
          {t('evaluation.period')}
          <input type="month" data-testid="composite-period" value={period} onChange={(e) => setPeriod(e.target.value)} />
        </label>
        <label>
          {t('composite.sort')}
          <select data-testid="composite-sort" value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            {SORTS.map((s) => <option key={s} value={s}>{t(`composite.sortBy.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('evaluation.search')}
          <input type="search" data-testid="composite-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder={t('evaluation.searchHint')} />
        </label>
      </div>
      <p className="muted small">{t('composite.explain')}</p>
      <ProblemBox problem={problem} />
      {!answer && !problem && <Loading />}
      {answer && (
        <section className="panel">
          {list.items.length === 0 && !list.loading ? (
            <p className="muted" data-testid="composite-empty">{t('composite.empty')}</p>
          ) : (
            <div className="table-wrap">
              <table className="table stack" data-testid="composite-table">
                <thead>
                  <tr>
                    <th>{t('evaluation.cadre')}</th>
                    <th>{t('evaluation.department')}</th>
                    <th>{t('composite.score')}</th>
                    <th>{t('composite.part.service')}</th>
                    <th>{t('composite.part.duty')}</th>
                    <th>{t('composite.part.appraisal')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.items.map((r) => (
                    <tr key={r.cadreCode} data-testid="composite-row" data-cadre={r.cadreCode}>
                      <td data-label={t('evaluation.cadre')}><span className="cell">{dir.cadre(r.cadreCode)}</span></td>
                      <td data-label={t('evaluation.department')}><span className="cell">{deptOf(r.cadreCode) || t('common.none')}</span></td>
                      <td data-label={t('composite.score')}>
                        <span className="cell" data-testid="composite-score">
                          {score(r.composite)}
                          {r.partial && <small className="muted" title={t('composite.partialHint')}> {t('composite.partial')}</small>}
                        </span>
                      </td>
                      <td data-label={t('composite.part.service')}><span className="cell">{score(r.parts.service)}</span></td>
                      <td data-label={t('composite.part.duty')}><span className="cell">{score(r.parts.duty)}</span></td>
                      <td data-label={t('composite.part.appraisal')}><span className="cell">{score(r.parts.appraisal)}</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager list={list} testid="composite-pager" />
        </section>
      )}
    </div>
  );
}
