/**
 * The SLA policy new cases start under (issue 11): the newest published version
 * (directory.sla_policies), else the built-in DEFAULT_SLA_POLICY. A published
 * policy is checked whole (checkSlaPolicy) before it is stored, and a version
 * name is never reused. Running cases are untouched: each carries the policy it
 * started with in its workflow input.
 */
import type pg from 'pg';
import { checkSlaPolicy, DEFAULT_CALENDAR, DEFAULT_SLA_POLICY, DomainError, ProblemType, type BusinessCalendar, type Pool, type SlaPolicy } from '@minqing/shared';

export interface PublishedPolicy {
  policy: SlaPolicy;
  /** null for the built-in policy */
  publishedAt: string | null;
  publishedBy: string | null;
}

/** A policy the check refuses: 422 with one coded error per problem. */
export class SlaPolicyInvalidError extends DomainError {
  constructor(problems: string[]) {
    super(ProblemType.validation, 422, 'The policy is not usable', `${problems.length} problem(s), first: ${problems[0] ?? '-'}`, {
      code: 'sla_policy_invalid',
      params: { count: problems.length },
      errors: problems.map((message) => ({ field: 'body/policy', message, code: 'sla_policy_rule', params: {} })),
    });
  }
}

export class SlaPolicyVersionTakenError extends DomainError {
  constructor(version: string) {
    super(ProblemType.conflict, 409, 'Version already published', `SLA policy version ${version} exists; publish under a new version`, {
      code: 'sla_policy_version_taken',
      params: { version },
    });
  }
}

export class SlaPolicyStore {
  private cached: PublishedPolicy = { policy: DEFAULT_SLA_POLICY, publishedAt: null, publishedBy: null };
  /** published versions read so far, by name */
  private readonly published = new Map<string, SlaPolicy>();
  constructor(private readonly deps: { pool: Pool; calendar?: BusinessCalendar }) {}

  get calendar(): BusinessCalendar {
    return this.deps.calendar ?? DEFAULT_CALENDAR;
  }

  /** The policy as last read (for synchronous callers); `current()` refreshes it. */
  get latest(): SlaPolicy {
    return this.cached.policy;
  }

  /** The newest published policy (read each time: another API process may have published). */
  async current(): Promise<PublishedPolicy> {
    const rows = await this.rows<{ policy: SlaPolicy; published_at: Date; published_by: string }>('SELECT policy, published_at, published_by FROM directory.sla_policies ORDER BY seq DESC LIMIT 1');
    const row = rows[0];
    this.cached = row ? { policy: row.policy, publishedAt: row.published_at.toISOString(), publishedBy: row.published_by } : { policy: DEFAULT_SLA_POLICY, publishedAt: null, publishedBy: null };
    return this.cached;
  }

  /** A version as published (versions never change, so each is read once); the built-in one for null or the built-in name. */
  async byVersion(version: string | null): Promise<SlaPolicy> {
    if (version === null || version === DEFAULT_SLA_POLICY.version) return DEFAULT_SLA_POLICY;
    const known = this.published.get(version);
    if (known) return known;
    const rows = await this.rows<{ policy: SlaPolicy }>('SELECT policy FROM directory.sla_policies WHERE version = $1', [version]);
    if (!rows[0]) return DEFAULT_SLA_POLICY; // a case from a database the policy was not kept in: what it most likely started with
    this.published.set(version, rows[0].policy);
    return rows[0].policy;
  }

  /** Every version, newest first (the built-in one last, as the first the township had). */
  async versions(): Promise<{ version: string; publishedAt: string | null; publishedBy: string | null }[]> {
    const rows = await this.rows<{ version: string; published_at: Date; published_by: string }>('SELECT version, published_at, published_by FROM directory.sla_policies ORDER BY seq DESC');
    return [...rows.map((r) => ({ version: r.version, publishedAt: r.published_at.toISOString(), publishedBy: r.published_by })), { version: DEFAULT_SLA_POLICY.version, publishedAt: null, publishedBy: null }];
  }

  /** Rows of a read; none while the table is not there yet (an API not yet migrated keeps the built-in policy). */
  private async rows<R extends object>(sql: string, params: unknown[] = []): Promise<R[]> {
    try {
      return (await this.deps.pool.query<R & pg.QueryResultRow>(sql, params)).rows;
    } catch (err) {
      if ((err as { code?: string }).code === '42P01') return [];
      throw err;
    }
  }

  async publish(policy: SlaPolicy, by: string): Promise<PublishedPolicy> {
    const problems = checkSlaPolicy(policy, this.calendar);
    if (problems.length) throw new SlaPolicyInvalidError(problems);
    if (policy.version === DEFAULT_SLA_POLICY.version) throw new SlaPolicyVersionTakenError(policy.version);
    const { rowCount } = await this.deps.pool.query(
      'INSERT INTO directory.sla_policies (version, policy, published_by) VALUES ($1, $2, $3) ON CONFLICT (version) DO NOTHING',
      [policy.version, JSON.stringify(policy), by],
    );
    if (rowCount !== 1) throw new SlaPolicyVersionTakenError(policy.version);
    return this.current();
  }
}
