/**
 * The three-links order (三联), one test per rule plus the edges where rules
 * meet: a category rule beats the household's cadre, a household without a
 * cadre falls to its village, an unknown village falls to the township.
 */
import { describe, expect, it } from 'vitest';
import { decideRouting, routingDepartments, routingReasonOf, type RoutingFacts } from './routing';

/** A township with one area (east, led by L-east), two departments and their least-loaded cadres. */
const base: RoutingFacts = {
  category: 'policy_question',
  householdCode: null,
  villageCode: null,
  household: null,
  village: null,
  categoryRule: null,
  leastLoadedCadre: { judicial: 'C-judicial-2', social: 'C-social-7', civil: 'C-civil-1' },
  departmentHeads: { judicial: 'H-judicial', social: 'H-social', civil: 'H-civil' },
  areaLeader: 'L-east',
  townshipLeader: 'T-secretary',
};
const village = { code: 'V1', areaCode: 'east', departmentCode: 'social' };
const facts = (f: Partial<RoutingFacts>): RoutingFacts => ({ ...base, ...f });

describe('decideRouting', () => {
  it('1. a category rule sends the case to that department, to its least-loaded cadre', () => {
    const d = decideRouting(facts({
      category: 'dispute', villageCode: 'V1', village, categoryRule: { departmentCode: 'judicial', reason: '矛盾纠纷由司法所调处' },
    }));
    expect(d).toEqual({
      assigneeCode: 'C-judicial-2',
      departmentCode: 'judicial',
      areaCode: 'east',
      villageCode: 'V1',
      rule: 'category',
      reason: 'category dispute goes to department judicial: 矛盾纠纷由司法所调处',
      escalation: { departmentHead: 'H-judicial', areaLeader: 'L-east', township: 'T-secretary' },
    });
  });

  it("2. the household's linked cadre, escalating through the cadre's department", () => {
    const d = decideRouting(facts({
      householdCode: 'HH-1',
      household: { villageCode: 'V1', cadreCode: 'C-civil-9', cadreDepartmentCode: 'civil' },
      village,
    }));
    expect(d).toEqual({
      assigneeCode: 'C-civil-9',
      departmentCode: 'civil',
      areaCode: 'east',
      villageCode: 'V1',
      rule: 'household',
      reason: 'household HH-1 is linked to cadre C-civil-9 (干部联户)',
      escalation: { departmentHead: 'H-civil', areaLeader: 'L-east', township: 'T-secretary' },
    });
  });

  it("3. the village's linked department, to its least-loaded cadre", () => {
    const d = decideRouting(facts({ villageCode: 'V1', village }));
    expect(d).toEqual({
      assigneeCode: 'C-social-7',
      departmentCode: 'social',
      areaCode: 'east',
      villageCode: 'V1',
      rule: 'village',
      reason: 'village V1 is linked to department social (部门联村); assigned to its least-loaded cadre',
      escalation: { departmentHead: 'H-social', areaLeader: 'L-east', township: 'T-secretary' },
    });
  });

  it("4. otherwise the township's queue: no assignee, escalation straight to the township", () => {
    const d = decideRouting(facts({}));
    expect(d).toEqual({
      assigneeCode: null,
      departmentCode: null,
      areaCode: null,
      villageCode: null,
      rule: 'fallback',
      reason: 'no household or village given; the township dispatches it',
      escalation: { departmentHead: null, areaLeader: null, township: 'T-secretary' },
    });
  });

  it("a category rule wins over the household's linked cadre", () => {
    const d = decideRouting(facts({
      category: 'dispute',
      householdCode: 'HH-1',
      household: { villageCode: 'V1', cadreCode: 'C-civil-9', cadreDepartmentCode: 'civil' },
      village,
      categoryRule: { departmentCode: 'judicial', reason: 'disputes' },
    }));
    expect(d).toMatchObject({ rule: 'category', assigneeCode: 'C-judicial-2', departmentCode: 'judicial', villageCode: 'V1' });
    expect(d.escalation.departmentHead).toBe('H-judicial');
  });

  it('a category rule whose department has no cadre leaves the case in its queue (no assignee)', () => {
    const d = decideRouting(facts({ category: 'dispute', categoryRule: { departmentCode: 'empty', reason: 'x' } }));
    expect(d).toMatchObject({ rule: 'category', assigneeCode: null, departmentCode: 'empty', areaCode: null, villageCode: null });
    expect(d.escalation).toEqual({ departmentHead: null, areaLeader: null, township: 'T-secretary' });
  });

  it('a household without a cadre falls to its village, even when the case named another village', () => {
    const d = decideRouting(facts({
      householdCode: 'HH-2',
      villageCode: 'V9',
      household: { villageCode: 'V1', cadreCode: null, cadreDepartmentCode: null },
      village,
    }));
    expect(d).toMatchObject({ rule: 'village', assigneeCode: 'C-social-7', departmentCode: 'social', villageCode: 'V1' });
  });

  it("a linked cadre with no department (or not in the directory) gives the case no department: it counts under its handling cadre's", () => {
    const d = decideRouting(facts({
      householdCode: 'HH-1',
      household: { villageCode: 'V1', cadreCode: 'C-gone', cadreDepartmentCode: null },
      village,
    }));
    // the village's department is not the cadre's: its totals would no longer add up from its cadres
    expect(d).toMatchObject({ rule: 'household', assigneeCode: 'C-gone', departmentCode: null, areaCode: 'east', villageCode: 'V1' });
    expect(d.escalation).toEqual({ departmentHead: null, areaLeader: 'L-east', township: 'T-secretary' });
  });

  it("a linked cadre in a village that is not in the directory keeps the household's village, without an area", () => {
    const d = decideRouting(facts({
      householdCode: 'HH-1',
      household: { villageCode: 'V-gone', cadreCode: 'C-civil-9', cadreDepartmentCode: 'civil' },
    }));
    expect(d).toMatchObject({ rule: 'household', departmentCode: 'civil', areaCode: null, villageCode: 'V-gone' });
    expect(d.escalation).toEqual({ departmentHead: 'H-civil', areaLeader: null, township: 'T-secretary' });
  });

  it('an unknown village goes to the township, naming the village', () => {
    const d = decideRouting(facts({ villageCode: 'V-unknown' }));
    expect(d).toMatchObject({ rule: 'fallback', assigneeCode: null, villageCode: 'V-unknown', areaCode: null });
    expect(d.reason).toBe('village V-unknown is not in the directory; the township dispatches it');
  });

  it("an unknown household without a village goes to the township as if nothing was given", () => {
    const d = decideRouting(facts({ householdCode: 'HH-unknown' }));
    expect(d).toMatchObject({ rule: 'fallback', villageCode: null, reason: 'no household or village given; the township dispatches it' });
  });

  it('a village whose department has no cadre is routed to it without an assignee', () => {
    const d = decideRouting(facts({ villageCode: 'V2', village: { code: 'V2', areaCode: 'east', departmentCode: 'empty' } }));
    expect(d).toMatchObject({ rule: 'village', assigneeCode: null, departmentCode: 'empty' });
    expect(d.escalation.departmentHead).toBeNull();
  });

  it('a township without a leader escalates to nobody at level 3', () => {
    expect(decideRouting(facts({ townshipLeader: null })).escalation.township).toBeNull();
  });
});

describe('routingDepartments', () => {
  it("asks for the least-loaded cadre of the rule's and the village's departments, and the heads of those and the linked cadre's", () => {
    expect(routingDepartments({
      categoryRule: { departmentCode: 'judicial', reason: '' },
      household: { villageCode: 'V1', cadreCode: 'C', cadreDepartmentCode: 'civil' },
      village,
    })).toEqual({ assignFrom: ['judicial', 'social'], escalateTo: ['judicial', 'social', 'civil'] });
    expect(routingDepartments({ categoryRule: null, household: { villageCode: 'V1', cadreCode: 'C', cadreDepartmentCode: 'social' }, village }))
      .toEqual({ assignFrom: ['social'], escalateTo: ['social'] });
    expect(routingDepartments({ categoryRule: null, household: null, village: null })).toEqual({ assignFrom: [], escalateTo: [] });
  });
});

describe('routingReasonOf', () => {
  it('reads back the code and params of every recorded reason, so a console can word it (issue 11)', () => {
    const rule = { departmentCode: 'judicial', reason: '矛盾纠纷由司法所调处: 先调解' };
    const of = (f: Partial<RoutingFacts>) => routingReasonOf(decideRouting(facts(f)).reason);
    expect(of({ category: 'dispute', villageCode: 'V1', village, categoryRule: rule }))
      .toEqual({ code: 'category', params: { category: 'dispute', department: 'judicial', note: '矛盾纠纷由司法所调处: 先调解' } });
    expect(of({ householdCode: 'HH-1', household: { villageCode: 'V1', cadreCode: 'C-civil-9', cadreDepartmentCode: 'civil' }, village }))
      .toEqual({ code: 'household', params: { household: 'HH-1', cadre: 'C-civil-9' } });
    expect(of({ villageCode: 'V1', village })).toEqual({ code: 'village', params: { village: 'V1', department: 'social' } });
    expect(of({ villageCode: 'V9' })).toEqual({ code: 'unknown_village', params: { village: 'V9' } });
    expect(of({})).toEqual({ code: 'nothing_given', params: {} });
    expect(routingReasonOf('some text no template wrote')).toBeNull();
  });
});
