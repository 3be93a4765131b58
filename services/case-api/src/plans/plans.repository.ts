/**
 * SQL of plans (directory.plans, plan_items, plan_item_revisions — the case
 * API's own schema): plans with their item counts in the reader's scope, one
 * plan's items, an item's revisions, and writing an item and its revision in
 * one transaction. The rules are in plans.service.ts and shared plans.ts.
 */
import {
  inTransaction,
  type PlanCounts, type PlanItemEventData, type PlanItemChange, type PlanItemStatus, type PlanKind, type Pool, type PoolClient,
} from '@minqing/shared';

export interface PlanRow {
  id: string;
  kind: PlanKind;
  year: number;
  areaCode: string | null;
  departmentCode: string | null;
  ownerName: string;
  title: string;
  villageCodes: string[];
  counts: PlanCounts;
  createdBy: string;
  createdAt: string;
}

export interface ItemRow {
  id: string;
  planId: string;
  title: string;
  villageCodes: string[];
  ownerCode: string;
  ownerName: string;
  dueDate: string;
  status: PlanItemStatus;
  doneOn: string | null;
  dropReason: string | null;
  lastNote: string | null;
  revision: number;
  updatedAt: string;
}

export interface RevisionRow {
  revision: number;
  change: PlanItemChange;
  status: PlanItemStatus;
  previousStatus: PlanItemStatus | null;
  title: string;
  ownerCode: string;
  dueDate: string;
  villageCodes: string[];
  note: string | null;
  by: { username: string; name: string; role: string };
  at: string;
}

/** The reader, as the scope filter needs them. */
export interface PlanReader {
  role: string;
  cadreCode: string | null;
  departmentCode: string | null;
  areaCodes: string[];
  /** township-wide roles and administrators read every plan */
  all: boolean;
}

export interface PlanFilter {
  year?: number;
  kind?: PlanKind;
  area?: string;
  department?: string;
  q?: string;
}

export interface ItemFilter {
  status?: PlanItemStatus;
  owner?: string;
  q?: string;
  /** open with the due date before this local date */
  overdueBefore?: string;
}

/** A new revision of an item: its terms and status as they stand after it, who made it, and its event. */
export interface NewRevision {
  itemId: string;
  planId: string;
  revision: number;
  change: PlanItemChange;
  title: string;
  villageCodes: string[];
  ownerCode: string;
  dueDate: string;
  status: PlanItemStatus;
  previousStatus: PlanItemStatus | null;
  doneOn: string | null;
  dropReason: string | null;
  note: string | null;
  by: { username: string; name: string; role: string; cadreCode: string | null };
  at: string;
  event: { eventId: string; data: PlanItemEventData };
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : d);

/** `$today`: the township's local date (overdue counts). */
const COUNTS = (today: string) => `json_build_object(
    'total', count(i.id), 'planned', count(i.id) FILTER (WHERE i.status = 'planned'), 'inProgress', count(i.id) FILTER (WHERE i.status = 'in_progress'),
    'done', count(i.id) FILTER (WHERE i.status = 'done'), 'dropped', count(i.id) FILTER (WHERE i.status = 'dropped'),
    'overdue', count(i.id) FILTER (WHERE i.status IN ('planned', 'in_progress') AND i.due_date < ${today}::date),
    'doneLate', count(i.id) FILTER (WHERE i.status = 'done' AND i.done_on > i.due_date))`;

const PLAN_SELECT = (today: string) => `SELECT p.id, p.kind, p.year, p.area_code, p.department_code, p.title, p.created_by, p.created_at,
       coalesce(a.name, d.name) AS owner_name,
       ARRAY(SELECT v.code FROM directory.villages v WHERE (p.kind = 'area' AND v.area_code = p.area_code) OR (p.kind = 'department' AND v.department_code = p.department_code) ORDER BY v.code) AS village_codes,
       ${COUNTS(today)} AS counts
  FROM directory.plans p
  LEFT JOIN directory.areas a ON a.code = p.area_code
  LEFT JOIN directory.departments d ON d.code = p.department_code
  LEFT JOIN directory.plan_items i ON i.plan_id = p.id`;

const toPlan = (r: any): PlanRow => ({
  id: r.id,
  kind: r.kind,
  year: r.year,
  areaCode: r.area_code,
  departmentCode: r.department_code,
  ownerName: r.owner_name ?? (r.area_code ?? r.department_code),
  title: r.title,
  villageCodes: r.village_codes,
  counts: r.counts,
  createdBy: r.created_by,
  createdAt: iso(r.created_at),
});

const ITEM_SELECT = `SELECT i.*, to_char(i.due_date, 'YYYY-MM-DD') AS due, to_char(i.done_on, 'YYYY-MM-DD') AS done, c.name AS owner_name
  FROM directory.plan_items i JOIN directory.cadres c ON c.code = i.owner_code`;

const toItem = (r: any): ItemRow => ({
  id: r.id,
  planId: r.plan_id,
  title: r.title,
  villageCodes: r.village_codes,
  ownerCode: r.owner_code,
  ownerName: r.owner_name,
  dueDate: r.due,
  status: r.status,
  doneOn: r.done ?? null,
  dropReason: r.drop_reason,
  lastNote: r.last_note,
  revision: r.revision,
  updatedAt: iso(r.updated_at),
});

/** The SQL condition (on `p`) of the plans `r` may read — shared plans.ts planReadable, as a filter. */
function scopeSql(r: PlanReader, params: unknown[]): string {
  if (r.all) return 'TRUE';
  params.push(r.role, r.cadreCode, r.departmentCode, r.areaCodes);
  const [role, cadre, dept, areas] = [params.length - 3, params.length - 2, params.length - 1, params.length].map((n) => `$${n}`);
  return `(
    (p.kind = 'area' AND ${role} = 'area_leader' AND p.area_code = ANY(${areas}::text[]))
    OR (p.kind = 'department' AND ${dept}::text IS NOT NULL AND p.department_code = ${dept})
    OR (${cadre}::text IS NOT NULL AND EXISTS (SELECT 1 FROM directory.plan_items o WHERE o.plan_id = p.id AND o.owner_code = ${cadre}))
    OR (p.kind = 'department' AND ${role} = 'area_leader'
        AND EXISTS (SELECT 1 FROM directory.villages sv WHERE sv.department_code = p.department_code AND sv.area_code = ANY(${areas}::text[]))))`;
}

export class PlansRepository {
  constructor(private readonly pool: Pool) {}

  /** A page of the plans `reader` may read, newest year first; with the total. */
  async plans(reader: PlanReader, f: PlanFilter, today: string, limit: number, offset: number): Promise<{ rows: PlanRow[]; total: number }> {
    const params: unknown[] = [today];
    const where = [scopeSql(reader, params)];
    if (f.year !== undefined) where.push(`p.year = $${params.push(f.year)}`);
    if (f.kind) where.push(`p.kind = $${params.push(f.kind)}`);
    if (f.area) where.push(`p.area_code = $${params.push(f.area)}`);
    if (f.department) where.push(`p.department_code = $${params.push(f.department)}`);
    if (f.q) {
      const n = params.push(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(p.title ILIKE $${n} OR a.name ILIKE $${n} OR d.name ILIKE $${n} OR p.area_code ILIKE $${n} OR p.department_code ILIKE $${n}
        OR EXISTS (SELECT 1 FROM directory.plan_items qi WHERE qi.plan_id = p.id AND qi.title ILIKE $${n}))`);
    }
    const lim = params.push(limit);
    const off = params.push(offset);
    const { rows } = await this.pool.query(
      `${PLAN_SELECT('$1')} WHERE ${where.join(' AND ')}
        GROUP BY p.id, a.name, d.name
        ORDER BY p.year DESC, p.kind, coalesce(p.area_code, p.department_code), p.id
        LIMIT $${lim} OFFSET $${off}`,
      params,
    );
    const countParams = params.slice(0, params.length - 2);
    const total = await this.pool.query(
      `SELECT count(*)::int AS n FROM directory.plans p LEFT JOIN directory.areas a ON a.code = p.area_code LEFT JOIN directory.departments d ON d.code = p.department_code
        WHERE ${where.join(' AND ')} AND $1::date IS NOT NULL`,
      countParams,
    );
    return { rows: rows.map(toPlan), total: total.rows[0].n };
  }

  async plan(id: string, today: string): Promise<PlanRow | null> {
    const { rows } = await this.pool.query(`${PLAN_SELECT('$1')} WHERE p.id = $2 GROUP BY p.id, a.name, d.name`, [today, id]);
    return rows[0] ? toPlan(rows[0]) : null;
  }

  /** Whether `cadre` owns an item of the plan, and whether the plan's department serves a village of `areas`. */
  async readFacts(planId: string, cadre: string | null, areas: string[]): Promise<{ ownsAnItem: boolean; servesLeadersArea: boolean }> {
    const { rows } = await this.pool.query(
      `SELECT EXISTS (SELECT 1 FROM directory.plan_items WHERE plan_id = $1 AND owner_code = $2) AS owns,
              EXISTS (SELECT 1 FROM directory.plans p JOIN directory.villages v ON v.department_code = p.department_code
                       WHERE p.id = $1 AND p.kind = 'department' AND v.area_code = ANY($3::text[])) AS serves`,
      [planId, cadre, areas],
    );
    return { ownsAnItem: rows[0].owns, servesLeadersArea: rows[0].serves };
  }

  async areaName(code: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT name FROM directory.areas WHERE code = $1', [code]);
    return rows[0]?.name ?? null;
  }

  async departmentName(code: string): Promise<string | null> {
    const { rows } = await this.pool.query('SELECT name FROM directory.departments WHERE code = $1', [code]);
    return rows[0]?.name ?? null;
  }

  async cadre(code: string): Promise<{ code: string; name: string; departmentCode: string | null } | null> {
    const { rows } = await this.pool.query('SELECT code, name, department_code FROM directory.cadres WHERE code = $1', [code]);
    return rows[0] ? { code: rows[0].code, name: rows[0].name, departmentCode: rows[0].department_code } : null;
  }

  /** A new plan; false when the area or department has one for the year already. */
  async createPlan(p: { id: string; kind: PlanKind; year: number; areaCode: string | null; departmentCode: string | null; title: string; createdBy: string }): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO directory.plans (id, kind, year, area_code, department_code, title, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`,
      [p.id, p.kind, p.year, p.areaCode, p.departmentCode, p.title, p.createdBy],
    );
    return rowCount === 1;
  }

  /** A page of a plan's items, by due date; with the total. */
  async items(planId: string, f: ItemFilter, limit: number, offset: number): Promise<{ rows: ItemRow[]; total: number }> {
    const params: unknown[] = [planId];
    const where = ['i.plan_id = $1'];
    if (f.status) where.push(`i.status = $${params.push(f.status)}`);
    if (f.owner) where.push(`i.owner_code = $${params.push(f.owner)}`);
    if (f.overdueBefore) where.push(`i.status IN ('planned', 'in_progress') AND i.due_date < $${params.push(f.overdueBefore)}::date`);
    if (f.q) {
      const n = params.push(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(i.title ILIKE $${n} OR c.name ILIKE $${n} OR i.owner_code ILIKE $${n} OR array_to_string(i.village_codes, ' ') ILIKE $${n})`);
    }
    const countParams = [...params];
    const lim = params.push(limit);
    const off = params.push(offset);
    const [{ rows }, total] = await Promise.all([
      this.pool.query(`${ITEM_SELECT} WHERE ${where.join(' AND ')} ORDER BY i.due_date, i.created_at, i.id LIMIT $${lim} OFFSET $${off}`, params),
      this.pool.query(`SELECT count(*)::int AS n FROM directory.plan_items i JOIN directory.cadres c ON c.code = i.owner_code WHERE ${where.join(' AND ')}`, countParams),
    ]);
    return { rows: rows.map(toItem), total: total.rows[0].n };
  }

  async item(planId: string, itemId: string): Promise<ItemRow | null> {
    const { rows } = await this.pool.query(`${ITEM_SELECT} WHERE i.plan_id = $1 AND i.id = $2`, [planId, itemId]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  /**
   * Writes a revision: the item as it stands after it, and the revision row
   * with its event, in one transaction — only when the item is still at
   * `revision - 1` (a new item: none). false when it moved meanwhile.
   */
  async writeRevision(r: NewRevision): Promise<boolean> {
    return inTransaction(this.pool, async (client: PoolClient) => {
      if (r.revision === 1) {
        await client.query(
          `INSERT INTO directory.plan_items (id, plan_id, title, village_codes, owner_code, due_date, status, done_on, drop_reason, last_note, revision, created_at, updated_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,1,$11,$11)`,
          [r.itemId, r.planId, r.title, r.villageCodes, r.ownerCode, r.dueDate, r.status, r.doneOn, r.dropReason, r.note, r.at],
        );
      } else {
        const { rowCount } = await client.query(
          `UPDATE directory.plan_items SET title = $3, village_codes = $4, owner_code = $5, due_date = $6, status = $7, done_on = $8, drop_reason = $9,
                  last_note = coalesce($10, last_note), revision = $11, updated_at = $12
            WHERE id = $1 AND plan_id = $2 AND revision = $11 - 1`,
          [r.itemId, r.planId, r.title, r.villageCodes, r.ownerCode, r.dueDate, r.status, r.doneOn, r.dropReason, r.note, r.revision, r.at],
        );
        if (rowCount !== 1) return false;
      }
      await client.query(
        `INSERT INTO directory.plan_item_revisions (item_id, revision, change, status, previous_status, title, village_codes, owner_code, due_date, note,
                by_username, by_name, by_role, by_cadre_code, at, event)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
        [r.itemId, r.revision, r.change, r.status, r.previousStatus, r.title, r.villageCodes, r.ownerCode, r.dueDate, r.note,
          r.by.username, r.by.name, r.by.role, r.by.cadreCode, r.at, JSON.stringify(r.event)],
      );
      return true;
    });
  }

  /** An item's revisions, newest first; with the total. */
  async revisions(itemId: string, limit: number, offset: number): Promise<{ rows: RevisionRow[]; total: number }> {
    const [{ rows }, total] = await Promise.all([
      this.pool.query(
        `SELECT *, to_char(due_date, 'YYYY-MM-DD') AS due FROM directory.plan_item_revisions WHERE item_id = $1 ORDER BY revision DESC LIMIT $2 OFFSET $3`,
        [itemId, limit, offset],
      ),
      this.pool.query('SELECT count(*)::int AS n FROM directory.plan_item_revisions WHERE item_id = $1', [itemId]),
    ]);
    return {
      rows: rows.map((r) => ({
        revision: r.revision, change: r.change, status: r.status, previousStatus: r.previous_status, title: r.title, ownerCode: r.owner_code,
        dueDate: r.due, villageCodes: r.village_codes, note: r.note, by: { username: r.by_username, name: r.by_name, role: r.by_role }, at: iso(r.at),
      })),
      total: total.rows[0].n,
    };
  }

  /** The revisions whose event was not handed to the worker (oldest first), older than `minAgeMs`. */
  async unstartedEvents(limit: number, minAgeMs: number): Promise<{ eventId: string; data: PlanItemEventData }[]> {
    const { rows } = await this.pool.query(
      `SELECT r.event FROM directory.plan_item_revisions r
        WHERE NOT EXISTS (SELECT 1 FROM directory.plan_item_events_started s WHERE s.item_id = r.item_id AND s.revision = r.revision)
          AND r.at < clock_timestamp() - make_interval(secs => $2::double precision / 1000)
        ORDER BY r.at LIMIT $1`,
      [limit, minAgeMs],
    );
    return rows.map((r) => r.event);
  }

  async eventStarted(itemId: string, revision: number): Promise<void> {
    await this.pool.query('INSERT INTO directory.plan_item_events_started (item_id, revision) VALUES ($1, $2) ON CONFLICT DO NOTHING', [itemId, revision]);
  }
}
