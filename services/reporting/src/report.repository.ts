/** SQL of the reporting schema: idempotent projection of events, and the summary figures. */
import type { CaseOpenedV1, CloudEvent, Pool, PoolClient } from '@minqing/shared';
import { EventType } from '@minqing/shared';

export interface EventPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface Summary {
  totalCases: number;
  byCategory: Record<string, number>;
  byPriority: Record<string, number>;
  byChannel: Record<string, number>;
  eventsProcessed: number;
  deadLetters: number;
  lastEventAt: string | null;
}

export class ReportRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Apply one event. Returns false when the event id was already processed; the
   * insert into processed_events and the figure changes share one transaction.
   */
  async apply(client: PoolClient, event: CloudEvent, pos: EventPosition): Promise<boolean> {
    const first = await client.query(
      `INSERT INTO reporting.processed_events (event_id, event_type, case_id, event_time, topic, kafka_partition, kafka_offset)
       VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (event_id) DO NOTHING`,
      [event.id, event.type, event.subject, event.time, pos.topic, pos.partition, pos.offset],
    );
    if (first.rowCount === 0) return false;
    switch (event.type) {
      case EventType.caseOpenedV1: {
        const d = event.data as CaseOpenedV1;
        await client.query(
          `INSERT INTO reporting.case_facts (case_id, tracking_code, category, priority, channel, service_point_code, village_code, opened_at, opened_event_id)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (case_id) DO NOTHING`,
          [d.caseId, d.trackingCode, d.category, d.priority, d.channel, d.servicePointCode, d.villageCode, d.openedAt, event.id],
        );
        break;
      }
      case 'org.minqing.work.visit_logged.v1':
      case 'org.minqing.work.diary_entry_added.v1':
      case 'org.minqing.work.household_file_updated.v1': {
        const d = event.data as unknown as Record<string, any>;
        const kind = event.type.includes('visit') ? 'visit' : event.type.includes('diary') ? 'diary' : 'household_file';
        await client.query(
          `INSERT INTO reporting.work_facts (event_id, cadre_code, department_code, village_code, kind, work_date, household_code, linked_household, key_household)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT DO NOTHING`,
          [event.id, d.cadreCode, d.departmentCode, d.villageCode, kind, d.date, d.householdCode ?? null, d.linkedHousehold ?? null, d.keyHousehold ?? null],
        );
        break;
      }
      default:
        await this.applyLifecycle(client, event);
    }
    return true;
  }

  /** Project one lifecycle event onto the case's facts (see migrations for the columns). */
  private async applyLifecycle(client: PoolClient, event: CloudEvent): Promise<void> {
    const d = event.data as unknown as Record<string, any>;
    const move = event.type.replace(/^org\.minqing\.case\./, '').replace(/\.v\d+$/, '');
    // Where the case stands after the move; guarded by seq so a stale event never overwrites a newer state.
    await client.query(
      `UPDATE reporting.case_facts SET status = $2, assignee_code = $3, department_code = $4, area_code = $5,
              village_code = coalesce($6, village_code), last_seq = $7
        WHERE case_id = $1 AND last_seq < $7`,
      [d.caseId, d.status, d.assigneeCode, d.departmentCode, d.areaCode, d.villageCode, d.seq],
    );
    const set = async (sql: string, params: unknown[]) => client.query(`UPDATE reporting.case_facts SET ${sql} WHERE case_id = $1`, [d.caseId, ...params]);
    switch (move) {
      case 'routed':
        await set('routed_at = coalesce(routed_at, $2)', [d.at]);
        break;
      case 'accepted':
        // The first sign-for counts for the response figures.
        await set('accepted_at = coalesce(accepted_at, $2), accepted_on_time = coalesce(accepted_on_time, $3), minutes_to_accept = coalesce(minutes_to_accept, $4)', [d.at, d.onTime, d.businessMinutesToAccept]);
        break;
      case 'returned':
        await set('returns = greatest(returns, $2)', [d.returnsCount]);
        break;
      case 'resolved':
        // The latest resolution counts (a reopened case is judged on its final answer; the redo shows in reopens).
        await set('resolved_at = $2, resolved_on_time = $3, minutes_to_resolve = $4', [d.at, d.onTime, d.businessMinutesToResolve]);
        break;
      case 'follow_up_recorded':
        await set('followed_up_at = $2, satisfaction = $3', [d.at, d.satisfaction]);
        break;
      case 'reopened':
        // Back to work: it is no longer resolved until it is answered again.
        await set('reopens = greatest(reopens, $2), satisfaction = NULL, followed_up_at = NULL, resolved_at = NULL, resolved_on_time = NULL, minutes_to_resolve = NULL', [d.reopenCount]);
        break;
      case 'closed':
      case 'withdrawn':
      case 'rejected':
      case 'merged':
        await set('closed_at = $2', [d.at]);
        break;
      case 'escalated':
        await client.query(
          `INSERT INTO reporting.escalations (event_id, case_id, level, phase, at, department_code, area_code, assignee_code)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING`,
          [event.id, d.caseId, d.level, d.phase, d.at, d.departmentCode, d.areaCode, d.assigneeCode],
        );
        await set('max_escalation_level = greatest(max_escalation_level, $2)', [d.level]);
        break;
    }
  }

  async recordDeadLetter(args: EventPosition & { eventId?: string; eventType?: string; reason: string; headers: Record<string, string>; value: string | null }): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO reporting.dead_letters (topic, kafka_partition, kafka_offset, event_id, event_type, reason, headers, value)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING`,
      [args.topic, args.partition, args.offset, args.eventId ?? null, args.eventType ?? null, args.reason, args.headers, args.value],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async deadLetters(limit: number, offset: number) {
    const total = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM reporting.dead_letters');
    const { rows } = await this.pool.query(
      `SELECT topic, kafka_partition AS partition, kafka_offset::text AS offset, event_id AS "eventId", event_type AS "eventType",
              reason, headers, value, received_at AS "receivedAt"
         FROM reporting.dead_letters ORDER BY id DESC LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return { total: total.rows[0]?.n ?? 0, items: rows };
  }

  async summary(filter: { from?: string; to?: string }): Promise<Summary> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.from) {
      params.push(filter.from);
      where.push(`opened_at >= $${params.length}`);
    }
    if (filter.to) {
      params.push(filter.to);
      where.push(`opened_at < $${params.length}`);
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const grouped = await this.pool.query<{ dim: string; key: string; n: string }>(
      `SELECT 'category' AS dim, category AS key, count(*) AS n FROM reporting.case_facts ${w} GROUP BY category
       UNION ALL SELECT 'priority', priority, count(*) FROM reporting.case_facts ${w} GROUP BY priority
       UNION ALL SELECT 'channel', channel, count(*) FROM reporting.case_facts ${w} GROUP BY channel`,
      params,
    );
    const totals = await this.pool.query<{ cases: string; events: string; dead: string; last: Date | null }>(
      `SELECT (SELECT count(*) FROM reporting.case_facts ${w}) AS cases,
              (SELECT count(*) FROM reporting.processed_events) AS events,
              (SELECT count(*) FROM reporting.dead_letters) AS dead,
              (SELECT max(processed_at) FROM reporting.processed_events) AS last`,
      params,
    );
    const out: Summary = {
      totalCases: Number(totals.rows[0]?.cases ?? 0),
      byCategory: {},
      byPriority: {},
      byChannel: {},
      eventsProcessed: Number(totals.rows[0]?.events ?? 0),
      deadLetters: Number(totals.rows[0]?.dead ?? 0),
      lastEventAt: totals.rows[0]?.last?.toISOString() ?? null,
    };
    for (const row of grouped.rows) {
      const target = row.dim === 'category' ? out.byCategory : row.dim === 'priority' ? out.byPriority : out.byChannel;
      target[row.key] = Number(row.n);
    }
    return out;
  }
}
