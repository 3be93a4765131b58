/**
 * Reads of a case's 四帮四促 tags (casework.case_helps, written by the
 * case-worker; read here only): the latest revision, and every revision with
 * who made it and when.
 */
import { decodeCursor, CursorError, keysetPage, normaliseHelps, type HelpsRevision, type Page, type Pool } from '@minqing/shared';


const REVISION = `revision, helps, actor AS "actorCode", to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`;

export class FourHelpsRepository {
  constructor(private readonly pool: Pool) {}

  async latest(caseId: string): Promise<HelpsRevision | null> {
    const { rows } = await this.pool.query<HelpsRevision>(`SELECT ${REVISION} FROM casework.case_helps WHERE case_id = $1 ORDER BY revision DESC LIMIT 1`, [caseId]);
    return rows[0] ? { ...rows[0], helps: normaliseHelps(rows[0].helps) } : null;
  }

  async changeExists(changeId: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM casework.case_helps WHERE change_id = $1', [changeId])).rowCount === 1;
  }

  /** Every revision, newest first (keyset on the revision). */
  async history(caseId: string, limit: number, cursor?: string): Promise<Page<HelpsRevision>> {
    const params: unknown[] = [caseId];
    let before = '';
    if (cursor !== undefined) {
      const [rev] = decodeCursor('case-helps', cursor, caseId);
      if (typeof rev !== 'number' || !Number.isInteger(rev)) throw new CursorError();
      params.push(rev);
      before = 'AND revision < $2';
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<HelpsRevision>(
      `SELECT ${REVISION} FROM casework.case_helps WHERE case_id = $1 ${before} ORDER BY revision DESC LIMIT $${params.length}`,
      params,
    );
    const page = keysetPage('case-helps', rows, limit, (r) => [r.revision], caseId);
    return { items: page.items.map((r) => ({ ...r, helps: normaliseHelps(r.helps) })), nextCursor: page.nextCursor };
  }
}
