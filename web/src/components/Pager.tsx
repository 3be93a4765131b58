/**
 * Cursor lists in the console (issue 11): every list the API pages with
 * `{ items, nextCursor }` shows how much of it is on screen and offers the rest
 * — never a silent cap. `useCursorList` loads the first page whenever its `key`
 * (the filters) changes and appends the next page on `more()`; `<Pager>` is the
 * "显示更多 / Show more" control with its "showing N of M" line.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isAbort, problemOf, type Problem } from '../api';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  /** when the list counts its rows */
  total?: number;
}

export type PageLoader<T> = (cursor: string | undefined, signal: AbortSignal) => Promise<CursorPage<T>>;

export interface CursorList<T> {
  items: T[];
  total: number | undefined;
  hasMore: boolean;
  /** the first page has not arrived yet */
  loading: boolean;
  /** a page is on its way (the first or a further one) */
  busy: boolean;
  problem: Problem | null;
  more: () => void;
  reload: () => void;
}

/**
 * A cursor list: `load(cursor, signal)` fetches one page; `key` names the
 * filters (a change starts again from the first page, dropping answers to
 * older filters).
 */
export function useCursorList<T>(load: PageLoader<T>, key: string): CursorList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const ctl = useRef<AbortController | null>(null);

  const fetchPage = useCallback(async (cursor: string | undefined, append: boolean) => {
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    setBusy(true);
    try {
      const page = await loadRef.current(cursor, c.signal);
      if (c.signal.aborted) return;
      setItems((prev) => (append ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor);
      setTotal(page.total);
      setProblem(null);
    } catch (err) {
      if (!isAbort(err) && !c.signal.aborted) setProblem(problemOf(err));
    } finally {
      if (!c.signal.aborted) {
        setBusy(false);
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    setLoading(true);
    void fetchPage(undefined, false);
    return () => ctl.current?.abort();
  }, [fetchPage, key, generation]);

  const more = useCallback(() => {
    if (next) void fetchPage(next, true);
  }, [fetchPage, next]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { items, total, hasMore: next !== null, loading, busy, problem, more, reload };
}

/** "Showing N of M" and, while there is more, the button that fetches the next page. */
export function Pager({ list, testid = 'pager' }: { list: Pick<CursorList<unknown>, 'items' | 'total' | 'hasMore' | 'busy' | 'more'>; testid?: string }) {
  const { t } = useTranslation();
  const shown = list.items.length;
  const line =
    list.total !== undefined
      ? t('pager.shownOfTotal', { shown, total: list.total })
      : list.hasMore
        ? t('pager.shownMore', { shown })
        : t('pager.shownAll', { shown });
  return (
    <div className="pager" data-testid={testid} data-shown={shown} data-total={list.total ?? ''} data-more={list.hasMore}>
      <span className="muted small" data-testid={`${testid}-line`}>{line}</span>
      {list.hasMore && (
        <button type="button" className="secondary" data-testid={`${testid}-more`} disabled={list.busy} onClick={list.more}>
          {list.busy ? t('common.loading') : t('pager.more')}
        </button>
      )}
    </div>
  );
}
