/**
 * How the case-worker bundles the workflows (the Temporal bundler's options), for the worker and
 * the replay tests alike, so a history is replayed in the sandbox it ran in.
 *
 * `preloadModules`: the shared domain (the lifecycle table, the business calendar, the SLA clock
 * and the schemas they use) is loaded once per workflow thread and shared, frozen, by every
 * workflow in it, instead of being initialised again for every case (about 6 ms of the worker's
 * CPU a case, see the README's bench section). It is pure: no module state a workflow writes.
 * Not the workflow files themselves, nor `@temporalio/workflow`, which are per workflow.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: ['@minqing/shared/domain'] };
