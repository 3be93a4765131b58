/**
 * Duty performance (履职) from work records — per role and kind of the plan's
 * six roles, and the grassroots-days rule (每周下基层不少于3天) week by week —
 * democratic appraisal scores, and the composite score. Which kinds count as a
 * day at the grassroots, and which weeks a period judges, are the shared table
 * and rule (work-kinds.ts): passed to the SQL, never listed in it.
 */
import {
  DEFAULT_CALENDAR, GRASSROOTS_KINDS, localDateOf, roleOfKind, ruleWeeks, sessionOccurrences, weekStatus, WORK_KIND_NAMES, WORK_ROLES,
  inspectionResult, NO_PLAN_DUTY, completionRate, type DutyFigures, type PlanDuty, type PlanFiguresRow, type PlanKind, type InspectionGrade, type Pool, type WorkKind, type WorkRole,
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
    const [totals, kinds, grassroots, roster, attendance, duty] = await Promise.all([
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
      // market-day duty (双定): the latest record per session, date and cadre counts (a later one corrects)
      this.pool.query<{ cadre_code: string; department_code: string | null; attended: number; absent: number }>(
        `SELECT cadre_code, max(department_code) AS department_code,
                count(*) FILTER (WHERE status = 'arrived')::int AS attended, count(*) FILTER (WHERE status = 'absent')::int AS absent
           FROM (SELECT DISTINCT ON (session_code, session_date, cadre_code) cadre_code, department_code, status
                   FROM reporting.attendance_facts WHERE session_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR cadre_code = $3)
                  ORDER BY session_code, session_date, cadre_code, recorded_at DESC, event_id DESC) latest
          GROUP BY cadre_code`,
        [first, last, cadre],
      ),
      this.pool.query<{ cadre_code: string; weekday: number }>(
        `SELECT d.cadre_code, s.weekday FROM directory.session_duty d JOIN directory.sessions s ON s.code = d.session_code WHERE ($1::text IS NULL OR d.cadre_code = $1)`,
        [cadre],
      ),
    ]);

    const byCode = new Map<string, { departmentCode: string | null; totals?: Record<string, number> }>();
    const see = (code: string, departmentCode: string | null) => {
      if (!byCode.has(code)) byCode.set(code, { departmentCode });
      return byCode.get(code)!;
    };
    for (const r of totals.rows) Object.assign(see(r.cadre_code, r.department_code), { departmentCode: r.department_code, totals: r });
    const attendanceOf = new Map(attendance.rows.map((r) => [r.cadre_code, r]));
    for (const r of attendance.rows) see(r.cadre_code, r.department_code);
    // rostered: the sessions' occurrences up to today, a holiday's cancelled market not counted (the calendar)
    const upTo = last < today ? last : today;
    const rosteredOf = new Map<string, number>();
    for (const r of duty.rows) {
      const held = first <= upTo ? sessionOccurrences(r.weekday, first, upTo, DEFAULT_CALENDAR).filter((o) => !o.cancelled).length : 0;
      rosteredOf.set(r.cadre_code, (rosteredOf.get(r.cadre_code) ?? 0) + held);
    }
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

    const inspectionOf = await this.inspections(first, last, cadre);
    const planOf = await this.planDuty(first, last, today, cadre);
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
        inspection: inspectionOf.get(code) ?? null,
        plans: planOf.get(code) ?? NO_PLAN_DUTY,
        marketDays: { rostered: rosteredOf.get(code) ?? 0, attended: attendanceOf.get(code)?.attended ?? 0, absent: attendanceOf.get(code)?.absent ?? 0 },
      };
    });
  }

  /**
   * Per cadre, their inspections (一听二看三查) dated first..last: how many, the
   * mean score and its grade (the shared scale), and the last date.
   */
  async inspections(first: string, last: string, cadre: string | null = null): Promise<Map<string, { count: number; score: number; grade: InspectionGrade; lastDate: string }>> {
    const { rows } = await this.pool.query<{ cadre_code: string; scores: number[]; last_date: string }>(
      `SELECT cadre_code, array_agg(score ORDER BY inspected_on) AS scores, to_char(max(inspected_on), 'YYYY-MM-DD') AS last_date
         FROM reporting.inspection_facts WHERE inspected_on BETWEEN $1 AND $2 AND ($3::text IS NULL OR cadre_code = $3) GROUP BY cadre_code`,
      [first, last, cadre],
    );
    const out = new Map<string, { count: number; score: number; grade: InspectionGrade; lastDate: string }>();
    for (const r of rows) {
      const result = inspectionResult(r.scores);
      if (result) out.set(r.cadre_code, { ...result, lastDate: r.last_date });
    }
    return out;
  }

  /**
   * Per owner, their plan items (片区工作计划, 年度服务计划) as each item's latest
   * revision has it: due first..last (not dropped) — done on time, done late,
   * overdue on `today` —, and done first..last whenever due.
   */
  async planDuty(first: string, last: string, today: string, cadre: string | null = null): Promise<Map<string, PlanDuty>> {
    const { rows } = await this.pool.query<{ owner_code: string } & PlanDuty>(
      `SELECT owner_code,
              count(*) FILTER (WHERE due_date BETWEEN $1 AND $2 AND status <> 'dropped')::int AS due,
              count(*) FILTER (WHERE due_date BETWEEN $1 AND $2 AND status = 'done' AND done_on <= due_date)::int AS "doneOnTime",
              count(*) FILTER (WHERE due_date BETWEEN $1 AND $2 AND status = 'done' AND done_on > due_date)::int AS "doneLate",
              count(*) FILTER (WHERE due_date BETWEEN $1 AND $2 AND status IN ('planned', 'in_progress') AND due_date < $3::date)::int AS overdue,
              count(*) FILTER (WHERE status = 'done' AND done_on BETWEEN $1 AND $2)::int AS done
         FROM (SELECT DISTINCT ON (item_id) * FROM reporting.plan_facts ORDER BY item_id, revision DESC) latest
        WHERE ($4::text IS NULL OR owner_code = $4)
        GROUP BY owner_code`,
      [first, last, today, cadre],
    );
    return new Map(rows.map(({ owner_code, ...d }) => [owner_code, d]));
  }

  /**
   * Per plan, its items due first..last as each item's latest revision has it:
   * done on time, done late, overdue on `today`, open and not yet due, dropped.
   * Only plans with an item due in the period; `scope` narrows to a kind, areas or a department.
   */
  async planFigures(first: string, last: string, today: string, scope: { kind?: PlanKind; areaCodes?: string[]; departmentCode?: string }): Promise<PlanFiguresRow[]> {
    const { rows } = await this.pool.query(
      `SELECT plan_id, plan_kind, plan_year, area_code, department_code,
              count(*)::int AS due,
              count(*) FILTER (WHERE status = 'done' AND done_on <= due_date)::int AS done_on_time,
              count(*) FILTER (WHERE status = 'done' AND done_on > due_date)::int AS done_late,
              count(*) FILTER (WHERE status IN ('planned', 'in_progress') AND due_date < $3::date)::int AS overdue,
              count(*) FILTER (WHERE status IN ('planned', 'in_progress') AND due_date >= $3::date)::int AS open,
              count(*) FILTER (WHERE status = 'dropped')::int AS dropped
         FROM (SELECT DISTINCT ON (item_id) * FROM reporting.plan_facts ORDER BY item_id, revision DESC) latest
        WHERE due_date BETWEEN $1 AND $2
          AND ($4::text IS NULL OR plan_kind = $4)
          AND ($5::text[] IS NULL OR (plan_kind = 'area' AND area_code = ANY($5::text[])))
          AND ($6::text IS NULL OR (plan_kind = 'department' AND department_code = $6))
        GROUP BY plan_id, plan_kind, plan_year, area_code, department_code
        ORDER BY plan_kind, coalesce(area_code, department_code), plan_year, plan_id`,
      [first, last, today, scope.kind ?? null, scope.areaCodes ?? null, scope.departmentCode ?? null],
    );
    return rows.map((r) => {
      const row = { due: r.due, doneOnTime: r.done_on_time, doneLate: r.done_late, overdue: r.overdue, open: r.open, dropped: r.dropped };
      return { planId: r.plan_id, kind: r.plan_kind, year: r.plan_year, areaCode: r.area_code, departmentCode: r.department_code, ...row, completionRate: completionRate(row) };
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
