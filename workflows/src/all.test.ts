/**
 * The worker's entry (all.ts) bundled the way the worker bundles it: every
 * workflow is in it, and no Node built-in or I/O module came in indirectly.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe("the worker's workflow bundle", () => {
  it('has the case, work-record and inspection workflows and no I/O modules', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./all.ts', import.meta.url)),
      logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    expect(code).toContain('caseWorkflow');
    expect(code).toContain('workRecordWorkflow');
    expect(code).toContain('inspectionWorkflow');
    expect(code).toContain('sessionAttendanceWorkflow');
    expect(code).toContain('caseHelpsWorkflow');
    expect(code).toContain('planItemWorkflow');
    for (const forbidden of ['node_modules/pg/', 'node_modules/@platformatic/kafka/', 'node_modules/fastify/', 'node_modules/pino/']) {
      expect(code).not.toContain(forbidden);
    }
  }, 60_000);
});
