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

/**
 * The baseline of the moves bench: the barest Update round trip — a workflow
 * whose Update handler only answers (no activity, no state), on the same server.
 */
export const bareEcho = defineUpdate<number, [number]>('bareEcho');
export const bareDone = defineUpdate<void, []>('bareDone');

export async function bareUpdateTarget(): Promise<void> {
  let done = false;
  setHandler(bareEcho, (n) => n);
  setHandler(bareDone, () => {
    done = true;
  });
  await condition(() => done);
}
