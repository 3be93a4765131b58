/**
 * Replays recorded histories of every path of the case workflow (main path,
 * each side move, each escalation level, pause) against the current workflow
 * code. A change that would make a running case non-deterministic fails here,
 * before it ships; version such changes with `patched()` instead.
 * Recordings: see tests/support/histories.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../test/histories');
const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];

describe('replay of recorded case histories', () => {
  it('has recordings of the main path, the side moves and every escalation level', () => {
    expect(files).toEqual(expect.arrayContaining([
      'main-path-closed.json', 'returned-rerouted-capped.json', 'side-moves.json', 'dissatisfied-reopened.json',
      'merged.json', 'withdrawn.json', 'rejected.json', 'fallback-queue.json',
      'unaccepted-escalates-three-levels.json', 'paused-then-escalates.json', 'urgent-clock-hours.json',
    ]));
  });

  it('every recording replays without non-determinism', async () => {
    const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: path.join(here, 'workflows.ts'), replayName: 'case-histories' }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(histories.length).toBe(files.length);
  }, 120_000);
});
