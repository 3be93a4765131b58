import { describe, expect, it } from 'vitest';
import { DUPLICATE_SIMILARITY, requestSimilarity, textSimilarity } from './duplicates';

describe('duplicate similarity', () => {
  it('the same text is 1, unrelated text near 0, punctuation and spaces ignored', () => {
    expect(textSimilarity('路灯不亮', '路灯不亮')).toBe(1);
    expect(textSimilarity('路灯 不亮！', '路灯不亮')).toBe(1);
    expect(textSimilarity('路灯不亮', '低保申请材料')).toBe(0);
    expect(textSimilarity('', '')).toBe(0);
  });

  it('a request typed again with small changes is a likely duplicate; another request of the household is not', () => {
    const open = { title: '三组路灯坏了三天', description: '晚上出行不便，请尽快维修' };
    expect(requestSimilarity({ title: '三组路灯坏了 三天了', description: '晚上出行很不便，请尽快修' }, open)).toBeGreaterThanOrEqual(DUPLICATE_SIMILARITY);
    expect(requestSimilarity({ title: '申请临时救助', description: '家中老人住院费用困难' }, open)).toBeLessThan(DUPLICATE_SIMILARITY);
  });
});
