import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { CASE_CATEGORIES, CaseCategory } from './vocabulary';
import { STAFF_ROLES } from './access';
import { FOUR_HELPS, FourHelpsSchema, HELPS_TAG_ROLES, helpsText, mayTagHelps, normaliseHelps, SetCaseHelpsBodySchema, SUGGESTED_HELP, FourHelpsQuerySchema } from './four-helps';
import { OpenCaseBodySchema } from './case';
import { WorkRecordBodySchema } from './work-kinds';
import { EVENT_SCHEMAS } from '../events/catalogue';

describe('四帮四促', () => {
  it('are the plan\'s four helps, in its order', () => {
    expect(FOUR_HELPS).toEqual(['policy_understanding', 'development_ideas', 'practical_problems', 'dispute_resolution']);
  });

  it('keep tags as known codes, each once, in the plan\'s order', () => {
    expect(normaliseHelps(['dispute_resolution', 'policy_understanding', 'dispute_resolution', 'nonsense'])).toEqual(['policy_understanding', 'dispute_resolution']);
    expect(normaliseHelps(null)).toEqual([]);
    expect(helpsText(['practical_problems', 'development_ideas'])).toBe('development_ideas,practical_problems');
    expect(helpsText([])).toBeNull();
  });

  it('suggest a help for every category (or none), a dispute suggesting 化解矛盾纠纷', () => {
    expect(Object.keys(SUGGESTED_HELP).sort()).toEqual([...CASE_CATEGORIES].sort());
    expect(SUGGESTED_HELP[CaseCategory.disputeMediation]).toBe('dispute_resolution');
    expect(SUGGESTED_HELP[CaseCategory.policyQuestion]).toBe('policy_understanding');
    expect(SUGGESTED_HELP[CaseCategory.other]).toBeNull();
  });

  it('are set on cases by the roles that work on them, not the assessment group', () => {
    expect(HELPS_TAG_ROLES.every((r) => STAFF_ROLES.includes(r))).toBe(true);
    expect(mayTagHelps('cadre')).toBe(true);
    expect(mayTagHelps('hall_staff')).toBe(true);
    expect(mayTagHelps('assessment')).toBe(false);
    expect(mayTagHelps(undefined)).toBe(false);
  });

  it('are an optional field of intake, work records, and their events (old events without them still decode)', () => {
    expect(Value.Check(FourHelpsSchema, ['policy_understanding', 'policy_understanding'])).toBe(false);
    expect(Value.Check(FourHelpsSchema, ['unknown'])).toBe(false);
    expect(Value.Check(SetCaseHelpsBodySchema, { helps: [], revision: 0 })).toBe(true);
    expect(Value.Check(SetCaseHelpsBodySchema, { helps: ['dispute_resolution'] })).toBe(false);
    expect(OpenCaseBodySchema.properties.helps).toBeDefined();
    expect(OpenCaseBodySchema.required).not.toContain('helps');
    expect(WorkRecordBodySchema.properties.helps).toBeDefined();
    const visit = { recordId: '6f1e2a8e-3f7a-4c4b-9a55-1d2c3b4a5f60', cadreCode: 'c1', departmentCode: null, villageCode: 'v1', date: '2026-12-01', role: 'investigator', recordedAt: '2026-12-01T08:00:00.000Z', householdCode: 'h1', linkedHousehold: true, keyHousehold: false, caseId: null };
    expect(Value.Check(EVENT_SCHEMAS['org.minqing.work.visit_logged.v1'], visit)).toBe(true);
    expect(Value.Check(EVENT_SCHEMAS['org.minqing.work.visit_logged.v1'], { ...visit, helps: ['practical_problems'] })).toBe(true);
    expect(Value.Check(EVENT_SCHEMAS['org.minqing.work.visit_logged.v1'], { ...visit, helps: ['x'] })).toBe(false);
    expect(Value.Check(FourHelpsQuerySchema, { from: '2026-12-01', to: '2026-12-31', areaCode: 'A1' })).toBe(true);
  });
});
