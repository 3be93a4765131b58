/** Reads of the case read model (schema "casework"). */
import { StatusGroup, type CaseView, type Pool } from '@minqing/shared';

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
  assignee_code: string | null;
  department_code: string | null;
  area_code: string | null;
  routing_rule: string | null;
  routing_reason: string | null;
  escalation_level: number;
  phase: string | null;
  due_at: Date | null;
  paused: boolean;
  satisfaction: string | null;
  resolution_reply: string | null;
  returns_count: number;
  reopen_count: number;
  merged_into: string | null;
  sla_policy_version: string | null;
  pending_extension: CaseView['pendingExtension'];
  opened_by: string | null;
  escalate_l1_code: string | null;
  escalate_l2_code: string | null;
  escalate_l3_code: string | null;
  resident_name: string;
  resident_phone: string | null;
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
  assigneeCode: r.assignee_code,
  departmentCode: r.department_code,
  areaCode: r.area_code,
  routing: r.routing_rule ? { rule: r.routing_rule, reason: r.routing_reason ?? '' } : null,
  escalationLevel: r.escalation_level,
  phase: r.phase,
  dueAt: r.due_at ? r.due_at.toISOString() : null,
  paused: r.paused,
  satisfaction: r.satisfaction,
  resolutionReply: r.resolution_reply,
  returnsCount: r.returns_count,
  reopenCount: r.reopen_count,
  mergedInto: r.merged_into,
  slaPolicyVersion: r.sla_policy_version,
  pendingExtension: r.pending_extension,
  openedBy: r.opened_by,
  escalation: r.routing_rule ? { departmentHead: r.escalate_l1_code, areaLeader: r.escalate_l2_code, township: r.escalate_l3_code } : null,
  moves: [],
  resident: { name: r.resident_name, phone: r.resident_phone },
});

export class CaseRepository {
  constructor(private readonly pool: Pool) {}

  /** An open case with the same duplicate fingerprint opened since `since`. */
  async findOpenDuplicate(dedupeHash: string, since: Date): Promise<{ id: string; trackingCode: string; openedAt: string } | null> {
    const { rows } = await this.pool.query<{ id: string; tracking_code: string; opened_at: Date }>(
      `SELECT id, tracking_code, opened_at FROM casework.cases
        WHERE dedupe_hash = $1 AND opened_at >= $2 AND status = ANY($3::text[])
        ORDER BY opened_at LIMIT 1`,
      [dedupeHash, since, StatusGroup.open],
    );
    const r = rows[0];
    return r ? { id: r.id, trackingCode: r.tracking_code, openedAt: r.opened_at.toISOString() } : null;
  }

  /**
   * Open cases of one category for the same household or the same phone (the
   * candidates of a duplicate check), newest first; `scope` limits them to what
   * the caller may see. At most `max`: a household has few open cases.
   */
  async openCasesFor(
    f: { category: string; householdCode?: string; phone?: string; max: number },
    scope: (params: unknown[]) => string,
  ): Promise<{ id: string; trackingCode: string; title: string; description: string; status: string; openedAt: string; householdCode: string | null }[]> {
    const params: unknown[] = [f.category, StatusGroup.open];
    const who: string[] = [];
    if (f.householdCode) who.push(`household_code = $${params.push(f.householdCode)}`);
    if (f.phone) who.push(`resident_phone = $${params.push(f.phone)}`);
    if (!who.length) return [];
    const { rows } = await this.pool.query(
      `SELECT id, tracking_code, title, description, status, opened_at, household_code FROM casework.cases
        WHERE category = $1 AND status = ANY($2::text[]) AND (${who.join(' OR ')}) AND ${scope(params)}
        ORDER BY opened_at DESC LIMIT $${params.push(f.max)}`,
      params,
    );
    return rows.map((r) => ({ id: r.id, trackingCode: r.tracking_code, title: r.title, description: r.description, status: r.status, openedAt: r.opened_at.toISOString(), householdCode: r.household_code }));
  }

  async findById(id: string): Promise<CaseView | null> {
    const { rows } = await this.pool.query<CaseRow>(
      `SELECT id, tracking_code, status, category, priority, channel, service_point_code, title, description,
              village_code, household_code, opened_at, updated_at, assignee_code, department_code, area_code,
              routing_rule, routing_reason, escalation_level, phase, due_at, paused, satisfaction, resolution_reply,
              returns_count, reopen_count, merged_into, sla_policy_version, pending_extension, opened_by, escalate_l1_code, escalate_l2_code, escalate_l3_code, resident_name, resident_phone
         FROM casework.cases WHERE id = $1`,
      [id],
    );
    return rows[0] ? toView(rows[0]) : null;
  }
}
