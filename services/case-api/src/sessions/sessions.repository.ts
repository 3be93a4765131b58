/**
 * Reads for the market-day sessions (双定 — 定时服务): a session with its area
 * and duty roster (directory, this API's), the attendance records the worker
 * wrote (casework.session_attendance, read only here) and the cases opened at
 * a session (casework.cases by `service_point_code`, the session's code) on
 * a local date. The API writes no casework table: attendance goes through the
 * worker's workflow.
 */
import type { Pool } from '@minqing/shared';

export interface SessionRow {
  code: string;
  name: string;
  villageCode: string;
  areaCode: string | null;
  weekday: number;
  startTime: string;
  endTime: string;
  duty: string[];
}

export interface RosterCadre {
  code: string;
  name: string;
  departmentCode: string | null;
}

export interface AttendanceRecord {
  id: string;
  sessionCode: string;
  date: string;
  cadreCode: string;
  status: 'arrived' | 'absent';
  reason: string | null;
  recordedBy: string;
  onBehalf: boolean;
  recordedAt: string;
}

export interface SessionCaseRow {
  id: string;
  trackingCode: string;
  title: string;
  category: string;
  status: string;
  openedAt: string;
  sessionCode: string;
  date: string;
}

const sessionOf = (r: any): SessionRow => ({
  code: r.code, name: r.name, villageCode: r.village_code, areaCode: r.area_code ?? null, weekday: r.weekday,
  startTime: r.start_time, endTime: r.end_time, duty: r.duty ?? [],
});

const attendanceOf = (r: any): AttendanceRecord => ({
  id: r.id, sessionCode: r.session_code, date: r.session_date, cadreCode: r.cadre_code, status: r.status, reason: r.reason,
  recordedBy: r.recorded_by, onBehalf: r.on_behalf, recordedAt: new Date(r.recorded_at).toISOString(),
});

const SESSIONS = `SELECT s.*, v.area_code,
         coalesce(array_agg(d.cadre_code ORDER BY d.cadre_code) FILTER (WHERE d.cadre_code IS NOT NULL), '{}') AS duty
    FROM directory.sessions s
    LEFT JOIN directory.villages v ON v.code = s.village_code
    LEFT JOIN directory.session_duty d ON d.session_code = s.code`;

export class SessionsRepository {
  constructor(private readonly pool: Pool) {}

  async session(code: string): Promise<SessionRow | null> {
    const { rows } = await this.pool.query(`${SESSIONS} WHERE s.code = $1 GROUP BY s.code, v.area_code`, [code]);
    return rows[0] ? sessionOf(rows[0]) : null;
  }

  async sessions(): Promise<SessionRow[]> {
    const { rows } = await this.pool.query(`${SESSIONS} GROUP BY s.code, v.area_code ORDER BY s.code`);
    return rows.map(sessionOf);
  }

  async cadres(codes: readonly string[]): Promise<RosterCadre[]> {
    if (!codes.length) return [];
    const { rows } = await this.pool.query('SELECT code, name, department_code FROM directory.cadres WHERE code = ANY($1::text[]) ORDER BY code', [codes]);
    return rows.map((r) => ({ code: r.code, name: r.name, departmentCode: r.department_code }));
  }

  async cadreDepartment(code: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT department_code FROM directory.cadres WHERE code = $1', [code]);
    return rows[0]?.department_code ?? null;
  }

  async villageNames(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query('SELECT code, name FROM directory.villages');
    return new Map(rows.map((r) => [r.code as string, r.name as string]));
  }

  /** The village of a service point (a hall's is none). */
  async servicePointVillage(code: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT village_code FROM directory.service_points WHERE code = $1', [code]);
    return rows[0]?.village_code ?? null;
  }

  /** Every attendance record of the sessions between first..last, oldest first (the latest per session, date and cadre counts). */
  async attendance(sessionCodes: readonly string[], first: string, last: string): Promise<AttendanceRecord[]> {
    const { rows } = await this.pool.query(
      `SELECT id, session_code, to_char(session_date, 'YYYY-MM-DD') AS session_date, cadre_code, status, reason, recorded_by, on_behalf, recorded_at
         FROM casework.session_attendance
        WHERE session_code = ANY($1::text[]) AND session_date BETWEEN $2 AND $3
        ORDER BY recorded_at, id`,
      [sessionCodes, first, last],
    );
    return rows.map(attendanceOf);
  }

  /**
   * The cases opened at the sessions between the local dates first..last (the
   * township's UTC offset), oldest first, each with the local date it was opened.
   */
  async cases(sessionCodes: readonly string[], first: string, last: string, utcOffsetMinutes: number): Promise<SessionCaseRow[]> {
    const { rows } = await this.pool.query(
      `SELECT id, tracking_code, title, category, status, opened_at, service_point_code,
              to_char((opened_at AT TIME ZONE 'UTC') + make_interval(mins => $4), 'YYYY-MM-DD') AS local_date
         FROM casework.cases
        WHERE service_point_code = ANY($1::text[])
          AND opened_at >= ($2::date - make_interval(mins => $4))::timestamp AT TIME ZONE 'UTC'
          AND opened_at < ($3::date + 1 - make_interval(mins => $4))::timestamp AT TIME ZONE 'UTC'
        ORDER BY opened_at, id`,
      [sessionCodes, first, last, utcOffsetMinutes],
    );
    return rows.map((r) => ({
      id: r.id, trackingCode: r.tracking_code, title: r.title, category: r.category, status: r.status,
      openedAt: new Date(r.opened_at).toISOString(), sessionCode: r.service_point_code, date: r.local_date,
    }));
  }
}
