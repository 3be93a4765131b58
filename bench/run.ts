/// <reference lib="dom" />
/**
 * Benchmarks. Each prints its figures next to a raw baseline measured in the
 * same run on the same machine and stack, so the ratio means something even
 * when the machine is slower or busier than usual. Not tests: nothing asserts.
 *
 *   npm run bench                    # all
 *   npm run bench -- lifecycle [N] [concurrency]
 *   npm run bench -- reporting [events] [cases/s] [seconds]
 *   npm run bench -- console [loads]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import http from 'node:http';
import { chromium, type BrowserContext } from 'playwright-core';
import { buildWeb, CHROMIUM, freePort, givenEndpoints, payloadKeys, startServices, startStack } from '@minqing/infra';
import { getDataConverter } from '@minqing/shared';
import { rawMove } from './raw-workflow';

const here = path.dirname(fileURLToPath(import.meta.url));

async function call(method: string, url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function loadBenchTownship(db: pg.Client, run: string) {
  const c = (x: string) => `${x}-${run}`;
  await db.query('BEGIN');
  await db.query(`INSERT INTO directory.departments (code, name, head_code) VALUES ($1, '社会事务办', $2)`, [c('dept'), c('head')]);
  await db.query(`INSERT INTO directory.areas (code, name, leader_code) VALUES ($1, '片区', $2)`, [c('area'), c('leader')]);
  await db.query(`INSERT INTO directory.villages (code, name, kind, area_code, department_code) VALUES ($1, '乌兰社区', 'community', $2, $3)`, [c('wulan'), c('area'), c('dept')]);
  for (const [code, role, dept] of [[c('head'), 'department_head', c('dept')], [c('leader'), 'area_leader', null], [c('cadre'), 'staff', c('dept')], [c('hall'), 'hall_staff', null]]) {
    await db.query('INSERT INTO directory.cadres (code, name, role, department_code) VALUES ($1, $1, $2, $3)', [code, role, dept]);
  }
  await db.query(`INSERT INTO directory.households (code, village_code, head_name, members, is_key, cadre_code) VALUES ($1, $2, '王桂兰', 3, true, $3)`, [c('hh'), c('wulan'), c('cadre')]);
  await db.query('COMMIT');
  return { village: c('wulan'), household: c('hh'), cadre: c('cadre'), hall: c('hall') };
}

/** A throwaway stack on free ports in a temporary folder. */
async function benchStack() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minqing-bench-'));
  const stack = await startStack({
    dataDir: dir,
    ports: { postgres: await freePort(), kafka: await freePort(), kafkaController: await freePort(), temporal: await freePort(), temporalUi: null },
    ephemeral: true,
    given: givenEndpoints(),
  });
  return { dir, stack };
}

/** The three services on free ports, quiet logs. */
async function benchServices(dir: string, stackEnv: Awaited<ReturnType<typeof startStack>>['env'], pollMs: number) {
  return startServices({
    stackEnv,
    ports: { api: await freePort(), reporting: await freePort(), worker: await freePort() },
    logDir: path.join(dir, 'logs'),
    extraEnv: { LOG_LEVEL: 'warn', OUTBOX_POLL_MS: String(pollMs), ADMIN_PASSWORD: BENCH_PASSWORD },
  });
}

const BENCH_PASSWORD = 'bench-password';

/** A session for roster cadre `code` (the bench's admin creates the account): headers that act as them. */
async function actAs(apiUrl: string, code: string): Promise<Record<string, string>> {
  const signIn = async (username: string) => (await call('POST', `${apiUrl}/api/v1/auth/session`, { username, password: BENCH_PASSWORD })).token as string;
  const admin = await signIn('admin');
  await call('PUT', `${apiUrl}/api/v1/accounts/${code}`, { cadreCode: code, password: BENCH_PASSWORD }, { authorization: `Bearer ${admin}` });
  return { authorization: `Bearer ${await signIn(code)}` };
}

async function lifecycleBench(n: number, concurrency: number) {
  const { dir, stack } = await benchStack();
  const services = await benchServices(dir, stack.env, 200);
  const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  const run = Date.now().toString(36);
  const t = await loadBenchTownship(db, run);
  try {
    // --- minqing: full lifecycles through the HTTP API ---
    const api = `${services.apiUrl}/api/v1`;
    const hall = await actAs(services.apiUrl, t.hall);
    const as = await actAs(services.apiUrl, t.cadre);
    const latencies: number[] = [];
    const one = async (i: number) => {
      const t0 = performance.now();
      const opened = await call('POST', `${api}/cases`, {
        category: 'livelihood_difficulty', channel: 'hall', title: `bench ${run} ${i}`, description: '取暖用煤困难',
        resident: { name: '王桂兰', phone: '13912345678' }, villageCode: t.village, householdCode: t.household,
      }, { ...hall, 'idempotency-key': `bench-${run}-${i}` });
      // Sign-for waits for routing; retry the accept until the case is assigned.
      for (;;) {
        const res = await fetch(`${api}/cases/${opened.id}/accept`, { method: 'POST', headers: { 'content-type': 'application/json', ...as }, body: '{}' });
        if (res.status === 200) break;
        if (res.status !== 409) throw new Error(`accept: ${res.status} ${await res.text()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await call('POST', `${api}/cases/${opened.id}/start`, {}, as);
      await call('POST', `${api}/cases/${opened.id}/resolve`, { reply: '已解决' }, as);
      await call('POST', `${api}/cases/${opened.id}/follow-up`, { satisfaction: 'satisfied', method: 'call', note: '' }, hall);
      await call('POST', `${api}/cases/${opened.id}/close`, { note: '' }, hall);
      latencies.push(performance.now() - t0);
    };
    await pool([0, 1, 2, 3, 4].map((i) => -1 - i), concurrency, async (i) => one(i)); // warm-up
    latencies.length = 0;
    const ids = Array.from({ length: n }, (_, i) => i);
    const t0 = performance.now();
    await pool(ids, concurrency, one);
    const seconds = (performance.now() - t0) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);

    // --- raw baseline: same Temporal shape, no-op activities, in-process worker and client ---
    const taskQueue = `raw-${run}`;
    const dataConverter = getDataConverter(payloadKeys(dir));
    const nativeConnection = await NativeConnection.connect({ address: stack.env.TEMPORAL_ADDRESS });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: path.join(here, 'raw-workflow.ts'),
      activities: { noop: async () => undefined },
      dataConverter, // the same payload encryption as the services, so the shapes compare
    });
    const client = new Client({ connection: await Connection.connect({ address: stack.env.TEMPORAL_ADDRESS }), dataConverter });
    let rawSeconds = 0;
    const rawLatencies: number[] = [];
    await worker.runUntil(async () => {
      const rawOne = async (i: number) => {
        const t1 = performance.now();
        const h = await client.workflow.start('rawLifecycle', { taskQueue, workflowId: `raw-${run}-${i}` });
        for (const step of ['accept', 'start', 'resolve', 'follow-up', 'close']) await h.executeUpdate(rawMove, { args: [step] });
        await h.result();
        rawLatencies.push(performance.now() - t1);
      };
      await pool([-1, -2, -3], concurrency, rawOne);
      rawLatencies.length = 0;
      const t1 = performance.now();
      await pool(ids, concurrency, rawOne);
      rawSeconds = (performance.now() - t1) / 1000;
    });
    await client.connection.close();
    await nativeConnection.close();
    const rawSorted = [...rawLatencies].sort((a, b) => a - b);

    const rate = n / seconds;
    const rawRate = n / rawSeconds;
    process.stdout.write(
      [
        '',
        `lifecycle bench: ${n} cases, concurrency ${concurrency}, ${os.cpus().length} cores`,
        `  minqing  (HTTP → Temporal → PostgreSQL + outbox → Kafka): ${rate.toFixed(1)} lifecycles/s; per case p50 ${pct(sorted, 50).toFixed(0)} ms, p99 ${pct(sorted, 99).toFixed(0)} ms`,
        `  raw      (same workflow shape, no-op activities, no HTTP):    ${rawRate.toFixed(1)} lifecycles/s; per case p50 ${pct(rawSorted, 50).toFixed(0)} ms, p99 ${pct(rawSorted, 99).toFixed(0)} ms`,
        `  ratio minqing/raw: ${(rate / rawRate).toFixed(2)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.end();
    await services.stop();
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Reporting: how many events per second the reporting consumer applies
 * (validate, dedupe by id, project, commit) next to a raw consumer that only
 * reads the same topic; and the end-to-end lag from the outbox row's commit to
 * the figure's commit while cases arrive at a steady rate through the API.
 */
async function reportingBench(events: number, rate: number, seconds: number) {
  const { dir, stack } = await benchStack();
  const run = Date.now().toString(36);
  const topic = `bench-events-${run}`;
  const { Kafka, logLevel } = await import('kafkajs');
  const { buildEvent, toKafkaRecord, eventIdFor, CaseStatus } = await import('@minqing/shared');
  const kafka = new Kafka({ clientId: 'bench', brokers: stack.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });

  // A synthetic but schema-valid stream: for each case opened, routed, accepted, resolved.
  const producer = kafka.producer();
  await producer.connect();
  const cases = Math.ceil(events / 4);
  const at = new Date().toISOString();
  let sent = 0;
  for (let start = 0; start < cases; start += 250) {
    const messages = [];
    for (let i = start; i < Math.min(cases, start + 250); i++) {
      const caseId = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const base = { caseId, at, actor: null, category: 'policy_question' as const, priority: 'normal' as const, assigneeCode: 'c1', departmentCode: 'd1', areaCode: 'a1', villageCode: 'v1', escalationLevel: 0, slaPolicyVersion: 'sla-2026.1' };
      const ev = [
        buildEvent({ id: eventIdFor(caseId, 'opened'), source: '/bench', type: 'org.minqing.case.opened.v1', subject: caseId, time: at, data: { caseId, trackingCode: `MQ-${String(i).padStart(8, '0')}`, category: 'policy_question', priority: 'normal', channel: 'hall', servicePointCode: null, villageCode: 'v1', householdCode: null, openedAt: at, openedBy: null } }),
        buildEvent({ id: eventIdFor(caseId, '2:routed'), source: '/bench', type: 'org.minqing.case.routed.v1', subject: caseId, time: at, data: { ...base, seq: 2, status: CaseStatus.assigned, rule: 'village', reason: 'bench', dueAt: at } as never }),
        buildEvent({ id: eventIdFor(caseId, '3:accepted'), source: '/bench', type: 'org.minqing.case.accepted.v1', subject: caseId, time: at, data: { ...base, seq: 3, status: CaseStatus.accepted, dueAt: at, onTime: true, businessMinutesToAccept: 10 } as never }),
        buildEvent({ id: eventIdFor(caseId, '4:resolved'), source: '/bench', type: 'org.minqing.case.resolved.v1', subject: caseId, time: at, data: { ...base, seq: 4, status: CaseStatus.resolved, dueAt: at, onTime: true, businessMinutesToResolve: 100, reopenCount: 0 } as never }),
      ];
      messages.push(...ev.map(toKafkaRecord));
    }
    await producer.send({ topic, messages });
    sent += messages.length;
  }
  await producer.disconnect();

  // Raw: read the whole topic and do nothing else.
  const raw = kafka.consumer({ groupId: `raw-${run}` });
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    void raw.run({ eachMessage: async () => { if (++seen === sent) resolve(); } });
  });
  const rawSeconds = (performance.now() - t0) / 1000;
  await raw.disconnect();

  // Reporting: the real service, consuming the same topic with its own group.
  const services = await benchServices(dir, stack.env, 100);
  const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  const reportingPort = await freePort();
  const { launch, waitHealthy, repoRoot, serviceTokenSecrets } = await import('@minqing/infra');
  const t1 = performance.now();
  const consumer = launch({
    name: 'reporting-bench',
    command: process.execPath,
    argv: ['--import', 'tsx', path.join(repoRoot, 'services/reporting/src/server.ts')],
    cwd: repoRoot,
    env: { ...process.env, ...stack.env, CASE_EVENTS_TOPIC: topic, REPORTING_GROUP_ID: `bench-${run}`, REPORTING_PORT: String(reportingPort), LOG_LEVEL: 'warn', KAFKAJS_NO_PARTITIONER_WARNING: '1', SERVICE_TOKEN_SECRETS: serviceTokenSecrets(dir) },
    logFile: path.join(dir, 'logs', 'reporting-bench.log'),
    pidFile: path.join(dir, 'logs', 'reporting-bench.pid'),
  });
  await waitHealthy(consumer, async () => {
    const r = await db.query('SELECT count(*)::int AS n FROM reporting.processed_events');
    if (r.rows[0].n < sent) throw new Error(`${r.rows[0].n}/${sent}`);
  }, { timeoutMs: 600_000, what: 'the reporting consumer to apply the bench events' });
  const reportingSeconds = (performance.now() - t1) / 1000;
  await consumer.stop();

  // Lag at a steady load through the whole system.
  const tLoad = new Date();
  const interval = 1000 / rate;
  const opened: Promise<unknown>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    opened.push(call('POST', `${services.apiUrl}/api/v1/cases`, {
      category: 'policy_question', channel: 'hall', title: `lag ${run} ${i}`, description: '政策咨询', resident: { name: '王桂兰', phone: '13912345678' }, villageCode: 'nowhere',
    }));
    await new Promise((r) => setTimeout(r, interval));
  }
  await Promise.all(opened);
  await new Promise((r) => setTimeout(r, 5000));
  const lag = await db.query(
    `SELECT count(*)::int AS n,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_disc(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM (SELECT extract(epoch FROM p.processed_at - o.created_at) * 1000 AS ms
               FROM casework.outbox o JOIN reporting.processed_events p ON p.event_id = o.event_id
              WHERE o.created_at >= $1) x`,
    [tLoad],
  );
  await db.end();
  await admin.disconnect();
  await services.stop();
  await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const l = lag.rows[0];
  process.stdout.write(
    [
      '',
      `reporting bench: ${sent} events (${cases} cases), 6 partitions, ${os.cpus().length} cores`,
      `  reporting consumer (validate + dedupe + project + commit, incl. start-up): ${(sent / reportingSeconds).toFixed(0)} events/s`,
      `  raw consumer (read only):                                                 ${(sent / rawSeconds).toFixed(0)} events/s`,
      `  ratio reporting/raw: ${(rawSeconds / reportingSeconds).toFixed(3)}`,
      `  end-to-end lag, outbox commit → figure commit, ${rate} cases/s for ${seconds} s (${l.n} events): p50 ${Number(l.p50).toFixed(0)} ms, p99 ${Number(l.p99).toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
}

/**
 * The intake screen in Chromium: first contentful paint and the moment the
 * household search box is there to type into, cold (a new browser profile:
 * nothing cached) and warm (the hall PC's browser after the first load), and
 * the page's JavaScript heap. Baseline: the same browser loading a bare page
 * with one input from a bare Node HTTP server.
 */
async function consoleBench(loads: number) {
  buildWeb();
  const { dir, stack } = await benchStack();
  const services = await benchServices(dir, stack.env, 200);
  const db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  const t = await loadBenchTownship(db, Date.now().toString(36));
  const token = (await actAs(services.apiUrl, t.hall)).authorization!.slice('Bearer '.length);
  const bare = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>x</title><label>户 <input data-testid="household-search"></label>'));
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--enable-precise-memory-info'] });
  const newContext = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    await ctx.addCookies([{ name: 'minqing_session', value: token, url: services.apiUrl }]);
    return ctx;
  };
  const measure = async (ctx: BrowserContext, url: string) => {
    const page = await ctx.newPage();
    await page.goto(url);
    await page.locator('[data-testid="household-search"]').waitFor();
    const m = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      ready: performance.now(),
      heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? NaN,
    }));
    // `ready` is read after the box appeared: an upper bound, the same way for both pages.
    await page.close();
    return m;
  };
  const run = async (url: string, warm: boolean) => {
    const out: { fcp: number; ready: number; heap: number }[] = [];
    const shared = warm ? await newContext() : null;
    if (shared) await measure(shared, url); // fill the cache
    for (let i = 0; i < loads; i++) {
      const ctx = shared ?? (await newContext());
      out.push(await measure(ctx, url));
      if (!shared) await ctx.close();
    }
    await shared?.close();
    const stat = (k: 'fcp' | 'ready' | 'heap') => out.map((o) => o[k]).sort((x, y) => x - y);
    return { fcp: stat('fcp'), ready: stat('ready'), heap: stat('heap') };
  };
  try {
    const rows: [string, Awaited<ReturnType<typeof run>>][] = [
      ['intake, cold', await run(`${services.apiUrl}/intake`, false)],
      ['intake, warm', await run(`${services.apiUrl}/intake`, true)],
      ['bare page, cold (baseline)', await run(bareUrl, false)],
      ['bare page, warm (baseline)', await run(bareUrl, true)],
    ];
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    process.stdout.write(
      [
        '',
        `console — the intake screen in Chromium ${browser.version()}, ${loads} loads each, 1366×768`,
        ...rows.map(([label, r]) => `  ${label.padEnd(28)} first paint p50 ${ms(pct(r.fcp, 50))} p95 ${ms(pct(r.fcp, 95))} · search box ready p50 ${ms(pct(r.ready, 50))} p95 ${ms(pct(r.ready, 95))} · JS heap p50 ${(pct(r.heap, 50) / 1_048_576).toFixed(1)} MiB`),
        `  ratio intake/bare (warm first paint p50): ${(pct(rows[1]![1].fcp, 50) / pct(rows[3]![1].fcp, 50)).toFixed(2)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    bare.close();
    await db.end();
    await services.stop();
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const [name = 'all', a, b, c] = process.argv.slice(2);
  if (name === 'lifecycle' || name === 'all') await lifecycleBench(Number(a ?? 200), Number(b ?? 16));
  if (name === 'reporting' || name === 'all') await reportingBench(Number((name === 'reporting' && a) || 40_000), Number((name === 'reporting' && b) || 10), Number((name === 'reporting' && c) || 20));
  if (name === 'console' || name === 'all') await consoleBench(Number((name === 'console' && a) || 30));
  if (!['lifecycle', 'reporting', 'console', 'all'].includes(name)) throw new Error(`unknown bench ${name}; try: lifecycle [N] [concurrency] | reporting [events] [cases/s] [seconds] | console [loads]`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
