/**
 * Reads for work records: the directory facts a record is checked against (the
 * API owns the directory) and the records themselves (casework.work_records,
 * written by the case-worker; read here only).
 */
import { CursorError, decodeCursor, filterFingerprint, keysetPage, KINDS_BY_ROLE, normaliseHelps, roleOfKind, type FourHelp, type Page, type Pool, type WorkDetails, type WorkKind, type WorkRole } from '@minqing/shared';

export interface HouseholdLinks {
  villageCode: string;
  cadreCode: string | null;
  isKey: boolean;
}

export interface WorkRecordRow {
  id: string;
  kind: WorkKind;
  date: string;
  householdCode: string | null;
  villageCode: string | null;
  caseId: string | null;
  /** the kind's role (from the table of kinds, so a record made before the roles were first-class has it too) */
  role: WorkRole;
  note: string;
  details: WorkDetails;
  /** 四帮四促 tags */
  helps: FourHelp[];
  recordedAt: Date;
}

export class WorkRepository {
  constructor(private readonly pool: Pool) {}

  async household(code: string): Promise<HouseholdLinks | null> {
    const { rows } = await this.pool.query<HouseholdLinks>(
      'SELECT village_code AS "villageCode", cadre_code AS "cadreCode", is_key AS "isKey" FROM directory.households WHERE code = $1',
      [code],
    );
    return rows[0] ?? null;
  }

  async villageExists(code: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM directory.villages WHERE code = $1', [code])).rowCount === 1;
  }

  async cadreDepartment(cadreCode: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ department_code: string | null }>('SELECT department_code FROM directory.cadres WHERE code = $1', [cadreCode]);
    return rows[0]?.department_code ?? null;
  }

  /** A page of a cadre's records, newest first (keyset on work date, recording time, id); of one role or kind when asked. */
  async list(q: { cadre: string; from: string | null; to: string | null; role: WorkRole | null; kind: WorkKind | null; limit: number; cursor?: string }): Promise<Page<WorkRecordRow>> {
    const fp = filterFingerprint({ cadre: q.cadre, from: q.from, to: q.to, role: q.role, kind: q.kind });
    // A role is its kinds (the table), so records made before the role column was filled are found by it too.
    const kinds = q.kind ? [q.kind] : q.role ? KINDS_BY_ROLE.find((r) => r.role === q.role)!.kinds : null;
    const params: unknown[] = [q.cadre, q.from, q.to, kinds];
    let after = '';
    if (q.cursor !== undefined) {
      const [date, at, id] = decodeCursor('work-records', q.cursor, fp);
      if (typeof date !== 'string' || typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(date)) || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new CursorError();
      params.push(date, at, id);
      after = `AND (work_date, recorded_at, id) < ($5::date, $6::timestamptz, $7::uuid)`;
    }
    params.push(q.limit + 1);
    const { rows } = await this.pool.query<Omit<WorkRecordRow, 'role'> & { key: string }>(
      `SELECT id, kind, to_char(work_date, 'YYYY-MM-DD') AS date, household_code AS "householdCode", village_code AS "villageCode", case_id AS "caseId", note,
              details, helps, recorded_at AS "recordedAt",
              to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key
         FROM casework.work_records WHERE cadre_code = $1 AND ($2::date IS NULL OR work_date >= $2) AND ($3::date IS NULL OR work_date <= $3)
          AND ($4::text[] IS NULL OR kind = ANY($4)) ${after}
        ORDER BY work_date DESC, recorded_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = keysetPage('work-records', rows, q.limit, (r) => [r.date, r.key, r.id], fp);
    return {
      items: page.items.map(({ key: _key, ...r }) => ({ ...r, role: roleOfKind(r.kind), details: r.details ?? {}, helps: normaliseHelps(r.helps) })),
      nextCursor: page.nextCursor,
    };
  }
}
