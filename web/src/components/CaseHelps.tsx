/**
 * The case page's 四帮四促 panel: the tags the case carries, who set them
 * last, and — for those who may (getCaseHelps says) — a change of the whole
 * set, the help the category suggests marked (setCaseHelps, naming the
 * revision it was made on: a change meanwhile is a worded 409). Every revision
 * with who and when, paged (caseHelpsHistory).
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseHelpsView, FourHelp, HelpsRevision } from '@minqing/shared/four-helps';
import { api, problemOf, uuid, withQuery, type Problem } from '../api';
import { useDirectory } from '../directory';
import { useFormat } from '../format';
import { useAction } from '../useAction';
import { HelpsPicker, HelpsTags } from './FourHelps';
import { Pager, useCursorList, type CursorPage } from './Pager';
import { ProblemBox } from './ProblemBox';
import { Loading } from './bits';

function History({ caseId, version }: { caseId: string; version: number }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const list = useCursorList<HelpsRevision>(
    (cursor, signal) => api<CursorPage<HelpsRevision>>(withQuery(`/cases/${caseId}/helps/history`, { limit: 20, cursor }), { signal }),
    `${caseId}|${version}`,
  );
  return (
    <div data-testid="case-helps-history">
      <ProblemBox problem={list.problem} />
      <ol className="plain-list">
        {list.items.map((r) => (
          <li key={r.revision} data-testid="case-helps-revision" data-revision={r.revision}>
            {r.helps.length ? <HelpsTags helps={r.helps} testid="case-helps-revision-tags" /> : <span className="muted">{t('fourHelps.none')}</span>}
            <div className="muted small">{t('fourHelps.setBy', { name: dir.cadre(r.actorCode) || t('common.none'), when: f.dateTime(r.at) })}</div>
          </li>
        ))}
      </ol>
      <Pager list={list} testid="case-helps-history-pager" />
    </div>
  );
}

export function CaseHelpsPanel({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const f = useFormat();
  const [view, setView] = useState<CaseHelpsView | null>(null);
  const [loadProblem, setLoadProblem] = useState<Problem | null>(null);
  const [editing, setEditing] = useState<FourHelp[] | null>(null);
  const [saved, setSaved] = useState(false);
  const [history, setHistory] = useState(false);
  const action = useAction();

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setView(await api<CaseHelpsView>(`/cases/${caseId}/helps`, { signal }));
      setLoadProblem(null);
    } catch (err) {
      if ((err as Error).name !== 'AbortError') setLoadProblem(problemOf(err));
    }
  }, [caseId]);
  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!view || !editing) return;
    await action.run(async () => {
      try {
        const next = await api<CaseHelpsView>(`/cases/${caseId}/helps`, { method: 'PUT', body: { helps: editing, revision: view.revision }, headers: { 'Idempotency-Key': uuid() } });
        setView(next);
        setEditing(null);
        setSaved(true);
      } catch (err) {
        // a change made meanwhile: take the tags as they are now (the problem box says why)
        if (problemOf(err).status === 409) void load();
        throw err;
      }
    });
  }

  if (loadProblem) return <section className="panel" data-testid="case-helps"><ProblemBox problem={loadProblem} /></section>;
  if (!view) return <section className="panel" data-testid="case-helps"><Loading /></section>;
  return (
    <section className="panel case-helps" data-testid="case-helps" data-revision={view.revision} data-helps={view.helps.join(',')}>
      <div className="panel-head">
        <h2>{t('fourHelps.caseTitle')}</h2>
        {view.mayChange && editing === null && (
          <button type="button" className="secondary" data-testid="case-helps-edit" onClick={() => { setSaved(false); setEditing(view.helps.length ? view.helps : view.suggested ? [view.suggested] : []); }}>
            {view.helps.length ? t('fourHelps.change') : t('fourHelps.tag')}
          </button>
        )}
      </div>
      {saved && <p className="success" role="status" data-testid="case-helps-saved">{t('fourHelps.saved')}</p>}
      {editing === null ? (
        <>
          {view.helps.length ? <p><HelpsTags helps={view.helps} testid="case-helps-tags" /></p> : <p className="muted" data-testid="case-helps-none">{t('fourHelps.none')}</p>}
          {view.changedAt && <p className="muted small">{t('fourHelps.setBy', { name: dir.cadre(view.changedBy) || t('common.none'), when: f.dateTime(view.changedAt) })}</p>}
        </>
      ) : (
        <form className="inline-form" data-testid="case-helps-form" onSubmit={save}>
          <HelpsPicker value={editing} onChange={setEditing} suggested={view.suggested} testid="case-helps-pick" />
          <ProblemBox problem={action.problem} />
          <div className="actions">
            <button type="submit" className="primary" data-testid="case-helps-save" disabled={action.busy}>{action.busy ? t('common.saving') : t('fourHelps.save')}</button>
            <button type="button" className="secondary" onClick={() => { setEditing(null); action.setProblem(null); }}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      {view.revision > 0 && (
        <button type="button" className="link small" data-testid="case-helps-history-toggle" aria-expanded={history} onClick={() => setHistory((h) => !h)}>
          {t('fourHelps.history', { count: view.revision })}
        </button>
      )}
      {history && <History caseId={caseId} version={view.revision} />}
    </section>
  );
}
