/** Frozen (signed-off) reports: stored snapshots of the figures for a period. */
import { randomUUID } from 'node:crypto';
import { CursorError, decodeCursor, keysetPage, type Page, type Pool } from '@minqing/shared';
import type { GroupFigures, Period } from './figures.repository';
import type { GroupBy } from '@minqing/shared';

export interface FrozenReport {
  id: string;
  groupBy: GroupBy;
  period: Period;
  definitionsVersion: string;
  groups: GroupFigures[];
  note: string;
  signedBy: string;
  frozenAt: string;
}

/** The list's name in its cursors, and its sort key at the precision the cursor carries (an ISO instant: milliseconds). */
const LIST = 'frozen-reports';
const AT = `date_trunc('milliseconds', frozen_at)`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toReport = (r: any): FrozenReport => ({
  id: r.id,
  groupBy: r.group_by,
  period: {
    ...(r.period_from ? { from: r.period_from.toISOString() } : {}),
    ...(r.period_to ? { to: r.period_to.toISOString() } : {}),
    ...(r.category ? { category: r.category } : {}),
  },
  definitionsVersion: r.definitions_version,
  groups: r.groups,
  note: r.note,
  signedBy: r.signed_by,
  frozenAt: r.frozen_at.toISOString(),
});

export class FrozenRepository {
  constructor(private readonly pool: Pool) {}

  async save(r: Omit<FrozenReport, 'id' | 'frozenAt'>): Promise<FrozenReport> {
    const { rows } = await this.pool.query(
      `INSERT INTO reporting.frozen_reports (id, group_by, period_from, period_to, category, definitions_version, groups, note, signed_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING *`,
      [randomUUID(), r.groupBy, r.period.from ?? null, r.period.to ?? null, r.period.category ?? null, r.definitionsVersion, JSON.stringify(r.groups), r.note, r.signedBy],
    );
    return toReport(rows[0]);
  }

  async find(id: string): Promise<FrozenReport | null> {
    const { rows } = await this.pool.query('SELECT * FROM reporting.frozen_reports WHERE id = $1', [id]);
    return rows[0] ? toReport(rows[0]) : null;
  }

  /** Newest first, a page at a time (keyset on frozen_at, id: a report signed meanwhile shifts nothing). */
  async list(q: { limit: number; cursor?: string | undefined }): Promise<Page<Omit<FrozenReport, 'groups'>>> {
    const params: unknown[] = [q.limit + 1];
    let after = '';
    if (q.cursor !== undefined) {
      const [at, id] = decodeCursor(LIST, q.cursor);
      if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)) || !UUID.test(id)) throw new CursorError();
      after = `WHERE (${AT}, id) < ($2::timestamptz, $3::uuid)`;
      params.push(at, id);
    }
    const { rows } = await this.pool.query(`SELECT * FROM reporting.frozen_reports ${after} ORDER BY ${AT} DESC, id DESC LIMIT $1`, params);
    const reports = rows.map((r) => {
      const { groups: _groups, ...rest } = toReport(r);
      return rest;
    });
    return keysetPage(LIST, reports, q.limit, (r) => [r.frozenAt, r.id]);
  }
}

/** Every leaf that differs between two figure sets, as key + path. */
export function differences(frozen: GroupFigures[], current: GroupFigures[]): { key: string; path: string; frozen: unknown; current: unknown }[] {
  const out: { key: string; path: string; frozen: unknown; current: unknown }[] = [];
  const byKey = (gs: GroupFigures[]) => new Map(gs.map((g) => [g.key, g]));
  const a = byKey(frozen);
  const b = byKey(current);
  const walk = (key: string, path: string, x: unknown, y: unknown) => {
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      for (const k of new Set([...Object.keys(x as object), ...Object.keys(y as object)])) {
        if (k === 'links') continue;
        walk(key, path ? `${path}.${k}` : k, (x as any)[k], (y as any)[k]);
      }
    } else if (x !== y) out.push({ key, path, frozen: x ?? null, current: y ?? null });
  };
  for (const key of new Set([...a.keys(), ...b.keys()])) walk(key, '', a.get(key) ?? null, b.get(key) ?? null);
  return out;
}
