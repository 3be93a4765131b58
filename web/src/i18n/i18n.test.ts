/** The two languages carry exactly the same keys, none of them empty. */
import { describe, expect, it } from 'vitest';
import zhCN from './zh-CN.json';
import en from './en.json';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

describe('web translations', () => {
  const zh = leaves(zhCN as Tree);
  const eng = leaves(en as Tree);

  it('zh-CN and en have exactly the same keys', () => {
    expect([...eng.keys()].sort()).toEqual([...zh.keys()].sort());
  });

  it('no value is empty', () => {
    for (const [lang, map] of [['zh-CN', zh], ['en', eng]] as const) {
      const empty = [...map].filter(([, v]) => v.trim() === '').map(([k]) => `${lang}:${k}`);
      expect(empty).toEqual([]);
    }
  });

  it('placeholders match between the languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [k, v] of zh) expect(vars(eng.get(k) ?? ''), k).toEqual(vars(v));
  });
});
