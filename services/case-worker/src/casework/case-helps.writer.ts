/**
 * Writes a revision of a case's 四帮四促 tags (shared four-helps.ts) and its
 * event, inside the caller's transaction. The change id is the primary key and
 * the event id, so a retried activity inserts nothing twice; the unique
 * (case, revision) lets only one of two changes made on the same revision in:
 * the other is told it conflicts (the API answers 409) and writes nothing.
 * Tags given at intake are written with the opened case (case.writer.ts).
 */
import { CASE_HELPS_TAGGED_EVENT, normaliseHelps, type CaseHelpsInput, type PoolClient } from '@minqing/shared';
import { appendEvent, type OutboxTarget } from './outbox';

export type CaseHelpsOutcome = 'inserted' | 'recorded' | 'conflict';

export async function insertCaseHelps(client: PoolClient, target: OutboxTarget, c: CaseHelpsInput): Promise<CaseHelpsOutcome> {
  const helps = normaliseHelps(c.helps);
  const inserted = await client.query(
    `INSERT INTO casework.case_helps (change_id, case_id, revision, helps, actor, actor_role, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [c.changeId, c.caseId, c.revision, helps, c.actor.code, c.actor.role, c.at],
  );
  if (inserted.rowCount === 0) {
    const mine = await client.query('SELECT 1 FROM casework.case_helps WHERE change_id = $1', [c.changeId]);
    return mine.rowCount === 1 ? 'recorded' : 'conflict';
  }
  await appendEvent(client, target, {
    id: c.changeId,
    type: CASE_HELPS_TAGGED_EVENT,
    subject: c.caseId,
    caseId: c.caseId,
    time: c.at,
    data: { caseId: c.caseId, revision: c.revision, helps, actor: c.actor, at: c.at },
  });
  return 'inserted';
}
