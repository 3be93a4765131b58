/**
 * The words an Open311 answer needs (service names, the step a request is at),
 * taken from the console's own translations (web/src/i18n/{zh-CN,en}.json): one
 * definition of what a category or a step is called, in both languages. A
 * third-party app is not the console, so the server words these itself; the
 * language follows Accept-Language (zh-CN unless English is preferred).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyRequest } from 'fastify';

export const OPEN311_LANGUAGES = ['zh-CN', 'en'] as const;
export type Open311Language = (typeof OPEN311_LANGUAGES)[number];

const I18N_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../web/src/i18n');

type Tree = { [key: string]: string | Tree };
const trees = new Map<Open311Language, Tree>();

function tree(lang: Open311Language): Tree {
  let t = trees.get(lang);
  if (!t) {
    t = JSON.parse(fs.readFileSync(path.join(I18N_DIR, `${lang}.json`), 'utf8')) as Tree;
    trees.set(lang, t);
  }
  return t;
}

/** The label of `group.value` (e.g. `category.policy_question`), or the value itself when there is none. */
export function label(lang: Open311Language, group: string, value: string): string {
  const g = tree(lang)[group];
  const v = typeof g === 'object' ? g[value] : undefined;
  return typeof v === 'string' ? v : value;
}

/** The text at a dotted key (e.g. `ledger.csv.version`), or the key itself when there is none (the ledger's CSV export words its header and choices with it). */
export function textAt(lang: Open311Language, key: string): string {
  let node: string | Tree | undefined = tree(lang);
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : key;
}

/** English when the client prefers it to Chinese (Accept-Language q-values), else zh-CN. */
export function languageOf(request: FastifyRequest): Open311Language {
  const header = request.headers['accept-language'];
  if (typeof header !== 'string' || !header) return 'zh-CN';
  let best: { lang: Open311Language; q: number } = { lang: 'zh-CN', q: 0 };
  for (const part of header.split(',').slice(0, 20)) {
    const [tag, ...params] = part.trim().split(';');
    const q = Number(params.find((p) => p.trim().startsWith('q='))?.trim().slice(2) ?? '1');
    const lang: Open311Language | null = /^en\b/i.test(tag ?? '') ? 'en' : /^zh\b/i.test(tag ?? '') ? 'zh-CN' : null;
    if (lang && Number.isFinite(q) && q > best.q) best = { lang, q };
  }
  return best.lang;
}
