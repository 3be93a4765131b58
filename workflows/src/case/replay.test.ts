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
import { codecHistoryJson, coreOwnedMarkerDetail, EncryptionCodec, getDataConverter, newPayloadKey } from '@minqing/shared';
import { WORKFLOW_BUNDLER_OPTIONS } from '../bundle';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '../../test/histories');
/**
 * The recordings the current code writes (top folder), and those of earlier
 * versions of the workflow still running somewhere (one folder per version:
 * `before-issue-12/`, activities for every step and no patch markers;
 * `before-kept-timer/`, local steps, the deadline timer started anew after every step).
 */
const files = fs.existsSync(dir) ? (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort() : [];
const PATHS = [
  'main-path-closed', 'returned-rerouted-capped', 'side-moves', 'dissatisfied-reopened', 'merged', 'withdrawn', 'rejected', 'fallback-queue',
  'unaccepted-escalates-three-levels', 'paused-then-escalates', 'urgent-clock-hours',
];

describe('replay of recorded case histories', () => {
  it('has recordings of the main path, the side moves and every escalation level, by the current code and by each earlier version', () => {
    expect(files).toEqual(expect.arrayContaining(['', 'before-issue-12', 'before-kept-timer'].flatMap((dir) => PATHS.map((p) => path.join(dir, `${p}.json`)))));
  });

  it('every recording replays without non-determinism', async () => {
    const histories = files.map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'))) }));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: path.join(here, 'workflows.ts'), bundlerOptions: WORKFLOW_BUNDLER_OPTIONS, replayName: 'case-histories' }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(histories.length).toBe(files.length);
  }, 120_000);

  // Running cases' histories are encrypted (shared/src/temporal-codec.ts); the
  // worker replays them through the same codec. Recordings are kept in clear,
  // so encrypt them here under a throwaway key ring and replay with it.
  it('every recording, encrypted as the stack writes it, replays through the data converter', async () => {
    const codec = new EncryptionCodec(`${newPayloadKey('k1')},${newPayloadKey('k0')}`);
    const histories = await Promise.all(files.map(async (f) => {
      const encrypted = await codecHistoryJson(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), 'encode', codec);
      // no payload left in clear ("json/plain") but the search attributes, which Temporal indexes,
      // and the markers' bookkeeping the worker's core writes itself (patch ids, local activity ids)
      const payloads = JSON.stringify(encrypted, (k, v: unknown) => {
        if (k === 'searchAttributes') return undefined;
        if (k === 'markerRecordedEventAttributes') {
          const m = v as { markerName: string; details: Record<string, unknown> };
          return { ...m, details: Object.fromEntries(Object.entries(m.details).filter(([d]) => !coreOwnedMarkerDetail(m.markerName, d))) };
        }
        return v;
      });
      expect(payloads.includes('anNvbi9wbGFpbg==')).toBe(false);
      expect(payloads.includes('YmluYXJ5L2VuY3J5cHRlZA==')).toBe(true); // "binary/encrypted"
      return { workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(encrypted) };
    }));
    const failures: string[] = [];
    const replays = Worker.runReplayHistories({ workflowsPath: path.join(here, 'workflows.ts'), bundlerOptions: WORKFLOW_BUNDLER_OPTIONS, replayName: 'case-histories-encrypted', dataConverter: getDataConverter(codec) }, histories);
    for await (const result of replays) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
