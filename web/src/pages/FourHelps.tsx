/**
 * 四帮四促 by period and area (fourHelpsReport): per help, the cases opened and
 * resolved in the period that carry it and the work records dated in it — for
 * the township (then by area), one area (by village) or one village. Each case
 * count opens its cases (fourHelpsCases, paged). For the dashboard roles; a
 * manager below the township counts their department's or areas' (the server
 * decides). ?from&to&area&village keep the choice in the address.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { FOUR_HELPS, type FourHelp, type FourHelpsCounts, type FourHelpsReport } from '@minqing/shared/four-helps';
import { api, problemOf, withQuery, type Problem } from '../api';
import { useDirectory } from '../directory';
import { useFormat, todayLocal } from '../format';
import { Pager, useCursorList, type CursorPage } from '../components/Pager';
import { ProblemBox } from '../components/ProblemBox';
import { HelpsTags } from '../components/FourHelps';
import { Loading, StatusBadge, useEnum } from '../components/bits';
import { useLocalList } from '../localList';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NO_GROUP = '(none)';

type CaseCount = 'casesOpened' | 'casesResolved';
interface Drill {
  help: FourHelp;
  count: CaseCount;
  group?: string;
}
interface HelpCase {
  caseId: string;
  trackingCode: string;
  category: string;
  status: string;
  areaCode: string | null;
  villageCode: string | null;
  openedAt: string;
  resolvedAt: string | null;
  helps: string[];
  title?: string;
}

/** One help's counts as a table: a row per help, the case counts open their cases. */
function CountsTable({ counts, group, onDrill, testid }: { counts: FourHelpsCounts[]; group?: string; onDrill: (d: Drill) => void; testid: string }) {
  const { t } = useTranslation();
  const cell = (c: FourHelpsCounts, count: CaseCount) => {
    const n = c[count];
    return n > 0 ? (
      <button type="button" className="link count" data-testid={`${testid}-${c.help}-${count}`} data-count={n} onClick={() => onDrill({ help: c.help, count, ...(group !== undefined ? { group } : {}) })}>
        {n}
      </button>
    ) : (
      <span data-testid={`${testid}-${c.help}-${count}`} data-count={0}>0</span>
    );
  };
  return (
    <table className="table four-helps-table" data-testid={testid}>
      <thead>
        <tr>
          <th scope="col">{t('fourHelps.col.help')}</th>
          <th scope="col" className="num">{t('fourHelps.col.casesOpened')}</th>
          <th scope="col" className="num">{t('fourHelps.col.casesResolved')}</th>
          <th scope="col" className="num">{t('fourHelps.col.workRecords')}</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((c) => (
          <tr key={c.help} data-help={c.help}>
            <th scope="row" title={t(`fourHelps.full.${c.help}`)}>{t(`fourHelps.help.${c.help}`)}</th>
            <td className="num">{cell(c, 'casesOpened')}</td>
            <td className="num">{cell(c, 'casesResolved')}</td>
            <td className="num" data-testid={`${testid}-${c.help}-workRecords`} data-count={c.workRecords}>{c.workRecords}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The cases behind one count, newest opened first, paged. */
function DrillCases({ drill, query, groupName, onClose }: { drill: Drill; query: Record<string, string>; groupName: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const label = useEnum();
  const dir = useDirectory();
  const f = useFormat();
  const list = useCursorList<HelpCase>(
    (cursor, signal) => api<CursorPage<HelpCase>>(withQuery('/reports/four-helps/cases', { ...query, help: drill.help, count: drill.count, group: drill.group, limit: 20, cursor }), { signal }),
    JSON.stringify({ query, drill }),
  );
  return (
    <section className="panel" data-testid="four-helps-cases" data-help={drill.help} data-count={drill.count}>
      <div className="panel-head">
        <h2>
          {t('fourHelps.casesTitle', { help: t(`fourHelps.help.${drill.help}`), count: t(`fourHelps.col.${drill.count}`) })}
          {groupName && <small className="muted"> · {groupName}</small>}
        </h2>
        <button type="button" className="secondary" onClick={onClose}>{t('common.close')}</button>
      </div>
      <ProblemBox problem={list.problem} />
      {list.loading ? <Loading /> : (
        <ul className="case-list">
          {list.items.map((c) => (
            <li key={c.caseId} className="case-row" data-testid="four-helps-case" data-case-id={c.caseId}>
              <div className="case-row-main">
                <Link to={`/cases/${c.caseId}`} className="case-title-link">{c.title ?? c.trackingCode}</Link>
                <div className="muted small">
                  <StatusBadge status={c.status} /> {label('category', c.category)} · {dir.village(c.villageCode) || t('common.noVillage')} · {f.date(c.openedAt)} ·{' '}
                  <span className="mono" translate="no">{c.trackingCode}</span>
                </div>
                <HelpsTags helps={c.helps} testid="four-helps-case-tags" />
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pager list={list} testid="four-helps-cases-pager" />
    </section>
  );
}

export default function FourHelps() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [params, setParams] = useSearchParams();
  const today = todayLocal();
  const monthStart = `${today.slice(0, 8)}01`;
  const pick = (k: string, fallback: string) => {
    const v = params.get(k) ?? '';
    return DATE.test(v) ? v : fallback;
  };
  const from = pick('from', monthStart);
  const to = pick('to', today);
  const area = params.get('area') ?? '';
  const village = params.get('village') ?? '';
  const [report, setReport] = useState<FourHelpsReport | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [drill, setDrill] = useState<Drill | null>(null);
  const [groupSearch, setGroupSearch] = useState('');

  const query = { from, to, areaCode: area, villageCode: village };
  const queryKey = JSON.stringify(query);
  const load = useCallback(async (signal: AbortSignal) => {
    setProblem(null);
    try {
      setReport(await api<FourHelpsReport>(withQuery('/reports/four-helps', JSON.parse(queryKey) as Record<string, string>), { signal }));
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setProblem(problemOf(err));
    }
  }, [queryKey]);
  useEffect(() => {
    const ctl = new AbortController();
    setReport(null);
    setDrill(null);
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  const set = (next: Record<string, string>) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p, { replace: true });
  };
  const groupName = (key: string) => (key === NO_GROUP ? t(report?.groupBy === 'village' ? 'fourHelps.noVillage' : 'fourHelps.noArea') : report?.groupBy === 'village' ? dir.village(key) : dir.area(key));
  const groups = useLocalList(report?.groups ?? null, groupSearch, (g) => `${g.key} ${groupName(g.key)}`, 10, queryKey);
  const villages = dir.villages.filter((v) => !area || v.areaCode === area);
  const drillQuery = Object.fromEntries(Object.entries(query).filter(([, v]) => v)) as Record<string, string>;

  return (
    <div className="page four-helps">
      <div className="page-head">
        <h1>{t('fourHelps.title')}</h1>
      </div>
      <p className="muted small">{t('fourHelps.intro')}</p>
      <form className="toolbar four-helps-filters" data-testid="four-helps-filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('fourHelps.from')}
          <input type="date" data-testid="four-helps-from" value={from} max={to} onChange={(e) => DATE.test(e.target.value) && set({ from: e.target.value })} />
        </label>
        <label>
          {t('fourHelps.to')}
          <input type="date" data-testid="four-helps-to" value={to} min={from} onChange={(e) => DATE.test(e.target.value) && set({ to: e.target.value })} />
        </label>
        <label>
          {t('fourHelps.area')}
          <select data-testid="four-helps-area" value={area} onChange={(e) => set({ area: e.target.value, village: '' })}>
            <option value="">{t('fourHelps.allAreas')}</option>
            {dir.areas.map((a) => <option key={a.code} value={a.code}>{a.name}</option>)}
          </select>
        </label>
        <label>
          {t('fourHelps.village')}
          <select data-testid="four-helps-village" value={village} onChange={(e) => set({ village: e.target.value })}>
            <option value="">{t('fourHelps.allVillages')}</option>
            {villages.map((v) => <option key={v.code} value={v.code}>{v.name}</option>)}
          </select>
        </label>
      </form>
      <ProblemBox problem={problem} />
      {!report && !problem && <Loading />}
      {report && (
        <>
          <section className="panel" data-testid="four-helps-totals" data-from={report.period.from} data-to={report.period.to}>
            <h2>{village ? dir.village(village) : area ? dir.area(area) : t('fourHelps.township')}</h2>
            <div className="table-wrap">
              <CountsTable counts={report.totals} onDrill={setDrill} testid="four-helps-total" />
            </div>
            <p className="muted small" data-testid="four-helps-untagged">
              {t('fourHelps.untagged', { cases: report.untagged.casesOpened, records: report.untagged.workRecords })}
            </p>
          </section>
          {drill && <DrillCases drill={drill} query={drillQuery} groupName={drill.group !== undefined ? groupName(drill.group) : null} onClose={() => setDrill(null)} />}
          <section className="panel" data-testid="four-helps-groups" data-group-by={report.groupBy}>
            <div className="panel-head">
              <h2>{t(report.groupBy === 'village' ? 'fourHelps.byVillage' : 'fourHelps.byArea')}</h2>
              <input type="search" data-testid="four-helps-group-search" aria-label={t('fourHelps.groupSearch')} placeholder={t('fourHelps.groupSearch')} value={groupSearch} onChange={(e) => setGroupSearch(e.target.value)} />
            </div>
            {report.groups.length === 0 && <p className="muted" data-testid="four-helps-empty">{t('fourHelps.empty')}</p>}
            {groups.items.map((g) => (
              <div key={g.key} className="four-helps-group" data-testid="four-helps-group" data-key={g.key}>
                <h3>{groupName(g.key)}</h3>
                <div className="table-wrap">
                  <CountsTable counts={g.counts} group={g.key} onDrill={setDrill} testid={`four-helps-group-${g.key}`} />
                </div>
              </div>
            ))}
            <Pager list={groups} testid="four-helps-groups-pager" />
          </section>
          <p className="muted small">{t('fourHelps.rules')}</p>
        </>
      )}
      <p className="small">{FOUR_HELPS.map((h) => t(`fourHelps.full.${h}`)).join('；')}</p>
    </div>
  );
}
