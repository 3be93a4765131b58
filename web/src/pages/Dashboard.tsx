/**
 * Evaluation figures (服务绩效) for managers and the assessment group: rate
 * cards, trend and breakdown charts, drill-down to the cases behind any
 * figure, exports. Lazy-loaded: Chart.js lives only in this chunk.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip, type ActiveElement, type ChartEvent } from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { useFormat } from '../format';
import { ProblemBox } from '../components/ProblemBox';
import { RebuildBanner } from '../components/RebuildBanner';
import { StatusBadge, useEnum } from '../components/bits';
import { CATEGORIES, RATE_FIGURE, RATE_NAMES, type DrilldownItem, type FigureGroup, type FiguresResponse, type RateName, type Role } from '../types';

ChartJS.register(BarElement, CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend);

type PeriodKind = 'month' | 'last3' | 'year' | 'custom';
interface Period {
  from?: string;
  to?: string;
}

const CHART_RATES: RateName[] = ['resolution', 'onTimeResolution', 'satisfaction'];
const COLORS = ['#9f1d20', '#2f6f4f', '#c58a12', '#3b5b92', '#7a4e9c', '#1f8a8a', '#b3541e'];

function startOfMonth(offset: number, now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth() + offset, 1);
}

function periodOf(kind: PeriodKind, customFrom: string, customTo: string): Period {
  const now = new Date();
  switch (kind) {
    case 'month':
      return { from: startOfMonth(0, now).toISOString() };
    case 'last3':
      return { from: startOfMonth(-2, now).toISOString() };
    case 'year':
      return { from: new Date(now.getFullYear(), 0, 1).toISOString() };
    case 'custom': {
      const p: Period = {};
      if (customFrom) p.from = new Date(`${customFrom}T00:00:00`).toISOString();
      if (customTo) {
        const d = new Date(`${customTo}T00:00:00`);
        d.setDate(d.getDate() + 1);
        p.to = d.toISOString();
      }
      return p;
    }
  }
}

interface Drill {
  groupBy: string;
  key: string;
  figure: string;
  from?: string;
  to?: string;
  category?: string;
  title: () => string;
}

function figures(groupBy: string, period: Period, category: string): Promise<FiguresResponse> {
  return api<FiguresResponse>(withQuery('/reports/figures', { groupBy, from: period.from, to: period.to, category }));
}

/** Drill-down rows fetched at a time (newest cases first; the rest a click away). */
const DRILL_PAGE = 100;

const pct = (v: number | null | undefined) => (v === null || v === undefined ? null : Math.round(v * 1000) / 10);

function Drilldown({ drill, onClose }: { drill: Drill; onClose(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const label = useEnum();
  const [data, setData] = useState<{ total: number; items: DrilldownItem[] } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const page = useCallback(
    (offset: number) =>
      api<{ total: number; items: DrilldownItem[] }>(
        withQuery('/reports/figures/cases', { groupBy: drill.groupBy, key: drill.key, figure: drill.figure, from: drill.from, to: drill.to, category: drill.category, limit: DRILL_PAGE, offset }),
      ),
    [drill],
  );
  useEffect(() => {
    setData(null);
    setProblem(null);
    page(0)
      .then(setData)
      .catch((err) => setProblem(problemOf(err)));
  }, [page]);
  /** The next page, after what is shown (newest cases first). */
  async function more() {
    if (!data) return;
    setLoadingMore(true);
    try {
      const next = await page(data.items.length);
      setData({ total: next.total, items: [...data.items, ...next.items] });
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setLoadingMore(false);
    }
  }
  return (
    <section className="panel" data-testid="drilldown" aria-live="polite">
      <div className="panel-head">
        <h2>
          {drill.title()} <span className="count">{data?.total ?? ''}</span>
        </h2>
        <button type="button" className="secondary" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <ProblemBox problem={problem} />
      {!data && !problem && <p className="muted">{t('common.loading')}</p>}
      {data && data.items.length === 0 && <p className="muted">{t('dashboard.noCases')}</p>}
      {data && data.items.length > 0 && (
        <ul className="case-list">
          {data.items.map((i) => (
            <li key={`${i.caseId}/${i.callbackAt ?? ''}`} className="case-row" data-testid="drilldown-row" data-case-id={i.caseId}>
              <Link to={`/cases/${i.caseId}`} className="case-title-link" data-testid="drilldown-title">{i.title ?? i.trackingCode}</Link>
              <div className="meta">
                {i.title && <span className="mono muted">{i.trackingCode}</span>}
                <StatusBadge status={i.status} />
                <span>{label('category', i.category)}</span>
                <span className="muted">{f.dateTime(i.openedAt)}</span>
                {i.callbackAt && <span className="muted">{t('dashboard.callbackAt', { at: f.dateTime(i.callbackAt) })}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {data && data.total > data.items.length && (
        <p className="muted small">
          {t('dashboard.moreCases', { shown: data.items.length, total: data.total })}{' '}
          <button type="button" className="secondary" data-testid="drilldown-more" disabled={loadingMore} onClick={() => void more()}>
            {t('dashboard.moreCasesNext')}
          </button>
        </p>
      )}
    </section>
  );
}

const TOWNSHIP_WIDE: readonly Role[] = ['township_leader', 'assessment', 'admin'];

export default function Dashboard() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const dir = useDirectory();
  const f = useFormat();
  const label = useEnum();
  const [kind, setKind] = useState<PeriodKind>('month');
  const [customFrom, setCustomFrom] = useState('');
  const [customTo, setCustomTo] = useState('');
  const [category, setCategory] = useState('');
  const [exportBy, setExportBy] = useState('department');
  const [refresh, setRefresh] = useState(0);
  const [township, setTownship] = useState<FigureGroup | null>(null);
  const [definitionsVersion, setDefinitionsVersion] = useState<string | null>(null);
  const [weights, setWeights] = useState<Record<string, { satisfied: number; basically_satisfied: number; dissatisfied: number }>>({});
  const [byDept, setByDept] = useState<FigureGroup[]>([]);
  const [byVillage, setByVillage] = useState<FigureGroup[]>([]);
  const [byCategory, setByCategory] = useState<{ category: string; cases: number }[]>([]);
  const [trend, setTrend] = useState<{ from: string; to: string; group: FigureGroup | null }[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [loading, setLoading] = useState(false);
  const [drill, setDrill] = useState<Drill | null>(null);

  // recomputed on refresh too, so "this month" follows the clock
  const period = useMemo(() => periodOf(kind, customFrom, customTo), [kind, customFrom, customTo, refresh]);

  // The headline scope follows the role: the township for the leadership and the assessment group,
  // the own department for a department head, the own area for an area leader (the API refuses wider).
  const wide = TOWNSHIP_WIDE.includes(me.role);
  const headBy = wide ? 'township' : me.role === 'department_head' ? 'department' : me.role === 'area_leader' ? 'area' : 'township';
  const headKey = headBy === 'department' ? me.departmentCode : headBy === 'area' ? (me.areaCodes[0] ?? null) : null;
  const pick = useCallback((groups: FigureGroup[]) => (headKey ? groups.find((g) => g.key === headKey) : groups[0]) ?? null, [headKey]);
  const showDept = wide || me.role === 'department_head';

  const load = useCallback(async () => {
    setLoading(true);
    setProblem(null);
    const months = [5, 4, 3, 2, 1, 0].map((back) => ({ from: startOfMonth(-back).toISOString(), to: startOfMonth(-back + 1).toISOString() }));
    // Each part on its own: one refused or failed call leaves the others on screen.
    const [tw, dept, vil, cats, tr] = await Promise.allSettled([
      figures(headBy, period, category),
      showDept ? figures('department', period, category) : Promise.resolve({ groups: [] } as FiguresResponse),
      figures('village', period, category),
      Promise.all(CATEGORIES.map(async (c) => ({ category: c, cases: pick((await figures(headBy, period, c)).groups)?.counts.cases ?? 0 }))),
      Promise.all(months.map(async (m) => ({ ...m, group: pick((await figures(headBy, m, category)).groups) }))),
    ]);
    const failed = [tw, dept, vil, cats, tr].find((r): r is PromiseRejectedResult => 'reason' in r);
    if (failed) setProblem(problemOf((failed as PromiseRejectedResult).reason));
    setTownship(tw.status === 'fulfilled' ? pick(tw.value.groups) : null);
    setDefinitionsVersion(tw.status === 'fulfilled' ? (tw.value.definitionsVersion ?? null) : null);
    setByDept(dept.status === 'fulfilled' ? dept.value.groups : []);
    setByVillage(vil.status === 'fulfilled' ? vil.value.groups : []);
    setByCategory(cats.status === 'fulfilled' ? cats.value : []);
    setTrend(tr.status === 'fulfilled' ? tr.value : []);
    setLoading(false);
  }, [period, category, headBy, pick, showDept]);

  useEffect(() => {
    void load();
  }, [load]);

  // the satisfaction weights of each definitions version, to say what "11.4/12" counts
  useEffect(() => {
    let live = true;
    api<{ items: { version: string; satisfactionWeights: { satisfied: number; basically_satisfied: number; dissatisfied: number } }[] }>('/reports/definitions')
      .then((r) => live && setWeights(Object.fromEntries(r.items.map((d) => [d.version, d.satisfactionWeights]))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  const satisfactionWeights = definitionsVersion ? weights[definitionsVersion] : undefined;

  const cat = category || undefined;
  const openDrill = (groupBy: string, key: string, rate: RateName | 'cases', title: () => string, p: Period = period, c = cat) =>
    setDrill({ groupBy, key, figure: rate === 'cases' ? 'cases' : RATE_FIGURE[rate], from: p.from, to: p.to, category: c, title });

  const monthFmt = new Intl.DateTimeFormat(f.lang, { year: 'numeric', month: 'short' });
  // Drill-down titles are rendered later, maybe in the other language: use i18n.t, not this render's t.
  const rateLabel = (r: RateName) => i18n.t(`figure.${r}`);
  const catLabel = (c: string) => i18n.t(`category.${c}`);

  const barOptions = (onPick: (index: number, datasetIndex: number) => void, percent = true) => ({
    responsive: true,
    maintainAspectRatio: false,
    onClick: (_e: ChartEvent, els: ActiveElement[]) => {
      const el = els[0];
      if (el) onPick(el.index, el.datasetIndex);
    },
    scales: { y: { beginAtZero: true, ...(percent ? { max: 100, ticks: { callback: (v: string | number) => `${v}%` } } : { ticks: { precision: 0 } }) } },
    plugins: { legend: { position: 'bottom' as const } },
  });

  const groupChart = (groups: FigureGroup[], groupBy: string, name: (k: string) => string) => ({
    data: {
      labels: groups.map((g) => name(g.key) || g.key),
      datasets: CHART_RATES.map((r, i) => ({ label: rateLabel(r), data: groups.map((g) => pct(g.rates[r]?.value)), backgroundColor: COLORS[i] })),
    },
    options: barOptions((index, ds) => {
      const g = groups[index];
      const r = CHART_RATES[ds];
      if (g && r) openDrill(groupBy, g.key, r, () => `${name(g.key) || g.key} · ${rateLabel(r)}`);
    }),
  });

  // The reporting service groups cases without a department or village under '(none)'.
  const noneOr = (name: (k: string) => string) => (k: string) => (k.startsWith('(') ? t('common.none') : name(k));
  const dept = groupChart(byDept, 'department', noneOr((k) => dir.department(k)));
  const village = groupChart(byVillage, 'village', noneOr((k) => dir.village(k)));

  const exportQuery = (format: string) => withQuery('/api/v1/reports/figures/export', { groupBy: exportBy, format, from: period.from, to: period.to, category });

  return (
    <div className="page dashboard">
      <div className="page-head">
        <h1>{t('dashboard.title')}</h1>
        <div className="toolbar">
          <Link to="/hot-topics" data-testid="hot-topics-link">{t('hotTopics.dashboardLink')}</Link>
          <Link to="/four-helps" data-testid="four-helps-link">{t('fourHelps.dashboardLink')}</Link>
          <button type="button" className="secondary" data-testid="dashboard-refresh" onClick={() => setRefresh((x) => x + 1)} disabled={loading}>
            {loading ? t('common.loading') : t('common.refresh')}
          </button>
        </div>
      </div>
      <div className="filters panel">
        <label>
          {t('dashboard.period')}
          <select data-testid="period" value={kind} onChange={(e) => setKind(e.target.value as PeriodKind)}>
            {(['month', 'last3', 'year', 'custom'] as const).map((k) => (
              <option key={k} value={k}>{t(`dashboard.periods.${k}`)}</option>
            ))}
          </select>
        </label>
        {kind === 'custom' && (
          <>
            <label>
              {t('dashboard.from')}
              <input type="date" data-testid="period-from" value={customFrom} onChange={(e) => setCustomFrom(e.target.value)} />
            </label>
            <label>
              {t('dashboard.to')}
              <input type="date" data-testid="period-to" value={customTo} onChange={(e) => setCustomTo(e.target.value)} />
            </label>
          </>
        )}
        <label>
          {t('case.category')}
          <select data-testid="dashboard-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>{label('category', c)}</option>
            ))}
          </select>
        </label>
        <label hidden={!wide}>
          {t('dashboard.exportBy')}
          <select data-testid="export-group" value={exportBy} onChange={(e) => setExportBy(e.target.value)}>
            {['township', 'area', 'department', 'village', 'cadre'].map((g) => (
              <option key={g} value={g}>{t(`dashboard.groupBy.${g}`)}</option>
            ))}
          </select>
        </label>
        <div className="export-links" hidden={!wide}>
          <a href={exportQuery('csv')} download data-testid="export-csv" className="button secondary">{t('dashboard.exportCsv')}</a>
          <a href={exportQuery('xlsx')} download data-testid="export-xlsx" className="button secondary">{t('dashboard.exportXlsx')}</a>
        </div>
      </div>
      {wide && <RebuildBanner onFinished={() => setRefresh((x) => x + 1)} />}
      <ProblemBox problem={problem} />

      <div className="figure-cards">
        {RATE_NAMES.map((r) => {
          const rate = township?.rates[r];
          return (
            <div key={r} className="figure-cell">
              <button
                type="button"
                className={`figure-card${drill?.groupBy === headBy && drill.key === township?.key && drill.figure === RATE_FIGURE[r] ? ' active' : ''}`}
                data-testid="figure-card"
                data-figure={r}
                onClick={() => township && openDrill(headBy, township.key, r, () => rateLabel(r))}
                disabled={!township}
              >
                <span className="figure-name">{rateLabel(r)}</span>
                <span className="figure-percent">{f.percent(rate?.value)}</span>
                <span className="figure-value" data-testid="figure-value">
                  {rate ? `${rate.numerator}/${rate.denominator}` : '0/0'}
                </span>
              </button>
              {r === 'satisfaction' && rate && satisfactionWeights && (
                <small className="figure-note muted" data-testid="satisfaction-explained">
                  {t('dashboard.satisfactionExplained', {
                    numerator: rate.numerator,
                    denominator: rate.denominator,
                    satisfied: satisfactionWeights.satisfied,
                    basically: satisfactionWeights.basically_satisfied,
                    dissatisfied: satisfactionWeights.dissatisfied,
                  })}
                </small>
              )}
              {r === 'satisfaction' && (
                // the numerator is a weighted sum of callback answers: say so, and where it is defined
                <Link to={`/definitions#${definitionsVersion ?? ''}-satisfaction`} className="figure-note" data-testid="satisfaction-definition">
                  {t('definitions.satisfactionNote')}
                </Link>
              )}
            </div>
          );
        })}
      </div>
      <p className="small">
        <Link to="/definitions" data-testid="definitions-link">{t('definitions.link', { version: definitionsVersion ?? '' })}</Link>
      </p>
      {township && (
        <p className="muted small">
          {t('dashboard.timings', {
            accept: township.minutesToAccept?.median ?? '—',
            acceptP90: township.minutesToAccept?.p90 ?? '—',
            resolve: township.minutesToResolve?.median ?? '—',
            resolveP90: township.minutesToResolve?.p90 ?? '—',
          })}
          {township.escalations && ` · ${t('dashboard.escalations', township.escalations)}`}
        </p>
      )}

      {drill && <Drilldown drill={drill} onClose={() => setDrill(null)} />}

      <div className="charts">
        <section className="panel chart-panel">
          <h2>{t('dashboard.trend')}</h2>
          <div className="chart-box">
            <Line
              data-testid="chart-trend"
              aria-label={t('dashboard.trend')}
              data={{
                labels: trend.map((m) => monthFmt.format(new Date(m.from))),
                datasets: CHART_RATES.map((r, i) => ({ label: rateLabel(r), data: trend.map((m) => pct(m.group?.rates[r]?.value)), borderColor: COLORS[i], backgroundColor: COLORS[i], tension: 0.2 })),
              }}
              options={barOptions((index, ds) => {
                const m = trend[index];
                const r = CHART_RATES[ds];
                if (m?.group && r) openDrill(headBy, m.group.key, r, () => `${monthFmt.format(new Date(m.from))} · ${rateLabel(r)}`, { from: m.from, to: m.to });
              })}
            />
          </div>
        </section>
        <section className="panel chart-panel" hidden={!showDept}>
          <h2>{t('dashboard.byDepartment')}</h2>
          <div className="chart-box">
            <Bar data-testid="chart-department" aria-label={t('dashboard.byDepartment')} data={dept.data} options={dept.options} />
          </div>
        </section>
        <section className="panel chart-panel">
          <h2>{t('dashboard.byVillage')}</h2>
          <div className="chart-box">
            <Bar data-testid="chart-village" aria-label={t('dashboard.byVillage')} data={village.data} options={village.options} />
          </div>
        </section>
        <section className="panel chart-panel">
          <h2>{t('dashboard.byCategory')}</h2>
          <div className="chart-box">
            <Bar
              data-testid="chart-category"
              aria-label={t('dashboard.byCategory')}
              data={{
                labels: byCategory.map((c) => label('category', c.category)),
                datasets: [{ label: t('dashboard.cases'), data: byCategory.map((c) => c.cases), backgroundColor: COLORS[3] }],
              }}
              options={barOptions((index) => {
                const c = byCategory[index];
                if (c) openDrill(headBy, township?.key ?? headKey ?? 'township', 'cases', () => `${catLabel(c.category)} · ${i18n.t('dashboard.cases')}`, period, c.category);
              }, false)}
            />
          </div>
        </section>
      </div>
    </div>
  );
}
