/**
 * The consumer group member every service reads with (shared/src/kafka.ts,
 * GroupConsumer), against the stack's broker, on a topic of its own: each
 * partition is handed over in offset order and committed after its handler
 * resolved, and a partition whose handler is slow does not hold up another
 * partition's messages read after it (the reporting consumer, catching up on a
 * backlog, kept all but one of its lanes idle while that lane worked).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConsumer, ensureTopics, type GroupConsumer, type KafkaMessage } from '@minqing/shared';
import { committedToEnd, env, eventually, kafkaClient, readAll, sendMessages } from '../support/helpers';

const run = Date.now().toString(36);
const topic = `group-consumer-${run}`;
const groupId = `group-consumer-test-${run}`;
let brokers: string;
let consumer: GroupConsumer | null = null;

beforeAll(async () => {
  brokers = env().KAFKA_BROKERS;
  await ensureTopics(kafkaClient(brokers), [{ topic, numPartitions: 2 }]);
});
afterAll(async () => {
  await consumer?.stop();
});

const text = (m: KafkaMessage) => m.value?.toString() ?? '';

it('hands each partition over in order, lets another partition through while one handler is slow, and commits everything handled', async () => {
  // Which key lands on which partition: the partitioner decides, so ask the topic.
  await sendMessages(brokers, topic, Array.from({ length: 16 }, (_, i) => ({ key: `k${i}`, value: `probe ${i}` })));
  const probes = await readAll(brokers, topic);
  const keyOn = (partition: number) => probes.find((m) => m.partition === partition)!.key!.toString();
  const slowKey = keyOn(0);
  const otherKey = keyOn(1);

  const seen = new Map<number, string[]>([[0, []], [1, []]]);
  let otherHandled!: () => void;
  const otherPartitionThrough = new Promise<void>((resolve) => (otherHandled = resolve));
  let slowFinished = false;
  consumer = createConsumer(kafkaClient(brokers), { groupId, topic, fromBeginning: true, maxBatch: 5, partitionsConcurrently: 2 });
  await consumer.run(async ({ partition, messages }) => {
    seen.get(partition)!.push(...messages.map(text));
    if (partition === 1 && messages.some((m) => text(m) === 'after the slow one')) otherHandled();
    if (partition === 0 && messages.some((m) => text(m) === 'slow')) {
      // Holds its lane until partition 1's next message has been handled (or gives up, failing the test).
      const gaveUp = new Promise<'gave up'>((resolve) => setTimeout(() => resolve('gave up'), 15_000));
      if ((await Promise.race([otherPartitionThrough, gaveUp])) === 'gave up') return;
      slowFinished = true;
    }
  });
  await eventually(async () => seen.get(0)!.length + seen.get(1)!.length === probes.length, 'the probes to be handled');

  await sendMessages(brokers, topic, [{ key: slowKey, value: 'slow' }, { key: slowKey, value: 'after slow, same partition' }]);
  await eventually(async () => seen.get(0)!.includes('slow'), 'the slow message to reach its handler');
  // Sent once the slow handler is already under way: a later read brings it.
  await sendMessages(brokers, topic, [{ key: otherKey, value: 'after the slow one' }]);

  await eventually(async () => slowFinished, 'the slow handler to see the other partition through', 20_000);
  await eventually(async () => seen.get(0)!.includes('after slow, same partition'), 'the slow partition to go on');
  // Each partition in offset order: its probes, then what came after.
  for (const p of [0, 1]) {
    const probesOfP = probes.filter((m) => m.partition === p).map(text);
    expect(seen.get(p)!.slice(0, probesOfP.length)).toEqual(probesOfP);
  }
  expect(seen.get(0)!.slice(-2)).toEqual(['slow', 'after slow, same partition']);
  expect(seen.get(1)!.at(-1)).toBe('after the slow one');
  await eventually(() => committedToEnd(brokers, groupId, topic), 'the group to commit everything it handled');
}, 90_000);
