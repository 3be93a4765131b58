/**
 * One village's or community's ledger (村情台帐): the roster's counts, sums over
 * its household files, the record (population, collective economy, industries,
 * infrastructure needs) — kept by the linked department's head and the area
 * leader — and its history.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { DIFFICULTY_TYPES, EMPTY_VILLAGE_LEDGER, NEED_TYPES, SUPPORT_TYPES, type VillageLedgerView } from '@minqing/shared/ledger';
import { useDirectory } from '../../directory';
import { ProblemBox } from '../../components/ProblemBox';
import { Loading } from '../../components/bits';
import { LedgerForm, LedgerHistory, LedgerView, VersionLine, useLedgerRecord, useLedgerWords, type SaveAnswer } from './parts';

function Counts({ title, list, counts }: { title: string; list: 'support' | 'difficulty' | 'need'; counts: Record<string, number> }) {
  const w = useLedgerWords();
  const { t } = useTranslation();
  const shown = Object.entries(counts).filter(([, n]) => n > 0);
  return (
    <div>
      <h3 className="small">{title}</h3>
      {shown.length === 0 ? (
        <p className="muted small">{t('common.none')}</p>
      ) : (
        <ul className="ledger-counts">{shown.map(([k, n]) => <li key={k}>{w.choice(list, k)} <strong>{t('ledger.households', { count: n })}</strong></li>)}</ul>
      )}
    </div>
  );
}

export default function VillageLedger() {
  const { t, i18n } = useTranslation();
  const dir = useDirectory();
  const { code = '' } = useParams();
  const { view, problem, reload } = useLedgerRecord<VillageLedgerView>(`/ledger/villages/${encodeURIComponent(code)}`);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<SaveAnswer | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const num = (n: number) => n.toLocaleString(i18n.language);


  if (problem && !view) {
    return (
      <div className="page ledger">
        <ProblemBox problem={problem} message={problem.status === 403 ? t('ledger.notAllowed') : undefined} />
        <Link to="/ledger?tab=villages">{t('ledger.title')}</Link>
      </div>
    );
  }
  if (!view) return <Loading />;
  const r = view.roster;
  const h = view.fromHouseholds;
  // the order of the lists, so the counts read the same way as the form
  const ordered = (values: readonly string[], counts: Record<string, number>) => Object.fromEntries(values.map((v) => [v, counts[v] ?? 0]));

  return (
    <div className="page ledger village-ledger" data-testid="village-ledger" data-access={view.access}>
      <p className="small"><Link to="/ledger?tab=villages">{t('ledger.title')}</Link></p>
      <div className="ledger-head">
        <h1>{view.name}</h1>
        <span className="tag">{t(`ledger.kind.${view.kind}`)}</span>
      </div>
      <div className="ledger-meta">
        <span>{t('ledger.departmentIs', { name: dir.department(view.departmentCode) })}</span>
        <span>{t('ledger.areaIs', { name: dir.area(view.areaCode) })}</span>
        <VersionLine version={view.version} updatedAt={view.updatedAt} updatedBy={view.updatedBy} />
      </div>
      {saved && (
        <div className="success" role="status" data-testid="ledger-saved" data-changed={saved.changed}>
          {saved.changed ? t('ledger.saved', { version: saved.record.version }) : t('ledger.unchanged')}
        </div>
      )}
      <div className="ledger-cols">
        <div>
          <section className="panel" data-testid="village-figures">
            <h2>{t('ledger.fromRoster')}</h2>
            <dl className="ledger-figures">
              <div><dt>{t('ledger.rosterHouseholds')}</dt><dd>{num(r.households)}</dd></div>
              <div><dt>{t('ledger.rosterKey')}</dt><dd>{num(r.keyHouseholds)}</dd></div>
              <div><dt>{t('ledger.rosterVulnerable')}</dt><dd>{num(r.vulnerableHouseholds)}</dd></div>
              <div><dt>{t('ledger.rosterMembersLabel')}</dt><dd>{num(r.members)}</dd></div>
              <div><dt>{t('ledger.recorded')}</dt><dd data-testid="village-recorded">{num(r.recordedHouseholds)}</dd></div>
              <div><dt>{t('ledger.recordedKey')}</dt><dd>{num(r.recordedKeyHouseholds)}</dd></div>
            </dl>
            <h2>{t('ledger.fromHouseholds')}</h2>
            <dl className="ledger-figures">
              <div><dt>{t('ledger.field.household.population.members')}</dt><dd>{num(h.members)}</dd></div>
              <div><dt>{t('ledger.field.household.population.workingAge')}</dt><dd>{num(h.workingAge)}</dd></div>
              <div><dt>{t('ledger.field.household.population.elderly')}</dt><dd>{num(h.elderly)}</dd></div>
              <div><dt>{t('ledger.field.household.population.children')}</dt><dd>{num(h.children)}</dd></div>
              <div><dt>{t('ledger.field.household.population.migrantWorkers')}</dt><dd>{num(h.migrantWorkers)}</dd></div>
              <div><dt>{t('ledger.unsafeHousing')}</dt><dd>{num(h.unsafeHousing)}</dd></div>
            </dl>
            <Counts title={t('ledger.bySupport')} list="support" counts={ordered(SUPPORT_TYPES, h.bySupport)} />
            <Counts title={t('ledger.byDifficulty')} list="difficulty" counts={ordered(DIFFICULTY_TYPES, h.byDifficulty)} />
            <Counts title={t('ledger.byNeed')} list="need" counts={ordered(NEED_TYPES, h.byNeed)} />
            <p className="small"><Link to={`/ledger?village=${encodeURIComponent(view.villageCode)}`} data-testid="village-households">{t('ledger.villageHouseholds')}</Link></p>
          </section>
        </div>
        <div>
          <section className="panel">
            <div className="panel-head">
              <h2>{t('ledger.openVillage')}</h2>
              {view.access === 'edit' && !editing && (
                <button type="button" className="primary" data-testid="ledger-edit" onClick={() => { setSaved(null); setEditing(true); }}>
                  {t('ledger.editVillage')}
                </button>
              )}
            </div>
            {view.access === 'read' && <p className="muted small" data-testid="ledger-read-only">{t('ledger.readOnlyVillage')}</p>}
            {editing ? (
              <LedgerForm
                kind="village"
                code={view.villageCode}
                initial={view.data ?? EMPTY_VILLAGE_LEDGER}
                baseVersion={view.version}
                onCancel={() => setEditing(false)}
                onSaved={(answer) => {
                  setSaved(answer);
                  setEditing(false);
                  setReloadKey((k) => k + 1);
                  reload();
                  window.scrollTo({ top: 0 });
                }}
              />
            ) : view.data ? (
              <LedgerView kind="village" data={view.data} />
            ) : (
              <p className="muted" data-testid="ledger-empty">{t('ledger.empty')}</p>
            )}
          </section>
          <LedgerHistory kind="village" code={view.villageCode} reloadKey={reloadKey} />
        </div>
      </div>
    </div>
  );
}
