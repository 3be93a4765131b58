/**
 * A cadre's attendance at a market-day session (双定 — 定时服务) takes the path of
 * a work record: the case API checks it against the directory (the roster, the
 * session's weekday, the calendar's holidays, the window) and starts this
 * workflow (Workflow ID = `session-attendance:<id>`) and waits for it; the
 * worker's activity writes the row and its event in one transaction. Nothing
 * to decide here: the workflow is the durable hand-over.
 *
 * Deterministic: no I/O, no clocks; everything comes in with the input.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { SessionAttendanceInput } from '@minqing/shared/domain';
import type { MarketDayActivities } from './activities';

const { recordSessionAttendance } = proxyActivities<MarketDayActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function sessionAttendanceWorkflow(input: SessionAttendanceInput): Promise<{ id: string; date: string; status: string }> {
  await recordSessionAttendance(input);
  return { id: input.attendanceId, date: input.date, status: input.status };
}
