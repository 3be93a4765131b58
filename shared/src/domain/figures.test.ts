import { describe, expect, it } from 'vitest';
import {
  COUNT_RULES, DEFINITIONS_VERSION_CODES, FIGURE_DEFINITION_VERSIONS, FIGURE_DEFINITIONS, figureChoices, figureDefinitions, figureNamesOf, isPeriod, PERIOD_PATTERN, periodDates,
  publishedDefinitions, RATE_NAMES,
} from './figures';

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

describe('figure definitions', () => {
  it('the current version is the newest, supersedes the previous one, and every version stays computable', () => {
    expect(FIGURE_DEFINITIONS.version).toBe('figures-2026.2');
    expect(DEFINITIONS_VERSION_CODES).toEqual(['figures-2026.1', 'figures-2026.2']);
    expect(figureDefinitions('figures-2026.2')?.supersedes).toBe('figures-2026.1');
    expect(figureDefinitions('figures-2026.1')?.counts.reopened).toBe('reopened_resolved_now');
    expect(figureDefinitions('figures-2099.1')).toBeUndefined();
  });

  it('figures-2026.2 counts every callback as a rating and the reopen rate over every case ever resolved', () => {
    const d = figureDefinitions('figures-2026.2')!;
    for (const n of ['rated', 'satisfied', 'basicallySatisfied', 'dissatisfied'] as const) expect(COUNT_RULES[d.counts[n]!].unit).toBe('callback');
    expect(d.rates.reopens).toEqual({ numerator: 'reopened', denominator: 'everResolved' });
    expect(d.rates.resolution).toEqual({ numerator: 'resolved', denominator: 'eligible' });
  });

  it('figures-2026.1 has exactly the counts reports were signed off with (no everResolved), each rated case once', () => {
    const d = figureDefinitions('figures-2026.1')!;
    expect(figureNamesOf(d)).toEqual(['cases', 'eligible', 'accepted', 'acceptedOnTime', 'resolved', 'resolvedOnTime', 'rated', 'satisfied', 'basicallySatisfied', 'dissatisfied', 'returned', 'reopened']);
    for (const n of figureNamesOf(d)) expect(COUNT_RULES[d.counts[n]!].unit).toBe('case');
  });

  it('every rate of every version is over counts that version gives', () => {
    for (const d of FIGURE_DEFINITION_VERSIONS) {
      const names = new Set<string>(figureNamesOf(d));
      for (const r of RATE_NAMES) {
        expect(names.has(d.rates[r].denominator)).toBe(true);
        if (d.rates[r].numerator !== 'weightedSatisfaction') expect(names.has(d.rates[r].numerator)).toBe(true);
      }
    }
  });

  it('states its choices, derived from the rules: withdrawn after sign-for stays in both, the satisfaction choice differs', () => {
    const codes = (v: string) => figureChoices(figureDefinitions(v)!).map((c) => c.code);
    expect(codes('figures-2026.1')).toEqual(expect.arrayContaining(['withdrawn_after_sign_for_stays', 'satisfaction_latest_callback_per_case', 'reopen_rate_over_resolved_now']));
    expect(codes('figures-2026.1')).not.toContain('satisfaction_every_callback');
    expect(codes('figures-2026.2')).toEqual(expect.arrayContaining(['withdrawn_after_sign_for_stays', 'satisfaction_every_callback', 'callback_attributed_when_recorded', 'reopen_rate_over_ever_resolved']));
    expect(codes('figures-2026.2')).not.toContain('satisfaction_latest_callback_per_case');
    expect(figureChoices(FIGURE_DEFINITIONS).find((c) => c.code === 'basically_satisfied_weight')?.params).toEqual({ weight: 0.9 });
  });

  it('publishes each version with its counts in report order and marks the current one', () => {
    const p = publishedDefinitions(FIGURE_DEFINITIONS);
    expect(p.current).toBe(true);
    expect(p.counts.find((c) => c.name === 'rated')).toEqual({ name: 'rated', rule: 'rated_every_callback', unit: 'callback' });
    expect(p.rates.map((r) => r.name)).toEqual([...RATE_NAMES]);
    expect(publishedDefinitions(figureDefinitions('figures-2026.1')!).current).toBe(false);
  });
});
