/**
 * Reads for inspections (一听二看三查): the directory facts an inspection is
 * checked against (the API owns the directory), the cadre's diary entries
 * (casework.work_records) and the inspections themselves (casework.inspections,
 * written by the case-worker; read here only).
 */
import { CursorError, decodeCursor, filterFingerprint, keysetPage, likeSubstring, type InspectionItem, type Page, type Pool } from '@minqing/shared';

export interface InspectionListFilter {
  q: string | null;
  cadre: string | null;
  from: string | null;
  to: string | null;
  limit: number;
  cursor?: string;
}

const LIST = 'inspections';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InspectionRepository {
  constructor(private readonly pool: Pool) {}

  /** The cadre's department, or undefined when there is no such cadre. */
  async cadre(code: string): Promise<{ departmentCode: string | null } | undefined> {
    const { rows } = await this.pool.query<{ department_code: string | null }>('SELECT department_code FROM directory.cadres WHERE code = $1', [code]);
    return rows[0] ? { departmentCode: rows[0].department_code } : undefined;
  }

  /** Of `codes`, those that are no household of the directory. */
  async unknownHouseholds(codes: readonly string[]): Promise<string[]> {
    if (!codes.length) return [];
    const { rows } = await this.pool.query<{ code: string }>('SELECT code FROM directory.households WHERE code = ANY($1::text[])', [codes]);
    const known = new Set(rows.map((r) => r.code));
    return codes.filter((c) => !known.has(c));
  }

  /** Of `ids`, those that are not diary entries (民情日记) of `cadre`. */
  async notDiaryOf(cadre: string, ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id::text AS id FROM casework.work_records WHERE id = ANY($1::uuid[]) AND cadre_code = $2 AND kind = 'diary'`,
      [ids, cadre],
    );
    const found = new Set(rows.map((r) => r.id.toLowerCase()));
    return ids.filter((id) => !found.has(id.toLowerCase()));
  }

  /** A page of inspections, newest first (keyset on the inspection date, recording time, id), searchable by cadre code or name and by the notes and findings. */
  async list(f: InspectionListFilter): Promise<Page<InspectionItem>> {
    const fp = filterFingerprint({ q: f.q, cadre: f.cadre, from: f.from, to: f.to });
    const params: unknown[] = [f.q === null ? null : likeSubstring(f.q), f.cadre, f.from, f.to];
    let after = '';
    if (f.cursor !== undefined) {
      const [date, at, id] = decodeCursor(LIST, f.cursor, fp);
      if (typeof date !== 'string' || typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(date)) || Number.isNaN(Date.parse(at)) || !UUID.test(id)) throw new CursorError();
      params.push(date, at, id);
      after = 'AND (i.inspected_on, i.recorded_at, i.id) < ($5::date, $6::timestamptz, $7::uuid)';
    }
    params.push(f.limit + 1);
    const { rows } = await this.pool.query(
      `SELECT i.id, i.cadre_code, c.name AS cadre_name, i.department_code, to_char(i.inspected_on, 'YYYY-MM-DD') AS date,
              to_char(i.listen_date, 'YYYY-MM-DD') AS listen_date, i.listen_notes, i.listen_score,
              i.ledger_households, i.diary_records::text[] AS diary_records, i.look_findings, i.look_score,
              i.checked_households, i.check_findings, i.check_score, i.score, i.grade, i.recorded_by, a.display_name AS recorded_by_name, i.recorded_at,
              to_char(i.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS key
         FROM casework.inspections i LEFT JOIN directory.cadres c ON c.code = i.cadre_code LEFT JOIN directory.accounts a ON a.username = i.recorded_by
        WHERE ($1::text IS NULL OR i.cadre_code ILIKE $1 OR c.name ILIKE $1 OR i.listen_notes ILIKE $1 OR i.look_findings ILIKE $1 OR i.check_findings ILIKE $1)
          AND ($2::text IS NULL OR i.cadre_code = $2) AND ($3::date IS NULL OR i.inspected_on >= $3) AND ($4::date IS NULL OR i.inspected_on <= $4)
          ${after}
        ORDER BY i.inspected_on DESC, i.recorded_at DESC, i.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = keysetPage(LIST, rows, f.limit, (r) => [r.date, r.key, r.id], fp);
    return {
      nextCursor: page.nextCursor,
      items: page.items.map((r) => ({
        id: r.id,
        cadreCode: r.cadre_code,
        cadreName: r.cadre_name,
        departmentCode: r.department_code,
        date: r.date,
        listen: { date: r.listen_date, notes: r.listen_notes, score: r.listen_score },
        look: { ledgerHouseholds: r.ledger_households, diaryRecords: r.diary_records, findings: r.look_findings, score: r.look_score },
        check: { households: r.checked_households, findings: r.check_findings, score: r.check_score },
        score: r.score,
        grade: r.grade,
        recordedBy: r.recorded_by,
        recordedByName: r.recorded_by_name,
        recordedAt: r.recorded_at,
      })),
    };
  }
}
