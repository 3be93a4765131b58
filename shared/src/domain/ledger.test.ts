/** The ledger's record rules without a server: the schema's bounds, the checks across fields, normalising, what changed, who may do what. */
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  diffLedger, EMPTY_HOUSEHOLD_LEDGER, EMPTY_VILLAGE_LEDGER, householdLedgerAccess, householdLedgerErrors, HouseholdLedgerDataSchema, LEDGER_FIELDS, normalizeLedger,
  villageLedgerAccess, villageLedgerErrors, VillageLedgerDataSchema, type HouseholdLedgerData, type LedgerPrincipal, type VillageLedgerData,
} from './ledger';
import { STAFF_ROLES } from './access';

const household = (over: { population?: Partial<HouseholdLedgerData['population']>; living?: Partial<HouseholdLedgerData['living']>; difficulties?: Partial<HouseholdLedgerData['difficulties']>; needs?: Partial<HouseholdLedgerData['needs']>; notes?: string } = {}): HouseholdLedgerData => ({
  population: { ...EMPTY_HOUSEHOLD_LEDGER.population, ...over.population },
  living: { ...EMPTY_HOUSEHOLD_LEDGER.living, ...over.living },
  difficulties: { ...EMPTY_HOUSEHOLD_LEDGER.difficulties, ...over.difficulties },
  needs: { ...EMPTY_HOUSEHOLD_LEDGER.needs, ...over.needs },
  notes: over.notes ?? '',
});
const village = (population: Partial<VillageLedgerData['population']>): VillageLedgerData => ({ ...EMPTY_VILLAGE_LEDGER, population: { ...EMPTY_VILLAGE_LEDGER.population, ...population } });

describe('the schema at the edge', () => {
  const check = TypeCompiler.Compile(HouseholdLedgerDataSchema);
  it('takes the empty record and a full one', () => {
    expect(check.Check(EMPTY_HOUSEHOLD_LEDGER)).toBe(true);
    expect(check.Check(household({
      population: { members: 4, workingAge: 2, elderly: 1, children: 1, migrantWorkers: 1 },
      living: { housingType: 'brick_concrete', housingSafety: 'grade_b', housingArea: 90, incomeSources: ['herding', 'migrant_work'], mainIncomeSource: 'herding', incomePerCapita: 12_000, supports: ['minimum_living'] },
      difficulties: { types: ['illness'], note: '老人患慢性病，医药费负担重' },
      needs: { types: ['medical'], intentions: ['expand_herding'], note: '希望了解大病救助' },
    }))).toBe(true);
  });
  it('refuses a value outside the lists, a negative or huge count, text too long, a field it does not know', () => {
    expect(check.Check(household({ living: { housingType: 'palace' as never } }))).toBe(false);
    expect(check.Check(household({ population: { members: -1 } }))).toBe(false);
    expect(check.Check(household({ population: { members: 51 } }))).toBe(false);
    expect(check.Check(household({ difficulties: { note: '难'.repeat(501) } }))).toBe(false);
    expect(check.Check(household({ notes: 'a\u0000b' }))).toBe(false);
    expect(check.Check({ ...EMPTY_HOUSEHOLD_LEDGER, income: 1 })).toBe(false);
    expect(check.Check({ ...EMPTY_HOUSEHOLD_LEDGER, population: { ...EMPTY_HOUSEHOLD_LEDGER.population, pets: 2 } })).toBe(false);
    expect(TypeCompiler.Compile(VillageLedgerDataSchema).Check(EMPTY_VILLAGE_LEDGER)).toBe(true);
  });
});

describe('checks across the fields of a household record', () => {
  it('the three age groups add up to the members', () => {
    expect(householdLedgerErrors(household({ population: { members: 4, workingAge: 2, elderly: 1, children: 1 } }))).toEqual([]);
    expect(householdLedgerErrors(household({ population: { members: 4, workingAge: 2, elderly: 1, children: 2 } }))).toEqual([
      expect.objectContaining({ field: 'body/data/population/members', code: 'sum_mismatch', params: { sum: 5, total: 4 } }),
    ]);
    // two of three known: nothing to add up yet
    expect(householdLedgerErrors(household({ population: { members: 4, workingAge: 2, elderly: 1 } }))).toEqual([]);
  });
  it('no count of people above the members, and the members needed once any count is given', () => {
    expect(householdLedgerErrors(household({ population: { members: 3, migrantWorkers: 4, disabled: 3 } }))).toEqual([
      expect.objectContaining({ field: 'body/data/population/migrantWorkers', code: 'exceeds_total', params: { max: 3 } }),
    ]);
    expect(householdLedgerErrors(household({ population: { students: 1 } }))).toEqual([expect.objectContaining({ field: 'body/data/population/members', code: 'required' })]);
  });
  it('the main income source is one of those ticked', () => {
    expect(householdLedgerErrors(household({ living: { incomeSources: ['farming'], mainIncomeSource: 'herding' } }))).toEqual([
      expect.objectContaining({ field: 'body/data/living/mainIncomeSource', code: 'not_selected' }),
    ]);
    expect(householdLedgerErrors(household({ living: { incomeSources: ['farming', 'herding'], mainIncomeSource: 'herding' } }))).toEqual([]);
  });
});

describe('checks across the fields of a village record', () => {
  it('a population is at least its households; the elderly and migrants at most the registered population', () => {
    expect(villageLedgerErrors(village({ registeredHouseholds: 300, registeredPopulation: 820, residentHouseholds: 260, residentPopulation: 610, elderly: 190, migrantWorkers: 150 }))).toEqual([]);
    expect(villageLedgerErrors(village({ registeredHouseholds: 300, registeredPopulation: 299 }))).toEqual([
      expect.objectContaining({ field: 'body/data/population/registeredPopulation', code: 'fewer_than_households', params: { min: 300 } }),
    ]);
    expect(villageLedgerErrors(village({ registeredPopulation: 100, elderly: 101 }))).toEqual([
      expect.objectContaining({ field: 'body/data/population/elderly', code: 'exceeds_total', params: { max: 100 } }),
    ]);
  });
});

describe('normalising and comparing versions', () => {
  it('trims text and keeps each choice once, in the list order', () => {
    const n = normalizeLedger(household({ living: { supports: ['old_age_allowance', 'minimum_living', 'minimum_living'] }, difficulties: { note: '  缺劳力 \n' }, notes: ' 备注 ' }));
    expect(n.living.supports).toEqual(['minimum_living', 'old_age_allowance']);
    expect(n.difficulties.note).toBe('缺劳力');
    expect(n.notes).toBe('备注');
  });

  it('a first version changes what it fills in, from the empty record', () => {
    const first = normalizeLedger(household({ population: { members: 3 }, difficulties: { types: ['illness'] } }));
    expect(diffLedger('household', null, first)).toEqual([
      { field: 'population.members', before: null, after: 3 },
      { field: 'difficulties.types', before: [], after: ['illness'] },
    ]);
  });

  it('a later version names each changed field with its value before and after; a save of the same is no change', () => {
    const v1 = normalizeLedger(household({ population: { members: 3 }, difficulties: { types: ['illness'], note: '看病难' } }));
    const v2 = normalizeLedger(household({ population: { members: 3 }, difficulties: { types: ['illness', 'lack_of_labor'], note: '看病难，缺劳力' } }));
    expect(diffLedger('household', v1, v2)).toEqual([
      { field: 'difficulties.types', before: ['illness'], after: ['illness', 'lack_of_labor'] },
      { field: 'difficulties.note', before: '看病难', after: '看病难，缺劳力' },
    ]);
    expect(diffLedger('household', v2, normalizeLedger(structuredClone(v2)))).toEqual([]);
    // the same choices in another order are the same record
    const reordered = normalizeLedger(household({ population: { members: 3 }, difficulties: { types: ['lack_of_labor', 'illness'], note: ' 看病难，缺劳力 ' } }));
    expect(diffLedger('household', v2, reordered)).toEqual([]);
  });

  it("names the changes in the schema's order, whatever order the stored keys come back in (jsonb sorts them its own way)", () => {
    const v1 = normalizeLedger(village({}));
    const v2 = normalizeLedger({ ...village({}), infrastructure: { needs: ['roads'], note: '通村路雨季难行' } });
    const asStored = JSON.parse(JSON.stringify({ ...v2, infrastructure: { note: v2.infrastructure.note, needs: v2.infrastructure.needs } })) as VillageLedgerData;
    expect(diffLedger('village', v1, asStored).map((c) => c.field)).toEqual(['infrastructure.needs', 'infrastructure.note']);
  });

  it('knows every field of both kinds', () => {
    expect(LEDGER_FIELDS.household).toContain('needs.intentions');
    expect(LEDGER_FIELDS.household).toContain('notes');
    expect(LEDGER_FIELDS.village).toContain('collectiveEconomy.annualIncome');
    expect(diffLedger('village', null, village({ residentPopulation: 10 }))).toEqual([{ field: 'population.residentPopulation', before: null, after: 10 }]);
  });
});

describe('who may read or change which record', () => {
  const hh = { cadreCode: 'C1', villageDepartmentCode: 'D1', villageAreaCode: 'A1', cadreDepartmentCode: 'D1' };
  const who = (role: LedgerPrincipal['role'], over: Partial<LedgerPrincipal> = {}): LedgerPrincipal => ({ role, cadreCode: null, departmentCode: null, areaCodes: [], ...over });

  it('a household: its linked cadre changes it; managers read within their scope; the township-wide readers and the hall read all', () => {
    expect(householdLedgerAccess(who('cadre', { cadreCode: 'C1', departmentCode: 'D1' }), hh)).toBe('edit');
    expect(householdLedgerAccess(who('cadre', { cadreCode: 'C2', departmentCode: 'D1' }), hh)).toBe('none');
    expect(householdLedgerAccess(who('department_head', { cadreCode: 'H1', departmentCode: 'D1' }), hh)).toBe('read');
    expect(householdLedgerAccess(who('department_head', { cadreCode: 'H2', departmentCode: 'D2' }), hh)).toBe('none');
    // the linked cadre's department, though the village is another department's
    expect(householdLedgerAccess(who('department_head', { departmentCode: 'D2' }), { ...hh, cadreDepartmentCode: 'D2' })).toBe('read');
    expect(householdLedgerAccess(who('area_leader', { areaCodes: ['A1'] }), hh)).toBe('read');
    expect(householdLedgerAccess(who('area_leader', { areaCodes: ['A2'] }), hh)).toBe('none');
    for (const role of ['township_leader', 'assessment', 'admin', 'hall_staff'] as const) expect(householdLedgerAccess(who(role), hh), role).toBe('read');
    // a leader linked to the household keeps it like any cadre
    expect(householdLedgerAccess(who('township_leader', { cadreCode: 'C1' }), hh)).toBe('edit');
  });

  it('a village: its department head and area leader change it; the department and cadres linked there read it', () => {
    const v = { departmentCode: 'D1', areaCode: 'A1', linkedHere: false };
    expect(villageLedgerAccess(who('department_head', { departmentCode: 'D1' }), v)).toBe('edit');
    expect(villageLedgerAccess(who('area_leader', { areaCodes: ['A1'] }), v)).toBe('edit');
    expect(villageLedgerAccess(who('department_head', { departmentCode: 'D2' }), v)).toBe('none');
    expect(villageLedgerAccess(who('cadre', { cadreCode: 'C1', departmentCode: 'D1' }), v)).toBe('read');
    expect(villageLedgerAccess(who('cadre', { cadreCode: 'C9', departmentCode: 'D9' }), v)).toBe('none');
    expect(villageLedgerAccess(who('cadre', { cadreCode: 'C9', departmentCode: 'D9' }), { ...v, linkedHere: true })).toBe('read');
    for (const role of ['township_leader', 'assessment', 'admin', 'hall_staff'] as const) expect(villageLedgerAccess(who(role), v), role).toBe('read');
  });

  it('every staff role is covered by the rules', () => {
    for (const role of STAFF_ROLES) expect(['edit', 'read', 'none']).toContain(householdLedgerAccess(who(role), hh));
  });
});
