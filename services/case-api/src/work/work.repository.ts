/**
 * Reads for work records: the directory facts a record is checked against (the
 * API owns the directory) and the records themselves (casework.work_records,
 * written by the case-worker; read here only).
 */
import type { Pool } from '@minqing/shared';

export interface HouseholdLinks {
  villageCode: string;
  cadreCode: string | null;
  isKey: boolean;
}

export interface WorkRecordRow {
  id: string;
  kind: string;
  date: string;
  householdCode: string | null;
  villageCode: string | null;
  caseId: string | null;
  role: string | null;
  note: string;
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

  async cadreDepartment(cadreCode: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ department_code: string | null }>('SELECT department_code FROM directory.cadres WHERE code = $1', [cadreCode]);
    return rows[0]?.department_code ?? null;
  }

  async list(q: { cadre: string; from: string | null; to: string | null }): Promise<WorkRecordRow[]> {
    const { rows } = await this.pool.query<WorkRecordRow>(
      `SELECT id, kind, to_char(work_date, 'YYYY-MM-DD') AS date, household_code AS "householdCode", village_code AS "villageCode", case_id AS "caseId", role, note, recorded_at AS "recordedAt"
         FROM casework.work_records WHERE cadre_code = $1 AND ($2::date IS NULL OR work_date >= $2) AND ($3::date IS NULL OR work_date <= $3)
        ORDER BY work_date DESC, recorded_at DESC LIMIT 500`,
      [q.cadre, q.from, q.to],
    );
    return rows;
  }
}
