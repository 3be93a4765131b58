/**
 * Every workflow the case-worker runs, for its `workflowsPath` (the worker
 * bundles one entry module). Each context keeps its own folder; add a line here
 * when a new one comes.
 */
export { caseWorkflow } from './case/workflows';
export { workRecordWorkflow } from './work/workflows';
export { inspectionWorkflow } from './inspection/workflows';
export { sessionAttendanceWorkflow } from './market-days/workflows';
export { caseHelpsWorkflow } from './four-helps/workflows';
export { planItemWorkflow } from './plans/workflows';
