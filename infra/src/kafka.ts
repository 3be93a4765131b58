/**
 * Kafka, single node in KRaft mode (broker + controller in one JVM), from the
 * Maven Central jars. The jars are fetched once into `<cache>/kafka-<version>`.
 * KAFKA_VERSION is the default; MINQING_KAFKA_VERSION picks another (3.x or 4.x,
 * each with its own logging backend and cache folder).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createKafka, kafkaReachable } from '@minqing/shared';
import { fail, say } from './log';
import { cacheRoot, repoRoot } from './paths';
import { launch, replaceStale, run, waitHealthy, type Managed } from './proc';
import { ensureTool } from './system';

const C = 'kafka';
/** The broker version the local stack runs unless MINQING_KAFKA_VERSION says otherwise. */
export const KAFKA_VERSION = '4.1.2';

/** The version this run starts (MINQING_KAFKA_VERSION, else KAFKA_VERSION). */
export function kafkaVersion(): string {
  const v = process.env.MINQING_KAFKA_VERSION?.trim() || KAFKA_VERSION;
  if (!/^[34]\.\d+\.\d+$/.test(v)) fail(C, `MINQING_KAFKA_VERSION must be a Kafka 3.x or 4.x release like ${KAFKA_VERSION}, not ${JSON.stringify(v)}`);
  return v;
}

const major = (version: string) => Number(version.split('.')[0]);

export async function ensureKafkaLibs(version = kafkaVersion()): Promise<string> {
  const dir = path.join(cacheRoot(), `kafka-${version}`);
  const libs = path.join(dir, 'libs');
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return libs;
  ensureTool(C, { cmd: 'mvn', args: ['-v'] }, ['maven'], 'fetch the Kafka jars from Maven Central (or set KAFKA_BROKERS)');
  say(C, `fetching Kafka ${version} jars from Maven Central into ${libs} (once; about 60 files)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let downloaded = 0;
  let copied = 0;
  await run(
    'mvn',
    ['-B', '-f', path.join(repoRoot, 'infra/kafka/pom.xml'), `-Dkafka.version=${version}`, `-Pkafka${major(version)}`, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${libs}`],
    {
      onLine: (line) => {
        if (/^\[INFO\] Downloaded from/.test(line)) {
          downloaded++;
          if (downloaded % 20 === 0) say(C, `  ${downloaded} files downloaded…`);
        } else if (/^\[INFO\] Copying /.test(line)) copied++;
      },
    },
  );
  const count = fs.readdirSync(libs).filter((f) => f.endsWith('.jar')).length;
  if (count < 10) fail(C, `expected the broker jars in ${libs}, found ${count}`);
  say(C, `  done: ${count} jars (${downloaded} downloaded, ${copied} copied)`);
  fs.writeFileSync(marker, `${version}\n`);
  return libs;
}

export interface KafkaHandle {
  brokers: string;
  proc: Managed;
}

export async function startKafka(args: { dataDir: string; runDir: string; port: number; controllerPort: number; partitions: number }): Promise<KafkaHandle> {
  ensureTool(C, { cmd: 'java', args: ['-version'] }, ['openjdk-17-jre-headless'], 'run the Kafka broker (or set KAFKA_BROKERS)');
  const version = kafkaVersion();
  const libs = await ensureKafkaLibs(version);
  const dir = path.join(args.dataDir, 'kafka');
  const logDirs = path.join(dir, 'data');
  fs.mkdirSync(logDirs, { recursive: true });
  const pidFile = path.join(args.runDir, 'kafka.pid');
  await replaceStale(pidFile, dir, C);
  const props = path.join(dir, 'server.properties');
  fs.writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${args.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${args.port},CONTROLLER://127.0.0.1:${args.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${args.port}`,
      'inter.broker.listener.name=PLAINTEXT',
      'controller.listener.names=CONTROLLER',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${logDirs}`,
      `num.partitions=${args.partitions}`,
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=6',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=-1',
      '',
    ].join('\n'),
  );
  const classpath = `${libs}/*`;
  const log4j = major(version) >= 4
    ? `-Dlog4j2.configurationFile=${path.join(repoRoot, 'infra/kafka/log4j2.properties')}`
    : `-Dlog4j.configuration=file:${path.join(repoRoot, 'infra/kafka/log4j.properties')}`;
  if (!fs.existsSync(path.join(logDirs, 'meta.properties'))) {
    say(C, 'formatting storage (KRaft)');
    // A Kafka cluster id is 16 bytes in URL-safe base64; one that starts with '-'
    // would be read as an option, so it is passed as --cluster-id=<id>.
    const clusterId = randomBytes(16).toString('base64url');
    await run('java', [log4j, '-cp', classpath, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', props, '--ignore-formatted']);
  }
  say(C, `starting Kafka ${version} on 127.0.0.1:${args.port}`);
  const proc = launch({
    name: C,
    command: 'java',
    argv: ['-Xms256m', '-Xmx512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-Djava.awt.headless=true', log4j, '-cp', classpath, 'kafka.Kafka', props],
    logFile: path.join(dir, 'kafka.log'),
    pidFile,
  });
  const brokers = `127.0.0.1:${args.port}`;
  const kafka = createKafka({ brokers, clientId: 'minqing-stack' });
  await waitHealthy(proc, () => kafkaReachable(kafka), { timeoutMs: 90_000, what: 'Kafka' });
  return { brokers, proc };
}
