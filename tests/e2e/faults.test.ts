/**
 * Crashes and outages while cases flow: nothing accepted is lost, nothing is
 * counted twice. Kafka is frozen (SIGSTOP) and thawed; the worker, which hosts
 * the outbox relay, is killed (SIGKILL) and started again on the same port.
 * These tests need the stack this run started itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseBody, env, eventually, http } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { restartService } from '../support/restart';

const e = env();
const t = township(`ft${Date.now().toString(36)}`);
let db: pg.Client;

beforeAll(async () => {
  db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
});
afterAll(async () => db?.end());

const pidOf = (file: string) => Number(fs.readFileSync(file, 'utf8').trim());

async function openCases(label: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ villageCode: t.village, householdCode: t.household, title: `${label} ${t.run} ${i}` }), {
      'x-actor': t.hall,
      'idempotency-key': `${label}-${t.run}-${i}`,
    });
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  return ids;
}

/** Every event of these cases is on Kafka and applied by reporting exactly once. */
async function allDeliveredOnce(ids: string[], timeoutMs = 90_000) {
  await eventually(async () => {
    const r = await db.query(
      `SELECT (SELECT count(*) FROM casework.outbox WHERE case_id = ANY($1::uuid[]))::int AS emitted,
              (SELECT count(*) FROM casework.outbox WHERE case_id = ANY($1::uuid[]) AND published_at IS NULL)::int AS waiting,
              (SELECT count(*) FROM reporting.processed_events WHERE case_id = ANY($1::uuid[]))::int AS applied`,
      [ids],
    );
    const x = r.rows[0];
    // each case: opened + routed at least
    return x.emitted >= ids.length * 2 && x.waiting === 0 && x.applied === x.emitted ? x : undefined;
  }, 'all events delivered', timeoutMs);
  const facts = await db.query('SELECT count(*)::int AS n FROM reporting.case_facts WHERE case_id = ANY($1::uuid[])', [ids]);
  expect(facts.rows[0].n).toBe(ids.length);
  const stored = await db.query('SELECT count(*)::int AS n FROM casework.cases WHERE id = ANY($1::uuid[])', [ids]);
  expect(stored.rows[0].n).toBe(ids.length);
}

describe.runIf(e.ownStack)('faults', () => {
  it('a Kafka outage holds events in the outbox, then delivers each exactly once', async () => {
    const kafkaPid = pidOf(path.join(e.runDir, 'kafka.pid'));
    process.kill(kafkaPid, 'SIGSTOP');
    let ids: string[];
    try {
      ids = await openCases('kafka-down', 8);
      const lag = await eventually(async () => {
        const l = (await http('GET', `${e.workerUrl}/outbox/lag`)).json;
        return l.unpublished > 0 ? l : undefined;
      }, 'events to wait in the outbox');
      expect(lag.unpublished).toBeGreaterThan(0);
    } finally {
      process.kill(kafkaPid, 'SIGCONT');
    }
    await allDeliveredOnce(ids);
  });

  it('killing the worker (and its relay) loses no case and no event', async () => {
    const pidFile = path.join(e.logDir, 'case-worker.pid');
    process.kill(pidOf(pidFile), 'SIGKILL');
    await eventually(async () => (await fetch(`${e.workerUrl}/healthz`).then(() => false, () => true)), 'the worker to be gone');
    // The API still takes cases: Temporal holds them until a worker is back.
    const ids = await openCases('worker-down', 6);
    await restartService(e, 'case-worker', e.workerUrl);
    await allDeliveredOnce(ids);
    for (const id of ids) expect((await http('GET', `${e.apiUrl}/api/v1/cases/${id}`)).json.status).toBe('assigned');
  });
});
