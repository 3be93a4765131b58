/**
 * Plan figures (issue 13) recomputed independently for integration tests: plain
 * SQL over the case API's own table of items as they stand
 * (directory.plan_items), to compare with what the reporting service projects
 * from the plan item events (reporting.plan_facts, each item's latest revision).
 */
type Db = { query(sql: string, params: unknown[]): Promise<{ rows: any[] }> };

export interface ExpectedPlanRow {
  planId: string;
  due: number;
  doneOnTime: number;
  doneLate: number;
  overdue: number;
  open: number;
  dropped: number;
}

/** Per plan of `planIds`, its items due first..last: done on or before the due date, after it, open past it (on `today`), open before it, dropped. */
export async function expectedPlanFigures(db: Db, planIds: string[], first: string, last: string, today: string): Promise<ExpectedPlanRow[]> {
  const { rows } = await db.query(
    `SELECT plan_id::text AS "planId", count(*)::int AS due,
            sum(CASE WHEN status = 'done' AND done_on <= due_date THEN 1 ELSE 0 END)::int AS "doneOnTime",
            sum(CASE WHEN status = 'done' AND done_on > due_date THEN 1 ELSE 0 END)::int AS "doneLate",
            sum(CASE WHEN status IN ('planned', 'in_progress') AND due_date < $4::date THEN 1 ELSE 0 END)::int AS overdue,
            sum(CASE WHEN status IN ('planned', 'in_progress') AND due_date >= $4::date THEN 1 ELSE 0 END)::int AS open,
            sum(CASE WHEN status = 'dropped' THEN 1 ELSE 0 END)::int AS dropped
       FROM directory.plan_items WHERE plan_id = ANY($1::uuid[]) AND due_date BETWEEN $2::date AND $3::date
      GROUP BY plan_id ORDER BY plan_id`,
    [planIds, first, last, today],
  );
  return rows;
}

/** One owner's plan items in their duty line for first..last: due (not dropped), done on time, late, overdue, and done in the period. */
export async function expectedPlanDuty(db: Db, owner: string, first: string, last: string, today: string) {
  const { rows } = await db.query(
    `SELECT
       (SELECT count(*) FROM directory.plan_items WHERE owner_code = $1 AND due_date BETWEEN $2 AND $3 AND status <> 'dropped')::int AS due,
       (SELECT count(*) FROM directory.plan_items WHERE owner_code = $1 AND due_date BETWEEN $2 AND $3 AND status = 'done' AND done_on <= due_date)::int AS "doneOnTime",
       (SELECT count(*) FROM directory.plan_items WHERE owner_code = $1 AND due_date BETWEEN $2 AND $3 AND status = 'done' AND done_on > due_date)::int AS "doneLate",
       (SELECT count(*) FROM directory.plan_items WHERE owner_code = $1 AND due_date BETWEEN $2 AND $3 AND status IN ('planned', 'in_progress') AND due_date < $4::date)::int AS overdue,
       (SELECT count(*) FROM directory.plan_items WHERE owner_code = $1 AND status = 'done' AND done_on BETWEEN $2 AND $3)::int AS done`,
    [owner, first, last, today],
  );
  return rows[0] as { due: number; doneOnTime: number; doneLate: number; overdue: number; done: number };
}
