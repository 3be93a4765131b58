/**
 * What anyone outside the township's staff may know about a case — the
 * residents' tracking page and the Open311 GeoReport endpoint both answer with
 * this projection and nothing else: the tracking code, the status and category,
 * when it was opened, what was asked (its title), the expected reply date, the steps the lifecycle table
 * marks public (never reminders, escalations, supervision or returns), the
 * reply once one is given, and the rating. Never a name, a phone, a staff
 * member, a department or a case id.
 */
import { inGroup, MOVES, PUBLIC_STEPS, type CaseCategory, type Pool, type PublicCaseView } from '@minqing/shared';
import type { CaseService } from '../case.service';

export type { PublicCaseView };

/** The columns of casework.cases the projection reads (`PUBLIC_CASE_COLUMNS`). */
export interface PublicCaseRow {
  id: string;
  tracking_code: string;
  status: string;
  category: CaseCategory;
  priority: 'urgent' | 'normal';
  opened_at: Date;
  phase: string | null;
  due_at: Date | null;
  resolution_reply: string | null;
  satisfaction: string | null;
  /** the request's title (the tracking page reads it; Open311 answers with its own description) */
  title?: string | null;
}
export const PUBLIC_CASE_COLUMNS = 'id, tracking_code, status, category, priority, opened_at, phase, due_at, resolution_reply, satisfaction';

export class PublicCases {
  constructor(private readonly deps: { pool: Pool; service: CaseService }) {}

  /** The public view of each case, in the order given (one query for all their steps). */
  async views(cases: PublicCaseRow[]): Promise<PublicCaseView[]> {
    if (cases.length === 0) return [];
    const { rows } = await this.deps.pool.query<{ case_id: string; kind: string; at: Date }>(
      `SELECT case_id, kind, at FROM casework.case_timeline WHERE case_id = ANY($1::uuid[]) AND kind = ANY($2::text[]) ORDER BY case_id, seq`,
      [cases.map((c) => c.id), PUBLIC_STEPS],
    );
    const steps = new Map<string, { kind: string; at: string }[]>();
    for (const r of rows) {
      const list = steps.get(r.case_id) ?? [];
      list.push({ kind: r.kind, at: r.at.toISOString() });
      steps.set(r.case_id, list);
    }
    return cases.map((c) => this.view(c, steps.get(c.id) ?? []));
  }

  /** One case's public view; `override` carries a move's result before the read model has it. */
  async viewOf(c: PublicCaseRow, override: { status?: string; satisfaction?: string | null } = {}): Promise<PublicCaseView> {
    const [v] = await this.views([c]);
    const status = override.status ?? v!.status;
    return override.status === undefined && override.satisfaction === undefined
      ? v!
      : this.view({ ...c, status, satisfaction: override.satisfaction !== undefined ? override.satisfaction : c.satisfaction }, v!.steps);
  }

  private view(c: PublicCaseRow, steps: { kind: string; at: string }[]): PublicCaseView {
    const status = c.status;
    const settled = inGroup('settled', status);
    return {
      trackingCode: c.tracking_code,
      status,
      category: c.category,
      openedAt: c.opened_at.toISOString(),
      // While the reply is being worked on, its running deadline; before that and once answered, the date the receipt promised.
      expectedReplyBy: !settled && c.phase === 'resolve' && c.due_at ? c.due_at.toISOString() : this.deps.service.expectedReplyBy(c.opened_at.toISOString(), c.category, c.priority),
      title: c.title ?? null,
      steps,
      reply: inGroup('replied', status) ? c.resolution_reply : null,
      canRate: (MOVES.recordFollowUp.from as readonly string[]).includes(status),
      satisfaction: c.satisfaction,
    };
  }
}
