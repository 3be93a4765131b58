/**
 * Market-day attendance and the session report at unit level: who may record
 * whose attendance, the window, the weekday and the holidays, the workflow
 * input (identity from the principal), the day's roster with the latest record,
 * the cases by category and outcome, the session a cadre on duty today takes
 * cases in at, and the export's words — with a hand-written fake of the
 * repository and of the Temporal client.
 */
import { describe, expect, it } from 'vitest';
import type { Client } from '@temporalio/client';
import { DomainError, type Principal, type SessionAttendanceInput } from '@minqing/shared';
import { SessionsService } from './sessions.service';
import { sessionReportCsv } from './sessions.export';
import type { AttendanceRecord, SessionCaseRow, SessionRow, SessionsRepository } from './sessions.repository';

const WED = { code: 'market-wulan', name: '乌兰集贸日联合办公', villageCode: 'wulan', areaCode: 'area-east', weekday: 3, startTime: '09:00', endTime: '12:00', duty: ['c1', 'c2', 'c3'] } satisfies SessionRow;

class FakeRepository {
  records: AttendanceRecord[] = [];
  caseRows: SessionCaseRow[] = [];
  async session(code: string) {
    return code === WED.code ? WED : null;
  }
  async sessions() {
    return [WED];
  }
  async cadres(codes: readonly string[]) {
    return codes.map((code) => ({ code, name: `干部${code}`, departmentCode: 'dept' }));
  }
  async cadreDepartment() {
    return 'dept';
  }
  async servicePointVillage(code: string) {
    return code === 'station-wulan' ? 'wulan' : null;
  }
  async villageNames() {
    return new Map([['wulan', '乌兰社区']]);
  }
  async attendance(codes: readonly string[], first: string, last: string) {
    return this.records.filter((r) => codes.includes(r.sessionCode) && r.date >= first && r.date <= last);
  }
  async cases(codes: readonly string[], first: string, last: string) {
    return this.caseRows.filter((c) => codes.includes(c.sessionCode) && c.date >= first && c.date <= last);
  }
}

class FakeTemporal {
  started: SessionAttendanceInput[] = [];
  workflow = {
    start: async (_type: string, opts: { args: [SessionAttendanceInput] }) => {
      this.started.push(opts.args[0]);
      return { result: async () => ({ id: opts.args[0].attendanceId, date: opts.args[0].date, status: opts.args[0].status }) };
    },
    getHandle: () => ({ result: async () => ({}) }),
  };
}

const who = (p: Partial<Principal>): Principal => ({
  username: p.cadreCode ?? 'assess-1', name: 'x', role: 'cadre', cadreCode: null, cadreRole: null, departmentCode: null, areaCodes: [], servicePoint: null, channel: null,
  expiresAt: '2099-01-01T00:00:00Z', ...p,
});
const cadre = (code: string) => who({ role: 'cadre', cadreCode: code });

/** 18 November 2026 is a Wednesday; "now" is that day at 10:00 in the township unless said otherwise. */
function setup(now = '2026-11-18T02:00:00Z') {
  const repository = new FakeRepository();
  const temporal = new FakeTemporal();
  const service = new SessionsService({ repository: repository as unknown as SessionsRepository, temporal: temporal as unknown as Client, taskQueue: 'q', now: () => new Date(now) });
  return { repository, temporal, service };
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DomainError);
  const d = err as DomainError;
  const ext = d.extensions as { code?: string; errors?: { field: string; code: string }[] };
  return { status: d.status, code: ext.code ?? ext.errors!.map((e) => `${e.field}:${e.code}`).join(',') };
}

describe('recording attendance', () => {
  it('records your own as the signed-in cadre; a body cannot name another', async () => {
    const { service, temporal } = setup();
    const { answer, created } = await service.record(cadre('c1'), WED.code, { date: '2026-11-18', status: 'arrived' });
    expect(created).toBe(true);
    expect(answer).toMatchObject({ cadreCode: 'c1', recordedBy: 'c1', onBehalf: false, reason: null });
    expect(temporal.started[0]).toMatchObject({ sessionCode: WED.code, villageCode: 'wulan', cadreCode: 'c1', recordedBy: 'c1', departmentCode: 'dept', status: 'arrived', reason: null });
    expect(await refusal(service.record(cadre('c2'), WED.code, { date: '2026-11-18', status: 'arrived', cadreCode: 'c1' }))).toEqual({ status: 403, code: 'attendance_not_on_behalf' });
    expect(await refusal(service.record(cadre('c9'), WED.code, { date: '2026-11-18', status: 'arrived' }))).toEqual({ status: 403, code: 'attendance_not_on_roster' });
  });

  it("on behalf: the area's leader of the session's area, the township leadership and the assessment group", async () => {
    const { service, temporal } = setup();
    const leader = who({ role: 'area_leader', cadreCode: 'l1', areaCodes: ['area-east'] });
    expect((await service.record(leader, WED.code, { date: '2026-11-18', status: 'absent', reason: 'sick_leave', cadreCode: 'c2' })).answer).toMatchObject({ recordedBy: 'l1', onBehalf: true, reason: 'sick_leave' });
    const assessor = who({ role: 'assessment', username: 'assess-1' });
    expect((await service.record(assessor, WED.code, { date: '2026-11-18', status: 'arrived', cadreCode: 'c3' })).answer).toMatchObject({ recordedBy: 'assess-1', onBehalf: true });
    expect(temporal.started.map((s) => s.recordedBy)).toEqual(['l1', 'assess-1']);
    const otherArea = who({ role: 'area_leader', cadreCode: 'l2', areaCodes: ['area-west'] });
    expect(await refusal(service.record(otherArea, WED.code, { date: '2026-11-18', status: 'arrived', cadreCode: 'c2' }))).toEqual({ status: 403, code: 'attendance_not_on_behalf' });
    const head = who({ role: 'department_head', cadreCode: 'h1' });
    expect(await refusal(service.record(head, WED.code, { date: '2026-11-18', status: 'arrived', cadreCode: 'c2' }))).toEqual({ status: 403, code: 'attendance_not_on_behalf' });
    expect(await refusal(service.record(leader, WED.code, { date: '2026-11-18', status: 'arrived', cadreCode: 'c9' }))).toEqual({ status: 422, code: 'body/cadreCode:not_on_roster' });
  });

  it('keeps to the window, the weekday and the holidays, and needs a reason when absent', async () => {
    const { service } = setup('2026-11-23T02:00:00Z'); // Monday: five days after the 18th
    expect(await refusal(service.record(cadre('c1'), WED.code, { date: '2026-11-18', status: 'arrived' }))).toEqual({ status: 422, code: 'body/date:attendance_window_closed' });
    const leader = who({ role: 'area_leader', cadreCode: 'l1', areaCodes: ['area-east'] });
    expect((await service.record(leader, WED.code, { date: '2026-11-18', status: 'arrived', cadreCode: 'c1' })).created).toBe(true);
    expect(await refusal(service.record(cadre('c1'), WED.code, { date: '2026-11-19', status: 'arrived' }))).toEqual({ status: 422, code: 'body/date:attendance_not_a_session_day' });
    expect(await refusal(service.record(cadre('c1'), WED.code, { date: '2026-11-25', status: 'arrived' }))).toEqual({ status: 422, code: 'body/date:attendance_in_the_future' });
    expect(await refusal(service.record(leader, WED.code, { date: '2026-10-07', status: 'arrived', cadreCode: 'c1' }))).toEqual({ status: 422, code: 'body/date:attendance_holiday' });
    const { service: today } = setup();
    expect(await refusal(today.record(cadre('c1'), WED.code, { date: '2026-11-18', status: 'absent' }))).toEqual({ status: 422, code: 'body/reason:required' });
    expect(await refusal(today.record(cadre('c1'), WED.code, { date: '2026-11-18', status: 'arrived', reason: 'other' }))).toEqual({ status: 422, code: 'body/reason:not_allowed' });
  });
});

describe("a market day's report", () => {
  it('gives the roster with the latest record of each, and the cases taken in by category and outcome', async () => {
    const { service, repository } = setup();
    const rec = (cadreCode: string, status: 'arrived' | 'absent', at: string, by = cadreCode): AttendanceRecord => ({
      id: `${cadreCode}-${at}`, sessionCode: WED.code, date: '2026-11-18', cadreCode, status, reason: status === 'absent' ? 'other' : null, recordedBy: by, onBehalf: by !== cadreCode, recordedAt: at,
    });
    repository.records = [rec('c1', 'absent', '2026-11-18T01:00:00Z', 'l1'), rec('c1', 'arrived', '2026-11-18T02:00:00Z'), rec('c2', 'absent', '2026-11-18T03:00:00Z', 'l1')];
    const kase = (id: string, category: string, status: string, date: string): SessionCaseRow => ({ id, trackingCode: id, title: id, category, status, openedAt: `${date}T02:00:00Z`, sessionCode: WED.code, date });
    // a case entered the next day counts for the market day; one of the week after does not
    repository.caseRows = [kase('a', 'livelihood_difficulty', 'closed', '2026-11-18'), kase('b', 'livelihood_difficulty', 'in_progress', '2026-11-19'), kase('c', 'policy_question', 'withdrawn', '2026-11-18'), kase('d', 'other', 'submitted', '2026-11-25')];
    const day = await service.day(who({ role: 'area_leader', cadreCode: 'l1', areaCodes: ['area-east'] }), WED.code, '2026-11-18');
    expect(day.counts).toEqual({ rostered: 3, arrived: 1, absent: 1, notRecorded: 1 });
    expect(day.roster.find((l) => l.cadreCode === 'c1')).toMatchObject({ status: 'arrived', recordedBy: 'c1', onBehalf: false, history: [expect.objectContaining({ status: 'absent' }), expect.objectContaining({ status: 'arrived' })] });
    expect(day.cases).toEqual({
      opened: 3, resolved: 1, open: 1, ended: 1,
      byCategory: [
        { category: 'livelihood_difficulty', opened: 2, resolved: 1, open: 1, ended: 0 },
        { category: 'policy_question', opened: 1, resolved: 0, open: 0, ended: 1 },
      ],
    });
    expect(day.may).toEqual({ recordOwn: false, recordOnBehalf: true });
    // a cadre off the roster, of no area: not theirs to read; the community's station staff: theirs
    expect(await refusal(service.day(cadre('c9'), WED.code, '2026-11-18'))).toEqual({ status: 403, code: 'session_outside_scope' });
    const station = who({ role: 'hall_staff', username: 'hall-3', servicePoint: { code: 'station-wulan', name: '乌兰便民服务站', kind: 'station' } });
    expect((await service.day(station, WED.code, '2026-11-18')).may).toEqual({ recordOwn: false, recordOnBehalf: false });
  });

  it("sums a month's market days, a holiday's cancelled, and words the export in the reader's language", async () => {
    const { service } = setup();
    const month = await service.month(who({ role: 'township_leader', cadreCode: 't1' }), '2026-10');
    expect(month.items.map((i) => [i.date, i.cancelled])).toEqual([['2026-10-07', true], ['2026-10-14', false], ['2026-10-21', false], ['2026-10-28', false]]);
    expect(month.totals).toMatchObject({ sessionsHeld: 3, sessionsCancelled: 1, rostered: 9, notRecorded: 9 });
    expect(month.items[0]).toMatchObject({ cancelled: true, rostered: 0, notRecorded: 0 });
    // a month still to come: its market days not held yet, nobody missing
    const december = await service.month(who({ role: 'township_leader', cadreCode: 't1' }), '2026-12');
    expect(december.totals).toMatchObject({ sessionsHeld: 0, rostered: 0 });
    expect(december.items.every((i) => i.rostered === 3 && i.notRecorded === 0)).toBe(true);
    const csv = sessionReportCsv(month, 'zh-CN', new Map([['wulan', '乌兰社区']]));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('应到人数');
    expect(csv).toContain('2026-10-07,取消（节假日）');
    // an area leader of another area sees none of them
    expect((await service.month(who({ role: 'area_leader', cadreCode: 'l2', areaCodes: ['area-west'] }), '2026-10')).items).toEqual([]);
  });
});

describe('a case taken in on a market day', () => {
  it("is the session's when the opener is on its roster and it is its day (not a holiday)", async () => {
    expect(await setup().service.onDutyToday(cadre('c1'))).toBe(WED.code);
    expect(await setup().service.onDutyToday(cadre('c9'))).toBeNull();
    expect(await setup('2026-11-19T02:00:00Z').service.onDutyToday(cadre('c1'))).toBeNull();
    expect(await setup('2026-10-07T02:00:00Z').service.onDutyToday(cadre('c1'))).toBeNull();
    const station = who({ role: 'hall_staff', username: 'hall-3', servicePoint: { code: 'station-wulan', name: '乌兰便民服务站', kind: 'station' } });
    expect(await setup().service.hallMayOpenAt(station, WED.code)).toBe(true);
    expect(await setup().service.hallMayOpenAt(who({ role: 'hall_staff', servicePoint: { code: 'hall-main', name: '大厅', kind: 'hall' } }), WED.code)).toBe(false);
  });
});
