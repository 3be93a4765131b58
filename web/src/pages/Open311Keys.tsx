/**
 * Open311 API keys (administrators): the keys third-party apps use to submit
 * requests to the GeoReport endpoint (/open311/v2), newest first a page at a
 * time; a form for a new key, whose secret is shown once, here, and never again;
 * revoking a key stops it at once.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, problemOf, type Problem } from '../api';
import { useMe } from '../auth';
import { useDirectory } from '../directory';
import { fieldError, ProblemBox } from '../components/ProblemBox';
import { NotAllowed } from '../components/NotAllowed';
import { Loading } from '../components/bits';
import { useFormat } from '../format';
import { useAction } from '../useAction';
import type { Open311Key } from '@minqing/shared/domain';


const PAGE = 50;

function NewKey({ onCreated }: { onCreated(): void }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [name, setName] = useState('');
  const [organisation, setOrganisation] = useState('');
  const [servicePointCode, setServicePointCode] = useState('');
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ id: string; secret: string } | null>(null);
  const { busy, problem, setProblem, run } = useAction();
  const error = (field: string) => invalid[field] ?? fieldError(problem, field);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const bad: Record<string, string> = {};
    if (!name.trim()) bad.name = t('open311Keys.nameRequired');
    if (!organisation.trim()) bad.organisation = t('open311Keys.organisationRequired');
    setInvalid(bad);
    setProblem(null);
    setCreated(null);
    if (Object.keys(bad).length > 0) return;
    await run(async () => {
      const r = await api<{ key: Open311Key; secret: string }>('/open311/keys', {
        body: { name: name.trim(), organisation: organisation.trim(), servicePointCode: servicePointCode || null },
      });
      setCreated({ id: r.key.id, secret: r.secret });
      setName('');
      setOrganisation('');
      setServicePointCode('');
      onCreated();
    });
  }

  return (
    <form className="panel form" data-testid="open311-key-form" onSubmit={submit} noValidate>
      <h2>{t('open311Keys.newTitle')}</h2>
      <p className="muted small">{t('open311Keys.newHelp')}</p>
      <label>
        {t('open311Keys.name')}
        <input data-testid="open311-key-name" value={name} maxLength={100} autoComplete="off" onChange={(e) => setName(e.target.value)} />
        {error('name') && <span className="field-error" role="alert">{error('name')}</span>}
      </label>
      <label>
        {t('open311Keys.organisation')}
        <input data-testid="open311-key-organisation" value={organisation} maxLength={200} autoComplete="off" onChange={(e) => setOrganisation(e.target.value)} />
        {error('organisation') && <span className="field-error" role="alert">{error('organisation')}</span>}
      </label>
      <label>
        {t('open311Keys.servicePoint')}
        <select data-testid="open311-key-service-point" value={servicePointCode} onChange={(e) => setServicePointCode(e.target.value)}>
          <option value="">{t('open311Keys.noServicePoint')}</option>
          {dir.servicePoints.map((sp) => (
            <option key={sp.code} value={sp.code}>{sp.name}</option>
          ))}
        </select>
        <small className="muted">{t('open311Keys.servicePointHelp')}</small>
        {error('servicePointCode') && <span className="field-error" role="alert">{error('servicePointCode')}</span>}
      </label>
      <ProblemBox problem={problem} />
      {created && (
        <div className="success" role="status" data-testid="open311-key-created" data-key-id={created.id}>
          <p>{t('open311Keys.secretOnce')}</p>
          <p className="mono break" data-testid="open311-key-secret">{created.secret}</p>
        </div>
      )}
      <button type="submit" className="primary" data-testid="open311-key-submit" disabled={busy}>
        {busy ? t('common.saving') : t('open311Keys.create')}
      </button>
    </form>
  );
}

function Keys() {
  const { t } = useTranslation();
  const f = useFormat();
  const dir = useDirectory();
  const [page, setPage] = useState<{ items: Open311Key[]; total: number } | null>(null);
  const [offset, setOffset] = useState(0);
  const [problem, setProblem] = useState<Problem | null>(null);
  const revoking = useAction();

  const load = useCallback(async () => {
    try {
      setPage(await api<{ items: Open311Key[]; total: number }>(`/open311/keys?limit=${PAGE}&offset=${offset}`));
      setProblem(null);
    } catch (err) {
      setProblem(problemOf(err));
    }
  }, [offset]);
  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(k: Open311Key) {
    if (!window.confirm(t('open311Keys.revokeConfirm', { name: k.name }))) return;
    await revoking.run(async () => {
      await api<Open311Key>(`/open311/keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST' });
      await load();
    });
  }

  return (
    <div className="page open311-keys">
      <div className="page-head">
        <h1>{t('open311Keys.title')}</h1>
      </div>
      <p className="muted small">{t('open311Keys.intro')}</p>
      <div className="two-col">
        <section className="panel">
          <div className="panel-head">
            <h2>
              {t('open311Keys.list')} <span className="count" data-testid="open311-key-count">{page?.total ?? 0}</span>
            </h2>
          </div>
          <ProblemBox problem={problem ?? revoking.problem} />
          {!page && !problem && <Loading />}
          {page && page.items.length === 0 && <p className="muted">{t('open311Keys.none')}</p>}
          <ul className="account-list" data-testid="open311-key-list">
            {page?.items.map((k) => (
              <li key={k.id} className={`account-row${k.revokedAt ? ' disabled' : ''}`} data-testid="open311-key-row" data-key-id={k.id} data-revoked={k.revokedAt !== null}>
                <div className="account-row-head">
                  <strong>{k.name}</strong>
                  <span>{k.organisation}</span>
                  {k.revokedAt ? <span className="tag disabled">{t('open311Keys.revokedTag')}</span> : <span className="badge">{t('open311Keys.liveTag')}</span>}
                </div>
                <div className="meta small">
                  <span className="mono">{k.id}</span>
                  {k.servicePointCode && <span>{dir.servicePoint(k.servicePointCode)}</span>}
                  <span>{t('open311Keys.created', { when: f.dateTime(k.createdAt), who: k.createdBy })}</span>
                  <span>{k.lastUsedAt ? t('open311Keys.lastUsed', { when: f.dateTime(k.lastUsedAt) }) : t('open311Keys.neverUsed')}</span>
                  <span>{t('open311Keys.requests', { count: k.requests })}</span>
                  {k.revokedAt && <span>{t('open311Keys.revoked', { when: f.dateTime(k.revokedAt), who: k.revokedBy ?? '' })}</span>}
                </div>
                {!k.revokedAt && (
                  <button type="button" className="danger" data-testid="open311-key-revoke" disabled={revoking.busy} onClick={() => void revoke(k)}>
                    {t('open311Keys.revoke')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {page && page.total > PAGE && (
            <div className="pager">
              <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                {t('open311Keys.previous')}
              </button>
              <span className="muted small">{t('open311Keys.pageOf', { from: offset + 1, to: Math.min(offset + PAGE, page.total), total: page.total })}</span>
              <button type="button" className="secondary" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
                {t('open311Keys.next')}
              </button>
            </div>
          )}
        </section>
        <div className="accounts-side">
          <NewKey onCreated={() => (offset === 0 ? void load() : setOffset(0))} />
        </div>
      </div>
    </div>
  );
}

export default function Open311Keys() {
  const me = useMe();
  return me.role === 'admin' ? <Keys /> : <NotAllowed />;
}
