/**
 * SQL of hot topics: the month's cases a reader may see, with their texts (read
 * here, turned into keywords in this process, never sent or logged), and the
 * month's topic decisions (directory.monthly_topics: revisions, never changed).
 */
import type { CaseCategory, CaseStatus, Pool } from '@minqing/shared';
import type { ScopeSql } from '../queue.repository';

export interface MonthCase {
  id: string;
  trackingCode: string;
  status: CaseStatus;
  category: CaseCategory;
  title: string;
  description: string;
  villageCode: string | null;
  householdCode: string | null;
  openedAt: string;
}

export interface TopicDecision {
  month: string;
  revision: number;
  topicId: string;
  category: CaseCategory;
  keywords: string[];
  villageCodes: string[];
  caseIds: string[];
  householdCount: number;
  note: string;
  reason: string | null;
  takenBy: { username: string; name: string; role: string };
  takenAt: string;
}

export type NewDecision = Omit<TopicDecision, 'takenAt'>;

/** Characters of a description read for its keywords (terms.ts reads up to 1,000). */
const DESCRIPTION_CHARS = 1_000;

const toDecision = (r: any): TopicDecision => ({
  month: r.month,
  revision: r.revision,
  topicId: r.topic_id,
  category: r.category,
  keywords: r.keywords,
  villageCodes: r.village_codes,
  caseIds: r.case_ids,
  householdCount: r.household_count,
  note: r.note,
  reason: r.reason,
  takenBy: { username: r.taken_by, name: r.taken_by_name, role: r.taken_by_role },
  takenAt: r.taken_at.toISOString(),
});

const DECISION_COLUMNS = `month, revision, topic_id, category, keywords, village_codes, case_ids, household_count, note, reason,
  taken_by, taken_by_name, taken_by_role, taken_at`;

export class HotTopicsRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * The cases opened in [from, to) that `scope` lets the reader see, newest
   * first. A case merged into another is left out: it is the same request again.
   */
  async casesOpened(from: Date, to: Date, scope: ScopeSql): Promise<MonthCase[]> {
    const params: unknown[] = [from, to, DESCRIPTION_CHARS];
    const { rows } = await this.pool.query(
      `SELECT id, tracking_code, status, category, title, left(description, $3) AS description, village_code, household_code, opened_at
         FROM casework.cases
        WHERE opened_at >= $1 AND opened_at < $2 AND merged_into IS NULL AND ${scope(params)}
        ORDER BY opened_at DESC, id`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      trackingCode: r.tracking_code,
      status: r.status,
      category: r.category,
      title: r.title,
      description: r.description,
      villageCode: r.village_code,
      householdCode: r.household_code,
      openedAt: r.opened_at.toISOString(),
    }));
  }

  /** Cases by id that `scope` lets the reader see (a topic as it was taken up), newest first. */
  async casesById(ids: string[], scope: ScopeSql): Promise<MonthCase[]> {
    const params: unknown[] = [ids];
    const { rows } = await this.pool.query(
      `SELECT id, tracking_code, status, category, title, '' AS description, village_code, household_code, opened_at
         FROM casework.cases WHERE id = ANY($1::uuid[]) AND ${scope(params)}
        ORDER BY opened_at DESC, id`,
      params,
    );
    return rows.map((r) => ({
      id: r.id, trackingCode: r.tracking_code, status: r.status, category: r.category, title: r.title, description: '',
      villageCode: r.village_code, householdCode: r.household_code, openedAt: r.opened_at.toISOString(),
    }));
  }

  /** The month's topic now (its newest revision) and how many revisions it has; null when none was taken up. */
  async current(month: string): Promise<{ decision: TopicDecision; revisions: number } | null> {
    const { rows } = await this.pool.query(
      `SELECT ${DECISION_COLUMNS}, count(*) OVER () AS revisions FROM directory.monthly_topics WHERE month = $1 ORDER BY revision DESC LIMIT 1`,
      [month],
    );
    return rows[0] ? { decision: toDecision(rows[0]), revisions: Number(rows[0].revisions) } : null;
  }

  /** A revision of the month that took up `topicId` (the newest such), for its cases as taken up. */
  async decisionFor(month: string, topicId: string): Promise<TopicDecision | null> {
    const { rows } = await this.pool.query(
      `SELECT ${DECISION_COLUMNS} FROM directory.monthly_topics WHERE month = $1 AND topic_id = $2 ORDER BY revision DESC LIMIT 1`,
      [month, topicId],
    );
    return rows[0] ? toDecision(rows[0]) : null;
  }

  /**
   * Adds a revision. Null when that revision of the month exists already
   * (someone else changed the month's topic meanwhile): nothing is written.
   */
  async insert(d: NewDecision): Promise<TopicDecision | null> {
    const { rows } = await this.pool.query(
      `INSERT INTO directory.monthly_topics (month, revision, topic_id, category, keywords, village_codes, case_ids, household_count, note, reason, taken_by, taken_by_name, taken_by_role)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], $8, $9, $10, $11, $12, $13)
       ON CONFLICT (month, revision) DO NOTHING
       RETURNING ${DECISION_COLUMNS}`,
      [d.month, d.revision, d.topicId, d.category, d.keywords, d.villageCodes, d.caseIds, d.householdCount, d.note, d.reason, d.takenBy.username, d.takenBy.name, d.takenBy.role],
    );
    return rows[0] ? toDecision(rows[0]) : null;
  }

  /** Each month's topic now (newest revision), newest month first, from `before` (exclusive) back to `from`. */
  async months(f: { from?: string; to?: string; before?: string; limit: number }): Promise<{ decision: TopicDecision; revisions: number }[]> {
    const params: unknown[] = [];
    const w: string[] = [];
    if (f.from) w.push(`month >= $${params.push(f.from)}`);
    if (f.to) w.push(`month <= $${params.push(f.to)}`);
    if (f.before) w.push(`month < $${params.push(f.before)}`);
    const { rows } = await this.pool.query(
      `SELECT * FROM (
         SELECT ${DECISION_COLUMNS}, count(*) OVER (PARTITION BY month) AS revisions,
                row_number() OVER (PARTITION BY month ORDER BY revision DESC) AS newest
           FROM directory.monthly_topics ${w.length ? `WHERE ${w.join(' AND ')}` : ''}
       ) m WHERE newest = 1 ORDER BY month DESC LIMIT $${params.push(f.limit)}`,
      params,
    );
    return rows.map((r) => ({ decision: toDecision(r), revisions: Number(r.revisions) }));
  }

  /** Every revision of a month, newest first, below revision `below` (exclusive). */
  async history(month: string, f: { below?: number; limit: number }): Promise<{ items: TopicDecision[]; revisions: number }> {
    const params: unknown[] = [month];
    const below = f.below !== undefined ? `AND revision < $${params.push(f.below)}` : '';
    const [{ rows }, count] = await Promise.all([
      this.pool.query(`SELECT ${DECISION_COLUMNS} FROM directory.monthly_topics WHERE month = $1 ${below} ORDER BY revision DESC LIMIT $${params.push(f.limit)}`, params),
      this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM directory.monthly_topics WHERE month = $1', [month]),
    ]);
    return { items: rows.map(toDecision), revisions: count.rows[0]?.n ?? 0 };
  }
}
