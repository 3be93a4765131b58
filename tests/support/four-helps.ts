/**
 * 四帮四促 by period and area (issue 13) recomputed independently for
 * integration tests: plain SQL over the case-worker's own tables — a case's
 * tags are its latest revision in casework.case_helps, its dates those of
 * casework.cases, a work record's tags casework.work_records.helps — and the
 * directory's villages, to compare with what reporting projects from the
 * events (fourHelpsReport). Same rules: local dates (UTC+8), both ends of the
 * period included; a case's area is the one it was routed to, else its
 * village's; cases counted with their tags now.
 */
import { FOUR_HELPS } from '@minqing/shared';

type Db = { query(sql: string, params: unknown[]): Promise<{ rows: any[] }> };

export interface ExpectedFourHelps {
  totals: { help: string; casesOpened: number; casesResolved: number; workRecords: number }[];
  groups: Record<string, Record<string, { casesOpened: number; casesResolved: number; workRecords: number }>>;
  untagged: { casesOpened: number; workRecords: number };
}

/** For one area (groups = its villages) or the township (groups = areas); `(none)` for no group. */
export async function expectedFourHelps(db: Db, q: { from: string; to: string; areaCode?: string }): Promise<ExpectedFourHelps> {
  const groupBy = q.areaCode ? 'village' : 'area';
  const cases = await db.query(
    `WITH latest AS (
       SELECT DISTINCT ON (case_id) case_id, helps FROM casework.case_helps ORDER BY case_id, revision DESC
     )
     SELECT COALESCE(c.area_code, v.area_code) AS area, c.village_code AS village, COALESCE(l.helps, '{}') AS helps,
            ((c.opened_at AT TIME ZONE 'UTC') + interval '8 hours')::date BETWEEN $1::date AND $2::date AS opened_in,
            COALESCE(((c.resolved_at AT TIME ZONE 'UTC') + interval '8 hours')::date BETWEEN $1::date AND $2::date, false) AS resolved_in
       FROM casework.cases c LEFT JOIN latest l ON l.case_id = c.id LEFT JOIN directory.villages v ON v.code = c.village_code
      WHERE ($3::text IS NULL OR COALESCE(c.area_code, v.area_code) = $3)`,
    [q.from, q.to, q.areaCode ?? null],
  );
  const work = await db.query(
    `SELECT v.area_code AS area, w.village_code AS village, w.helps
       FROM casework.work_records w LEFT JOIN directory.villages v ON v.code = w.village_code
      WHERE w.work_date BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR v.area_code = $3)`,
    [q.from, q.to, q.areaCode ?? null],
  );
  const zero = () => Object.fromEntries(FOUR_HELPS.map((h) => [h, { casesOpened: 0, casesResolved: 0, workRecords: 0 }]));
  const groups: ExpectedFourHelps['groups'] = {};
  const untagged = { casesOpened: 0, workRecords: 0 };
  const groupOf = (r: { area: string | null; village: string | null }) => (groups[(groupBy === 'area' ? r.area : r.village) ?? '(none)'] ??= zero());
  for (const r of cases.rows) {
    if (!r.opened_in && !r.resolved_in) continue;
    if (r.helps.length === 0) {
      if (r.opened_in) untagged.casesOpened++;
      continue;
    }
    const g = groupOf(r);
    for (const h of r.helps as string[]) {
      if (r.opened_in) g[h]!.casesOpened++;
      if (r.resolved_in) g[h]!.casesResolved++;
    }
  }
  for (const r of work.rows) {
    if (r.helps.length === 0) {
      untagged.workRecords++;
      continue;
    }
    const g = groupOf(r);
    for (const h of r.helps as string[]) g[h]!.workRecords++;
  }
  const totals = FOUR_HELPS.map((help) => ({
    help,
    casesOpened: Object.values(groups).reduce((n, g) => n + g[help]!.casesOpened, 0),
    casesResolved: Object.values(groups).reduce((n, g) => n + g[help]!.casesResolved, 0),
    workRecords: Object.values(groups).reduce((n, g) => n + g[help]!.workRecords, 0),
  }));
  return { totals, groups, untagged };
}

/** The report's groups in the shape expectedFourHelps gives. */
export function groupsOf(report: { groups: { key: string; counts: { help: string; casesOpened: number; casesResolved: number; workRecords: number }[] }[] }): ExpectedFourHelps['groups'] {
  return Object.fromEntries(report.groups.map((g) => [g.key, Object.fromEntries(g.counts.map(({ help, ...c }) => [help, c]))]));
}
