import { describe, expect, it } from 'vitest';
import { safeFileStem } from './download';

describe('safeFileStem', () => {
  it('turns each run of unsafe characters into one dash, none at the ends', () => {
    expect(safeFileStem('Quote unit: L1/h #42?', 'x')).toBe('Quote-unit-L1-h-42');
    expect(safeFileStem('<script>&"a.b_c-d"', 'x')).toBe('script-a.b_c-d');
  });

  it('keeps at most 80 characters and falls back when nothing is left', () => {
    expect(safeFileStem('a'.repeat(100), 'x')).toHaveLength(80);
    expect(safeFileStem(' / ', 'finding')).toBe('finding');
    expect(safeFileStem('', 'cellscope')).toBe('cellscope');
  });
});
