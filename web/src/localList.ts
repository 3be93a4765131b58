/**
 * A list the API answers whole (the evaluation figures per cadre, the roster's
 * rule check, the market-day sessions) shown like every other list: searched
 * here and paged with the same `useCursorList` / `<Pager>` as the cursor lists,
 * so the screen says how much is shown and offers the rest — never a silent cap.
 */
import { useCursorList, type CursorList } from './components/Pager';

/** The rows of `all` that match `search` (by `text`), a page of `size` at a time; the cursor is the next row's index. */
export function useLocalList<T>(all: readonly T[] | null, search: string, text: (row: T) => string, size = 20, key = ''): CursorList<T> {
  const needle = search.trim().toLowerCase();
  const rows = (all ?? []).filter((r) => !needle || text(r).toLowerCase().includes(needle));
  return useCursorList<T>(async (cursor) => {
    const start = cursor ? Number(cursor) : 0;
    const end = start + size;
    return { items: rows.slice(start, end), nextCursor: end < rows.length ? String(end) : null, total: rows.length };
  }, `${key}|${needle}|${all === null ? 'none' : all.length}|${rows.length}`);
}

/** This month as an evaluation period ('YYYY-MM', the browser's calendar). */
export function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}
