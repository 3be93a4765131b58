/**
 * Duty performance (履职) from work records — per role and kind of the plan's
 * six roles, and the grassroots-days rule (每周下基层不少于3天) week by week —
 * democratic appraisal scores, and the composite score. Which kinds count as a
 * day at the grassroots, and which weeks a period judges, are the shared table
 * and rule (work-kinds.ts): passed to the SQL, never listed in it.
 */
import {
  DEFAULT_CALENDAR, GRASSROOTS_KINDS, localDateOf, roleOfKind, ruleWeeks, weekStatus, WORK_KIND_NAMES, WORK_ROLES,
  type DutyFigures, type Pool, type WorkKind, type WorkRole,
} from '@minqing/shared';

const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export interface DutyOptions {
  /** one cadre only */
  cadre?: string;
  /** also every cadre of the roster who recorded nothing (they miss the rule all the same) */
  roster?: boolean;
  /** the township's local date today: weeks not over yet are open (default: now) */
  today?: string;
}

export class EvaluationRepository {
  constructor(private readonly pool: Pool) {}

  /** Per cadre, for local dates first..last inclusive. */
  async duty(first: string, last: string, opts: DutyOptions = {}): Promise<DutyFigures[]> {
    const days = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000 + 1;
    const weeks = days / 7;
    const today = opts.today ?? localDateOf(new Date(), DEFAULT_CALENDAR);
    const cadre = opts.cadre ?? null;
    const rule = ruleWeeks(first, last);
    const [totals, kinds, grassroots, roster] = await Promise.all([
      this.pool.query(
        `SELECT cadre_code, max(department_code) AS department_code,
                count(DISTINCT work_date)::int AS days,
                count(DISTINCT work_date) FILTER (WHERE kind = ANY($4::text[]))::int AS grassroots_days,
                count(*) FILTER (WHERE kind = 'visit')::int AS visits,
                count(*) FILTER (WHERE kind = 'visit' AND linked_household)::int AS visits_linked,
                count(*) FILTER (WHERE kind = 'visit' AND key_household)::int AS visits_key,
                count(DISTINCT household_code) FILTER (WHERE kind = 'visit')::int AS households,
                count(*) FILTER (WHERE kind = 'diary')::int AS diary,
                count(*) FILTER (WHERE kind = 'household_file')::int AS files
           FROM reporting.work_facts WHERE work_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR cadre_code = $3)
          GROUP BY cadre_code`,
        [first, last, cadre, GRASSROOTS_KINDS],
      ),
      this.pool.query<{ cadre_code: string; kind: WorkKind; role: WorkRole | null; n: number }>(
        `SELECT cadre_code, kind, role, count(*)::int AS n FROM reporting.work_facts
          WHERE work_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR cadre_code = $3) GROUP BY 1, 2, 3`,
        [first, last, cadre],
      ),
      // the rule judges whole weeks, so its days may lie just outside the period
      this.pool.query<{ cadre_code: string; department_code: string | null; day: string }>(
        `SELECT cadre_code, max(department_code) AS department_code, to_char(work_date, 'YYYY-MM-DD') AS day FROM reporting.work_facts
          WHERE work_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR cadre_code = $3) AND kind = ANY($4::text[]) GROUP BY 1, 3`,
        [rule[0]!.first, rule[rule.length - 1]!.last, cadre, GRASSROOTS_KINDS],
      ),
      opts.roster
        ? this.pool.query<{ code: string; department_code: string | null }>('SELECT code, department_code FROM directory.cadres WHERE ($1::text IS NULL OR code = $1)', [cadre])
        : Promise.resolve({ rows: [] as { code: string; department_code: string | null }[] }),
    ]);

    const byCode = new Map<string, { departmentCode: string | null; totals?: Record<string, number> }>();
    const see = (code: string, departmentCode: string | null) => {
      if (!byCode.has(code)) byCode.set(code, { departmentCode });
      return byCode.get(code)!;
    };
    for (const r of totals.rows) Object.assign(see(r.cadre_code, r.department_code), { departmentCode: r.department_code, totals: r });
    if (opts.roster) {
      // whoever the rule judges: days at the grassroots in the period's weeks, or no record at all
      for (const r of grassroots.rows) see(r.cadre_code, r.department_code);
      for (const r of roster.rows) see(r.code, r.department_code);
    }
    const kindsOf = new Map<string, typeof kinds.rows>();
    for (const k of kinds.rows) {
      if (!kindsOf.has(k.cadre_code)) kindsOf.set(k.cadre_code, []);
      kindsOf.get(k.cadre_code)!.push(k);
    }
    const daysOf = new Map<string, Set<string>>();
    for (const r of grassroots.rows) daysOf.set(r.cadre_code, (daysOf.get(r.cadre_code) ?? new Set()).add(r.day));

    return [...byCode.keys()].sort().map((code) => {
      const { departmentCode, totals: t } = byCode.get(code)!;
      const n = (k: string) => t?.[k] ?? 0;
      const byRole = zeros(WORK_ROLES);
      const byKind = zeros(WORK_KIND_NAMES);
      for (const k of kindsOf.get(code) ?? []) {
        if (!(k.kind in byKind)) continue;
        byKind[k.kind] += k.n;
        // a fact projected before its role (a rebuild is filling it) has its kind's
        byRole[k.role ?? roleOfKind(k.kind)] += k.n;
      }
      const dates = [...(daysOf.get(code) ?? [])];
      const perWeek = rule.map((w) => {
        const d = dates.filter((day) => day >= w.first && day <= w.last).length;
        return { week: w.week, days: d, status: weekStatus(d, w, today) };
      });
      return {
        cadreCode: code,
        departmentCode,
        daysWithWork: n('days'),
        weeks: Math.round(weeks * 100) / 100,
        daysPerWeek: Math.round((n('days') / weeks) * 100) / 100,
        weeksMeetingPlan: perWeek.filter((w) => w.status === 'met').length,
        visits: n('visits'),
        visitsToLinkedHouseholds: n('visits_linked'),
        visitsToKeyHouseholds: n('visits_key'),
        householdsVisited: n('households'),
        diaryEntries: n('diary'),
        householdFilesUpdated: n('files'),
        byRole,
        byKind,
        grassrootsDays: n('grassroots_days'),
        grassrootsWeeks: perWeek,
        weeksMissingPlan: perWeek.filter((w) => w.status === 'missed').length,
      };
    });
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
