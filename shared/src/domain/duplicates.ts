/**
 * Likely duplicates at intake (issue 11): the same household's (or the same
 * phone's) open case of the same category whose text is similar. Similarity is
 * the Sørensen–Dice coefficient over character bigrams of the normalised text
 * (spaces, punctuation and symbols dropped, lower case): it needs no word
 * segmentation, so it works for Chinese as for Mongolian or English, and a
 * request typed again with small differences still scores high. Pure: the
 * console and the API may both use it.
 */

/** From this similarity on, an open case is offered as a likely duplicate. */
export const DUPLICATE_SIMILARITY = 0.5;

/** Text as compared: no spaces, punctuation or symbols; lower case. */
export function normaliseForDuplicates(text: string): string {
  return text.replace(/[\s\p{P}\p{S}]+/gu, '').toLowerCase();
}

function bigrams(text: string): Map<string, number> {
  const chars = [...normaliseForDuplicates(text)];
  const out = new Map<string, number>();
  if (chars.length === 1) out.set(chars[0]!, 1);
  for (let i = 0; i + 1 < chars.length; i++) {
    const g = chars[i]! + chars[i + 1]!;
    out.set(g, (out.get(g) ?? 0) + 1);
  }
  return out;
}

/** Dice coefficient of the character bigrams of two texts: 1 the same text, 0 nothing in common. */
export function textSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  let nx = 0;
  let ny = 0;
  let both = 0;
  for (const n of x.values()) nx += n;
  for (const [g, n] of y) {
    ny += n;
    both += Math.min(n, x.get(g) ?? 0);
  }
  return nx + ny === 0 ? 0 : (2 * both) / (nx + ny);
}

/** How alike a new request is to an open case: the better of the titles alone and title plus description. */
export function requestSimilarity(a: { title: string; description?: string }, b: { title: string; description: string }): number {
  const titles = textSimilarity(a.title, b.title);
  return a.description ? Math.max(titles, textSimilarity(`${a.title}${a.description}`, `${b.title}${b.description}`)) : titles;
}
