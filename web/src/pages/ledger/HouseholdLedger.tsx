/**
 * One household's file (民情档案): the current record, read-only or — for its
 * linked cadre — as a form that saves a new version (and counts as the cadre's
 * 档案更新), and the history of versions with what changed in each.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { EMPTY_HOUSEHOLD_LEDGER, type HouseholdLedgerData, type HouseholdLedgerView } from '@minqing/shared/ledger';
import { useDirectory } from '../../directory';
import { ProblemBox } from '../../components/ProblemBox';
import { Loading } from '../../components/bits';
import { LedgerForm, LedgerHistory, LedgerView, VersionLine, useLedgerRecord, type SaveAnswer } from './parts';

export default function HouseholdLedger() {
  const { t } = useTranslation();
  const dir = useDirectory();
  const { code = '' } = useParams();
  const { view, problem, reload } = useLedgerRecord<HouseholdLedgerView>(`/ledger/households/${encodeURIComponent(code)}`);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<SaveAnswer | null>(null);
  const [reloadKey, setReloadKey] = useState(0);


  if (problem && !view) {
    return (
      <div className="page ledger">
        <ProblemBox problem={problem} message={problem.status === 403 ? t('ledger.notAllowed') : undefined} />
        <Link to="/ledger">{t('ledger.title')}</Link>
      </div>
    );
  }
  if (!view) return <Loading />;

  // A first record starts from the roster's member count.
  const initial: HouseholdLedgerData = view.data ?? { ...EMPTY_HOUSEHOLD_LEDGER, population: { ...EMPTY_HOUSEHOLD_LEDGER.population, members: view.rosterMembers } };

  return (
    <div className="page ledger household-ledger" data-testid="household-ledger" data-access={view.access}>
      <p className="small"><Link to="/ledger">{t('ledger.title')}</Link> · <Link to={`/ledger/villages/${encodeURIComponent(view.villageCode)}`}>{dir.village(view.villageCode)}</Link></p>
      <div className="ledger-head">
        <h1 data-testid="ledger-head-name">{view.headName}</h1>
        {view.isKey && <span className="tag key">{t('household.key')}</span>}
        {view.isVulnerable && <span className="tag vulnerable">{t('household.vulnerable')}</span>}
      </div>
      <div className="ledger-meta">
        <span>{dir.village(view.villageCode)}</span>
        <span>{view.cadreCode ? t('ledger.linkedCadreIs', { name: dir.cadre(view.cadreCode) }) : t('ledger.noCadre')}</span>
        <span className="muted small">{t('ledger.rosterMembers', { count: view.rosterMembers })}</span>
        <VersionLine version={view.version} updatedAt={view.updatedAt} updatedBy={view.updatedBy} />
      </div>
      {saved && (
        <div className="success" role="status" data-testid="ledger-saved" data-changed={saved.changed} data-work={saved.workRecord ?? ''}>
          {saved.changed ? t('ledger.saved', { version: saved.record.version }) : t('ledger.unchanged')}
          {saved.workRecord === 'logged' && <div className="small" data-testid="ledger-work-logged">{t('ledger.savedWork')}</div>}
          {saved.workRecord === 'pending' && <div className="small">{t('ledger.savedWorkPending')}</div>}
        </div>
      )}
      <ProblemBox problem={problem} />
      <div className="ledger-cols">
        <section className="panel">
          <div className="panel-head">
            <h2>{t('ledger.open')}</h2>
            {view.access === 'edit' && !editing && (
              <button type="button" className="primary" data-testid="ledger-edit" onClick={() => { setSaved(null); setEditing(true); }}>
                {t('ledger.edit')}
              </button>
            )}
          </div>
          {view.access === 'read' && <p className="muted small" data-testid="ledger-read-only">{t('ledger.readOnly')}</p>}
          {editing ? (
            <LedgerForm
              kind="household"
              code={view.householdCode}
              initial={initial}
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
            <LedgerView kind="household" data={view.data} />
          ) : (
            <p className="muted" data-testid="ledger-empty">{t('ledger.empty')}</p>
          )}
        </section>
        <LedgerHistory kind="household" code={view.householdCode} reloadKey={reloadKey} />
      </div>
    </div>
  );
}
