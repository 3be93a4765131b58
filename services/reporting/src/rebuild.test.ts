/**
 * The rebuild swaps exactly the projection's tables: every table a migration
 * creates is either a projection table (copied, refilled, swapped) or one a
 * rebuild keeps, and the projection never names a schema itself (the
 * consumer's transaction chooses live or shadow).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROJECTION_TABLES } from './projection';
import { checkProblems, KEPT_TABLES } from './rebuild';

const read = (rel: string) => fs.readFileSync(new URL(rel, import.meta.url), 'utf8');
const migrations = () => {
  const dir = new URL('../migrations/', import.meta.url);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).map((f) => fs.readFileSync(new URL(f, dir), 'utf8'));
};
/** The SQL of a source file: its template literals. */
const sqlOf = (src: string) => [...src.matchAll(/`([^`]*)`/g)].map((m) => m[1]!).join('\n');

describe('the tables a rebuild swaps', () => {
  it('every table of the reporting schema is a projection table or one a rebuild keeps, never both', () => {
    const created = migrations().flatMap((sql) => [...sql.matchAll(/CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(?:reporting\.)?([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!));
    expect(created.length).toBeGreaterThan(5);
    const known = new Set<string>([...PROJECTION_TABLES, ...KEPT_TABLES]);
    expect(created.filter((t) => !known.has(t))).toEqual([]);
    expect(PROJECTION_TABLES.filter((t) => !created.includes(t))).toEqual([]);
    expect(PROJECTION_TABLES.filter((t) => (KEPT_TABLES as readonly string[]).includes(t))).toEqual([]);
  });

  it('the projection names its tables without a schema, and writes only projection tables', () => {
    const apply = read('./report.repository.ts').match(/async apply\([\s\S]*?\n {2}}\n/)?.[0];
    expect(apply).toBeDefined();
    for (const sql of [sqlOf(read('./projection.ts')), sqlOf(apply!)]) {
      expect(sql).not.toMatch(/\breporting\./);
      const written = [...sql.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)/gi)].map((m) => m[1]!);
      expect(written.length).toBeGreaterThan(0);
      expect(written.filter((t) => !(PROJECTION_TABLES as readonly string[]).includes(t))).toEqual([]);
    }
  });
});

describe('the check before the swap', () => {
  const same = { liveEvents: 10, shadowEvents: 12, missingEvents: 0, liveCases: 4, shadowCases: 5, missingCases: 0 };
  it('passes a rebuilt projection that holds everything the live one had', () => {
    expect(checkProblems(same)).toEqual([]);
  });
  it('refuses one that lost events or cases (e.g. no longer on the topic)', () => {
    expect(checkProblems({ ...same, missingEvents: 2 })).toEqual(['2 of the 10 events of the live projection are not in the rebuilt one']);
    expect(checkProblems({ ...same, shadowCases: 3, missingCases: 1 })).toHaveLength(2);
  });
});
