import { describe, expect, it } from 'vitest';
import { countedNextCursor, CursorError, decodeCursor, encodeCursor, filterFingerprint, keysetPage, offsetPage, startOffset } from './paging';

describe('opaque cursors', () => {
  it('round-trip a key for the list and filters they were made for', () => {
    const fp = filterFingerprint({ q: '路灯', status: 'resolved' });
    const c = encodeCursor('cases', ['2026-11-02T08:00:00.123456Z', 'a1b2'], fp);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('cases', c, fp)).toEqual(['2026-11-02T08:00:00.123456Z', 'a1b2']);
  });

  it('refuse a cursor of another list, of other filters, tampered or made up', () => {
    const fp = filterFingerprint({ q: '路灯' });
    const c = encodeCursor('cases', [50], fp);
    expect(() => decodeCursor('escalations', c, fp)).toThrow(CursorError);
    expect(() => decodeCursor('cases', c, filterFingerprint({ q: '低保' }))).toThrow(CursorError);
    expect(() => decodeCursor('cases', `${c}A`, fp)).toThrow(CursorError);
    expect(() => decodeCursor('cases', 'bm90LWEtY3Vyc29y', fp)).toThrow(CursorError);
    expect(() => decodeCursor('cases', encodeCursor('cases', [], fp), fp)).toThrow(CursorError);
    const err = (() => {
      try {
        decodeCursor('cases', 'x', fp, 'body');
      } catch (e) {
        return e as CursorError;
      }
    })();
    expect(err?.status).toBe(400);
    expect(err?.extensions.errors).toEqual([expect.objectContaining({ field: 'body/cursor', code: 'cursor_foreign' })]);
  });

  it('the fingerprint ignores paging and undefined filters, and key order', () => {
    expect(filterFingerprint({ a: 1, b: 'x', limit: 5, cursor: 'c', offset: 3, z: undefined })).toBe(filterFingerprint({ b: 'x', a: 1 }));
    expect(filterFingerprint({ a: 1 })).not.toBe(filterFingerprint({ a: 2 }));
  });
});

describe('pages', () => {
  it('offset pages: a next cursor only when one more row came back', () => {
    const p = offsetPage('l', [1, 2, 3, 4], 3, 6);
    expect(p.items).toEqual([1, 2, 3]);
    expect(startOffset('l', { cursor: p.nextCursor! })).toBe(9);
    expect(offsetPage('l', [1, 2], 3, 0).nextCursor).toBeNull();
    expect(startOffset('l', { offset: 4 })).toBe(4);
  });

  it('keyset pages carry the last row’s key', () => {
    const p = keysetPage('l', [{ k: 'a' }, { k: 'b' }, { k: 'c' }], 2, (r) => [r.k]);
    expect(p.items).toEqual([{ k: 'a' }, { k: 'b' }]);
    expect(decodeCursor('l', p.nextCursor!)).toEqual(['b']);
  });

  it('counted lists: a next cursor while rows remain', () => {
    expect(startOffset('k', { cursor: countedNextCursor('k', 50, 120, 50)! })).toBe(100);
    expect(countedNextCursor('k', 20, 120, 100)).toBeNull();
    expect(countedNextCursor('k', 0, 0, 0)).toBeNull();
  });
});
