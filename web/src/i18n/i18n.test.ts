/** The two languages carry exactly the same keys, none of them empty. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CASE_CATEGORIES, CASE_PRIORITIES, CASE_STATUSES, FOLLOW_UP_METHODS, IntakeChannel, REJECT_REASON_CODES, RESIDENT_FOLLOW_UP_METHOD,
  RETURN_REASON_CODES, SATISFACTIONS,
} from '@minqing/shared/vocabulary';
import { STAFF_ROLES } from '@minqing/shared/access';
import { CadreRole, COUNT_RULE_CODES, FIGURE_CHOICES, FIGURE_NAMES, RATE_NAMES, REBUILD_PHASES } from '@minqing/shared/domain';
import { FOUR_HELPS } from '@minqing/shared/four-helps';
import { AUDIT_ACTIONS, AUDIT_SUBJECT_TYPES } from '@minqing/shared/audit';
import { APPRAISER_GROUPS, ROSTER_ENTITIES, ROSTER_RULES } from '@minqing/shared/console-access';
import { WEEK_STATUSES, WORK_FIELD_NAMES, WORK_FIELDS, WORK_KIND_NAMES, WORK_ROLES } from '@minqing/shared/work-kinds';
import zhCN from './zh-CN.json';
import en from './en.json';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

describe('web translations', () => {
  const zh = leaves(zhCN as Tree);
  const eng = leaves(en as Tree);

  it('zh-CN and en have exactly the same keys', () => {
    expect([...eng.keys()].sort()).toEqual([...zh.keys()].sort());
  });

  it('no value is empty', () => {
    for (const [lang, map] of [['zh-CN', zh], ['en', eng]] as const) {
      const empty = [...map].filter(([, v]) => v.trim() === '').map(([k]) => `${lang}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('every key the screens ask for by name exists (no raw key ever shows)', () => {
    const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts')) files.push(full);
      }
    };
    walk(src);
    const used = new Set<string>();
    for (const file of files) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([A-Za-z0-9_.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !zh.has(k))).toEqual([]);
  });

  it('every value of the shared vocabulary has a label', () => {
    const groups: [string, readonly string[]][] = [
      ['category', CASE_CATEGORIES], ['status', CASE_STATUSES], ['priority', CASE_PRIORITIES], ['channel', Object.values(IntakeChannel)],
      ['satisfaction', SATISFACTIONS], ['method', [...FOLLOW_UP_METHODS, RESIDENT_FOLLOW_UP_METHOD]], ['returnReason', RETURN_REASON_CODES],
      ['rejectReason', REJECT_REASON_CODES], ['role', STAFF_ROLES], ['cadreRole', Object.values(CadreRole)],
      ['auditAction', AUDIT_ACTIONS], ['auditSubject', AUDIT_SUBJECT_TYPES],
      ['figure', RATE_NAMES], ['definitions.count', [...FIGURE_NAMES, 'weightedSatisfaction']], ['definitions.rule', COUNT_RULE_CODES], ['definitions.choice', FIGURE_CHOICES],
      ['rebuild.phase', REBUILD_PHASES],
      ['appraisal.group', APPRAISER_GROUPS], ['roster.ruleName', ROSTER_RULES], ['roster.entities', ROSTER_ENTITIES],
      // the six roles' work (issue 13): every kind, role, field and choice of the table of kinds
      ['workKind', WORK_KIND_NAMES], ['workRole', WORK_ROLES], ['workField', WORK_FIELD_NAMES], ['duty.weekStatus', WEEK_STATUSES],
      ...WORK_FIELD_NAMES.flatMap((f): [string, readonly string[]][] => {
        const spec = WORK_FIELDS[f];
        return spec.type === 'choice' ? [[`workChoice.${f}`, spec.values]] : [];
      }),
      ['workRecords.unit', WORK_FIELD_NAMES.filter((f) => WORK_FIELDS[f].type === 'count')],
      // 四帮四促 (issue 13): every help, short and in the plan's words
      ['fourHelps.help', FOUR_HELPS], ['fourHelps.full', FOUR_HELPS],
    ];
    const missing = groups.flatMap(([group, values]) => values.filter((v) => !zh.has(`${group}.${v}`)).map((v) => `${group}.${v}`));
    expect(missing).toEqual([]);
  });

  it('placeholders match between the languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of zh) expect(vars(eng.get(k) ?? ''), k).toEqual(vars(v));
  });
});
