/**
 * The raw baseline for the lifecycle bench: the same shape of Temporal work as
 * a case (two activities at intake, then five Updates each running one
 * activity, then completion) with no-op activities, no HTTP, no database, no
 * Kafka. The gap between this and the real lifecycle is what minqing adds.
 */
import { condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export interface RawActivities {
  noop(step: string): Promise<void>;
}

const { noop } = proxyActivities<RawActivities>({ startToCloseTimeout: '10 seconds' });
const local = proxyLocalActivities<RawActivities>({ startToCloseTimeout: '10 seconds' });

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
 * A second reference, not the goal's baseline: an Update that awaits one no-op
 * local activity first (the floor of any move that records its step inside the
 * Update: one more workflow activation and a local activity round trip).
 */
export const bareEcho = defineUpdate<number, [number]>('bareEcho');
export const bareDone = defineUpdate<void, []>('bareDone');
/** The same workflow's Update that first awaits one no-op local activity, as a move awaits its recorded step. */
export const bareStep = defineUpdate<number, [number]>('bareStep');

export async function bareUpdateTarget(): Promise<void> {
  let done = false;
  setHandler(bareEcho, (n) => n);
  setHandler(bareStep, async (n) => {
    await local.noop('step');
    return n;
  });
  setHandler(bareDone, () => {
    done = true;
  });
  await condition(() => done);
}
