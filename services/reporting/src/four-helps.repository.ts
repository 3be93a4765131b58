/**
 * 四帮四促 by period and area (shared four-helps.ts): per help, the cases
 * opened and resolved in the period that carry the tag now, and the work
 * records dated in it that carry it; grouped by area (the township) or by
 * village (within one area, or one village). Read from the projection
 * (case_facts.helps, work_facts.helps: comma-joined codes) and the directory's
 * villages (a village's area), limited to the caller's scope (shared
 * report-access.ts summaryFacts: a department head's department, an area
 * leader's areas).
 *
 * Where a case is: the area it was routed to, else its village's area; its
 * village. A work record: its village and that village's area. Dates are local
 * (the business calendar's UTC offset); the period includes both ends.
 */
import { DEFAULT_CALENDAR, FOUR_HELPS, type FactFilter, type FourHelp, type FourHelpsCasesQuery, type FourHelpsCounts, type FourHelpsQuery, type Pool } from '@minqing/shared';

/** The group key of a case or record without an area / village. */
export const NO_GROUP = '(none)';

/** The filters shared by the cases' and the records' queries; `area` and `village` are the SQL of the row's area and village. */
function filters(q: FourHelpsQuery, scope: FactFilter, row: { area: string; village: string; department: string }, params: unknown[]): string {
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const and: string[] = [];
  if (scope && 'departmentCode' in scope) and.push(`${row.department} = ${add(scope.departmentCode)}`);
  if (scope && 'areaCodes' in scope) and.push(`${row.area} = ANY(${add(scope.areaCodes)}::text[])`);
  if (q.areaCode) and.push(`${row.area} = ${add(q.areaCode)}`);
  if (q.villageCode) and.push(`${row.village} = ${add(q.villageCode)}`);
  return and.length ? and.join(' AND ') : 'TRUE';
}

const groupBy = (q: FourHelpsQuery): 'area' | 'village' => (q.areaCode || q.villageCode ? 'village' : 'area');

/** The cases with their area, village, tags and local dates (a subquery; parameters $1 from, $2 to, $3 the UTC offset in minutes come first). */
const CASES = `(SELECT cf.case_id, cf.tracking_code, cf.category, cf.status, cf.opened_at, cf.resolved_at, cf.department_code,
        COALESCE(cf.area_code, v.area_code) AS area, cf.village_code AS village, cf.helps,
        ((cf.opened_at AT TIME ZONE 'UTC') + make_interval(mins => $3::int))::date AS opened_on,
        ((cf.resolved_at AT TIME ZONE 'UTC') + make_interval(mins => $3::int))::date AS resolved_on
   FROM reporting.case_facts cf LEFT JOIN directory.villages v ON v.code = cf.village_code)`;
const WORK = `(SELECT w.event_id, w.work_date, w.department_code, v.area_code AS area, w.village_code AS village, w.helps
   FROM reporting.work_facts w LEFT JOIN directory.villages v ON v.code = w.village_code)`;

export class FourHelpsRepository {
  constructor(private readonly pool: Pool) {}

  async report(q: FourHelpsQuery, scope: FactFilter) {
    const by = groupBy(q);
    const offset = DEFAULT_CALENDAR.utcOffsetMinutes;
    const caseParams: unknown[] = [q.from, q.to, offset];
    const caseWhere = filters(q, scope, { area: 'c.area', village: 'c.village', department: 'c.department_code' }, caseParams);
    const workParams: unknown[] = [q.from, q.to];
    const workWhere = filters(q, scope, { area: 'w.area', village: 'w.village', department: 'w.department_code' }, workParams);
    const [cases, work, untaggedCases, untaggedWork] = await Promise.all([
      this.pool.query<{ key: string | null; help: string; opened: number; resolved: number }>(
        `SELECT c.${by} AS key, h.help,
                count(*) FILTER (WHERE c.opened_on BETWEEN $1::date AND $2::date)::int AS opened,
                count(*) FILTER (WHERE c.resolved_on BETWEEN $1::date AND $2::date)::int AS resolved
           FROM ${CASES} c CROSS JOIN LATERAL unnest(string_to_array(c.helps, ',')) AS h(help)
          WHERE (c.opened_on BETWEEN $1::date AND $2::date OR c.resolved_on BETWEEN $1::date AND $2::date) AND ${caseWhere}
          GROUP BY 1, 2`,
        caseParams,
      ),
      this.pool.query<{ key: string | null; help: string; records: number }>(
        `SELECT w.${by} AS key, h.help, count(*)::int AS records
           FROM ${WORK} w CROSS JOIN LATERAL unnest(string_to_array(w.helps, ',')) AS h(help)
          WHERE w.work_date BETWEEN $1::date AND $2::date AND ${workWhere}
          GROUP BY 1, 2`,
        workParams,
      ),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${CASES} c WHERE c.helps IS NULL AND c.opened_on BETWEEN $1::date AND $2::date AND ${caseWhere}`, caseParams),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${WORK} w WHERE w.helps IS NULL AND w.work_date BETWEEN $1::date AND $2::date AND ${workWhere}`, workParams),
    ]);
    const groups = new Map<string, Map<FourHelp, FourHelpsCounts>>();
    const cell = (key: string | null, help: string): FourHelpsCounts | null => {
      if (!(FOUR_HELPS as readonly string[]).includes(help)) return null;
      const k = key ?? NO_GROUP;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = new Map(FOUR_HELPS.map((h) => [h, { help: h, casesOpened: 0, casesResolved: 0, workRecords: 0 }]))));
      return g.get(help as FourHelp)!;
    };
    for (const r of cases.rows) {
      const c = cell(r.key, r.help);
      if (c) Object.assign(c, { casesOpened: c.casesOpened + r.opened, casesResolved: c.casesResolved + r.resolved });
    }
    for (const r of work.rows) {
      const c = cell(r.key, r.help);
      if (c) c.workRecords += r.records;
    }
    const totals = FOUR_HELPS.map((help) => {
      const t = { help, casesOpened: 0, casesResolved: 0, workRecords: 0 };
      for (const g of groups.values()) {
        const c = g.get(help)!;
        t.casesOpened += c.casesOpened;
        t.casesResolved += c.casesResolved;
        t.workRecords += c.workRecords;
      }
      return t;
    });
    return {
      period: { from: q.from, to: q.to },
      areaCode: q.areaCode ?? null,
      villageCode: q.villageCode ?? null,
      groupBy: by,
      totals,
      untagged: { casesOpened: untaggedCases.rows[0]?.n ?? 0, workRecords: untaggedWork.rows[0]?.n ?? 0 },
      // every group's counts, groups by key (`(none)` last)
      groups: [...groups.entries()]
        .sort(([a], [b]) => (a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b)))
        .map(([key, g]) => ({ key, counts: FOUR_HELPS.map((h) => g.get(h)!) })),
      generatedAt: new Date().toISOString(),
    };
  }

  /** The cases behind one count (of one group, when asked), newest opened first. */
  async cases(q: FourHelpsCasesQuery, scope: FactFilter) {
    const params: unknown[] = [q.from, q.to, DEFAULT_CALENDAR.utcOffsetMinutes];
    const where = filters(q, scope, { area: 'c.area', village: 'c.village', department: 'c.department_code' }, params);
    params.push(q.help);
    const help = `$${params.length}`;
    const dated = q.count === 'casesResolved' ? 'c.resolved_on' : 'c.opened_on';
    let group = '';
    if (q.group !== undefined) {
      const column = `c.${groupBy(q)}`;
      if (q.group === NO_GROUP) group = `AND ${column} IS NULL`;
      else {
        params.push(q.group);
        group = `AND ${column} = $${params.length}`;
      }
    }
    const base = `FROM ${CASES} c WHERE ${dated} BETWEEN $1::date AND $2::date AND ${help} = ANY(string_to_array(c.helps, ',')) AND ${where} ${group}`;
    const [total, rows] = await Promise.all([
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n ${base}`, params),
      this.pool.query(
        `SELECT c.case_id AS "caseId", c.tracking_code AS "trackingCode", c.category, c.status, c.area AS "areaCode", c.village AS "villageCode",
                to_char(c.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "openedAt",
                to_char(c.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "resolvedAt",
                string_to_array(c.helps, ',') AS helps
           ${base} ORDER BY c.opened_at DESC, c.case_id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, q.limit, q.offset],
      ),
    ]);
    return { total: total.rows[0]?.n ?? 0, items: rows.rows };
  }
}
