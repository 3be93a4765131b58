/**
 * The kinds of work records are defined once, in shared/src/domain/work-kinds.ts
 * (issue 13). The case-worker's CHECK constraint lists them too (a database
 * guard, in a migration): it must be the table. No other source copies the
 * list. And the activity event the case-worker builds for each kind from the
 * table is valid against its published JSON Schema — with a full validator
 * (Ajv), which also holds every kind to its role and its required fields — while
 * a record of one kind wearing another's role or missing a required field is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { CASE_CATEGORIES, FOLLOW_UP_METHODS, IntakeChannel } from '@minqing/shared/vocabulary';
import { ACTIVITY_KINDS, eventDataJsonSchema, fieldsOfKind, KINDS_BY_ROLE, roleOfKind, WORK_ACTIVITY_EVENT, WORK_KIND_NAMES, type WorkKind, type WorkRecordInput } from '@minqing/shared';
import { workEventData } from '../../services/case-worker/src/casework/work-record.writer';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('one definition of the kinds of work', () => {
  it("the case-worker's latest CHECK on work_records.kind lists exactly the table's kinds", () => {
    const dir = path.join(root, 'services/case-worker/migrations');
    const latest = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort().reverse()
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('-- Down Migration')[0]!)
      .find((up) => /work_records_kind_check|CHECK \(kind IN/.test(up))!;
    const listed = /CHECK \(kind IN \(([^)]*)\)/s.exec(latest)![1]!.match(/'([a-z_]+)'/g)!.map((s) => s.slice(1, -1));
    expect(listed.sort()).toEqual([...WORK_KIND_NAMES].sort());
  });

  it('no source outside the table lists four or more kinds by hand', () => {
    // kinds spelled like a word of the case vocabulary (the category development_guidance, the channel visit) prove nothing
    const caseWords: readonly string[] = [...CASE_CATEGORIES, ...Object.values(IntakeChannel), ...FOLLOW_UP_METHODS];
    const OWN_WORDS = WORK_KIND_NAMES.filter((k) => !caseWords.includes(k));
    const DIRS = ['shared/src', 'workflows/src', 'services', 'web/src', 'infra/src'];
    const EXEMPT = [/work-kinds\.ts$/, /\.test\.tsx?$/, /\/migrations\//, /node_modules/, /\/dist\//];
    const found: string[] = [];
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (EXEMPT.some((re) => re.test(full))) continue;
        if (e.isDirectory()) walk(full);
        else if (/\.(ts|tsx|sql)$/.test(e.name)) {
          const text = fs.readFileSync(full, 'utf8');
          const named = OWN_WORDS.filter((k) => new RegExp(`['"\`]${k}['"\`]`).test(text));
          if (named.length >= 4) found.push(`${path.relative(root, full)}: ${named.join(', ')}`);
        }
      }
    };
    for (const d of DIRS) walk(path.join(root, d));
    expect(found).toEqual([]);
  });
});

describe('the activity event of each kind', () => {
  const ajv = new Ajv({ allErrors: true });
  // ajv-formats is CommonJS: under Node's ESM loader the plugin is the module itself or its `default`.
  ((addFormatsPlugin as unknown as { default?: typeof addFormatsPlugin }).default ?? addFormatsPlugin)(ajv);
  const validate = ajv.compile(eventDataJsonSchema('https://minqing.example', WORK_ACTIVITY_EVENT));

  /** A record of `kind` with every field the table gives it, as the case API hands it to the worker. */
  const record = (kind: WorkKind): WorkRecordInput => {
    const details: Record<string, string | number> = {};
    let householdCode: string | null = null;
    let villageCode: string | null = 'wulan';
    for (const [f] of fieldsOfKind(kind)) {
      if (f === 'householdCode') householdCode = 'hh-1';
      else if (f === 'villageCode') villageCode = 'wulan';
      else if (f === 'caseId') continue;
      else if (f === 'holiday') details[f] = 'spring_festival';
      else if (f === 'topic') details[f] = 'service_needs';
      else if (f === 'focus') details[f] = 'collective_economy';
      else if (f === 'outcome') details[f] = 'settled';
      else if (f === 'place' || f === 'materials') details[f] = '村委会';
      else details[f] = 12;
    }
    return {
      recordId: '8a4c6f40-3c1e-4d55-9d7e-2f5b1c0a9e11', cadreCode: 'c1', departmentCode: 'd1', kind, date: '2026-11-20', householdCode, villageCode, caseId: null,
      role: roleOfKind(kind), note: '记录', recordedAt: '2026-11-20T08:00:00.000Z', household: householdCode ? { linked: true, key: false } : null, details,
    };
  };

  it.each(ACTIVITY_KINDS)('%s: valid, with its kind and role, and no free text', (kind) => {
    const data = workEventData(record(kind)) as Record<string, unknown>;
    expect(validate(data), ajv.errorsText(validate.errors)).toBe(true);
    expect(data).toMatchObject({ kind, role: roleOfKind(kind) });
    expect(JSON.stringify(data)).not.toContain('村委会'); // place and materials stay with the record
  });

  it('refuses a kind wearing another role, a required field left out, a field of another kind', () => {
    const training = workEventData(record('training')) as Record<string, unknown>;
    expect(validate({ ...training, role: 'mediator' })).toBe(false);
    expect(validate({ ...training, participants: null })).toBe(false);
    expect(validate({ ...training, holiday: 'new_year' })).toBe(false);
    const holiday = workEventData(record('holiday_visit')) as Record<string, unknown>;
    expect(validate({ ...holiday, linkedHousehold: null })).toBe(false);
    expect(KINDS_BY_ROLE.every((r) => r.kinds.length > 0)).toBe(true);
  });
});
