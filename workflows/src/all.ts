/**
 * Every workflow the case-worker runs, for its `workflowsPath` (the worker
 * bundles one entry module). Each context keeps its own folder; add a line here
 * when a new one comes.
 */
export { caseWorkflow } from './case/workflows';
export { workRecordWorkflow } from './work/workflows';
