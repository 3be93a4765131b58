/** The months hot topics are counted in: the township's (UTC+8), across year ends; and the trend's words. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar';
import { HOT_TOPIC_OPERATIONS, isMonth, monthBounds, monthOf, shiftMonth, trendOf } from './hot-topics';

describe('months of hot topics', () => {
  it('are YYYY-MM of real months in 1970–2999', () => {
    for (const m of ['1970-01', '2026-12', '2999-12']) expect(isMonth(m), m).toBe(true);
    for (const m of ['2026-13', '2026-00', '1969-12', '3000-01', '2026-1', '2026-12-01', '']) expect(isMonth(m), m).toBe(false);
  });

  it('step across the year', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-03', -14)).toBe('2025-01');
    // the first month there can be has a month before it (with no cases): its trend is still counted
    expect(shiftMonth('1970-01', -1)).toBe('1969-12');
    expect(monthBounds('1969-12', DEFAULT_CALENDAR).from.toISOString()).toBe('1969-11-30T16:00:00.000Z');
  });

  it("begin and end at the township's midnight", () => {
    const { from, to } = monthBounds('2026-12', DEFAULT_CALENDAR);
    expect(from.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    // 1 December 00:30 in the township is still 30 November in UTC
    expect(monthOf(new Date('2026-11-30T16:30:00Z'), DEFAULT_CALENDAR)).toBe('2026-12');
  });

  it('say how a topic compares with the month before', () => {
    expect([trendOf(3, 0), trendOf(3, 2), trendOf(2, 2), trendOf(1, 2)]).toEqual(['new', 'up', 'same', 'down']);
  });

  it('are taken up by the township leadership (and administrators) only; read by managers and the assessment group', () => {
    expect(HOT_TOPIC_OPERATIONS.takeUpHotTopic).toEqual(['township_leader', 'admin']);
    expect(HOT_TOPIC_OPERATIONS.listHotTopics).not.toContain('cadre');
    expect(HOT_TOPIC_OPERATIONS.listHotTopics).toContain('assessment');
  });
});
