/**
 * Lists over the case read model: search, a cadre's tasks, the managers'
 * escalation queues (most escalated and nearest to breach first), the timeline.
 */
import { CaseStatus, CursorError, decodeCursor, filterFingerprint, keysetPage, likeSubstring, offsetPage, startOffset, StatusGroup, type CaseListItem, type Page, type Pool } from '@minqing/shared';

export type { CaseListItem };


const SELECT = `SELECT id, tracking_code, status, category, priority, title, village_code, area_code, department_code, assignee_code,
                       escalation_level, phase, due_at, paused, opened_at, updated_at
                  FROM casework.cases`;

/** With the sort key at full (microsecond) precision, for the cursor. */
const SELECT_KEYED = SELECT.replace(' FROM casework.cases', `, to_char(opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS opened_key FROM casework.cases`);

const toItem = (r: any): CaseListItem => ({
  id: r.id,
  trackingCode: r.tracking_code,
  status: r.status,
  category: r.category,
  priority: r.priority,
  title: r.title,
  villageCode: r.village_code,
  areaCode: r.area_code,
  departmentCode: r.department_code,
  assigneeCode: r.assignee_code,
  escalationLevel: r.escalation_level,
  phase: r.phase,
  dueAt: r.due_at ? r.due_at.toISOString() : null,
  paused: r.paused,
  openedAt: r.opened_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export interface CaseFilter {
  status?: string;
  category?: string;
  village?: string;
  area?: string;
  department?: string;
  assignee?: string;
  from?: string;
  to?: string;
  q?: string;
  escalationLevel?: number;
  servicePoint?: string;
  household?: string;
  /** `q` matches the resident's and the household head's names too (searchCases: a POST, names stay out of URLs) */
  matchNames?: boolean;
  limit: number;
  offset?: number;
  cursor?: string;
}

/** The list names in cursors: a cursor of one list is refused by another. */
export const LIST = { cases: 'cases', escalations: 'escalations', tasks: 'tasks' } as const;

/** Appends a visibility condition (and its parameters) to a query. */
export type ScopeSql = (params: unknown[]) => string;

export class QueueRepository {
  constructor(private readonly pool: Pool) {}

  private where(f: Partial<CaseFilter>, params: unknown[]): string[] {
    const w: string[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      w.push(sql.replace('?', `$${params.length}`));
    };
    if (f.status) add('status = ?', f.status);
    if (f.category) add('category = ?', f.category);
    if (f.village) add('village_code = ?', f.village);
    if (f.area) add('area_code = ?', f.area);
    if (f.department) add('department_code = ?', f.department);
    if (f.assignee) add('assignee_code = ?', f.assignee);
    if (f.servicePoint) add('service_point_code = ?', f.servicePoint);
    if (f.from) add('opened_at >= ?', f.from);
    if (f.to) add('opened_at < ?', f.to);
    if (f.escalationLevel !== undefined) add('escalation_level >= ?', f.escalationLevel);
    if (f.household) add('household_code = ?', f.household);
    if (f.q) {
      // The text matches itself: %, _ and \ in it are escaped, not wildcards. A tracking code
      // exactly; a title, the resident's name or the household head's name by substring.
      params.push(f.q, likeSubstring(f.q));
      const i = params.length - 1;
      const names = f.matchNames
        ? ` OR resident_name LIKE $${i + 1} OR household_code IN (SELECT h.code FROM directory.households h WHERE h.head_name LIKE $${i + 1})`
        : '';
      w.push(`(tracking_code = upper($${i}) OR title ILIKE $${i + 1}${names})`);
    }
    return w;
  }

  /**
   * A page of cases, newest first, and the total. Paged by cursor (keyset on
   * opened_at, id: a case opened meanwhile does not shift the pages); a plain
   * `offset` still works for callers from before cursors.
   */
  async search(f: CaseFilter, scope: ScopeSql = () => 'TRUE'): Promise<Page<CaseListItem> & { total: number }> {
    const fp = filterFingerprint({ ...f });
    const params: unknown[] = [];
    const w = [...this.where(f, params), scope(params)];
    const total = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM casework.cases WHERE ${w.join(' AND ')}`, params);
    let offset = 0;
    if (f.cursor !== undefined) {
      const [at, id] = decodeCursor(LIST.cases, f.cursor, fp);
      if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new CursorError();
      params.push(at, id);
      w.push(`(opened_at < $${params.length - 1}::timestamptz OR (opened_at = $${params.length - 1}::timestamptz AND id > $${params.length}::uuid))`);
    } else offset = f.offset ?? 0;
    params.push(f.limit + 1, offset);
    const { rows } = await this.pool.query(
      `${SELECT_KEYED} WHERE ${w.join(' AND ')} ORDER BY opened_at DESC, id LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const page = keysetPage(LIST.cases, rows, f.limit, (r: { opened_key: string; id: string }) => [r.opened_key, r.id], fp);
    return { items: page.items.map(toItem), nextCursor: page.nextCursor, total: Number(total.rows[0]?.n ?? 0) };
  }

  /** A cadre's work: cases assigned to them that are not finished (and, for someone else reading it, within `scope`). */
  async tasks(cadreCode: string, scope: ScopeSql = () => 'TRUE'): Promise<CaseListItem[]> {
    const params: unknown[] = [cadreCode, StatusGroup.assigneeWork];
    const { rows } = await this.pool.query(
      `${SELECT} WHERE assignee_code = $1 AND status = ANY($2::text[]) AND ${scope(params)}
       ORDER BY due_at NULLS LAST, opened_at`,
      params,
    );
    return rows.map(toItem);
  }

  /** Cases waiting for this manager: returns to review, extensions to decide. */
  async decisions(managerCode: string): Promise<CaseListItem[]> {
    const { rows } = await this.pool.query(
      `${SELECT} WHERE (status = $2 OR pending_extension IS NOT NULL)
         AND ($1 IN (escalate_l1_code, escalate_l2_code, escalate_l3_code))
       ORDER BY due_at NULLS LAST`,
      [managerCode, CaseStatus.returned],
    );
    return rows.map(toItem);
  }

  /**
   * Open cases in a scope, escalated or near breach first: by escalation level,
   * then by how soon the running clock runs out (paused clocks last).
   */
  async escalationQueue(f: { scope: 'department' | 'area' | 'township'; code?: string; category?: string; level?: number; limit: number; offset?: number; cursor?: string }, scope: ScopeSql = () => 'TRUE'): Promise<Page<CaseListItem>> {
    // The order moves with the clock, so the cursor holds the next page's offset.
    const fp = filterFingerprint({ ...f });
    const offset = startOffset(LIST.escalations, f, fp);
    // A clock may run (StatusGroup.clocked) and one is set: due_at is only ever set while a clock runs.
    const params: unknown[] = [StatusGroup.clocked];
    const w = ['status = ANY($1::text[])', 'due_at IS NOT NULL', scope(params)];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      w.push(sql.replace('?', `$${params.length}`));
    };
    if (f.scope === 'department' && f.code) add('department_code = ?', f.code);
    if (f.scope === 'area' && f.code) add('area_code = ?', f.code);
    if (f.category) add('category = ?', f.category);
    if (f.level !== undefined) add('escalation_level >= ?', f.level);
    params.push(f.limit + 1, offset);
    const { rows } = await this.pool.query(
      `${SELECT} WHERE ${w.join(' AND ')}
       ORDER BY escalation_level DESC, paused, due_at ASC, id
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return offsetPage(LIST.escalations, rows.map(toItem), f.limit, offset, fp);
  }

  async timeline(caseId: string): Promise<{ seq: number; kind: string; actor: string | null; at: string; details: unknown }[] | null> {
    const exists = await this.pool.query('SELECT 1 FROM casework.cases WHERE id = $1', [caseId]);
    if (exists.rowCount === 0) return null;
    const { rows } = await this.pool.query(
      'SELECT seq, kind, actor, at, details FROM casework.case_timeline WHERE case_id = $1 ORDER BY seq',
      [caseId],
    );
    return rows.map((r) => ({ seq: r.seq, kind: r.kind, actor: r.actor, at: r.at.toISOString(), details: r.details }));
  }
}
