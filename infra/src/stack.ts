/**
 * The local stack: PostgreSQL, Kafka and Temporal started side by side, each
 * health-checked, each skipped when its endpoint is given in the environment
 * (DATABASE_URL, KAFKA_BROKERS, TEMPORAL_ADDRESS) so the same code runs against
 * external engines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { say } from './log';
import { startKafka } from './kafka';
import { startPostgres } from './postgres';
import { startTemporal } from './temporal';
import type { Managed } from './proc';

export interface StackPorts {
  postgres: number;
  kafka: number;
  kafkaController: number;
  temporal: number;
  temporalUi: number | null;
}

export interface StackEnv {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
}

export interface Stack {
  env: StackEnv;
  temporalUi: string | null;
  started: string[];
  processes: Managed[];
  stop(): Promise<void>;
}

export async function startStack(args: {
  dataDir: string;
  ports: StackPorts;
  /** a throwaway stack: no fsync, in-memory Temporal */
  ephemeral: boolean;
  given?: Partial<StackEnv>;
  /** the codec server for the Temporal Web UI (payloads are encrypted; see shared/src/temporal-codec.ts) */
  temporalCodecEndpoint?: string;
}): Promise<Stack> {
  const runDir = path.join(args.dataDir, 'run');
  fs.mkdirSync(runDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(args.dataDir, 0o755);
  const given = args.given ?? {};
  const namespace = given.TEMPORAL_NAMESPACE || 'default';
  const processes: Managed[] = [];
  const stop = async () => {
    // Reverse order of dependence does not matter between the engines; stop all.
    await Promise.all(processes.map((p) => p.stop()));
  };

  const tasks: Promise<void>[] = [];
  const env: Partial<StackEnv> = { TEMPORAL_NAMESPACE: namespace };
  const started: string[] = [];

  if (given.DATABASE_URL) {
    env.DATABASE_URL = given.DATABASE_URL;
    say('postgres', 'using DATABASE_URL from the environment');
  } else {
    tasks.push(
      startPostgres({ dataDir: path.join(args.dataDir, 'postgres'), runDir, port: args.ports.postgres, fast: args.ephemeral }).then((h) => {
        processes.push(h.proc);
        env.DATABASE_URL = h.url;
        started.push('postgres');
      }),
    );
  }
  if (given.KAFKA_BROKERS) {
    env.KAFKA_BROKERS = given.KAFKA_BROKERS;
    say('kafka', 'using KAFKA_BROKERS from the environment');
  } else {
    tasks.push(
      startKafka({ dataDir: args.dataDir, runDir, port: args.ports.kafka, controllerPort: args.ports.kafkaController, partitions: 6 }).then((h) => {
        processes.push(h.proc);
        env.KAFKA_BROKERS = h.brokers;
        started.push('kafka');
      }),
    );
  }
  let temporalUi: string | null = null;
  if (given.TEMPORAL_ADDRESS) {
    env.TEMPORAL_ADDRESS = given.TEMPORAL_ADDRESS;
    say('temporal', 'using TEMPORAL_ADDRESS from the environment');
  } else {
    tasks.push(
      startTemporal({
        dataDir: args.dataDir,
        runDir,
        port: args.ports.temporal,
        uiPort: args.ports.temporalUi,
        persistent: !args.ephemeral,
        namespace,
        codecEndpoint: args.temporalCodecEndpoint,
      }).then((h) => {
        processes.push(h.proc);
        env.TEMPORAL_ADDRESS = h.address;
        temporalUi = h.uiUrl;
        started.push('temporal');
      }),
    );
  }
  const results = await Promise.allSettled(tasks);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status !== 'fulfilled');
  if (failed.length) {
    await stop();
    throw new AggregateError(failed.map((f) => f.reason as Error), failed.map((f) => (f.reason as Error).message).join('\n\n'));
  }
  return { env: env as StackEnv, temporalUi, started, processes, stop };
}

/** Endpoints given in the environment; an engine with one is not started. */
export function givenEndpoints(env: NodeJS.ProcessEnv = process.env): Partial<StackEnv> {
  const out: Partial<StackEnv> = {};
  if (env.DATABASE_URL) out.DATABASE_URL = env.DATABASE_URL;
  if (env.KAFKA_BROKERS) out.KAFKA_BROKERS = env.KAFKA_BROKERS;
  if (env.TEMPORAL_ADDRESS) out.TEMPORAL_ADDRESS = env.TEMPORAL_ADDRESS;
  if (env.TEMPORAL_NAMESPACE) out.TEMPORAL_NAMESPACE = env.TEMPORAL_NAMESPACE;
  return out;
}
