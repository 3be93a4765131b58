/**
 * Work records of the six roles for integration tests (issue 13): a valid body
 * of any kind, from the table of kinds, and the duty figures recomputed
 * independently — plain SQL over the case-worker's own table
 * (casework.work_records), with PostgreSQL's own ISO weeks — to compare with
 * what the reporting service projects from the events.
 */
import { fieldsOfKind, GRASSROOTS_DAYS_PER_WEEK, GRASSROOTS_KINDS, WORK_FIELDS, WORK_KIND_NAMES, WORK_ROLES, type WorkKind } from '@minqing/shared';

/** A body of `kind` with every field the table gives it; `pick` chooses among values (default: the first). */
export function workBody(
  kind: WorkKind,
  where: { date: string; household: string; village: string; note?: string },
  pick: (n: number) => number = () => 0,
): Record<string, string | number> {
  const body: Record<string, string | number> = { kind, date: where.date, note: where.note ?? `记录 ${kind}` };
  for (const [field, presence] of fieldsOfKind(kind)) {
    // optional fields: given about half the time when picking at random
    if (presence === 'optional' && field !== 'villageCode' && pick(2) === 1) continue;
    const spec = WORK_FIELDS[field];
    if (field === 'householdCode') body[field] = where.household;
    else if (field === 'villageCode') body[field] = where.village;
    else if (field === 'caseId') continue;
    else if (spec.type === 'count') body[field] = 1 + pick(Math.min(spec.max, 60));
    else if (spec.type === 'choice') body[field] = spec.values[pick(spec.values.length)]!;
    else body[field] = `测试${field}`;
  }
  return body;
}

export interface ExpectedDuty {
  byKind: Record<string, number>;
  byRole: Record<string, number>;
  grassrootsDays: number;
  grassrootsWeeks: { week: string; days: number; status: 'met' | 'missed' | 'open' }[];
  weeksMeetingPlan: number;
  weeksMissingPlan: number;
  daysWithWork: number;
}

type Db = { query(sql: string, params: unknown[]): Promise<{ rows: any[] }> };

/**
 * One cadre's duty figures for first..last from casework.work_records alone:
 * counts per kind and per role (the role the worker stored), days at the
 * grassroots, and the rule per ISO week — the weeks whose Thursday is in the
 * period (for a day, its week), each counted whole; met at GRASSROOTS_DAYS_PER_WEEK days, missed
 * when ended (before `today`) with fewer, open otherwise.
 */
export async function expectedDuty(db: Db, cadre: string, first: string, last: string, today: string): Promise<ExpectedDuty> {
  const counts = await db.query(
    `SELECT kind, role, count(*)::int AS n FROM casework.work_records WHERE cadre_code = $1 AND work_date BETWEEN $2 AND $3 GROUP BY kind, role`,
    [cadre, first, last],
  );
  const days = await db.query(
    `SELECT count(DISTINCT work_date)::int AS all_days,
            count(DISTINCT work_date) FILTER (WHERE kind = ANY($4::text[]))::int AS grassroots_days
       FROM casework.work_records WHERE cadre_code = $1 AND work_date BETWEEN $2 AND $3`,
    [cadre, first, last, GRASSROOTS_KINDS],
  );
  const weeks = await db.query(
    `WITH thursdays AS (
       SELECT DISTINCT date_trunc('week', d)::date AS monday
         FROM generate_series($2::date - 6, $3::date + 6, interval '1 day') AS d
        WHERE (date_trunc('week', d)::date + 3) BETWEEN $2::date AND $3::date
     ),
     -- a period without a Thursday (a day) is judged on the week it falls in
     weeks AS (SELECT monday FROM thursdays UNION ALL SELECT date_trunc('week', $2::date)::date WHERE NOT EXISTS (SELECT 1 FROM thursdays))
     SELECT to_char(w.monday, 'IYYY-"W"IW') AS week, (w.monday + 6) < $5::date AS ended,
            (SELECT count(DISTINCT r.work_date)::int FROM casework.work_records r
              WHERE r.cadre_code = $1 AND r.kind = ANY($4::text[]) AND r.work_date BETWEEN w.monday AND w.monday + 6) AS days
       FROM weeks w ORDER BY w.monday`,
    [cadre, first, last, GRASSROOTS_KINDS, today],
  );
  const byKind = Object.fromEntries(WORK_KIND_NAMES.map((k) => [k, 0]));
  const byRole = Object.fromEntries(WORK_ROLES.map((r) => [r, 0]));
  for (const r of counts.rows) {
    byKind[r.kind] += r.n;
    byRole[r.role] += r.n;
  }
  const grassrootsWeeks = weeks.rows.map((w) => ({ week: w.week as string, days: w.days as number, status: (w.days >= GRASSROOTS_DAYS_PER_WEEK ? 'met' : w.ended ? 'missed' : 'open') as 'met' | 'missed' | 'open' }));
  return {
    byKind,
    byRole,
    grassrootsDays: days.rows[0].grassroots_days,
    daysWithWork: days.rows[0].all_days,
    grassrootsWeeks,
    weeksMeetingPlan: grassrootsWeeks.filter((w) => w.status === 'met').length,
    weeksMissingPlan: grassrootsWeeks.filter((w) => w.status === 'missed').length,
  };
}

/**
 * One cadre's market-day duty (双定, issue 13) for first..last from the
 * case-worker's own table (casework.session_attendance) and the directory
 * alone: rostered = the days up to `today` that fall on the weekday of a
 * session whose roster has the cadre, less the calendar's `holidays`; attended
 * and absent = the days whose latest record (by recorded_at) says so.
 */
export async function expectedMarketDays(db: Db, cadre: string, first: string, last: string, today: string, holidays: readonly string[]): Promise<{ rostered: number; attended: number; absent: number }> {
  const rostered = await db.query(
    `SELECT count(*)::int AS n
       FROM directory.session_duty d JOIN directory.sessions s ON s.code = d.session_code
       CROSS JOIN generate_series($2::date, LEAST($3::date, $4::date), interval '1 day') AS day
      WHERE d.cadre_code = $1 AND extract(isodow FROM day) = s.weekday AND NOT (to_char(day, 'YYYY-MM-DD') = ANY($5::text[]))`,
    [cadre, first, last, today, holidays],
  );
  const latest = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'arrived')::int AS attended, count(*) FILTER (WHERE status = 'absent')::int AS absent
       FROM casework.session_attendance a
      WHERE a.cadre_code = $1 AND a.session_date BETWEEN $2 AND $3
        AND NOT EXISTS (SELECT 1 FROM casework.session_attendance b
                         WHERE b.session_code = a.session_code AND b.session_date = a.session_date AND b.cadre_code = a.cadre_code
                           AND (b.recorded_at, b.id) > (a.recorded_at, a.id))`,
    [cadre, first, last],
  );
  return { rostered: rostered.rows[0].n, attended: latest.rows[0].attended, absent: latest.rows[0].absent };
}

/**
 * A cadre's inspection result (一听二看三查) for first..last from the
 * case-worker's own table (casework.inspections) alone: how many, the mean of
 * the part scores' mean per inspection rounded to whole points, averaged and
 * rounded to a tenth, graded by the plan's thresholds — written out here in
 * SQL, not taken from shared code — and the last date; null when not inspected.
 */
export async function expectedInspection(db: Db, cadre: string, first: string, last: string): Promise<{ count: number; score: number; grade: string; lastDate: string } | null> {
  const { rows } = await db.query(
    `WITH each AS (
       SELECT inspected_on, round((listen_score + look_score + check_score) / 3.0) AS score
         FROM casework.inspections WHERE cadre_code = $1 AND inspected_on BETWEEN $2 AND $3
     ), result AS (SELECT count(*)::int AS count, round(avg(score), 1)::float AS score, to_char(max(inspected_on), 'YYYY-MM-DD') AS last_date FROM each)
     SELECT count, score, last_date,
            CASE WHEN score >= 90 THEN 'excellent' WHEN score >= 75 THEN 'good' WHEN score >= 60 THEN 'pass' ELSE 'fail' END AS grade
       FROM result WHERE count > 0`,
    [cadre, first, last],
  );
  const r = rows[0];
  return r ? { count: r.count, score: r.score, grade: r.grade, lastDate: r.last_date } : null;
}
