/**
 * On a cadre's list of linked households (/households): each key household's
 * needs from its file (民情档案) under its row, and the link to the file. One
 * request for the key households the page shows (POST: no codes in a URL).
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { HouseholdLedgerItem } from '@minqing/shared/ledger';
import { api, isAbort } from '../../api';
import { useLedgerWords } from './parts';
import './ledger.css';

const CHUNK = 100;

/** The ledger items of `codes` (the households a page shows), by household code: one request per 100. */
export function useLedgerItems(codes: string[]): Map<string, HouseholdLedgerItem> {
  const [items, setItems] = useState(new Map<string, HouseholdLedgerItem>());
  const key = codes.join(',');
  useEffect(() => {
    if (!key) return;
    const ctl = new AbortController();
    const all = key.split(',');
    const chunks = Array.from({ length: Math.ceil(all.length / CHUNK) }, (_, i) => all.slice(i * CHUNK, (i + 1) * CHUNK));
    Promise.all(chunks.map((householdCodes) => api<{ items: HouseholdLedgerItem[] }>('/ledger/households/search', { body: { householdCodes, limit: CHUNK }, signal: ctl.signal })))
      .then((pages) => setItems(new Map(pages.flatMap((r) => r.items).map((i) => [i.householdCode, i]))))
      .catch((err: unknown) => {
        if (!isAbort(err)) setItems(new Map());
      });
    return () => ctl.abort();
  }, [key]);
  return items;
}

/** A key household's needs and intentions, as its file has them. */
export function HouseholdNeeds({ item }: { item: HouseholdLedgerItem | undefined }) {
  const { t } = useTranslation();
  const w = useLedgerWords();
  if (!item) return null;
  const none = item.needs.length === 0 && !item.needsNote;
  return (
    <div className="household-needs" data-testid="household-needs" data-household-code={item.householdCode}>
      <strong>{t('ledger.needsLabel')}</strong>{' '}
      {none ? (
        <span className="muted">{item.version ? t('ledger.needsNone') : t('ledger.notRecorded')}</span>
      ) : (
        <>
          {item.needs.map((n) => <span key={n} className="tag key">{w.choice('need', n)}</span>)}
          {item.needsNote && <span className="needs-note">{item.needsNote.length > 80 ? `${item.needsNote.slice(0, 80)}…` : item.needsNote}</span>}
        </>
      )}
    </div>
  );
}

/** The link from a household's row to its file. */
export function LedgerLink({ code }: { code: string }) {
  const { t } = useTranslation();
  return (
    <Link to={`/ledger/households/${encodeURIComponent(code)}`} className="button secondary" data-testid="household-ledger">
      {t('ledger.open')}
    </Link>
  );
}
