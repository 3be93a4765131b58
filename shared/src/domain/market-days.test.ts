import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar';
import { ATTENDANCE_WINDOW, attendanceDateProblem, daysBetween, monthRange, occurrenceOn, sessionOccurrences } from './market-days';

describe('market-day sessions (双定 — 定时服务)', () => {
  it('are held every week on their weekday, a public holiday cancelled by the calendar', () => {
    // October 2026: Wednesdays 7, 14, 21, 28 — the 7th is in the National Day holiday
    expect(sessionOccurrences(3, '2026-10-01', '2026-10-31', DEFAULT_CALENDAR)).toEqual([
      { date: '2026-10-07', cancelled: true, reason: 'holiday' },
      { date: '2026-10-14', cancelled: false, reason: null },
      { date: '2026-10-21', cancelled: false, reason: null },
      { date: '2026-10-28', cancelled: false, reason: null },
    ]);
    // a makeup working day (调休, Saturday 10 October) does not move a Saturday market
    expect(sessionOccurrences(6, '2026-10-10', '2026-10-10', DEFAULT_CALENDAR)).toEqual([{ date: '2026-10-10', cancelled: false, reason: null }]);
  });

  it('give each day its market day: that day, or the latest before it', () => {
    expect(occurrenceOn(3, '2026-11-18')).toBe('2026-11-18');
    expect(occurrenceOn(3, '2026-11-20')).toBe('2026-11-18');
    expect(occurrenceOn(3, '2026-11-17')).toBe('2026-11-11');
    expect(occurrenceOn(6, '2026-11-30')).toBe('2026-11-28');
  });

  it('take attendance on the day and a few days after — longer on behalf — never before, never on a holiday', () => {
    const wed = { weekday: 3 };
    expect(attendanceDateProblem(wed, '2026-11-18', '2026-11-18', false, DEFAULT_CALENDAR)).toBeNull();
    expect(attendanceDateProblem(wed, '2026-11-18', '2026-11-21', false, DEFAULT_CALENDAR)).toBeNull();
    expect(attendanceDateProblem(wed, '2026-11-18', '2026-11-22', false, DEFAULT_CALENDAR)).toBe('window_closed');
    expect(attendanceDateProblem(wed, '2026-11-18', '2026-11-22', true, DEFAULT_CALENDAR)).toBeNull();
    expect(attendanceDateProblem(wed, '2026-11-18', '2026-12-20', true, DEFAULT_CALENDAR)).toBe('window_closed');
    expect(attendanceDateProblem(wed, '2026-11-25', '2026-11-18', true, DEFAULT_CALENDAR)).toBe('in_the_future');
    expect(attendanceDateProblem(wed, '2026-11-19', '2026-11-19', false, DEFAULT_CALENDAR)).toBe('not_a_session_day');
    expect(attendanceDateProblem(wed, '2026-10-07', '2026-10-08', false, DEFAULT_CALENDAR)).toBe('holiday');
    expect(ATTENDANCE_WINDOW.selfDays).toBeLessThan(ATTENDANCE_WINDOW.onBehalfDays);
  });

  it('know a month and the days between dates', () => {
    expect(monthRange('2026-02')).toEqual({ first: '2026-02-01', last: '2026-02-28' });
    expect(monthRange('2026-12')).toEqual({ first: '2026-12-01', last: '2026-12-31' });
    expect(daysBetween('2026-11-28', '2026-12-01')).toBe(3);
  });
});
