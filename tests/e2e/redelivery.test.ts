/**
 * Every event delivered twice, shuffled across cases, with the reporting
 * consumer killed in the middle of the flood and started again: no figure
 * changes. (Idempotency by event id, recorded in the same transaction as the
 * figures; offsets committed only after a message is applied.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { caseBody, committedToEnd, env, eventually, http, readAll, reportingGroupId, sendMessages, type KafkaMessage } from '../support/helpers';
import { loadTownship, township } from '../support/township';
import { restartService } from '../support/restart';

const e = env();
const t = township(`rd${Date.now().toString(36)}`);

beforeAll(async () => {
  // Some cases of this file's own, so the test does not depend on which files ran before it.
  const db = new pg.Client({ connectionString: e.DATABASE_URL });
  await db.connect();
  await loadTownship(db, t);
  await db.end();
  for (let i = 0; i < 4; i++) {
    const opened = await http('POST', `${e.apiUrl}/api/v1/cases`, caseBody({ villageCode: t.village, householdCode: t.household, title: `重投 ${t.run} ${i}` }), { 'x-actor': t.hall });
    const id = opened.json.id;
    await eventually(async () => (await http('GET', `${e.apiUrl}/api/v1/cases/${id}`)).json?.status === 'assigned', 'routed');
    if (i % 2) {
      await http('POST', `${e.apiUrl}/api/v1/cases/${id}/accept`, {}, { 'x-actor': t.cadre1 });
      await http('POST', `${e.apiUrl}/api/v1/cases/${id}/resolve`, { reply: '已答复' }, { 'x-actor': t.cadre1 });
    }
  }
  await http('POST', `${e.apiUrl}/api/v1/work-records`, { kind: 'visit', date: '2026-11-20', householdCode: t.household, note: '走访' }, { 'x-actor': t.cadre1 });
}, 120_000);

async function snapshot() {
  const get = async (q: string) => (await http('GET', `${e.reportingUrl}/api/v1/reports/${q}`)).json;
  return {
    departments: (await get('figures?groupBy=department')).groups,
    cadres: (await get('figures?groupBy=cadre')).groups,
    duty: (await get('duty?period=2026-11')).items,
    cases: (await get('summary')).totalCases,
  };
}

async function caughtUp() {
  // The stack's own reporting group (other tests may run reporting copies in groups of their own).
  const groupId = await reportingGroupId();
  await eventually(() => committedToEnd(e.KAFKA_BROKERS, groupId, e.caseEventsTopic), 'the reporting consumer to reach the end of the topic', 120_000);
}

describe.runIf(e.ownStack)('redelivery', () => {
  it('every event twice, out of order across cases, and a consumer crash mid-flood change no figure', async () => {
    await eventually(async () => (await http('GET', `${e.workerUrl}/outbox/lag`)).json.unpublished === 0, 'the outbox to drain');
    await caughtUp();
    const before = await snapshot();
    const messages = await readAll(e.KAFKA_BROKERS, e.caseEventsTopic);
    expect(messages.length).toBeGreaterThan(0);
    expect(before.cases).toBeGreaterThan(0);

    // Shuffle (seeded) and send everything again.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = messages.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [messages[i], messages[j]] = [messages[j]!, messages[i]!];
    }
    const half = Math.floor(messages.length / 2);
    const send = (batch: KafkaMessage[]) => sendMessages(e.KAFKA_BROKERS, e.caseEventsTopic, batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers })));
    await send(messages.slice(0, half));

    // Kill the reporting service while it works through the flood, then start it again.
    const pidFile = path.join(e.logDir, 'reporting.pid');
    process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    await send(messages.slice(half));
    await restartService(e, 'reporting', e.reportingUrl);
    await caughtUp();

    expect(await snapshot()).toEqual(before);
  });
});
