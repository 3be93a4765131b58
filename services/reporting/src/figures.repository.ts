/**
 * The service-performance figures over the projected case facts, per group
 * (township, area, department, village, cadre), for cases opened in a period
 * and optionally one category. Each count has a predicate below, and the same
 * predicate lists the cases behind it (drill-down).
 */
import { FIGURE_DEFINITIONS, StatusGroup, type FigureName, type GroupBy, type Pool } from '@minqing/shared';

const GROUP_EXPR: Record<GroupBy, string> = {
  township: `'township'`,
  area: `coalesce(area_code, '(none)')`,
  department: `coalesce(department_code, '(none)')`,
  village: `coalesce(village_code, '(none)')`,
  cadre: `coalesce(assignee_code, '(unassigned)')`,
};

/** Ended without an answer to the resident (withdrawn, rejected, merged). */
const ENDED_UNANSWERED = StatusGroup.endedUnanswered;

/** reporting.case_facts of a period with their group and `ended_unanswered`, as `f`; parameters appended to `params`. */
function facts(groupBy: GroupBy, period: Period, params: unknown[]): string {
  params.push(ENDED_UNANSWERED);
  const ended = `status = ANY($${params.length}::text[]) AS ended_unanswered`;
  const where = filter(period, params);
  return `WITH f AS (SELECT *, ${GROUP_EXPR[groupBy]} AS grp, ${ended} FROM reporting.case_facts ${where})`;
}

const ELIGIBLE = `(routed_at IS NOT NULL AND NOT (ended_unanswered AND accepted_at IS NULL))`;

/** figure → predicate over `f`: reporting.case_facts as `facts` gives them */
export const PREDICATES: Record<FigureName, string> = {
  cases: 'true',
  eligible: ELIGIBLE,
  accepted: `${ELIGIBLE} AND accepted_at IS NOT NULL`,
  acceptedOnTime: `${ELIGIBLE} AND accepted_on_time IS TRUE`,
  resolved: `${ELIGIBLE} AND resolved_at IS NOT NULL`,
  resolvedOnTime: `${ELIGIBLE} AND resolved_on_time IS TRUE`,
  rated: 'satisfaction IS NOT NULL',
  satisfied: `satisfaction = 'satisfied'`,
  basicallySatisfied: `satisfaction = 'basically_satisfied'`,
  dissatisfied: `satisfaction = 'dissatisfied'`,
  returned: `${ELIGIBLE} AND returns > 0`,
  reopened: `resolved_at IS NOT NULL AND reopens > 0`,
};

export interface Period {
  from?: string;
  to?: string;
  category?: string;
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** numerator / denominator, 4 decimals; null when the denominator is 0 */
  value: number | null;
}

export interface GroupFigures {
  key: string;
  counts: Record<FigureName, number>;
  rates: {
    signFor: Rate;
    onTimeSignFor: Rate;
    resolution: Rate;
    onTimeResolution: Rate;
    satisfaction: Rate;
    returns: Rate;
    reopens: Rate;
  };
  escalations: { level1: number; level2: number; level3: number };
  minutesToAccept: { median: number | null; p90: number | null };
  minutesToResolve: { median: number | null; p90: number | null };
}

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000,
});

function filter(p: Period, params: unknown[]): string {
  const w: string[] = [];
  if (p.from) {
    params.push(p.from);
    w.push(`opened_at >= $${params.length}`);
  }
  if (p.to) {
    params.push(p.to);
    w.push(`opened_at < $${params.length}`);
  }
  if (p.category) {
    params.push(p.category);
    w.push(`category = $${params.length}`);
  }
  return w.length ? `WHERE ${w.join(' AND ')}` : '';
}

export class FiguresRepository {
  constructor(private readonly pool: Pool) {}

  async figures(groupBy: GroupBy, period: Period): Promise<GroupFigures[]> {
    const params: unknown[] = [];
    const f = facts(groupBy, period, params);
    const counts = Object.entries(PREDICATES).map(([name, pred]) => `count(*) FILTER (WHERE ${pred})::int AS "${name}"`).join(',\n');
    const { rows } = await this.pool.query(
      `${f}
       SELECT grp, ${counts},
         percentile_disc(0.5) WITHIN GROUP (ORDER BY minutes_to_accept) AS accept_p50,
         percentile_disc(0.9) WITHIN GROUP (ORDER BY minutes_to_accept) AS accept_p90,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY minutes_to_resolve) AS resolve_p50,
         percentile_disc(0.9) WITHIN GROUP (ORDER BY minutes_to_resolve) AS resolve_p90,
         (SELECT count(*) FROM reporting.escalations e WHERE e.case_id IN (SELECT case_id FROM f f2 WHERE f2.grp = f.grp) AND e.level = 1)::int AS esc1,
         (SELECT count(*) FROM reporting.escalations e WHERE e.case_id IN (SELECT case_id FROM f f2 WHERE f2.grp = f.grp) AND e.level = 2)::int AS esc2,
         (SELECT count(*) FROM reporting.escalations e WHERE e.case_id IN (SELECT case_id FROM f f2 WHERE f2.grp = f.grp) AND e.level = 3)::int AS esc3
       FROM f GROUP BY grp ORDER BY grp`,
      params,
    );
    const w = FIGURE_DEFINITIONS.satisfactionWeights;
    return rows.map((r) => {
      const c = r as Record<FigureName, number>;
      // Weighted satisfaction as an exact fraction: weights are tenths, so scale by 10.
      const weighted = Math.round((c.satisfied * w.satisfied + c.basicallySatisfied * w.basically_satisfied + c.dissatisfied * w.dissatisfied) * 10);
      const sat = rate(weighted, c.rated * 10);
      return {
        key: r.grp,
        counts: Object.fromEntries(Object.keys(PREDICATES).map((k) => [k, r[k]])) as Record<FigureName, number>,
        rates: {
          signFor: rate(c.accepted, c.eligible),
          onTimeSignFor: rate(c.acceptedOnTime, c.eligible),
          resolution: rate(c.resolved, c.eligible),
          onTimeResolution: rate(c.resolvedOnTime, c.eligible),
          satisfaction: { ...sat, numerator: sat.numerator / 10, denominator: c.rated },
          returns: rate(c.returned, c.eligible),
          reopens: rate(c.reopened, c.resolved),
        },
        escalations: { level1: r.esc1, level2: r.esc2, level3: r.esc3 },
        minutesToAccept: { median: r.accept_p50, p90: r.accept_p90 },
        minutesToResolve: { median: r.resolve_p50, p90: r.resolve_p90 },
      };
    });
  }

  /** The cases behind one count of one group. */
  async cases(groupBy: GroupBy, key: string, figure: FigureName, period: Period, limit: number, offset: number) {
    const params: unknown[] = [];
    const f = facts(groupBy, period, params);
    params.push(key, limit, offset);
    const n = params.length;
    const { rows } = await this.pool.query(
      `${f}
       SELECT case_id, tracking_code, category, status, opened_at, count(*) OVER () AS total
         FROM f WHERE grp = $${n - 2} AND ${PREDICATES[figure]}
        ORDER BY opened_at, case_id LIMIT $${n - 1} OFFSET $${n}`,
      params,
    );
    return {
      total: Number(rows[0]?.total ?? 0),
      items: rows.map((r) => ({ caseId: r.case_id, trackingCode: r.tracking_code, category: r.category, status: r.status, openedAt: r.opened_at.toISOString() })),
    };
  }
}
