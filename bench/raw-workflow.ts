/**
 * The raw baseline for the lifecycle bench: the same shape of Temporal work as
 * a case (two activities at intake, then five Updates each running one
 * activity, then completion) with no-op activities, no HTTP, no database, no
 * Kafka. The gap between this and the real lifecycle is what minqing adds.
 */
import { condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';

export interface RawActivities {
  noop(step: string): Promise<void>;
}

const { noop } = proxyActivities<RawActivities>({ startToCloseTimeout: '10 seconds' });

export const rawMove = defineUpdate<string, [string]>('rawMove');

export async function rawLifecycle(): Promise<number> {
  let moves = 0;
  let busy = false;
  setHandler(rawMove, async (step) => {
    busy = true;
    await noop(step);
    moves++;
    busy = false;
    return step;
  });
  await noop('opened');
  await noop('routed');
  await condition(() => moves >= 5 && !busy);
  return moves;
}
