/**
 * Attribution follows the case (./attribution): after a reassignment or a
 * reroute the department and level 1 of the escalation chain are the new
 * cadre's, in the workflow's state, the event and the read model alike; the
 * area and the village stay the resident's. Moves without the cadre's facts
 * (histories recorded before the rule) keep the department, and a new move
 * that gives the case to a cadre is refused without them.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_POLICY } from './sla';
import { DEFAULT_CALENDAR } from './calendar';
import type { CaseWorkflowInput } from './case';
import type { RoutingDecision } from './directory';
import { assigneeFactsRejection, assigneesGiven, reattribute, type AssigneeFacts } from './attribution';
import { applyMove, applyRouting, applyTimer, checkMove, initialDraft, moveStateOf, MOVE_LIST, MOVES, transitionOf, type CaseDraft } from './lifecycle/index';

const env = { policy: DEFAULT_SLA_POLICY, cal: DEFAULT_CALENDAR };
const NOW = new Date('2026-03-10T10:00:00+08:00');
const LATER = new Date('2026-03-10T11:00:00+08:00');

const input: CaseWorkflowInput = {
  caseId: '00000000-0000-4000-8000-000000000002',
  trackingCode: 'MQ-TEST-0002',
  requestHash: 'h',
  openedAt: NOW.toISOString(),
  openedBy: 'hall-1',
  request: { category: 'livelihood_difficulty', priority: 'normal', channel: 'hall', title: 't', description: 'd', resident: { name: 'n', phone: '13900000000' }, villageCode: 'wulan' },
};
const routing: RoutingDecision = {
  assigneeCode: 'civil-1', departmentCode: 'civil', areaCode: 'east', villageCode: 'wulan', rule: 'village', reason: 'r',
  escalation: { departmentHead: 'head-civil', areaLeader: 'leader-east', township: 'tl-1' },
};
const judge: AssigneeFacts = { code: 'judicial-3', departmentCode: 'judicial', departmentHead: 'head-judicial' };
const headCivil = { code: 'head-civil', role: 'department_head' };

function routed(): CaseDraft {
  const d = initialDraft(input, env.policy);
  return applyRouting({ ...d, s: { ...d.s, recorded: true } }, routing, NOW, env).draft;
}
function returned(): CaseDraft {
  return applyMove('returnCase', routed(), { code: 'civil-1', role: 'staff' }, { reasonCode: 'wrong_area', note: 'n' }, NOW, env).draft;
}

describe('reattribute', () => {
  it('moves the department and the level-1 head to the new cadre; area, village, levels 2–3 and the routing record stay', () => {
    expect(reattribute(routing, judge)).toEqual({
      ...routing,
      departmentCode: 'judicial',
      escalation: { departmentHead: 'head-judicial', areaLeader: 'leader-east', township: 'tl-1' },
    });
  });

  it('a cadre without a department takes the case out of every department', () => {
    const r = reattribute(routing, { code: 'leader-east', departmentCode: null, departmentHead: null });
    expect(r).toMatchObject({ departmentCode: null, areaCode: 'east', villageCode: 'wulan', escalation: { departmentHead: null, areaLeader: 'leader-east' } });
  });
});

describe('moves that give the case to someone else', () => {
  it('a reassignment across departments: state, event and read model all say the new department', () => {
    const { draft, step } = applyMove('reassignCase', routed(), headCivil, { assigneeCode: judge.code, note: 'n' }, LATER, env, judge);
    expect(draft.s.assigneeCode).toBe(judge.code);
    expect(draft.s.routing).toMatchObject({ departmentCode: 'judicial', areaCode: 'east', villageCode: 'wulan', rule: 'village' });
    const { record } = transitionOf(draft, step, LATER, env);
    expect(record.eventData).toMatchObject({ assigneeCode: judge.code, departmentCode: 'judicial', areaCode: 'east', villageCode: 'wulan', fromAssigneeCode: 'civil-1' });
    expect(record.readModel).toMatchObject({
      assigneeCode: judge.code, departmentCode: 'judicial', areaCode: 'east',
      escalateL1Code: 'head-judicial', escalateL2Code: 'leader-east', escalateL3Code: 'tl-1',
    });
  });

  it('a reroute after a return: the new department’s head manages it, the old one no longer does', () => {
    const { draft } = applyMove('reviewReturn', returned(), headCivil, { decision: 'reroute', assigneeCode: judge.code, note: 'n' }, LATER, env, judge);
    expect(draft.s.routing?.escalation.departmentHead).toBe('head-judicial');
    const s = moveStateOf(draft, env);
    const supervise = (code: string) => checkMove(MOVES.superviseCase, s, { code, role: 'department_head' }, { note: 'x' }, LATER);
    expect(supervise('head-judicial')).toBeNull();
    expect(supervise('head-civil')?.kind).toBe('forbidden');
    // every later step carries the new department, in its event and in the read model
    const accepted = applyMove('acceptCase', draft, { code: judge.code, role: 'staff' }, {}, LATER, env);
    const { record } = transitionOf(accepted.draft, accepted.step, LATER, env);
    expect(record.eventData.departmentCode).toBe('judicial');
    expect(record.readModel.departmentCode).toBe('judicial');
    // an overdue sign-for escalates to the judicial office's head at level 1, then to the same area leader
    const level = (n: number) => applyTimer(draft, { kind: 'escalation', at: LATER, level: n }, LATER, env).step.event;
    expect(level(1)).toMatchObject({ escalatedToCode: 'head-judicial' });
    expect(level(2)).toMatchObject({ escalatedToCode: 'leader-east' });
  });

  it('force dispatch keeps the cadre and the department, even if facts came along', () => {
    const { draft } = applyMove('reviewReturn', returned(), headCivil, { decision: 'force_dispatch', note: 'n' }, LATER, env, judge);
    expect(draft.s).toMatchObject({ assigneeCode: 'civil-1', routing: { departmentCode: 'civil' } });
  });

  it('facts about another cadre than the one named are not applied', () => {
    const { draft } = applyMove('reassignCase', routed(), headCivil, { assigneeCode: 'civil-2', note: 'n' }, LATER, env, judge);
    expect(draft.s).toMatchObject({ assigneeCode: 'civil-2', routing: { departmentCode: 'civil' } });
  });

  it('without facts (an Update recorded before the rule) the department stays, as it did then', () => {
    const { draft, step } = applyMove('reassignCase', routed(), headCivil, { assigneeCode: judge.code, note: 'n' }, LATER, env);
    expect(draft.s.routing).toEqual(routing);
    expect(transitionOf(draft, step, LATER, env).record.eventData.departmentCode).toBe('civil');
  });
});

describe("the validator's requirement", () => {
  it('asks for facts exactly when a move gives the case to a cadre, naming that cadre', () => {
    const reroute = { decision: 'reroute', assigneeCode: judge.code, note: 'n' };
    expect(assigneeFactsRejection(MOVES.reviewReturn, reroute)?.code).toBe('assignee_facts_required');
    expect(assigneeFactsRejection(MOVES.reviewReturn, { ...reroute, assignee: judge })).toBeNull();
    expect(assigneeFactsRejection(MOVES.reviewReturn, { ...reroute, assignee: { ...judge, code: 'someone-else' } })?.kind).toBe('invalid');
    expect(assigneeFactsRejection(MOVES.reviewReturn, { ...reroute, assignee: { code: judge.code } })?.kind).toBe('invalid');
    // force dispatch gives the case to nobody new, whatever else was sent
    expect(assigneeFactsRejection(MOVES.reviewReturn, { decision: 'force_dispatch', assigneeCode: judge.code, note: 'n' })).toBeNull();
    expect(assigneeFactsRejection(MOVES.reassignCase, { assigneeCode: judge.code, note: 'n' })?.kind).toBe('invalid');
    expect(assigneeFactsRejection(MOVES.reassignCase, { assigneeCode: judge.code, note: 'n', assignee: { ...judge, departmentCode: null, departmentHead: null } })).toBeNull();
    expect(assigneeFactsRejection(MOVES.superviseCase, { note: 'n' })).toBeNull();
  });

  it('the table has at most one staff field per move (one `assignee` of facts describes it)', () => {
    const withStaff = MOVE_LIST.filter((m) => Object.values(m.fields).some((f) => f.kind === 'staff')).map((m) => m.name).sort();
    expect(withStaff).toEqual(['reassignCase', 'reviewReturn']);
    for (const m of MOVE_LIST) expect(Object.values(m.fields).filter((f) => f.kind === 'staff').length).toBeLessThanOrEqual(1);
    expect(assigneesGiven(MOVES.reassignCase, { assigneeCode: 'x' })).toEqual(['x']);
  });
});
