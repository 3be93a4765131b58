/**
 * Recorded workflow histories for the replay test (workflows/src/case/replay.test.ts).
 * `RECORD_HISTORIES=1 npx vitest run tests/integration/case-workflow.timers.test.ts tests/e2e/case-lifecycle.test.ts`
 * rewrites them; commit the result when a deliberate, versioned change needs new recordings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORY_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../workflows/test/histories');

export async function saveHistory(client: Client, name: string, workflowId: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  fs.mkdirSync(HISTORY_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORY_DIR, `${name}.json`), historyToJSON(history));
}
