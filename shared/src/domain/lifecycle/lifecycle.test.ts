/**
 * The lifecycle rules without a server: every (move × status × role)
 * combination generated from the table is checked against an oracle written
 * here independently (who each kind of actor is), and every move's effect is
 * applied once and checked against the table (status, clock, timeline step)
 * and against its event schema.
 */
import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type CaseStatus } from '../vocabulary';
import { DEFAULT_SLA_POLICY } from '../sla';
import { DEFAULT_CALENDAR } from '../calendar';
import { validateEventData } from '../../events/cloudevents';
import type { CaseWorkflowInput } from '../case';
import type { RoutingDecision } from '../directory';
import {
  allowedMoves, applyMove, applyRouting, checkMove, clocks, initialDraft, isTerminal, moveRejection, moveStateOf, MOVE_LIST, MOVE_NAMES, MOVES,
  PUBLIC_STEPS, RESIDENT_ACTOR, STATUS_MEANING, StatusGroup, transitionOf,
  type Actor, type CaseDraft, type MoveArgs, type MoveDef, type MoveName, type MoveState, type Rejection,
} from './index';

const env = { policy: DEFAULT_SLA_POLICY, cal: DEFAULT_CALENDAR };
const NOW = new Date('2026-03-10T10:00:00+08:00'); // a Tuesday, working hours

/** The kinds of actor, and which `who` of the table each one satisfies (the oracle). */
const ACTORS: Record<string, { actor: Actor; is: Set<string> }> = {
  assignee: { actor: { code: 'cadre-1', role: 'staff' }, is: new Set(['assignee']) },
  otherCadre: { actor: { code: 'cadre-2', role: 'staff' }, is: new Set(['notHandler']) },
  headInChain: { actor: { code: 'head-1', role: 'department_head' }, is: new Set(['managerInChain', 'intake', 'notHandler']) },
  headElsewhere: { actor: { code: 'head-9', role: 'department_head' }, is: new Set(['intake', 'notHandler']) },
  leaderInChain: { actor: { code: 'leader-1', role: 'area_leader' }, is: new Set(['managerInChain', 'intake', 'notHandler']) },
  townshipLeader: { actor: { code: 'tl-2', role: 'township_leader' }, is: new Set(['managerInChain', 'intake', 'notHandler']) },
  hall: { actor: { code: 'hall-1', role: 'hall_staff' }, is: new Set(['intake', 'notHandler']) },
  villageOfficial: { actor: { code: 'vo-1', role: 'village_official' }, is: new Set(['notHandler']) },
  resident: { actor: RESIDENT_ACTOR, is: new Set(['notHandler']) },
};
const isManagerRole = (a: Actor) => ['department_head', 'area_leader', 'township_leader'].includes(a.role);

const stateOf = (status: CaseStatus, over: Partial<MoveState> = {}): MoveState => ({
  caseId: '00000000-0000-4000-8000-000000000001',
  status,
  recorded: true,
  assigneeCode: 'cadre-1',
  escalation: { departmentHead: 'head-1', areaLeader: 'leader-1', township: 'tl-1' },
  returnsCount: 0,
  maxReturns: 2,
  pendingReturn: status === 'returned' ? { byCode: 'cadre-1' } : null,
  pendingExtension: null,
  satisfaction: null,
  dueAt: new Date(NOW.getTime() + 3_600_000).toISOString(),
  ...over,
});

/** What the rules should answer, from the table's statuses and the oracle of who is who. */
function expected(m: MoveDef, s: MoveState, who: { actor: Actor; is: Set<string> }): Rejection['kind'] | null {
  if (isTerminal(s.status) || !m.from.includes(s.status)) return 'notAllowed';
  if (!who.is.has(m.who)) return 'forbidden';
  switch (m.name) {
    case 'returnCase':
      return s.returnsCount >= s.maxReturns ? 'notAllowed' : null;
    case 'reopenCase':
      return s.satisfaction !== 'dissatisfied' ? 'notAllowed' : null;
    case 'closeCase':
      return s.satisfaction === 'dissatisfied' && !isManagerRole(who.actor) ? 'forbidden' : null;
    case 'requestExtension':
      return s.pendingExtension || !s.dueAt || Date.parse(s.dueAt) <= NOW.getTime() ? 'notAllowed' : null;
    case 'decideExtension':
      return !s.pendingExtension ? 'notAllowed' : s.pendingExtension.requestedBy === who.actor.code ? 'forbidden' : null;
    default:
      return null;
  }
}

describe('the move table', () => {
  it('has no move from a terminal status, and every move names a status it may be made from', () => {
    for (const m of MOVE_LIST) {
      expect(m.from.length, m.name).toBeGreaterThan(0);
      expect(m.from.filter(isTerminal), m.name).toEqual([]);
    }
  });

  it('has unique names, operationIds, paths and steps', () => {
    for (const key of ['name', 'operationId', 'path', 'step'] as const) {
      const values = MOVE_LIST.map((m) => m.step === 'resolved' && key === 'step' ? `${m.name}` : m[key]);
      expect(new Set(values).size, key).toBe(values.length);
    }
  });

  it('status groups partition as they claim', () => {
    expect([...StatusGroup.open, ...StatusGroup.terminal].sort()).toEqual([...CASE_STATUSES].sort());
    expect(StatusGroup.assigneeWork.every((s) => StatusGroup.unanswered.includes(s))).toBe(true);
    expect(StatusGroup.clocked.every((s) => STATUS_MEANING[s].clock !== null)).toBe(true);
    // Residents see the work starting (the step that once drifted).
    expect(PUBLIC_STEPS).toContain(MOVES.startWork.step);
  });
});

describe('every (move × status × role) combination', () => {
  const variants: [string, Partial<MoveState>][] = [
    ['plain', { satisfaction: 'satisfied' }],
    ['dissatisfied, capped, extension pending', { satisfaction: 'dissatisfied', returnsCount: 2, pendingExtension: { requestedBy: 'cadre-1' } }],
    ['past the deadline, paused', { dueAt: null }],
  ];
  for (const [variant, over] of variants) {
    it(`answers as the table says (${variant})`, () => {
      const wrong: string[] = [];
      let checked = 0;
      for (const m of MOVE_LIST) {
        for (const status of CASE_STATUSES) {
          for (const [kind, who] of Object.entries(ACTORS)) {
            const s = stateOf(status, over);
            const got = moveRejection(m, s, who.actor, NOW)?.kind ?? null;
            const want = expected(m, s, who);
            checked++;
            if (got !== want) wrong.push(`${m.name} from ${status} by ${kind}: got ${got}, want ${want}`);
          }
        }
      }
      expect(wrong).toEqual([]);
      expect(checked).toBe(MOVE_LIST.length * CASE_STATUSES.length * Object.keys(ACTORS).length);
    });
  }

  it('a case still being registered takes no move yet; a missing actor is invalid', () => {
    expect(moveRejection(MOVES.withdrawCase, stateOf('submitted', { recorded: false }), ACTORS.hall!.actor, NOW)?.code).toBe('still_registering');
    expect(moveRejection(MOVES.acceptCase, stateOf('assigned'), undefined as never, NOW)?.kind).toBe('invalid');
  });

  it('who may do what, spelled out for the main statuses as the README states them', () => {
    const may = (status: CaseStatus, kind: keyof typeof ACTORS, over: Partial<MoveState> = {}) => allowedMoves(stateOf(status, over), ACTORS[kind]!.actor, NOW);
    expect(may('assigned', 'assignee')).toEqual(['acceptCase', 'returnCase', 'requestExtension']);
    expect(may('assigned', 'hall')).toEqual(['mergeCase', 'withdrawCase']);
    expect(may('assigned', 'headInChain')).toEqual(['reassignCase', 'mergeCase', 'withdrawCase', 'rejectCase', 'superviseCase']);
    expect(may('assigned', 'headElsewhere')).toEqual(['mergeCase', 'withdrawCase']);
    expect(may('assigned', 'otherCadre')).toEqual([]);
    expect(may('in_progress', 'assignee')).toEqual(['waitOnResident', 'forwardUpstream', 'resolveCase', 'requestExtension']);
    expect(may('resolved', 'hall')).toEqual(['recordFollowUp']);
    expect(may('resolved', 'assignee')).toEqual([]);
    expect(may('resolved', 'resident')).toEqual(['recordFollowUp']);
    expect(may('followed_up', 'hall', { satisfaction: 'dissatisfied' })).toEqual(['reopenCase']);
    expect(may('followed_up', 'headInChain', { satisfaction: 'dissatisfied' })).toEqual(['reopenCase', 'closeCase', 'superviseCase']);
    expect(may('followed_up', 'hall', { satisfaction: 'satisfied' })).toEqual(['closeCase']);
    expect(may('in_progress', 'leaderInChain', { pendingExtension: { requestedBy: 'cadre-1' } })).toEqual(['reassignCase', 'mergeCase', 'withdrawCase', 'decideExtension', 'superviseCase']);
    expect(may('closed', 'townshipLeader')).toEqual([]);
  });
});

describe('argument checks', () => {
  const reject = (name: MoveName, args: Record<string, unknown>, s = stateOf(MOVES[name].from[0]!), actor = ACTORS.assignee!.actor) =>
    checkMove(MOVES[name], s, actor, args, NOW);

  it('texts: required ones non-blank, optional ones may be empty or absent, all bounded', () => {
    expect(reject('resolveCase', { reply: '  ' })?.kind).toBe('invalid');
    expect(reject('resolveCase', { reply: 'x'.repeat(5001) })?.kind).toBe('invalid');
    expect(reject('resolveCase', { reply: '已答复' })).toBeNull();
    expect(reject('resumeFromResident', {})).toBeNull();
    expect(reject('resumeFromResident', { note: '' })).toBeNull();
    expect(reject('waitOnResident', {})?.kind).toBe('invalid');
  });

  it('choices, staff, cases, minutes and decisions', () => {
    expect(reject('returnCase', { reasonCode: 'bored', note: 'x' })?.kind).toBe('invalid');
    expect(reject('requestExtension', { minutes: 0, reason: 'x' })?.kind).toBe('invalid');
    expect(reject('requestExtension', { minutes: 1.5, reason: 'x' })?.kind).toBe('invalid');
    expect(reject('requestExtension', { minutes: 480, reason: '材料未齐' })).toBeNull();
    const head = ACTORS.headInChain!.actor;
    expect(reject('decideExtension', { approve: 'yes', note: 'x' }, stateOf('in_progress', { pendingExtension: { requestedBy: 'cadre-1' } }), head)?.kind).toBe('invalid');
    expect(reject('mergeCase', { intoCaseId: 'not-a-case', note: 'x' }, stateOf('assigned'), ACTORS.hall!.actor)?.kind).toBe('invalid');
  });

  it('moves that look across arguments and the case', () => {
    const head = ACTORS.headInChain!.actor;
    const returned = stateOf('returned');
    expect(reject('reviewReturn', { decision: 'reroute', note: 'x' }, returned, head)?.code).toBe('reroute_needs_other');
    expect(reject('reviewReturn', { decision: 'reroute', assigneeCode: 'cadre-1', note: 'x' }, returned, head)?.code).toBe('reroute_needs_other');
    expect(reject('reviewReturn', { decision: 'reroute', assigneeCode: 'cadre-2', note: 'x' }, returned, head)).toBeNull();
    expect(reject('reviewReturn', { decision: 'force_dispatch', note: 'x' }, returned, head)).toBeNull();
    expect(reject('reassignCase', { assigneeCode: 'cadre-1', note: 'x' }, stateOf('accepted'), head)?.kind).toBe('notAllowed');
    const s = stateOf('assigned');
    expect(reject('mergeCase', { intoCaseId: s.caseId, note: 'x' }, s, ACTORS.hall!.actor)?.code).toBe('merge_into_self');
  });

  it('the resident rates online only; staff call, visit or meet', () => {
    const s = stateOf('resolved');
    expect(reject('recordFollowUp', { satisfaction: 'satisfied', method: 'online' }, s, RESIDENT_ACTOR)).toBeNull();
    expect(reject('recordFollowUp', { satisfaction: 'satisfied', method: 'call' }, s, RESIDENT_ACTOR)?.kind).toBe('invalid');
    expect(reject('recordFollowUp', { satisfaction: 'satisfied', method: 'online' }, s, ACTORS.hall!.actor)?.kind).toBe('invalid');
    expect(reject('recordFollowUp', { satisfaction: 'satisfied', method: 'call' }, s, ACTORS.hall!.actor)).toBeNull();
  });
});

// ---------------------------------------------------------------- effects

const input: CaseWorkflowInput = {
  caseId: '00000000-0000-4000-8000-000000000001',
  trackingCode: 'MQ-TEST-0001',
  requestHash: 'h',
  openedAt: NOW.toISOString(),
  openedBy: 'hall-1',
  request: { category: 'livelihood_difficulty', priority: 'normal', channel: 'hall', title: 't', description: 'd', resident: { name: 'n', phone: '13900000000' }, villageCode: 'wulan' },
};
const routing: RoutingDecision = {
  assigneeCode: 'cadre-1', departmentCode: 'civil', areaCode: 'east', villageCode: 'wulan', rule: 'household', reason: 'r',
  escalation: { departmentHead: 'head-1', areaLeader: 'leader-1', township: 'tl-1' },
};

/** A case that stands in `status`, with the clock that status runs (paused where it pauses). */
function draftAt(status: CaseStatus, over: Partial<CaseDraft['s']> = {}): CaseDraft {
  const routed = applyRouting({ ...initialDraft(input, env.policy), s: { ...initialDraft(input, env.policy).s, recorded: true } }, routing, NOW, env).draft;
  const meaning = STATUS_MEANING[status];
  let clock = meaning.clock ? clocks.startClock(meaning.clock, { minutes: 450, mode: 'business' }, 450, NOW) : null;
  if (clock && meaning.paused) clock = clocks.pause(clock, NOW, env.cal);
  return { s: { ...routed.s, status, pendingReturn: status === 'returned' ? { byCode: 'cadre-1', reasonCode: 'other', note: 'n' } : null, ...over }, clock, pausedAt: meaning.paused ? NOW.toISOString() : null };
}

/** A valid call of each move: who, from where, with what. A new move fails here until it has one. */
const SAMPLES: { [K in MoveName]: { actor: keyof typeof ACTORS; from?: CaseStatus; args: MoveArgs<K>; over?: Partial<CaseDraft['s']> } } = {
  acceptCase: { actor: 'assignee', args: {} },
  returnCase: { actor: 'assignee', args: { reasonCode: 'wrong_area', note: '不属本村' } },
  reviewReturn: { actor: 'headInChain', args: { decision: 'reroute', assigneeCode: 'cadre-2', note: '改派' } },
  reassignCase: { actor: 'headInChain', from: 'in_progress', args: { assigneeCode: 'cadre-2', note: '调整' } },
  startWork: { actor: 'assignee', args: {} },
  waitOnResident: { actor: 'assignee', from: 'in_progress', args: { note: '补材料' } },
  resumeFromResident: { actor: 'assignee', args: {} },
  forwardUpstream: { actor: 'assignee', from: 'in_progress', args: { authority: '旗民政局', note: '上报' } },
  upstreamAnswered: { actor: 'assignee', args: { outcome: '同意' } },
  resolveCase: { actor: 'assignee', from: 'in_progress', args: { reply: '已办理' } },
  recordFollowUp: { actor: 'hall', args: { satisfaction: 'dissatisfied', method: 'call' } },
  reopenCase: { actor: 'hall', args: { reason: '不满意' }, over: { satisfaction: 'dissatisfied' } },
  mergeCase: { actor: 'hall', from: 'assigned', args: { intoCaseId: '00000000-0000-4000-8000-000000000002', note: '重复' } },
  withdrawCase: { actor: 'hall', from: 'in_progress', args: { reason: '已自行解决' } },
  rejectCase: { actor: 'headInChain', from: 'assigned', args: { reasonCode: 'out_of_scope', note: '不属职权' } },
  closeCase: { actor: 'hall', args: {}, over: { satisfaction: 'satisfied' } },
  requestExtension: { actor: 'assignee', from: 'in_progress', args: { minutes: 480, reason: '材料未齐' } },
  decideExtension: { actor: 'headInChain', from: 'in_progress', args: { approve: true, note: '同意' }, over: { pendingExtension: { phase: 'resolve', minutes: 480, reason: 'r', requestedBy: 'cadre-1' } } },
  superviseCase: { actor: 'leaderInChain', from: 'in_progress', args: { note: '请加快' } },
};

describe('every move applied once', () => {
  for (const name of MOVE_NAMES) {
    it(`${name}: status, clock and step as the table says; the event matches its schema`, () => {
      const m = MOVES[name] as MoveDef;
      const sample = SAMPLES[name];
      const from = sample.from ?? m.from[0]!;
      const before = draftAt(from, sample.over);
      const actor = ACTORS[sample.actor]!.actor;
      const at = new Date(NOW.getTime() + 30 * 60_000);
      expect(checkMove(m, moveStateOf(before, env), actor, sample.args as Record<string, unknown>, at)).toBeNull();

      const { draft, step } = applyMove(name, before, actor, sample.args as never, at, env);
      const { record } = transitionOf(draft, step, at, env);
      expect(draft.s.status).toBe(m.to ?? from);
      expect(record.kind).toBe(m.step);
      expect(record.readModel.status).toBe(m.to ?? from);
      expect(record.seq).toBe(before.s.seq + 1);
      expect(validateEventData(record.eventType, record.eventData)).toBeNull();

      switch (m.clock?.op) {
        case 'start':
          if (name !== 'reviewReturn' || (sample.args as { decision: string }).decision === 'reroute') {
            expect(record.readModel.phase).toBe(m.clock.phase);
            expect(record.readModel.phaseStartedAt).toBe(at.toISOString());
            expect(record.readModel.escalationLevel).toBe(0);
          }
          break;
        case 'pause':
          expect(record.readModel.paused).toBe(true);
          break;
        case 'resume':
          expect(record.readModel.paused).toBe(false);
          expect(record.eventData.pausedBusinessMinutes).toBe(30);
          break;
        case 'stop':
          expect(record.readModel.phase).toBeNull();
          expect(record.readModel.dueAt).toBeNull();
          break;
        case 'extend':
          expect(Date.parse(record.readModel.dueAt as string)).toBeGreaterThan(Date.parse(clocks.dueAt(before.clock!, env.cal)!.toISOString()));
          break;
        default:
          expect(record.readModel.phase).toBe(before.clock?.phase ?? null);
      }
      // The input draft is left as it was (pure).
      expect(before.s.status).toBe(from);
    });
  }
});
