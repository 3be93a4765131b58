/**
 * Bundling the workflow code the way the worker does catches an indirect import
 * of a Node built-in or an I/O library (which would make workflows
 * non-deterministic) before it ships.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('workflow bundle', () => {
  it('bundles without Node built-ins or I/O modules', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
      logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    expect(code).toContain('caseWorkflow');
    for (const forbidden of ['node_modules/pg/', 'node_modules/kafkajs/', 'node_modules/fastify/', 'node_modules/pino/']) {
      expect(code).not.toContain(forbidden);
    }
  });
});
