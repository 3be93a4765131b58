/** Duty performance (履职) from work records, democratic appraisal scores, and the composite score. */
import type { DutyFigures, Pool } from '@minqing/shared';


export class EvaluationRepository {
  constructor(private readonly pool: Pool) {}

  /** Per cadre, for local dates first..last inclusive. */
  async duty(first: string, last: string, cadre?: string): Promise<DutyFigures[]> {
    const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000 + 1;
    const weeks = days / 7;
    const { rows } = await this.pool.query(
      `WITH w AS (SELECT * FROM reporting.work_facts WHERE work_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR cadre_code = $3)),
            plan AS (
              SELECT cadre_code, count(*)::int AS weeks_ok FROM (
                SELECT cadre_code, date_trunc('week', work_date) AS wk, count(DISTINCT work_date) AS d FROM w GROUP BY 1, 2
              ) x WHERE d >= 3 GROUP BY cadre_code)
       SELECT w.cadre_code, max(w.department_code) AS department_code,
              count(DISTINCT w.work_date)::int AS days,
              count(*) FILTER (WHERE kind = 'visit')::int AS visits,
              count(*) FILTER (WHERE kind = 'visit' AND linked_household)::int AS visits_linked,
              count(*) FILTER (WHERE kind = 'visit' AND key_household)::int AS visits_key,
              count(DISTINCT household_code) FILTER (WHERE kind = 'visit')::int AS households,
              count(*) FILTER (WHERE kind = 'diary')::int AS diary,
              count(*) FILTER (WHERE kind = 'household_file')::int AS files,
              coalesce(max(plan.weeks_ok), 0)::int AS weeks_ok
         FROM w LEFT JOIN plan ON plan.cadre_code = w.cadre_code
        GROUP BY w.cadre_code ORDER BY w.cadre_code`,
      [first, last, cadre ?? null],
    );
    return rows.map((r) => ({
      cadreCode: r.cadre_code,
      departmentCode: r.department_code,
      daysWithWork: r.days,
      weeks: Math.round(weeks * 100) / 100,
      daysPerWeek: Math.round((r.days / weeks) * 100) / 100,
      weeksMeetingPlan: r.weeks_ok,
      visits: r.visits,
      visitsToLinkedHouseholds: r.visits_linked,
      visitsToKeyHouseholds: r.visits_key,
      householdsVisited: r.households,
      diaryEntries: r.diary,
      householdFilesUpdated: r.files,
    }));
  }

  async saveAppraisal(a: { period: string; subjectType: string; subjectCode: string; appraiserGroup: string; score: number; enteredBy: string }): Promise<void> {
    await this.pool.query(
      `INSERT INTO reporting.appraisals (period, subject_type, subject_code, appraiser_group, score, entered_by)
       VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (period, subject_type, subject_code, appraiser_group) DO UPDATE SET score = EXCLUDED.score, entered_by = EXCLUDED.entered_by, entered_at = now()`,
      [a.period, a.subjectType, a.subjectCode, a.appraiserGroup, a.score, a.enteredBy],
    );
  }

  async appraisals(period: string) {
    const { rows } = await this.pool.query(
      `SELECT period, subject_type AS "subjectType", subject_code AS "subjectCode", appraiser_group AS "appraiserGroup",
              score::float AS score, entered_by AS "enteredBy", entered_at AS "enteredAt"
         FROM reporting.appraisals WHERE period = $1 ORDER BY subject_type, subject_code, appraiser_group`,
      [period],
    );
    return rows;
  }
}
