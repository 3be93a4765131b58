import { describe, expect, it } from 'vitest';
import { isPeriod, PERIOD_PATTERN, periodDates } from './figures';

describe('periods', () => {
  it.each([
    ['2026', '2026-01-01', '2026-12-31'],
    ['2026-Q4', '2026-10-01', '2026-12-31'],
    ['2026-02', '2026-02-01', '2026-02-28'],
    ['2028-02', '2028-02-01', '2028-02-29'],
    ['2026-W48', '2026-11-23', '2026-11-29'], // the week of 27 November 2026
    ['2027-W01', '2027-01-04', '2027-01-10'],
    ['2026-11-27', '2026-11-27', '2026-11-27'],
  ])('%s is %s … %s', (period, first, last) => {
    expect(new RegExp(PERIOD_PATTERN).test(period)).toBe(true);
    expect(periodDates(period)).toEqual({ first, last });
  });

  it.each(['2026-13', '2026-Q5', '2026-W54', '26-11', '2026-11-32', '0000', '0000-01', '9999-Q4', '2026-02-30', '2026-04-31'])('%s is refused', (period) => {
    expect(new RegExp(PERIOD_PATTERN).test(period)).toBe(false);
    expect(isPeriod(period)).toBe(false);
    expect(() => periodDates(period)).toThrow(RangeError);
  });

  it.each([['2026-02-29', false], ['2028-02-29', true], ['2026-W53', true], ['2027-W53', false], ['2020-W53', true]] as const)('%s is a period: %s (calendar, not only the pattern)', (period, ok) => {
    expect(isPeriod(period)).toBe(ok);
  });
});
