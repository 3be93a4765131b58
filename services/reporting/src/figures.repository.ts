/**
 * The service-performance figures over the projected case facts, per group
 * (township, area, department, village, cadre), for cases opened in a period
 * and optionally one category, computed with one version of the figure
 * definitions (shared figures.ts): each count of a version names a rule, each
 * rule has one SQL predicate here, and the same predicate lists what is behind
 * the count (drill-down). Case rules count reporting.case_facts; callback rules
 * count reporting.callbacks (every 回访) of those cases, grouped by the
 * attribution each callback was recorded with.
 */
import {
  COUNT_RULES, DomainError, FIGURE_DEFINITIONS, figureNamesOf, ProblemType, RATE_NAMES, StatusGroup,
  type CountRule, type FigureDefinitions, type FigureName, type GroupBy, type Pool, type RateName,
} from '@minqing/shared';

/** The group of a row of case_facts, callbacks or resolutions (they share the attribution columns). */
const GROUP_EXPR: Record<GroupBy, string> = {
  township: `'township'`,
  area: `coalesce(area_code, '(none)')`,
  department: `coalesce(department_code, '(none)')`,
  village: `coalesce(village_code, '(none)')`,
  cadre: `coalesce(assignee_code, '(unassigned)')`,
};

/** Ended without an answer to the resident (withdrawn, rejected, merged). */
const ENDED_UNANSWERED = StatusGroup.endedUnanswered;

/**
 * reporting.case_facts of a period with their group, `ended_unanswered` and
 * `ever_resolved`, as `f`; and their callbacks with the callback's group, as
 * `cb`. Parameters are appended to `params`.
 */
function facts(groupBy: GroupBy, period: Period, params: unknown[]): string {
  params.push(ENDED_UNANSWERED);
  const ended = `status = ANY($${params.length}::text[]) AS ended_unanswered`;
  const ever = `EXISTS (SELECT 1 FROM reporting.resolutions r WHERE r.case_id = case_facts.case_id) AS ever_resolved`;
  const where = filter(period, params);
  return `WITH f AS (SELECT *, ${GROUP_EXPR[groupBy]} AS grp, ${ended}, ${ever} FROM reporting.case_facts ${where}),
  cb AS (SELECT c.*, ${GROUP_EXPR[groupBy]} AS grp FROM reporting.callbacks c WHERE c.case_id IN (SELECT case_id FROM f))`;
}

/** Routed, and not withdrawn/rejected/merged before anyone signed for it: after a sign-for it stays (withdrawn_after_sign_for_stays). */
const ELIGIBLE = `(routed_at IS NOT NULL AND NOT (ended_unanswered AND accepted_at IS NULL))`;

/** rule → predicate: over `f` for a case rule, over `cb` for a callback rule (COUNT_RULES[rule].unit) */
export const RULE_SQL: Record<CountRule, string> = {
  all_cases: 'true',
  eligible: ELIGIBLE,
  accepted: `${ELIGIBLE} AND accepted_at IS NOT NULL`,
  accepted_on_time: `${ELIGIBLE} AND accepted_on_time IS TRUE`,
  resolved_now: `${ELIGIBLE} AND resolved_at IS NOT NULL`,
  resolved_now_on_time: `${ELIGIBLE} AND resolved_on_time IS TRUE`,
  resolved_ever: `${ELIGIBLE} AND ever_resolved`,
  rated_case_latest: 'satisfaction IS NOT NULL',
  satisfied_case_latest: `satisfaction = 'satisfied'`,
  basically_satisfied_case_latest: `satisfaction = 'basically_satisfied'`,
  dissatisfied_case_latest: `satisfaction = 'dissatisfied'`,
  rated_every_callback: 'true',
  satisfied_every_callback: `satisfaction = 'satisfied'`,
  basically_satisfied_every_callback: `satisfaction = 'basically_satisfied'`,
  dissatisfied_every_callback: `satisfaction = 'dissatisfied'`,
  returned: `${ELIGIBLE} AND returns > 0`,
  reopened_resolved_now: `resolved_at IS NOT NULL AND reopens > 0`,
  reopened_resolved_ever: `${ELIGIBLE} AND ever_resolved AND reopens > 0`,
};

/** The counts of a version that count cases and those that count callbacks, with their rules. */
function countsByUnit(defs: FigureDefinitions) {
  const all = figureNamesOf(defs).map((name) => ({ name, rule: defs.counts[name]! }));
  return { cases: all.filter((c) => COUNT_RULES[c.rule].unit === 'case'), callbacks: all.filter((c) => COUNT_RULES[c.rule].unit === 'callback') };
}

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
  /** the counts of the definitions version used */
  counts: Partial<Record<FigureName, number>>;
  rates: Record<RateName, Rate>;
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

  /** The figures of every group, computed with `defs` (the current definitions unless a report was frozen with others). */
  async figures(groupBy: GroupBy, period: Period, defs: FigureDefinitions = FIGURE_DEFINITIONS): Promise<GroupFigures[]> {
    const params: unknown[] = [];
    const f = facts(groupBy, period, params);
    const { cases, callbacks } = countsByUnit(defs);
    const caseCounts = cases.map((c) => `count(*) FILTER (WHERE ${RULE_SQL[c.rule]})::int AS "${c.name}"`).join(',\n');
    const callbackCounts = callbacks.map((c) => `count(*) FILTER (WHERE ${RULE_SQL[c.rule]})::int AS "${c.name}"`).join(',\n');
    // Case counts per group, and callback counts per group of the callback (a group may have only one of them).
    const { rows } = await this.pool.query(
      `${f},
       cs AS (
         SELECT grp, ${caseCounts},
           percentile_disc(0.5) WITHIN GROUP (ORDER BY minutes_to_accept) AS accept_p50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY minutes_to_accept) AS accept_p90,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY minutes_to_resolve) AS resolve_p50,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY minutes_to_resolve) AS resolve_p90,
           (SELECT count(*) FROM reporting.escalations e WHERE e.case_id IN (SELECT case_id FROM f f2 WHERE f2.grp = f.grp) AND e.level = 1)::int AS esc1,
           (SELECT count(*) FROM reporting.escalations e WHERE e.case_id IN (SELECT case_id FROM f f2 WHERE f2.grp = f.grp) AND e.level = 2)::int AS esc2,
           (SELECT count(*) FROM reporting.escalations e WHERE e.case_id IN (SELECT case_id FROM f f2 WHERE f2.grp = f.grp) AND e.level = 3)::int AS esc3
         FROM f GROUP BY grp)
       ${callbacks.length
         ? `, cbs AS (SELECT grp, ${callbackCounts} FROM cb GROUP BY grp)
            SELECT grp, ${[...cases.map((c) => c.name), 'esc1', 'esc2', 'esc3'].map((n) => `coalesce(cs."${n}", 0) AS "${n}"`).join(', ')},
                   ${callbacks.map((c) => `coalesce(cbs."${c.name}", 0) AS "${c.name}"`).join(', ')},
                   accept_p50, accept_p90, resolve_p50, resolve_p90
              FROM cs FULL JOIN cbs USING (grp) ORDER BY grp`
         : 'SELECT * FROM cs ORDER BY grp'}`,
      params,
    );
    const w = defs.satisfactionWeights;
    return rows.map((r) => {
      const c = r as Record<FigureName, number>;
      const rateOf = (name: RateName): Rate => {
        const { numerator, denominator } = defs.rates[name];
        if (numerator !== 'weightedSatisfaction') return rate(c[numerator], c[denominator]);
        // Weighted satisfaction as an exact fraction: weights are tenths, so scale by 10.
        const weighted = Math.round((c.satisfied * w.satisfied + c.basicallySatisfied * w.basically_satisfied + c.dissatisfied * w.dissatisfied) * 10);
        const sat = rate(weighted, c[denominator] * 10);
        return { ...sat, numerator: sat.numerator / 10, denominator: c[denominator] };
      };
      return {
        key: r.grp,
        counts: Object.fromEntries(figureNamesOf(defs).map((k) => [k, r[k]])),
        rates: Object.fromEntries(RATE_NAMES.map((name) => [name, rateOf(name)])) as Record<RateName, Rate>,
        escalations: { level1: r.esc1, level2: r.esc2, level3: r.esc3 },
        minutesToAccept: { median: r.accept_p50 ?? null, p90: r.accept_p90 ?? null },
        minutesToResolve: { median: r.resolve_p50 ?? null, p90: r.resolve_p90 ?? null },
      };
    });
  }

  /** What is behind one count of one group: its cases, or for a count of callbacks one item per callback. */
  async cases(groupBy: GroupBy, key: string, figure: FigureName, period: Period, limit: number, offset: number, defs: FigureDefinitions = FIGURE_DEFINITIONS) {
    const rule = defs.counts[figure];
    if (!rule) throw new DomainError(ProblemType.validation, 400, 'Invalid request', `the figure definitions ${defs.version} have no count ${figure}`);
    const params: unknown[] = [];
    const f = facts(groupBy, period, params);
    params.push(key, limit, offset);
    const n = params.length;
    const perCallback = COUNT_RULES[rule].unit === 'callback';
    const { rows } = await this.pool.query(
      perCallback
        ? `${f}
           SELECT f.case_id, f.tracking_code, f.category, f.status, f.opened_at, x.at AS callback_at, count(*) OVER () AS total
             FROM (SELECT * FROM cb WHERE grp = $${n - 2} AND ${RULE_SQL[rule]}) x JOIN f ON f.case_id = x.case_id
            ORDER BY f.opened_at DESC, f.case_id DESC, x.at, x.event_id LIMIT $${n - 1} OFFSET $${n}`
        : `${f}
           SELECT case_id, tracking_code, category, status, opened_at, count(*) OVER () AS total
             FROM f WHERE grp = $${n - 2} AND ${RULE_SQL[rule]}
            ORDER BY opened_at DESC, case_id DESC LIMIT $${n - 1} OFFSET $${n}`,
      params,
    );
    return {
      total: Number(rows[0]?.total ?? 0),
      items: rows.map((r) => ({
        caseId: r.case_id, trackingCode: r.tracking_code, category: r.category, status: r.status, openedAt: r.opened_at.toISOString(),
        ...(perCallback ? { callbackAt: r.callback_at.toISOString() } : {}),
      })),
    };
  }
}
