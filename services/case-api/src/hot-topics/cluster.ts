/**
 * The month's recurring issues from its cases' keywords (./terms.ts): within a
 * category, cases whose keyword sets overlap make a topic. Pure and
 * deterministic (the same cases give the same topics, in the same order).
 *
 * How (frequent-term clustering, after Beil, Ester and Xu 2002, with one
 * expansion step):
 * 1. Among the category's cases not yet in a topic, the keyword most of them
 *    share (ties: the larger summed weight, then the word) seeds a topic: the
 *    cases that have it. None shared by two cases: no more topics.
 * 2. The topic's keywords are the seed and the words most of its cases share
 *    and that are mostly used by them (half its cases or more have the word, and
 *    half or more of the remaining cases with the word are among them): 取暖 and
 *    煤 go together, while 老人, said in many cases of every kind, does not.
 * 3. The topic takes every remaining case with any of its keywords (煤价 cases
 *    without 取暖 join 取暖·煤). Its cases leave the pool; back to 1.
 * A keyword joining unrelated cases is the risk of any keyword method; the
 * expansion is one step (no chaining), and generic words are not keywords.
 */
import { createHash } from 'node:crypto';
import { HOT_TOPIC_MIN_CASES, type CaseCategory } from '@minqing/shared';
import type { Terms } from './terms';

export interface TopicCase {
  id: string;
  category: CaseCategory;
  villageCode: string | null;
  householdCode: string | null;
  /** ISO instant; newest first within a topic */
  openedAt: string;
  terms: Terms;
}

export interface Topic {
  id: string;
  category: CaseCategory;
  /** the keyword the topic grew from */
  seed: string;
  /** the seed, then the others by how many of its cases share them */
  keywords: string[];
  /** its cases, newest first */
  cases: TopicCase[];
  householdCount: number;
  /** every village of its cases, most cases first */
  villages: { code: string; cases: number }[];
}

/** A topic's id: category and a digest of its seed — a code, stable while the seed leads the topic. */
export const topicId = (category: string, seed: string): string => `${category}.${createHash('sha256').update(seed).digest('hex').slice(0, 12)}`;

const byNewest = (a: TopicCase, b: TopicCase) => (a.openedAt < b.openedAt ? 1 : a.openedAt > b.openedAt ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

interface TermStat {
  cases: number;
  weight: number;
}

function termStats(cases: readonly TopicCase[]): Map<string, TermStat> {
  const stats = new Map<string, TermStat>();
  for (const c of cases) {
    for (const [term, weight] of c.terms) {
      const s = stats.get(term) ?? { cases: 0, weight: 0 };
      s.cases++;
      s.weight += weight;
      stats.set(term, s);
    }
  }
  return stats;
}

/** The leading term: most cases, then most weight, then the word itself. */
function leading(stats: Map<string, TermStat>, min: number): string | null {
  let best: [string, TermStat] | null = null;
  for (const entry of stats) {
    const [term, s] = entry;
    if (s.cases < min) continue;
    if (!best || s.cases > best[1].cases || (s.cases === best[1].cases && (s.weight > best[1].weight || (s.weight === best[1].weight && cmp(term, best[0]) < 0)))) best = entry;
  }
  return best ? best[0] : null;
}

function topicOf(category: CaseCategory, seed: string, members: TopicCase[], pool: Map<string, TermStat>): Omit<Topic, 'cases' | 'householdCount' | 'villages'> {
  const inTopic = termStats(members);
  const half = Math.max(HOT_TOPIC_MIN_CASES, Math.ceil(members.length / 2));
  const keywords = [...inTopic]
    .filter(([term, s]) => term !== seed && s.cases >= half && s.cases / (pool.get(term)?.cases ?? s.cases) >= 0.5)
    .sort(([ta, a], [tb, b]) => b.cases - a.cases || b.weight - a.weight || cmp(ta, tb))
    .map(([term]) => term);
  // A word inside another keyword adds nothing to the label and would reach too far (路 of 路灯 in every road case, 保险 of 养老保险).
  const all = [seed, ...keywords];
  return { id: topicId(category, seed), category, seed, keywords: all.filter((k) => k === seed || !all.some((o) => o !== k && o.includes(k))) };
}

function summarise(t: Omit<Topic, 'cases' | 'householdCount' | 'villages'>, cases: TopicCase[]): Topic {
  const villages = new Map<string, number>();
  for (const c of cases) if (c.villageCode) villages.set(c.villageCode, (villages.get(c.villageCode) ?? 0) + 1);
  return {
    ...t,
    cases: [...cases].sort(byNewest),
    householdCount: new Set(cases.map((c) => c.householdCode).filter((h): h is string => h !== null)).size,
    villages: [...villages].sort(([ca, a], [cb, b]) => b - a || cmp(ca, cb)).map(([code, n]) => ({ code, cases: n })),
  };
}

/** The topics among `cases`, most cases first (then households, villages, label). */
export function clusterTopics(cases: readonly TopicCase[], minCases = HOT_TOPIC_MIN_CASES): Topic[] {
  const byCategory = new Map<CaseCategory, TopicCase[]>();
  for (const c of cases) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  const topics: Topic[] = [];
  for (const category of [...byCategory.keys()].sort(cmp)) {
    let remaining = byCategory.get(category)!;
    for (;;) {
      const pool = termStats(remaining);
      const seed = leading(pool, minCases);
      if (seed === null) break;
      const seeded = remaining.filter((c) => c.terms.has(seed));
      const t = topicOf(category, seed, seeded, pool);
      const members = remaining.filter((c) => t.keywords.some((k) => c.terms.has(k)));
      topics.push(summarise(t, members));
      const taken = new Set(members.map((c) => c.id));
      remaining = remaining.filter((c) => !taken.has(c.id));
    }
  }
  return topics.sort(
    (a, b) => b.cases.length - a.cases.length || b.householdCount - a.householdCount || b.villages.length - a.villages.length || cmp(a.keywords[0]!, b.keywords[0]!) || cmp(a.id, b.id),
  );
}

/** How many of `cases` (e.g. the previous month's) a topic's keywords reach in its category: its trend's base. */
export function casesReached(topic: Pick<Topic, 'category' | 'keywords'>, cases: readonly Pick<TopicCase, 'category' | 'terms'>[]): number {
  return cases.filter((c) => c.category === topic.category && topic.keywords.some((k) => c.terms.has(k))).length;
}
