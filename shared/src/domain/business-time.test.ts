/**
 * Business time against hand-worked instants in the township's calendar
 * (Mon–Fri 08:30–12:00 + 13:30–17:30 = 450 working minutes a day, UTC+08:00,
 * 2026 holidays and 调休 makeup days), plus properties over seeded random spans.
 */
import { describe, it, expect } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import {
  DEFAULT_CALENDAR, BusinessCalendarSchema, SlaClockSchema, addBusinessMinutes, addSlaMinutes, businessMinutesBetween, checkCalendar,
  consumedMinutesAt, dueAt, extendClock, fractionUsed, instantAtFraction, isOverdue, isWorkingDate, isWorkingInstant,
  localDateOf, nextWorkingInstant, pauseClock, resumeClock, slaMinutesBetween, startClock, startOfLocalDate, workingDays, workingMinutesPerDay,
  type BusinessCalendar,
} from './business-time';

const cal = DEFAULT_CALENDAR;
const DAY = 450;
/** An instant written in the township's local time. */
const t = (iso: string) => new Date(iso);
/** Compare instants, showing them in local time when they differ. */
const local = (d: Date | null) =>
  d === null ? null : new Date(d.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00').replace('.000', '');
const expectInstant = (actual: Date | null, iso: string) => expect(local(actual)).toBe(local(t(iso)));

/** mulberry32: a tiny deterministic PRNG, so the random cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('the default calendar', () => {
  it('is valid data: schema and semantic checks pass', () => {
    expect(Value.Check(BusinessCalendarSchema, cal)).toBe(true);
    expect(checkCalendar(cal)).toEqual([]);
  });

  it('has 450 working minutes a day, derived from its intervals', () => {
    expect(workingMinutesPerDay(cal)).toBe(DAY);
    expect(workingDays(7, cal)).toBe(7 * DAY);
  });

  it('knows the 2026 State Council holidays and makeup workdays', () => {
    // 春节 2026-02-15 … 02-23 off, 02-14 and 02-28 (Saturdays) worked
    expect(isWorkingDate('2026-02-13', cal)).toBe(true);
    expect(isWorkingDate('2026-02-14', cal)).toBe(true);
    expect(isWorkingDate('2026-02-16', cal)).toBe(false);
    expect(isWorkingDate('2026-02-23', cal)).toBe(false);
    expect(isWorkingDate('2026-02-24', cal)).toBe(true);
    expect(isWorkingDate('2026-02-28', cal)).toBe(true);
    // 国庆 2026-10-01 … 10-07 off, 09-20 (Sunday) and 10-10 (Saturday) worked
    expect(isWorkingDate('2026-09-20', cal)).toBe(true);
    expect(isWorkingDate('2026-10-07', cal)).toBe(false);
    expect(isWorkingDate('2026-10-10', cal)).toBe(true);
    // 元旦 2027 (Friday)
    expect(isWorkingDate('2026-12-31', cal)).toBe(true);
    expect(isWorkingDate('2027-01-01', cal)).toBe(false);
    expect(isWorkingDate('2027-01-04', cal)).toBe(true);
  });

  it('counts 248 working days in 2026 (261 weekdays − 19 weekday holidays + 6 makeup days)', () => {
    const minutes = businessMinutesBetween(t('2026-01-01T00:00:00+08:00'), t('2027-01-01T00:00:00+08:00'), cal);
    expect(minutes).toBe(248 * DAY);
    // …and the budget of the whole year runs out at the close of its last working day
    expectInstant(addBusinessMinutes(t('2026-01-01T00:00:00+08:00'), 248 * DAY, cal), '2026-12-31T17:30:00+08:00');
  });
});

describe('localDateOf', () => {
  it("is the township's date, which turns at local midnight, not at UTC midnight", () => {
    expect(localDateOf(t('2026-03-16T23:59:59.999+08:00'), cal)).toBe('2026-03-16');
    expect(localDateOf(t('2026-03-17T00:00:00+08:00'), cal)).toBe('2026-03-17'); // 16:00 UTC the day before
    expect(localDateOf(t('2026-12-31T16:00:00Z'), cal)).toBe('2027-01-01');
  });

  it('startOfLocalDate is the local midnight a date begins, the inverse of localDateOf', () => {
    expect(startOfLocalDate('2026-11-01', cal).toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(localDateOf(startOfLocalDate('2026-11-01', cal), cal)).toBe('2026-11-01');
    expect(localDateOf(new Date(startOfLocalDate('2026-11-01', cal).getTime() - 1), cal)).toBe('2026-10-31');
    expect(() => startOfLocalDate('2026-13-01', cal)).toThrow(RangeError);
  });

  it("follows the calendar's offset", () => {
    const utc: BusinessCalendar = { ...cal, utcOffsetMinutes: 0 };
    const west: BusinessCalendar = { ...cal, utcOffsetMinutes: -300 };
    expect(localDateOf(t('2026-03-17T00:30:00+08:00'), utc)).toBe('2026-03-16');
    expect(localDateOf(t('2026-03-17T03:00:00Z'), west)).toBe('2026-03-16');
  });
});

describe('isWorkingInstant / nextWorkingInstant', () => {
  it('treats working intervals as [opening, closing)', () => {
    expect(isWorkingInstant(t('2026-03-17T08:29:59+08:00'), cal)).toBe(false);
    expect(isWorkingInstant(t('2026-03-17T08:30:00+08:00'), cal)).toBe(true);
    expect(isWorkingInstant(t('2026-03-17T11:59:59.999+08:00'), cal)).toBe(true);
    expect(isWorkingInstant(t('2026-03-17T12:00:00+08:00'), cal)).toBe(false);
    expect(isWorkingInstant(t('2026-03-17T13:30:00+08:00'), cal)).toBe(true);
    expect(isWorkingInstant(t('2026-03-17T17:30:00+08:00'), cal)).toBe(false);
    expect(isWorkingInstant(t('2026-03-14T10:00:00+08:00'), cal)).toBe(false); // plain Saturday
    expect(isWorkingInstant(t('2026-04-06T10:00:00+08:00'), cal)).toBe(false); // 清明, a Monday
  });

  it('uses the township offset, not UTC: 01:00Z is 09:00 local', () => {
    expect(isWorkingInstant(t('2026-03-17T01:00:00Z'), cal)).toBe(true);
    expect(isWorkingInstant(t('2026-03-16T20:00:00Z'), cal)).toBe(false); // 04:00 local on Tuesday
  });

  it('counts a makeup Saturday (调休) as working and a plain Saturday not', () => {
    expect(isWorkingInstant(t('2026-02-28T10:00:00+08:00'), cal)).toBe(true);
    expect(isWorkingInstant(t('2026-02-21T10:00:00+08:00'), cal)).toBe(false);
    expect(isWorkingInstant(t('2026-01-04T15:00:00+08:00'), cal)).toBe(true); // makeup Sunday
  });

  it('moves to the next opening from before opening, lunch, closing, and a weekend', () => {
    expectInstant(nextWorkingInstant(t('2026-03-17T07:00:00+08:00'), cal), '2026-03-17T08:30:00+08:00');
    expectInstant(nextWorkingInstant(t('2026-03-17T10:00:00+08:00'), cal), '2026-03-17T10:00:00+08:00');
    expectInstant(nextWorkingInstant(t('2026-03-17T12:15:00+08:00'), cal), '2026-03-17T13:30:00+08:00');
    expectInstant(nextWorkingInstant(t('2026-03-17T17:30:00+08:00'), cal), '2026-03-18T08:30:00+08:00');
    expectInstant(nextWorkingInstant(t('2026-03-13T18:00:00+08:00'), cal), '2026-03-16T08:30:00+08:00');
    // from the close of the makeup Saturday before the Spring Festival, over the whole festival
    expectInstant(nextWorkingInstant(t('2026-02-14T17:30:00+08:00'), cal), '2026-02-24T08:30:00+08:00');
  });
});

describe('addBusinessMinutes', () => {
  it('crosses a weekend from a Friday afternoon', () => {
    // Fri 16:00–17:30 uses 90, Monday 08:30 + 90 = 10:00
    expectInstant(addBusinessMinutes(t('2026-03-13T16:00:00+08:00'), 180, cal), '2026-03-16T10:00:00+08:00');
  });

  it('skips a holiday Monday (清明 2026-04-06)', () => {
    // Fri 17:00–17:30 uses 30; Sat, Sun and the Monday holiday are off; Tuesday 08:30 + 30
    expectInstant(addBusinessMinutes(t('2026-04-03T17:00:00+08:00'), 60, cal), '2026-04-07T09:00:00+08:00');
  });

  it('skips the National Day week', () => {
    // Wed 09-30 09:00 → 420 that day; 10-01 … 10-07 off; Thu 10-08 08:30 + 30
    expectInstant(addBusinessMinutes(t('2026-09-30T09:00:00+08:00'), DAY, cal), '2026-10-08T09:00:00+08:00');
  });

  it('works the makeup Saturday before the Spring Festival and skips the festival', () => {
    // Fri 02-13 10:00 → 360; Sat 02-14 (调休) → 450; 02-15 … 02-23 off; Tue 02-24 08:30 + 90
    expectInstant(addBusinessMinutes(t('2026-02-13T10:00:00+08:00'), 2 * DAY, cal), '2026-02-24T10:00:00+08:00');
  });

  it('counts a makeup Saturday after a Friday', () => {
    expectInstant(addBusinessMinutes(t('2026-10-09T17:00:00+08:00'), 60, cal), '2026-10-10T09:00:00+08:00');
    expectInstant(addBusinessMinutes(t('2026-01-03T10:00:00+08:00'), 60, cal), '2026-01-04T09:30:00+08:00'); // makeup Sunday
  });

  it('starts at the next opening when started before opening, during lunch or after closing', () => {
    expectInstant(addBusinessMinutes(t('2026-03-17T07:00:00+08:00'), 30, cal), '2026-03-17T09:00:00+08:00');
    expectInstant(addBusinessMinutes(t('2026-03-17T12:30:00+08:00'), 30, cal), '2026-03-17T14:00:00+08:00');
    expectInstant(addBusinessMinutes(t('2026-03-17T12:00:00+08:00'), 30, cal), '2026-03-17T14:00:00+08:00');
    expectInstant(addBusinessMinutes(t('2026-03-17T18:00:00+08:00'), 30, cal), '2026-03-18T09:00:00+08:00');
  });

  it('carries the rest of a budget over lunch', () => {
    expectInstant(addBusinessMinutes(t('2026-03-17T11:00:00+08:00'), 90, cal), '2026-03-17T14:00:00+08:00');
  });

  it('returns the closing instant when the budget ends exactly at a closing time', () => {
    expectInstant(addBusinessMinutes(t('2026-03-17T08:30:00+08:00'), 210, cal), '2026-03-17T12:00:00+08:00');
    expectInstant(addBusinessMinutes(t('2026-03-17T08:30:00+08:00'), DAY, cal), '2026-03-17T17:30:00+08:00');
    expectInstant(addBusinessMinutes(t('2026-03-13T13:30:00+08:00'), 240, cal), '2026-03-13T17:30:00+08:00'); // not Monday 08:30
    expectInstant(addBusinessMinutes(t('2026-03-17T07:00:00+08:00'), DAY, cal), '2026-03-17T17:30:00+08:00');
  });

  it('keeps seconds and fractions of a minute', () => {
    expectInstant(addBusinessMinutes(t('2026-03-17T11:59:30+08:00'), 1, cal), '2026-03-17T13:30:30+08:00');
    expectInstant(addBusinessMinutes(t('2026-03-17T08:30:00+08:00'), 337.5, cal), '2026-03-17T15:37:30+08:00');
  });

  it('returns the start itself for a zero budget', () => {
    expectInstant(addBusinessMinutes(t('2026-03-14T03:00:00+08:00'), 0, cal), '2026-03-14T03:00:00+08:00');
  });

  it('uses the configured offset and hours (a UTC calendar with one 09:00–17:00 interval)', () => {
    const utc: BusinessCalendar = {
      version: 'test-utc', utcOffsetMinutes: 0, workdays: [1, 2, 3, 4, 5],
      workingHours: [{ start: '09:00', end: '17:00' }], holidays: [], makeupWorkdays: [],
    };
    expect(workingMinutesPerDay(utc)).toBe(480);
    expectInstant(addBusinessMinutes(t('2026-03-13T16:00:00Z'), 120, utc), '2026-03-16T10:00:00Z');
  });

  it('spans months without walking minute by minute', () => {
    const begin = performance.now();
    const start = t('2026-01-05T08:30:00+08:00');
    for (let i = 0; i < 200; i++) {
      const end = addBusinessMinutes(start, 200 * DAY, cal);
      expect(businessMinutesBetween(start, end, cal)).toBe(200 * DAY);
    }
    // 200 round trips over ~9 months each; a per-minute walk would need ~50 M steps
    expect(performance.now() - begin).toBeLessThan(2_000);
  });
});

describe('businessMinutesBetween', () => {
  it('is 0 when b is not after a', () => {
    expect(businessMinutesBetween(t('2026-03-17T10:00:00+08:00'), t('2026-03-17T10:00:00+08:00'), cal)).toBe(0);
    expect(businessMinutesBetween(t('2026-03-17T10:00:00+08:00'), t('2026-03-16T10:00:00+08:00'), cal)).toBe(0);
  });

  it('counts only working time', () => {
    expect(businessMinutesBetween(t('2026-03-17T11:00:00+08:00'), t('2026-03-17T14:00:00+08:00'), cal)).toBe(90);
    expect(businessMinutesBetween(t('2026-03-13T16:00:00+08:00'), t('2026-03-16T10:00:00+08:00'), cal)).toBe(180);
    expect(businessMinutesBetween(t('2026-03-14T00:00:00+08:00'), t('2026-03-15T23:59:00+08:00'), cal)).toBe(0);
    expect(businessMinutesBetween(t('2026-02-13T10:00:00+08:00'), t('2026-02-24T10:00:00+08:00'), cal)).toBe(2 * DAY);
  });

  it('is the inverse of addBusinessMinutes on seeded random starts', () => {
    const rand = prng(20260101);
    const from = t('2025-12-20T00:00:00+08:00').getTime();
    const span = t('2027-01-10T00:00:00+08:00').getTime() - from;
    for (let i = 0; i < 2_000; i++) {
      const start = new Date(from + Math.floor(rand() * span)); // any millisecond, working or not
      const minutes = Math.floor(rand() * 20 * DAY);
      const end = addBusinessMinutes(start, minutes, cal);
      expect(businessMinutesBetween(start, end, cal)).toBe(minutes);
      if (minutes > 0) {
        // the budget runs out inside working time (or exactly at a closing instant)
        expect(isWorkingInstant(new Date(end.getTime() - 1), cal)).toBe(true);
        // splitting a budget changes nothing
        const split = Math.floor(rand() * minutes);
        expect(addBusinessMinutes(addBusinessMinutes(start, split, cal), minutes - split, cal).getTime()).toBe(end.getTime());
      }
    }
  });

});

describe('addSlaMinutes / slaMinutesBetween', () => {
  it('maps any span back to the earliest instant with the same working time (fractional minutes too)', () => {
    const rand = prng(7);
    const from = t('2026-01-01T00:00:00+08:00').getTime();
    for (let i = 0; i < 2_000; i++) {
      const a = new Date(from + Math.floor(rand() * 300 * 86_400_000));
      const b = new Date(a.getTime() + Math.floor(rand() * 40 * 86_400_000));
      const minutes = slaMinutesBetween(a, b, 'business', cal); // any millisecond: a fraction of a minute
      const back = addSlaMinutes(a, minutes, 'business', cal);
      expect(back.getTime()).toBeLessThanOrEqual(b.getTime());
      expect(businessMinutesBetween(back, b, cal)).toBe(0);
      expect(businessMinutesBetween(a, back, cal)).toBeCloseTo(minutes, 9);
    }
  });

  it('ends a fractional budget that exactly fills the week at Friday\'s closing, not Monday\'s opening', () => {
    // 2085.1145 × 60 000 is 125 106 870.00000001 in floating point: one hair over the time left on Friday
    const start = t('2026-05-11T11:14:53.130+08:00');
    const friday = t('2026-05-15T17:30:00+08:00');
    const minutes = businessMinutesBetween(start, friday, cal);
    expect(minutes).toBe(2085.1145);
    expectInstant(addSlaMinutes(start, minutes, 'business', cal), '2026-05-15T17:30:00+08:00');
  });


  it('clock mode counts nights, weekends and holidays', () => {
    expectInstant(addSlaMinutes(t('2026-10-01T09:00:00+08:00'), 60, 'clock', cal), '2026-10-01T10:00:00+08:00');
    expect(slaMinutesBetween(t('2026-03-13T20:00:00+08:00'), t('2026-03-14T20:00:00+08:00'), 'clock', cal)).toBe(24 * 60);
    expect(slaMinutesBetween(t('2026-03-13T20:00:00+08:00'), t('2026-03-14T20:00:00+08:00'), 'business', cal)).toBe(0);
  });
});

describe('SlaClock', () => {
  const sevenDays = { minutes: 7 * DAY, mode: 'business' as const };

  it('is plain JSON matching its schema', () => {
    const c = startClock(sevenDays, t('2026-03-09T09:00:00+08:00'));
    expect(c).toEqual({ budgetMinutes: 3150, mode: 'business', consumedMinutes: 0, runningSince: '2026-03-09T01:00:00.000Z' });
    expect(Value.Check(SlaClockSchema, c)).toBe(true);
    expect(Value.Check(SlaClockSchema, pauseClock(c, t('2026-03-10T10:00:00+08:00'), cal))).toBe(true);
    expect(() => startClock({ minutes: -1, mode: 'clock' }, t('2026-03-09T09:00:00+08:00'))).toThrow(RangeError);
  });

  it('is due seven working days later at the same time', () => {
    const c = startClock(sevenDays, t('2026-03-09T09:00:00+08:00'));
    expectInstant(dueAt(c, cal), '2026-03-18T09:00:00+08:00');
  });

  it('paused for 3 days then resumed: the due time moves by exactly the paused business time', () => {
    const started = startClock(sevenDays, t('2026-03-09T09:00:00+08:00')); // Monday
    const before = dueAt(started, cal)!;
    const pausedAt = t('2026-03-10T10:00:00+08:00'); // Tuesday
    const resumedAt = t('2026-03-13T10:00:00+08:00'); // Friday
    const paused = pauseClock(started, pausedAt, cal);
    expect(paused.runningSince).toBeNull();
    expect(paused.consumedMinutes).toBe(420 + 90);
    expect(dueAt(paused, cal)).toBeNull();
    // nothing is used while paused
    expect(fractionUsed(paused, t('2026-03-12T16:00:00+08:00'), cal)).toBeCloseTo(510 / 3150, 12);
    const resumed = resumeClock(paused, resumedAt);
    const after = dueAt(resumed, cal)!;
    expectInstant(after, '2026-03-23T09:00:00+08:00');
    expect(businessMinutesBetween(before, after, cal)).toBe(businessMinutesBetween(pausedAt, resumedAt, cal));
    expect(businessMinutesBetween(pausedAt, resumedAt, cal)).toBe(3 * DAY);
  });

  it('a pause over a weekend moves the due time only by the working time missed', () => {
    const started = startClock(sevenDays, t('2026-03-09T09:00:00+08:00'));
    const paused = pauseClock(started, t('2026-03-13T15:00:00+08:00'), cal); // Friday
    const resumed = resumeClock(paused, t('2026-03-16T15:00:00+08:00')); // Monday, 3 calendar days later
    expectInstant(dueAt(resumed, cal), '2026-03-19T09:00:00+08:00');
  });

  it('pausing twice or resuming a running clock changes nothing', () => {
    const c = startClock(sevenDays, t('2026-03-09T09:00:00+08:00'));
    expect(resumeClock(c, t('2026-03-10T09:00:00+08:00'))).toBe(c);
    const p = pauseClock(c, t('2026-03-10T09:00:00+08:00'), cal);
    expect(pauseClock(p, t('2026-03-11T09:00:00+08:00'), cal)).toBe(p);
  });

  it('keeps the extra fields of a richer clock record', () => {
    const c = { ...startClock(sevenDays, t('2026-03-09T09:00:00+08:00')), phase: 'resolve', remindersFired: 1 };
    const p = pauseClock(c, t('2026-03-10T09:00:00+08:00'), cal);
    expect(p.phase).toBe('resolve');
    expect(resumeClock(p, t('2026-03-11T09:00:00+08:00')).remindersFired).toBe(1);
  });

  it('never changes the clock it is given', () => {
    const c = Object.freeze(startClock(sevenDays, t('2026-03-09T09:00:00+08:00')));
    const p = pauseClock(c, t('2026-03-10T09:00:00+08:00'), cal);
    resumeClock(p, t('2026-03-11T09:00:00+08:00'));
    extendClock(c, 60);
    expect(c.runningSince).toBe('2026-03-09T01:00:00.000Z');
  });

  it('an extension moves the due time by the extra business time', () => {
    const c = extendClock(startClock(sevenDays, t('2026-03-09T09:00:00+08:00')), 2 * DAY);
    expectInstant(dueAt(c, cal), '2026-03-20T09:00:00+08:00');
  });

  it('reports the fraction used, above 1 once overdue', () => {
    const c = startClock(sevenDays, t('2026-03-09T09:00:00+08:00'));
    expect(fractionUsed(c, t('2026-03-09T09:00:00+08:00'), cal)).toBe(0);
    expect(fractionUsed(c, t('2026-03-18T09:00:00+08:00'), cal)).toBe(1);
    expect(isOverdue(c, t('2026-03-18T08:59:00+08:00'), cal)).toBe(false);
    expect(isOverdue(c, t('2026-03-18T09:00:00+08:00'), cal)).toBe(true);
    expect(fractionUsed(c, t('2026-03-27T09:00:00+08:00'), cal)).toBeCloseTo(14 / 7, 12);
    expect(consumedMinutesAt(c, t('2026-03-09T09:00:00+08:00'), cal)).toBe(0);
  });

  it('urgent clock mode ignores weekends and holidays', () => {
    const c = startClock({ minutes: 24 * 60, mode: 'clock' }, t('2026-03-13T20:00:00+08:00')); // Friday evening
    expectInstant(dueAt(c, cal), '2026-03-14T20:00:00+08:00'); // Saturday evening
    expect(fractionUsed(c, t('2026-03-14T08:00:00+08:00'), cal)).toBe(0.5);
    // a 2-hour pause on Saturday night moves it by exactly 2 hours
    const p = pauseClock(c, t('2026-03-14T02:00:00+08:00'), cal);
    expectInstant(dueAt(resumeClock(p, t('2026-03-14T04:00:00+08:00')), cal), '2026-03-14T22:00:00+08:00');
    const holiday = startClock({ minutes: 60, mode: 'clock' }, t('2026-10-01T23:30:00+08:00'));
    expectInstant(dueAt(holiday, cal), '2026-10-02T00:30:00+08:00');
  });

  it('a fraction whose moment passed during a pause falls at the resume instant', () => {
    const c = startClock({ minutes: 100, mode: 'clock' }, t('2026-03-13T10:00:00+08:00'));
    const p = pauseClock(c, t('2026-03-13T11:00:00+08:00'), cal); // 60 % used
    expect(instantAtFraction(p, 0.5, cal)).toBeNull();
    const r = resumeClock(p, t('2026-03-13T15:00:00+08:00'));
    expectInstant(instantAtFraction(r, 0.5, cal), '2026-03-13T15:00:00+08:00');
    expectInstant(instantAtFraction(r, 0.75, cal), '2026-03-13T15:15:00+08:00');
  });
});

describe('checkCalendar', () => {
  it('names the problems a hand-edited calendar can have', () => {
    const bad: BusinessCalendar = {
      version: 'bad',
      utcOffsetMinutes: 480,
      workdays: [1, 2, 2, 8],
      workingHours: [{ start: '13:30', end: '17:30' }, { start: '08:30', end: '12:00' }, { start: '18:00', end: '17:00' }],
      holidays: ['2026-02-30', '2026-10-01', '2026-10-01'],
      makeupWorkdays: ['2026-10-01', '2026-03-16'],
    };
    const problems = checkCalendar(bad);
    expect(problems).toEqual(expect.arrayContaining([
      'workday 2 is listed twice',
      'workday 8 is not an ISO weekday (1 = Monday … 7 = Sunday)',
      'working interval 08:30–12:00 overlaps or precedes the one before it',
      'working interval 18:00–17:00 ends before it starts',
      'holiday 2026-02-30 is not a date',
      'holiday 2026-10-01 is listed twice',
      '2026-10-01 is both a holiday and a makeup workday',
      'makeup workday 2026-03-16 is already a regular workday',
    ]));
    expect(problems).toHaveLength(8);
  });

  it('refuses a calendar without working days', () => {
    expect(checkCalendar({ ...cal, workdays: [], makeupWorkdays: [] })).toEqual(['the calendar has no working days']);
  });
});
