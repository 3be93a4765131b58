/** The table of the six roles' kinds of work, the per-kind checks, and the grassroots-days rule. */
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ACTIVITY_KINDS, detailsOf, eventTypeOfKind, fieldsOfKind, GRASSROOTS_DAYS_PER_WEEK, GRASSROOTS_KINDS, grassrootsDaysByWeek, isoWeekday, isoWeekOf,
  KINDS_BY_ROLE, roleOfKind, ruleWeeks, WORK_ACTIVITY_EVENT, WORK_KIND_NAMES, WORK_KIND_TABLE, WORK_ROLES, WorkRecordBodySchema, weekStatus,
  workRecordFieldErrors, type WorkKind,
} from './work-kinds';
import './formats';

const body = (kind: WorkKind, extra: Record<string, unknown> = {}) => ({ kind, date: '2026-11-20', note: '记录', ...extra });
const fields = (errors: ReturnType<typeof workRecordFieldErrors>) => errors.map((e) => `${e.field}:${e.code}`).sort();

describe('the table of kinds', () => {
  it('gives every one of the six roles its kinds, and every kind one role', () => {
    expect(WORK_ROLES).toEqual(['investigator', 'publicist', 'guide', 'service_attendant', 'civility_officer', 'mediator']);
    for (const { role, kinds } of KINDS_BY_ROLE) expect(kinds.length, role).toBeGreaterThan(0);
    expect(KINDS_BY_ROLE.flatMap((r) => r.kinds).sort()).toEqual([...WORK_KIND_NAMES].sort());
    expect(KINDS_BY_ROLE.find((r) => r.role === 'publicist')!.kinds).toEqual(['training', 'door_to_door', 'leaflets']); // 集中培训、上门宣讲、发放资料
    expect(roleOfKind('holiday_visit')).toBe('service_attendant');
    expect(roleOfKind('cleanup_day')).toBe('civility_officer');
    expect(roleOfKind('mediation')).toBe('mediator');
  });

  it('keeps the three kinds logged before the roles on their own event types; every other kind is the activity event', () => {
    expect(eventTypeOfKind('visit')).toBe('org.minqing.work.visit_logged.v1');
    expect(eventTypeOfKind('diary')).toBe('org.minqing.work.diary_entry_added.v1');
    expect(eventTypeOfKind('household_file')).toBe('org.minqing.work.household_file_updated.v1');
    expect(ACTIVITY_KINDS).toHaveLength(WORK_KIND_NAMES.length - 3);
    for (const k of ACTIVITY_KINDS) expect(eventTypeOfKind(k)).toBe(WORK_ACTIVITY_EVENT);
  });

  it('counts every kind done in a village or a household as grassroots work, not the diary written up afterwards', () => {
    expect(GRASSROOTS_KINDS).not.toContain('diary');
    expect(GRASSROOTS_KINDS).toEqual(expect.arrayContaining(['visit', 'training', 'holiday_visit', 'cleanup_day', 'mediation']));
    expect(GRASSROOTS_KINDS).toHaveLength(WORK_KIND_NAMES.length - 1);
  });

  it('lists each kind\'s fields in the table\'s order with whether they are needed', () => {
    expect(fieldsOfKind('holiday_visit')).toEqual([['householdCode', 'required'], ['holiday', 'required']]);
    expect(fieldsOfKind('training')).toEqual([['villageCode', 'required'], ['participants', 'required'], ['durationMinutes', 'required'], ['place', 'required']]);
    expect(WORK_KIND_TABLE.cleanup_day.weekday).toBe(5);
  });
});

describe('a record checked against its kind', () => {
  it('is right with exactly its kind\'s fields', () => {
    expect(workRecordFieldErrors(body('holiday_visit', { householdCode: 'hh-1', holiday: 'spring_festival' }))).toEqual([]);
    expect(workRecordFieldErrors(body('training', { villageCode: 'v1', place: '村委会', participants: 30, durationMinutes: 90 }))).toEqual([]);
    expect(workRecordFieldErrors(body('diary'))).toEqual([]); // everything of a diary entry is optional
    expect(workRecordFieldErrors(body('visit', { householdCode: 'hh-1', role: 'investigator' }))).toEqual([]);
  });

  it('names each required field missing, each field the kind does not take, a role not the kind\'s', () => {
    expect(fields(workRecordFieldErrors(body('holiday_visit')))).toEqual(['holiday:required', 'householdCode:required']);
    expect(fields(workRecordFieldErrors(body('leaflets', { villageCode: 'v1', materials: '惠民政策明白纸', copies: 200, holiday: 'new_year' })))).toEqual(['holiday:unknown_property']);
    expect(workRecordFieldErrors(body('visit', { householdCode: 'hh-1', role: 'service_attendant' }))).toEqual([
      { field: 'role', message: 'must be investigator, the role of visit', code: 'not_allowed', params: { role: 'investigator' } },
    ]);
  });

  it('takes the Friday clean-up only on a Friday', () => {
    const cleanup = { villageCode: 'v1', place: '背街小巷', participants: 25 };
    expect(isoWeekday('2026-11-20')).toBe(5);
    expect(workRecordFieldErrors(body('cleanup_day', { ...cleanup, date: '2026-11-20' }))).toEqual([]);
    expect(workRecordFieldErrors(body('cleanup_day', { ...cleanup, date: '2026-11-19' }))).toEqual([
      { field: 'date', message: 'must be a Friday for cleanup_day', code: 'wrong_weekday', params: { weekday: 5 } },
    ]);
  });

  it('keeps as details only the kind\'s own fields beyond household, village and case', () => {
    expect(detailsOf(body('training', { villageCode: 'v1', place: '村委会', participants: 30, durationMinutes: 90 }))).toEqual({ place: '村委会', participants: 30, durationMinutes: 90 });
    expect(detailsOf(body('visit', { householdCode: 'hh-1' }))).toEqual({});
  });

  it('has a request schema with every field of every kind, typed and bounded, and nothing else', () => {
    const check = TypeCompiler.Compile(WorkRecordBodySchema);
    expect(check.Check(body('mediation', { villageCode: 'v1', participants: 4, outcome: 'settled' }))).toBe(true);
    expect(check.Check(body('mediation', { villageCode: 'v1', participants: 0, outcome: 'settled' }))).toBe(false);
    expect(check.Check(body('holiday_visit', { householdCode: 'hh-1', holiday: 'christmas' }))).toBe(false);
    expect(check.Check(body('visit', { householdCode: 'hh-1', gps: '40.1,111.2' }))).toBe(false); // never a location
    expect(check.Check(body('visit', { householdCode: 'hh-1', role: 'other' }))).toBe(false);
  });
});

describe('the grassroots-days rule', () => {
  it('needs three days a week', () => {
    expect(GRASSROOTS_DAYS_PER_WEEK).toBe(3);
  });

  it('numbers weeks the ISO way (the year of their Thursday)', () => {
    expect(isoWeekOf('2026-11-20')).toEqual({ week: '2026-W47', first: '2026-11-16', last: '2026-11-22' });
    expect(isoWeekOf('2026-01-01').week).toBe('2026-W01'); // a Thursday
    expect(isoWeekOf('2027-01-01').week).toBe('2026-W53'); // a Friday in 2026's 53rd week
    expect(isoWeekOf('2024-12-30').week).toBe('2025-W01'); // a Monday of 2025's first week
  });

  it('judges a period on the weeks whose Thursday falls in it, each week whole and in one month only', () => {
    expect(ruleWeeks('2026-11-01', '2026-11-30').map((w) => w.week)).toEqual(['2026-W45', '2026-W46', '2026-W47', '2026-W48']);
    // 30 November is the Monday of a week whose Thursday is in December
    const december = ruleWeeks('2026-12-01', '2026-12-31');
    expect(december.map((w) => w.week)).toEqual(['2026-W49', '2026-W50', '2026-W51', '2026-W52', '2026-W53']);
    expect(december[0]).toEqual({ week: '2026-W49', first: '2026-11-30', last: '2026-12-06' });
    expect(ruleWeeks('2026-11-16', '2026-11-22').map((w) => w.week)).toEqual(['2026-W47']); // an ISO week
    expect(ruleWeeks('2026-11-17', '2026-11-17').map((w) => w.week)).toEqual(['2026-W47']); // a Tuesday: its week
  });

  it('says met at three days, missed once the week is over with fewer, open until then', () => {
    const w = isoWeekOf('2026-11-20'); // 16–22 November
    expect(weekStatus(3, w, '2026-11-18')).toBe('met');
    expect(weekStatus(2, w, '2026-11-22')).toBe('open'); // Sunday: still a day to go
    expect(weekStatus(2, w, '2026-11-23')).toBe('missed');
    expect(weekStatus(0, w, '2026-12-01')).toBe('missed');
  });

  it('counts days, not records, and only days with grassroots work', () => {
    const weeks = ruleWeeks('2026-11-01', '2026-11-30');
    const records: { kind: WorkKind; date: string }[] = [
      { kind: 'visit', date: '2026-11-02' }, { kind: 'holiday_visit', date: '2026-11-02' }, // one day
      { kind: 'cleanup_day', date: '2026-11-06' },
      { kind: 'diary', date: '2026-11-07' }, // written up: not a day at the grassroots
      { kind: 'training', date: '2026-11-08' },
      { kind: 'diary', date: '2026-11-10' },
    ];
    expect(grassrootsDaysByWeek(records, weeks)).toEqual([3, 0, 0, 0]);
  });
});
