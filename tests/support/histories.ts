/**
 * Recorded workflow histories for the replay test (workflows/src/case/replay.test.ts).
 * `RECORD_HISTORIES=1 npx vitest run tests/integration/case-workflow.timers.test.ts tests/e2e/case-lifecycle.test.ts`
 * rewrites them; commit the result when a deliberate, versioned change needs new recordings.
 * The stack encrypts payloads (PAYLOAD_KEYS): recordings are written decrypted (test data only),
 * so replaying them needs no key; the replay test also replays them encrypted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { codecHistoryJson } from '@minqing/shared';

export const HISTORY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../workflows/test/histories');

export async function saveHistory(client: Client, name: string, workflowId: string, codec?: PayloadCodec): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  fs.mkdirSync(HISTORY_DIR, { recursive: true });
  const json = historyToJSON(history);
  const clear = codec ? `${JSON.stringify(await codecHistoryJson(JSON.parse(json), 'decode', codec), null, 2)}` : json;
  fs.writeFileSync(path.join(HISTORY_DIR, `${name}.json`), clear);
}
