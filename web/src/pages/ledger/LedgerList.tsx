/**
 * The ledger list (民情台帐): the household files the reader may see — a cadre
 * their linked households, a manager their department's or area's, the
 * township-wide readers and the hall all — searched on the server (names in the
 * request body, never the URL) by name or address, village, key households and
 * whether a file exists, paged; and the villages' ledgers. The CSV export is
 * offered to the roles that may export (shared LEDGER_OPERATIONS).
 */
import { useCallback, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { LEDGER_OPERATIONS, type HouseholdLedgerItem, type VillageLedgerItem } from '@minqing/shared/ledger';
import { api, withQuery } from '../../api';
import { useMe } from '../../auth';
import { useDirectory } from '../../directory';
import { Pager, useCursorList, type CursorPage } from '../../components/Pager';
import { ProblemBox } from '../../components/ProblemBox';
import { Loading } from '../../components/bits';
import { useFormat } from '../../format';
import { useLedgerWords } from './parts';
import { useDebounced } from '../../useDebounced';

const PAGE = 30;
const DEBOUNCE_MS = 150;

function HouseholdRows({ village, setVillage, mayExport }: { village: string; setVillage(v: string): void; mayExport: boolean }) {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const w = useLedgerWords();
  const [q, setQ] = useState('');
  const [keyOnly, setKeyOnly] = useState(false);
  const [state, setState] = useState<'' | 'recorded' | 'missing'>('');
  const term = useDebounced(q.trim(), DEBOUNCE_MS);
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) =>
      api<CursorPage<HouseholdLedgerItem>>('/ledger/households/search', {
        body: {
          limit: PAGE,
          ...(term ? { q: term } : {}),
          ...(village ? { village } : {}),
          ...(keyOnly ? { keyOnly: true } : {}),
          ...(state ? { recorded: state === 'recorded' } : {}),
          ...(cursor ? { cursor } : {}),
        },
        signal,
      }),
    [term, village, keyOnly, state],
  );
  const list = useCursorList(load, `${term}|${village}|${keyOnly}|${state}`);
  const exportUrl = `/api/v1${withQuery('/ledger/export', { of: 'households', village: village || undefined, keyOnly: keyOnly || undefined, lang: i18n.language })}`;

  return (
    <section className="panel" data-testid="ledger-households">
      <div className="ledger-filters">
        <label>
          {t('ledger.search')}
          <input type="search" data-testid="ledger-search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder={t('ledger.search')} autoComplete="off" />
        </label>
        <label>
          {t('ledger.village')}
          <select data-testid="ledger-village" value={village} onChange={(e) => setVillage(e.target.value)}>
            <option value="">{t('ledger.allVillages')}</option>
            {dir.villages.map((v) => <option key={v.code} value={v.code}>{v.name}</option>)}
          </select>
        </label>
        <label>
          {t('ledger.state')}
          <select data-testid="ledger-state" value={state} onChange={(e) => setState(e.target.value as typeof state)}>
            <option value="">{t('ledger.stateAll')}</option>
            <option value="recorded">{t('ledger.stateRecorded')}</option>
            <option value="missing">{t('ledger.stateMissing')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" data-testid="ledger-key-only" checked={keyOnly} onChange={(e) => setKeyOnly(e.target.checked)} /> {t('ledger.keyOnly')}
        </label>
      </div>
      {mayExport && (
        <p className="export-links">
          <a className="button secondary" href={exportUrl} download data-testid="ledger-export">{t('ledger.export')}</a>
        </p>
      )}
      <ProblemBox problem={list.problem} />
      {list.loading && !list.problem && <Loading />}
      {!list.loading && !list.problem && list.items.length === 0 && <p className="muted" data-testid="ledger-none">{t('ledger.none')}</p>}
      <ul className="ledger-list" aria-busy={list.busy}>
        {list.items.map((h) => (
          <li key={h.householdCode} className="ledger-row" data-testid="ledger-row" data-household-code={h.householdCode} data-version={h.version}>
            <div className="ledger-row-main">
              <Link to={`/ledger/households/${encodeURIComponent(h.householdCode)}`} data-testid="ledger-row-open">{h.headName}</Link>{' '}
              {h.isKey && <span className="tag key">{t('household.key')}</span>}
              {h.isVulnerable && <span className="tag vulnerable">{t('household.vulnerable')}</span>}
              <div className="meta">
                <span>{dir.village(h.villageCode)}</span>
                {h.cadreCode && <span>{t('ledger.linkedCadreIs', { name: dir.cadre(h.cadreCode) })}</span>}
                {h.members !== null && <span>{t('ledger.members', { count: h.members })}</span>}
              </div>
              {(h.supports.length > 0 || h.difficulties.length > 0 || h.needs.length > 0) && (
                <div className="ledger-tags small">
                  {h.supports.map((s) => <span key={`s-${s}`} className="tag">{w.choice('support', s)}</span>)}
                  {h.difficulties.map((d) => <span key={`d-${d}`} className="tag vulnerable">{w.choice('difficulty', d)}</span>)}
                  {h.needs.map((n) => <span key={`n-${n}`} className="tag key">{w.choice('need', n)}</span>)}
                </div>
              )}
            </div>
            <div className="small">
              {h.version ? (
                <span className="muted">{t('ledger.version', { version: h.version })} · {f.dateTime(h.updatedAt)}</span>
              ) : (
                <span className="tag">{t('ledger.notRecorded')}</span>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Pager list={list} testid="ledger-pager" />
    </section>
  );
}

function VillageRows({ mayExport }: { mayExport: boolean }) {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const [q, setQ] = useState('');
  const term = useDebounced(q.trim(), DEBOUNCE_MS);
  const load = useCallback(
    (cursor: string | undefined, signal: AbortSignal) => api<CursorPage<VillageLedgerItem>>(withQuery('/ledger/villages', { q: term || undefined, limit: PAGE, cursor }), { signal }),
    [term],
  );
  const list = useCursorList(load, term);
  return (
    <section className="panel" data-testid="ledger-villages">
      <div className="ledger-filters">
        <label>
          {t('ledger.searchVillages')}
          <input type="search" data-testid="ledger-village-search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder={t('ledger.searchVillages')} autoComplete="off" />
        </label>
      </div>
      {mayExport && (
        <p className="export-links">
          <a className="button secondary" href={`/api/v1${withQuery('/ledger/export', { of: 'villages', lang: i18n.language })}`} download data-testid="ledger-export-villages">{t('ledger.exportVillages')}</a>
        </p>
      )}
      <ProblemBox problem={list.problem} />
      {list.loading && !list.problem && <Loading />}
      {!list.loading && !list.problem && list.items.length === 0 && <p className="muted">{t('ledger.noVillages')}</p>}
      <ul className="ledger-list">
        {list.items.map((v) => (
          <li key={v.villageCode} className="ledger-row" data-testid="village-ledger-row" data-village={v.villageCode}>
            <div className="ledger-row-main">
              <Link to={`/ledger/villages/${encodeURIComponent(v.villageCode)}`}>{v.name}</Link> <span className="tag">{t(`ledger.kind.${v.kind}`)}</span>
              <div className="meta">
                <span>{dir.area(v.areaCode)}</span>
                <span>{t('ledger.departmentIs', { name: dir.department(v.departmentCode) })}</span>
                <span>{t('ledger.coverage', { recorded: v.recordedHouseholds, households: v.households, key: v.keyHouseholds })}</span>
              </div>
            </div>
            <div className="small">
              {v.version ? <span className="muted">{t('ledger.version', { version: v.version })} · {f.dateTime(v.updatedAt)}</span> : <span className="tag">{t('ledger.notRecorded')}</span>}
            </div>
          </li>
        ))}
      </ul>
      <Pager list={list} testid="ledger-villages-pager" />
    </section>
  );
}

export default function LedgerList() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'villages' ? 'villages' : 'households';
  const village = params.get('village') ?? '';
  const mayExport = (LEDGER_OPERATIONS.exportLedger as readonly string[]).includes(me.role);
  const go = (next: Record<string, string>) => setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v)), { replace: true });

  return (
    <div className="page ledger">
      <div className="page-head">
        <h1>{t('ledger.title')}</h1>
      </div>
      <p className="muted small">{t('ledger.explain')}</p>
      <div className="ledger-tabs" role="tablist">
        <button type="button" role="tab" aria-selected={tab === 'households'} className={tab === 'households' ? 'primary' : 'secondary'} data-testid="ledger-tab-households" onClick={() => go({ village })}>
          {t('ledger.tabHouseholds')}
        </button>
        <button type="button" role="tab" aria-selected={tab === 'villages'} className={tab === 'villages' ? 'primary' : 'secondary'} data-testid="ledger-tab-villages" onClick={() => go({ tab: 'villages' })}>
          {t('ledger.tabVillages')}
        </button>
      </div>
      {tab === 'households' ? <HouseholdRows village={village} setVillage={(v) => go({ village: v })} mayExport={mayExport} /> : <VillageRows mayExport={mayExport} />}
    </div>
  );
}
