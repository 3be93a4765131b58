/**
 * One paging convention for every list the APIs answer (issue 11): the query
 * takes `limit` and an opaque `cursor`, the answer is `{ items, nextCursor }`
 * (null on the last page) — never a silent cap. A list may add `total` when
 * counting is cheap, so a screen can say "showing N of M".
 *
 * A cursor is opaque to clients: base64url of `<list>.1:<filter fingerprint>:<key>`
 * where the key is a small JSON array (the sort key of the last row shown, or
 * the offset of the next page for lists whose order moves with time). A cursor
 * from another list, or handed out for other filters, or not one we made is
 * refused with a 400 problem naming the field (`code: cursor_foreign`), never
 * silently read as "the first page".
 */
import { Type, type TSchema, type TProperties } from '@sinclair/typebox';
import { DomainError, ProblemType, type FieldError } from './problem';

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;
const CURSOR_MAX = 512;

/** The `cursor` query (or body) parameter: the `nextCursor` of the previous page. */
export const CursorParam = () =>
  Type.String({ minLength: 1, maxLength: CURSOR_MAX, pattern: '^[A-Za-z0-9_-]+$', description: 'opaque; the nextCursor of the previous page (for the same list and filters)' });

/** `limit` and `cursor`, to spread into a query (or body) schema. */
export function PageQuery(opts: { defaultLimit?: number; maxLimit?: number } = {}) {
  const max = opts.maxLimit ?? PAGE_LIMIT_MAX;
  return {
    limit: Type.Integer({ minimum: 1, maximum: max, default: Math.min(opts.defaultLimit ?? PAGE_LIMIT_DEFAULT, max), description: `items per page (at most ${max})` }),
    cursor: Type.Optional(CursorParam()),
  };
}

/** The answer of a paged list: `items`, `nextCursor` (null on the last page) and any extra members (e.g. `total`). */
export function PageAnswer<T extends TSchema, P extends TProperties = Record<never, never>>(item: T, extra?: P) {
  return Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last page' }),
      ...((extra ?? {}) as P),
    },
    { description: 'one page of a list; more pages follow while nextCursor is not null' },
  );
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor this API did not hand out for this list and these filters: a 400 naming the field. */
export class CursorError extends DomainError {
  constructor(where: 'querystring' | 'body' = 'querystring') {
    const errors: FieldError[] = [{ field: `${where}/cursor`, message: 'is not a cursor this list handed out for these filters', code: 'cursor_foreign', params: {} }];
    super(ProblemType.validation, 400, 'Invalid request', `${where}/cursor ${errors[0]!.message}`, { errors });
  }
}

export type CursorKey = readonly (string | number)[];

/** A short, stable fingerprint of the filters a page was asked for (FNV-1a over sorted JSON). */
export function filterFingerprint(filters: Record<string, unknown>): string {
  const json = JSON.stringify(Object.keys(filters).filter((k) => filters[k] !== undefined && k !== 'cursor' && k !== 'limit' && k !== 'offset').sort().map((k) => [k, filters[k]]));
  let h = 0x811c9dc5;
  for (let i = 0; i < json.length; i++) {
    h ^= json.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url').toString('utf8');

/** The opaque cursor of `list` after `key`, for the filters with fingerprint `scope`. */
export function encodeCursor(list: string, key: CursorKey, scope = ''): string {
  return b64(`${list}.1:${scope}:${JSON.stringify(key)}`);
}

/** The key in a cursor of `list` for `scope`; CursorError when it is anything else. */
export function decodeCursor(list: string, cursor: string, scope = '', where: 'querystring' | 'body' = 'querystring'): (string | number)[] {
  const prefix = `${list}.1:${scope}:`;
  const text = unb64(cursor);
  if (!text.startsWith(prefix) || b64(text) !== cursor) throw new CursorError(where);
  try {
    const key = JSON.parse(text.slice(prefix.length)) as unknown;
    if (Array.isArray(key) && key.length > 0 && key.length <= 8 && key.every((k) => typeof k === 'string' || (typeof k === 'number' && Number.isSafeInteger(k)))) return key;
  } catch {
    // falls through to the refusal
  }
  throw new CursorError(where);
}

/**
 * Offset paging behind an opaque cursor, for lists whose order moves with time
 * (escalation queues, inboxes): the offset the page starts at — from the cursor,
 * or from a plain `offset` a list kept from before cursors, or 0.
 */
export function startOffset(list: string, q: { cursor?: string | undefined; offset?: number | undefined }, scope = '', where: 'querystring' | 'body' = 'querystring'): number {
  if (q.cursor === undefined) return q.offset ?? 0;
  const [n] = decodeCursor(list, q.cursor, scope, where);
  if (typeof n !== 'number' || n < 0) throw new CursorError(where);
  return n;
}

/**
 * The page from `rows` fetched with LIMIT limit + 1 starting at `offset`: the
 * first `limit` rows, and the cursor of the next page when there was one more row.
 */
export function offsetPage<T>(list: string, rows: T[], limit: number, offset: number, scope = ''): Page<T> {
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? encodeCursor(list, [offset + limit], scope) : null };
}

/** The page from `rows` fetched with LIMIT limit + 1 after a sort key: the cursor holds the last row's key. */
export function keysetPage<T>(list: string, rows: T[], limit: number, keyOf: (row: T) => CursorKey, scope = ''): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(list, keyOf(items[items.length - 1]!), scope) : null };
}

/** The next-page cursor of an offset page of a counted list: null when the page reaches the end. */
export function countedNextCursor(list: string, shown: number, total: number, offset: number, scope = ''): string | null {
  return shown > 0 && offset + shown < total ? encodeCursor(list, [offset + shown], scope) : null;
}
