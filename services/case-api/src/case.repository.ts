/** Reads of the case read model (schema "casework"). */
import type { CaseView, Pool } from '@minqing/shared';

interface CaseRow {
  id: string;
  tracking_code: string;
  status: CaseView['status'];
  category: CaseView['category'];
  priority: CaseView['priority'];
  channel: CaseView['channel'];
  service_point_code: string | null;
  title: string;
  description: string;
  village_code: string | null;
  household_code: string | null;
  opened_at: Date;
  updated_at: Date;
}

const toView = (r: CaseRow): CaseView => ({
  id: r.id,
  trackingCode: r.tracking_code,
  status: r.status,
  category: r.category,
  priority: r.priority,
  channel: r.channel,
  servicePointCode: r.service_point_code,
  title: r.title,
  description: r.description,
  villageCode: r.village_code,
  householdCode: r.household_code,
  openedAt: r.opened_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export class CaseRepository {
  constructor(private readonly pool: Pool) {}

  async findById(id: string): Promise<CaseView | null> {
    const { rows } = await this.pool.query<CaseRow>(
      `SELECT id, tracking_code, status, category, priority, channel, service_point_code, title, description,
              village_code, household_code, opened_at, updated_at
         FROM casework.cases WHERE id = $1`,
      [id],
    );
    return rows[0] ? toView(rows[0]) : null;
  }
}
