/**
 * Hot topics (热点问题) and this month's topic (每月一题): the rules. A reader's
 * topics are computed from the cases they may see (the case visibility rule),
 * on each request, from the month's cases — so a new case shows at once, and
 * nothing about the texts is stored or sent anywhere. A case's keywords are
 * kept in memory (a case's text does not change), so a month is segmented once.
 * Taking a topic up records it as it is then: its keywords, category,
 * villages and cases, who and when; a change is a new revision with its reason.
 */
import {
  CursorError, DEFAULT_CALENDAR, DomainError, decodeCursor, encodeCursor, filterFingerprint, monthBounds, monthOf, ProblemType, shiftMonth, startOffset,
  countedNextCursor, trendOf, type BusinessCalendar, type CaseCategory, type FieldError, type HotTopic, type HotTopicCase, type MonthlyTopic, type Principal, type TakeUpBody,
} from '@minqing/shared';
import { CaseAccess } from '../auth/case-access';
import { casesReached, clusterTopics, type Topic, type TopicCase } from './cluster';
import type { HotTopicsRepository, MonthCase, TopicDecision } from './hot-topics.repository';
import type { Terms, TermExtractor } from './terms';

export type HotTopicsStore = Pick<HotTopicsRepository, 'casesOpened' | 'casesById' | 'current' | 'decisionFor' | 'insert' | 'months' | 'history'>;

/** The list names in cursors (a cursor of one list is refused by another). */
const LIST = { topics: 'hot-topics', cases: 'hot-topic-cases', months: 'monthly-topics', history: 'monthly-topic-history' } as const;
/** Keywords kept in memory for this many cases; then the oldest tenth is dropped. */
const TERMS_CACHE = 50_000;

export interface ListQuery {
  month: string;
  category?: string;
  village?: string;
  q?: string;
  limit: number;
  cursor?: string;
}

export interface HotTopicsAnswer {
  month: string;
  previousMonth: string;
  casesInMonth: number;
  casesInTopics: number;
  monthlyTopic: MonthlyTopic | null;
  items: HotTopic[];
  nextCursor: string | null;
  total: number;
}

export interface TopicCasesAnswer {
  month: string;
  topic: { id: string; category: CaseCategory; keywords: string[] };
  source: 'live' | 'taken_up';
  items: HotTopicCase[];
  nextCursor: string | null;
  total: number;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function fieldProblem(error: FieldError): DomainError {
  return new DomainError(ProblemType.validation, 400, 'Invalid request', `${error.field} ${error.message}`, { errors: [error] });
}

export class HotTopicNotFoundError extends DomainError {
  constructor(month: string, topicId: string) {
    super(ProblemType.notFound, 404, 'Not found', `no topic ${topicId} among the hot topics of ${month} you may see (the month's topics move as cases come in: reload them)`, {
      code: 'hot_topic_not_found',
      params: { month },
    });
  }
}

/** The month has a topic already: a change names the revision it replaces and gives a reason. */
export class MonthlyTopicTakenError extends DomainError {
  constructor(month: string, revision: number) {
    super(ProblemType.conflict, 409, "The month's topic is taken up already", `${month} has a topic (revision ${revision}): to change it, send replacesRevision ${revision} and a reason`, {
      code: 'monthly_topic_taken',
      params: { month, revision },
    });
  }
}

/** The month's topic changed since the caller saw it. */
export class MonthlyTopicChangedError extends DomainError {
  constructor(month: string, current: number) {
    super(ProblemType.conflict, 409, "The month's topic changed meanwhile", `${month}'s topic is at revision ${current} now: reload it and decide again`, {
      code: 'monthly_topic_changed',
      params: { month, current },
    });
  }
}

const toCase = (c: MonthCase): HotTopicCase => ({ id: c.id, trackingCode: c.trackingCode, status: c.status, category: c.category, title: c.title, villageCode: c.villageCode, openedAt: c.openedAt });

export function toMonthlyTopic(d: TopicDecision, current: boolean, revisions: number): MonthlyTopic {
  return {
    month: d.month,
    revision: d.revision,
    current,
    topicId: d.topicId,
    category: d.category,
    keywords: d.keywords,
    villages: d.villageCodes,
    caseCount: d.caseIds.length,
    householdCount: d.householdCount,
    note: d.note,
    reason: d.reason,
    takenBy: d.takenBy,
    takenAt: d.takenAt,
    revisions,
  };
}

interface MonthTopics {
  cases: MonthCase[];
  topics: (Topic & { previousCount: number })[];
  monthlyTopic: MonthlyTopic | null;
}

export class HotTopicsService {
  private readonly calendar: BusinessCalendar;
  private readonly now: () => Date;
  private readonly cache = new Map<string, Terms>();

  constructor(private readonly deps: { store: HotTopicsStore; terms: () => TermExtractor; calendar?: BusinessCalendar; now?: () => Date }) {
    this.calendar = deps.calendar ?? DEFAULT_CALENDAR;
    this.now = deps.now ?? (() => new Date());
  }

  /** This month in the township. */
  currentMonth(): string {
    return monthOf(this.now(), this.calendar);
  }

  /** A month not after the current one (a 400 naming `field` otherwise). */
  private assertPast(month: string, field: string): void {
    const max = this.currentMonth();
    if (month > max) throw fieldProblem({ field, message: `must not be after the current month ${max}`, code: 'too_large', params: { max } });
  }

  private termsOf(c: MonthCase): Terms {
    const key = `${c.id}:${c.title.length}:${c.description.length}`;
    let terms = this.cache.get(key);
    if (!terms) {
      terms = this.deps.terms().terms(c.title, c.description);
      if (this.cache.size >= TERMS_CACHE) for (const old of [...this.cache.keys()].slice(0, TERMS_CACHE / 10)) this.cache.delete(old);
      this.cache.set(key, terms);
    }
    return terms;
  }

  private topicCase = (c: MonthCase): TopicCase => ({ id: c.id, category: c.category, villageCode: c.villageCode, householdCode: c.householdCode, openedAt: c.openedAt, terms: this.termsOf(c) });

  /** The month's topics among the cases `p` may see, ranked, each with its count the month before. */
  private async monthTopics(p: Principal, month: string): Promise<MonthTopics> {
    const scope = (params: unknown[]) => CaseAccess.scopeSql(p, params);
    const here = monthBounds(month, this.calendar);
    const before = monthBounds(shiftMonth(month, -1), this.calendar);
    const [cases, previous, current] = await Promise.all([
      this.deps.store.casesOpened(here.from, here.to, scope),
      this.deps.store.casesOpened(before.from, before.to, scope),
      this.deps.store.current(month),
    ]);
    const earlier = previous.map(this.topicCase);
    const topics = clusterTopics(cases.map(this.topicCase)).map((t) => ({ ...t, previousCount: casesReached(t, earlier) }));
    return { cases, topics, monthlyTopic: current ? toMonthlyTopic(current.decision, true, current.revisions) : null };
  }

  /** listHotTopics: the month's topics, most cases first, filtered, paged. */
  async list(p: Principal, q: ListQuery): Promise<HotTopicsAnswer> {
    this.assertPast(q.month, 'querystring/month');
    const fp = filterFingerprint({ month: q.month, category: q.category, village: q.village, q: q.q });
    const offset = startOffset(LIST.topics, q, fp);
    const { cases, topics, monthlyTopic } = await this.monthTopics(p, q.month);
    const wanted = topics.filter(
      (t) =>
        (!q.category || t.category === q.category) &&
        (!q.village || t.villages.some((v) => v.code === q.village)) &&
        (!q.q || t.keywords.some((k) => k.includes(q.q!) || q.q!.includes(k))),
    );
    const items = wanted.slice(offset, offset + q.limit).map(
      (t): HotTopic => ({
        id: t.id,
        category: t.category,
        keywords: t.keywords,
        caseCount: t.cases.length,
        householdCount: t.householdCount,
        villageCount: t.villages.length,
        villages: t.villages,
        previousCount: t.previousCount,
        trend: trendOf(t.cases.length, t.previousCount),
        takenUp: monthlyTopic?.topicId === t.id,
      }),
    );
    return {
      month: q.month,
      previousMonth: shiftMonth(q.month, -1),
      casesInMonth: cases.length,
      casesInTopics: topics.reduce((n, t) => n + t.cases.length, 0),
      monthlyTopic,
      items,
      nextCursor: countedNextCursor(LIST.topics, items.length, wanted.length, offset, fp),
      total: wanted.length,
    };
  }

  /**
   * hotTopicCases: a topic's cases (those `p` may see), newest first, paged by
   * cursor. A topic no longer among the month's (its cases regrouped as more came
   * in) that was taken up is answered with its cases as taken up.
   */
  async cases(p: Principal, topicId: string, q: { month: string; limit: number; cursor?: string }): Promise<TopicCasesAnswer> {
    this.assertPast(q.month, 'querystring/month');
    const fp = filterFingerprint({ month: q.month, topic: topicId });
    let after: [string, string] | null = null;
    if (q.cursor !== undefined) {
      const [at, id] = decodeCursor(LIST.cases, q.cursor, fp);
      if (typeof at !== 'string' || typeof id !== 'string') throw new CursorError();
      after = [at, id];
    }
    const { cases, topics } = await this.monthTopics(p, q.month);
    const live = topics.find((t) => t.id === topicId);
    let topic: TopicCasesAnswer['topic'];
    let members: MonthCase[];
    let source: TopicCasesAnswer['source'] = 'live';
    if (live) {
      const ids = new Set(live.cases.map((c) => c.id));
      topic = { id: live.id, category: live.category, keywords: live.keywords };
      members = cases.filter((c) => ids.has(c.id)); // newest first, as read
    } else {
      const decided = await this.deps.store.decisionFor(q.month, topicId);
      if (!decided) throw new HotTopicNotFoundError(q.month, topicId);
      topic = { id: decided.topicId, category: decided.category, keywords: decided.keywords };
      members = await this.deps.store.casesById(decided.caseIds, (params) => CaseAccess.scopeSql(p, params));
      source = 'taken_up';
    }
    const start = after ? members.findIndex((c) => c.openedAt < after[0] || (c.openedAt === after[0] && c.id > after[1])) : 0;
    const rest = start < 0 ? [] : members.slice(start);
    const items = rest.slice(0, q.limit);
    const last = items[items.length - 1];
    return {
      month: q.month,
      topic,
      source,
      items: items.map(toCase),
      nextCursor: rest.length > q.limit && last ? encodeCursor(LIST.cases, [last.openedAt, last.id], fp) : null,
      total: members.length,
    };
  }

  /** takeUpHotTopic: record `body.topicId` as the month's topic, or change it (with the revision replaced and a reason). */
  async takeUp(p: Principal, body: TakeUpBody): Promise<MonthlyTopic> {
    this.assertPast(body.month, 'body/month');
    if (!body.note.trim()) throw fieldProblem({ field: 'body/note', message: 'must say what will be done', code: 'required', params: {} });
    const { topics, monthlyTopic } = await this.monthTopics(p, body.month);
    const topic = topics.find((t) => t.id === body.topicId);
    if (!topic) throw new HotTopicNotFoundError(body.month, body.topicId);
    if (monthlyTopic) {
      if (body.replacesRevision === undefined) throw new MonthlyTopicTakenError(body.month, monthlyTopic.revision);
      if (body.replacesRevision !== monthlyTopic.revision) throw new MonthlyTopicChangedError(body.month, monthlyTopic.revision);
      if (!body.reason?.trim()) throw fieldProblem({ field: 'body/reason', message: "is required to change the month's topic", code: 'required', params: {} });
    } else if (body.replacesRevision !== undefined) {
      throw new MonthlyTopicChangedError(body.month, 0);
    }
    const revision = (monthlyTopic?.revision ?? 0) + 1;
    const saved = await this.deps.store.insert({
      month: body.month,
      revision,
      topicId: topic.id,
      category: topic.category,
      keywords: topic.keywords,
      villageCodes: topic.villages.map((v) => v.code),
      caseIds: topic.cases.map((c) => c.id),
      householdCount: topic.householdCount,
      note: body.note.trim(),
      reason: body.reason?.trim() || null,
      takenBy: { username: p.username, name: p.name, role: p.role },
    });
    if (!saved) throw new MonthlyTopicChangedError(body.month, (await this.deps.store.current(body.month))?.decision.revision ?? revision);
    return toMonthlyTopic(saved, true, revision);
  }

  /** listMonthlyTopics: each month's topic now, newest month first, paged by cursor. */
  async months(q: { from?: string; to?: string; limit: number; cursor?: string }): Promise<Page<MonthlyTopic>> {
    const fp = filterFingerprint({ from: q.from, to: q.to });
    let before: string | undefined;
    if (q.cursor !== undefined) {
      const [m] = decodeCursor(LIST.months, q.cursor, fp);
      if (typeof m !== 'string' || !/^\d{4}-\d{2}$/.test(m)) throw new CursorError();
      before = m;
    }
    const rows = await this.deps.store.months({ from: q.from, to: q.to, before, limit: q.limit + 1 });
    const items = rows.slice(0, q.limit).map((r) => toMonthlyTopic(r.decision, true, r.revisions));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(LIST.months, [last.month], fp) : null };
  }

  /** monthlyTopicHistory: every revision of a month, newest first (the first is the current one), paged by cursor. */
  async history(month: string, q: { limit: number; cursor?: string }): Promise<Page<MonthlyTopic> & { total: number }> {
    const fp = filterFingerprint({ month });
    let below: number | undefined;
    if (q.cursor !== undefined) {
      const [r] = decodeCursor(LIST.history, q.cursor, fp);
      if (typeof r !== 'number' || r < 1) throw new CursorError();
      below = r;
    }
    const page = await this.deps.store.history(month, { below, limit: q.limit + 1 });
    const items = page.items.slice(0, q.limit).map((d) => toMonthlyTopic(d, d.revision === page.revisions, page.revisions));
    const last = items[items.length - 1];
    return { items, nextCursor: page.items.length > q.limit && last ? encodeCursor(LIST.history, [last.revision], fp) : null, total: page.revisions };
  }
}
