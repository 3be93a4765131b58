/**
 * Choosing the case a duplicate is merged into (the merge move's `case` field):
 * search the cases the user may see by title or tracking code, pick one from the
 * results (titles, never bare ids), and see it named before confirming. The
 * value is the chosen case's id; the case itself is never offered.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isAbort, withQuery } from '../api';
import { StatusBadge, useEnum } from './bits';
import { useFormat } from '../format';
import type { CaseListItem } from '../types';

export function CasePicker({ value, onChange, exclude, testid }: { value: string; onChange(id: string): void; exclude: string; testid: string }) {
  const { t } = useTranslation();
  const label = useEnum();
  const f = useFormat();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<CaseListItem[] | null>(null);
  const [chosen, setChosen] = useState<CaseListItem | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setFound(null);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api<{ items: CaseListItem[] }>(withQuery('/cases', { q: term, limit: 10 }), { signal: ctl.signal })
        .then((r) => {
          setFound(r.items.filter((c) => c.id !== exclude));
          setFailed(false);
        })
        .catch((err: unknown) => !isAbort(err) && setFailed(true));
    }, 200);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [q, exclude]);

  if (value && chosen) {
    return (
      <div className="case-picked" data-testid={`${testid}-chosen`}>
        <strong>{chosen.title}</strong>{' '}
        <span className="muted small">{label('category', chosen.category)} · {f.date(chosen.openedAt)} · <span className="mono">{chosen.trackingCode}</span></span>{' '}
        <button type="button" className="link" data-testid={`${testid}-change`} onClick={() => { setChosen(null); onChange(''); }}>{t('casePicker.change')}</button>
      </div>
    );
  }
  return (
    <div className="case-picker">
      <input type="search" data-testid={testid} value={q} onChange={(e) => setQ(e.target.value)} maxLength={100} autoComplete="off" placeholder={t('casePicker.hint')} aria-label={t('casePicker.hint')} />
      {failed && <p className="problem" role="alert">{t('casePicker.failed')}</p>}
      {found && found.length === 0 && <p className="muted small" data-testid={`${testid}-none`}>{t('casePicker.none')}</p>}
      {found && found.length > 0 && (
        <ul className="plain-list case-picker-results" data-testid={`${testid}-results`}>
          {found.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" data-testid={`${testid}-option`} onClick={() => { setChosen(c); onChange(c.id); }}>
                <strong>{c.title}</strong>
              </button>{' '}
              <span className="muted small"><StatusBadge status={c.status} /> {label('category', c.category)} · {f.date(c.openedAt)} · <span className="mono">{c.trackingCode}</span></span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
