import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { Type } from '@sinclair/typebox';
import { isUnsafeText, likeSubstring, Text, TEXT_PATTERN, unsafeTextPaths } from './text';
import { isStrictDate, isStrictDateTime } from './formats';

describe('text the system can store', () => {
  it.each([['abc'], ['王桂兰 13800000000'], ['𠮷 and 😀 (pairs)'], ['line\nbreak\ttab']])('%j is text', (s) => {
    expect(isUnsafeText(s)).toBe(false);
    expect(new RegExp(TEXT_PATTERN).test(s)).toBe(true);
    expect(new RegExp(TEXT_PATTERN, 'u').test(s)).toBe(true);
    expect(Value.Check(Text(), s)).toBe(true);
  });

  it.each([['a\u0000b'], ['\uD800'], ['x\uDC00y'], ['\uDE00\uD83D']])('%j is refused, with and without the u flag', (s) => {
    expect(isUnsafeText(s)).toBe(true);
    expect(new RegExp(TEXT_PATTERN).test(s)).toBe(false);
    expect(new RegExp(TEXT_PATTERN, 'u').test(s)).toBe(false);
    expect(Value.Check(Text(), s)).toBe(false);
  });

  it('names every bad string and key by its JSON pointer', () => {
    const body = { title: 'ok', resident: { name: 'a\u0000' }, tags: ['x', '\uD800'], ['k\u0000']: 1, 'a/b': 'b\u0000' };
    expect(unsafeTextPaths(body, 'body')).toEqual(['body/resident/name', 'body/tags/1', 'body/(key)', 'body/a~1b']);
    expect(unsafeTextPaths('csv,\u0000', 'body')).toEqual(['body']);
    expect(unsafeTextPaths(Type.Object({}), 'x')).toEqual([]);
  });
});

describe('search terms in LIKE', () => {
  it('match themselves: %, _ and \\ are escaped', () => {
    expect(likeSubstring('100%')).toBe('%100\\%%');
    expect(likeSubstring('a_b\\c')).toBe('%a\\_b\\\\c%');
    expect(likeSubstring('王桂兰')).toBe('%王桂兰%');
  });
});

describe('strict formats', () => {
  it.each(['2026-11-27T08:30:00Z', '2026-11-27T08:30:00.123+08:00', '2024-02-29T00:00:00-12:00', '2026-01-01T00:00:00+14:00'])('%s is a timestamp', (s) => {
    expect(isStrictDateTime(s)).toBe(true);
  });
  it.each(['2026-11-27T08:30:00+20:47', '2026-11-27T08:30:00+14:01', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '2026-11-27T24:00:00Z', '2026-11-27T08:30:60Z', '2026-11-27 08:30:00Z', '2026-11-27T08:30:00'])('%s is refused', (s) => {
    expect(isStrictDateTime(s)).toBe(false);
  });
  it('dates are real days of 1970–2999', () => {
    expect(['2026-02-28', '2028-02-29', '1970-01-01', '2999-12-31'].every(isStrictDate)).toBe(true);
    expect(['2026-02-29', '2026-02-30', '0000-01-01', '1969-12-31', '3000-01-01', '2026-13-01', '2026-1-01'].some(isStrictDate)).toBe(false);
  });
});
