/**
 * A case's keywords, for hot topics: Chinese word segmentation and TF-IDF
 * keyword extraction by jieba (`@node-rs/jieba`, its bundled dictionary and IDF
 * table), not by hand. What is ours is only which words count:
 * - parts of speech that name an issue (nouns, verbal nouns, verbs, idioms,
 *   abbreviations) — never person or place names (nr…, ns): a resident's name
 *   must not become a topic's label, and places are shown as villages anyway;
 * - a single character only when jieba tags it a noun (煤, 水, 路, 电 are what
 *   rural cases are about);
 * - not the words every case says whatever it is about (申请, 咨询, 希望, 问题 …)
 *   nor those that only restate a category (纠纷 in disputes, 走访 in care visits);
 * - a long word also counts by the dictionary words inside it (jieba's search
 *   mode): 低保金 and 垃圾清运 meet 低保 and 垃圾 in other cases.
 * The title counts twice (it says what the case is about); the description is
 * read up to 1,000 characters.
 */
import { createRequire } from 'node:module';
import type * as JiebaModule from '@node-rs/jieba';
import type * as JiebaDict from '@node-rs/jieba/dict.js';

// Loaded when first needed (the dictionary and IDF table are some 11 MB): a process that never asks for hot topics never reads them.
const load = createRequire(import.meta.url);

/** term → weight (TF-IDF): the words a case is about. */
export type Terms = ReadonlyMap<string, number>;

export interface TermExtractor {
  terms(title: string, description: string): Terms;
}

/** jieba's part-of-speech tags whose words may name an issue. */
const ISSUE_POS = ['n', 'nz', 'ng', 'vn', 'v', 'l', 'an', 'j', 'i', 'nt'];
const KEYWORDS_PER_CASE = 10;
const DESCRIPTION_CHARS = 1_000;
/** A word inside a longer one weighs a little less than the word itself. */
const INNER_WEIGHT = 0.8;

/** Words case texts use whatever they are about; and words that only restate a category. */
export const GENERIC_WORDS: ReadonlySet<string> = new Set([
  // asking and wanting
  '申请', '咨询', '请求', '希望', '要求', '反映', '了解', '需要', '帮忙', '帮助', '查询', '询问', '想要', '打算', '计划', '建议', '扩大', '看看', '看一看', '组织', '开始', '地方',
  // doing and handling
  '办理', '处理', '解决', '协调', '安排', '落实', '进行', '提供', '给予', '帮', '答复', '回复', '联系',
  // what, who, where, when in general
  '问题', '情况', '事情', '事项', '相关', '方面', '有关', '村民', '群众', '居民', '邻居', '家庭', '家里', '家中', '村里', '本村', '全家', '我家',
  '本人', '老人家', '人员', '工作', '时间', '时候', '现在', '目前', '最近', '今年', '去年', '本月', '上月',
  // states and effects in general
  '困难', '不便', '影响', '出行', '担心', '存在', '导致', '造成', '发现', '表示', '没有', '不能', '无法', '不到', '送到', '交到', '知道', '不知', '还是',
  // paperwork in general
  '材料', '手续', '条件', '政策', '规定', '标准',
  // a category said again: disputes, care visits, proxy matters, guidance, environment
  '纠纷', '矛盾', '调解', '走访', '慰问', '代办', '指导', '环境', '卫生',
]);

const HAN = /^\p{Script=Han}+$/u;

export class JiebaTerms implements TermExtractor {
  private readonly jieba: JiebaModule.Jieba;
  private readonly tfidf: JiebaModule.TfIdf;

  constructor() {
    const jieba = load('@node-rs/jieba') as typeof JiebaModule;
    const { dict, idf } = load('@node-rs/jieba/dict.js') as typeof JiebaDict;
    this.jieba = jieba.Jieba.withDict(dict);
    this.tfidf = jieba.TfIdf.withDict(idf);
    this.tfidf.setConfig({ minKeywordLength: 1, useHmm: true });
  }

  terms(title: string, description: string): Terms {
    const text = `${title}。${title}。${description.slice(0, DESCRIPTION_CHARS)}`;
    const tags = new Map<string, string>();
    for (const { word, tag } of this.jieba.tag(text, true)) if (!tags.has(word)) tags.set(word, tag);
    const out = new Map<string, number>();
    const add = (term: string, weight: number) => {
      if ((out.get(term) ?? 0) < weight) out.set(term, weight);
    };
    for (const { keyword, weight } of this.tfidf.extractKeywords(this.jieba, text, KEYWORDS_PER_CASE, ISSUE_POS)) {
      if (!HAN.test(keyword) || GENERIC_WORDS.has(keyword)) continue;
      if (keyword.length === 1 && tags.get(keyword) !== 'n') continue;
      add(keyword, weight);
      if (keyword.length >= 3) {
        for (const inner of this.jieba.cutForSearch(keyword, true)) {
          if (inner !== keyword && inner.length >= 2 && HAN.test(inner) && !GENERIC_WORDS.has(inner)) add(inner, weight * INNER_WEIGHT);
        }
      }
    }
    return out;
  }
}

let shared: JiebaTerms | null = null;
/** One extractor per process: loading the dictionary takes about half a second and some 50 MB. */
export function jiebaTerms(): JiebaTerms {
  shared ??= new JiebaTerms();
  return shared;
}
