/** Waiting for another service's schema, with a fake pool (no database needed). */
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { SchemaDependency } from './db';

/** Answers the probe with the relations not created yet; can also be "down". */
function fakePool(existing: Set<string>, state = { down: false, probes: 0 }) {
  const pool = {
    query: async (_sql: string, [relations]: [string[]]) => {
      state.probes++;
      if (state.down) throw new Error('connect ECONNREFUSED');
      return { rows: relations.filter((r) => !existing.has(r)).map((name) => ({ name })) };
    },
  };
  return { pool: pool as unknown as pg.Pool, state };
}

describe('SchemaDependency', () => {
  it('is not ready, naming what is missing and its owner, until the relations exist; then stays ready', async () => {
    const existing = new Set(['casework.cases']);
    const { pool } = fakePool(existing);
    const dep = new SchemaDependency({ pool, relations: ['casework.cases', 'casework.work_records'], owner: 'case-worker' });
    await expect(dep.check()).rejects.toThrow('waiting for casework.work_records (migrated by case-worker)');
    existing.add('casework.work_records');
    await expect(dep.check()).resolves.toBeUndefined();
    expect(dep.ready).toBe(true);
  });

  it('probes in the background with backoff, through a database that does not answer yet', async () => {
    const existing = new Set<string>();
    const { pool, state } = fakePool(existing, { down: true, probes: 0 });
    const dep = new SchemaDependency({ pool, relations: ['directory.households'], owner: 'case-api', maxDelayMs: 10 }).start();
    await new Promise((r) => setTimeout(r, 30));
    expect(dep.ready).toBe(false);
    state.down = false;
    existing.add('directory.households');
    for (let i = 0; i < 100 && !dep.ready; i++) await new Promise((r) => setTimeout(r, 5));
    expect(dep.ready).toBe(true);
    const probes = state.probes;
    await dep.check();
    expect(state.probes).toBe(probes); // ready for good: no more queries
    dep.stop();
  });
});
