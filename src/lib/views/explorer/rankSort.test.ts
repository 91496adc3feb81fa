import { describe, expect, it } from 'vitest';
import type { RankedUnitScore } from '../../analysis/rankReport';
import { sortRows } from './rankSort';

const row = (stream: string, unit: number, score: number | null, r: number | null = null) =>
  ({
    stream,
    unit,
    score,
    sign: 1,
    auc: null,
    r,
    spearman: null,
    heldout: null
  }) as RankedUnitScore;

describe('sortRows', () => {
  const rows = [row('b', 2, 0.6, -0.5), row('a', 1, null, 0.2), row('a', 0, 0.9, null)];
  it('sorts by a figure with undefined ones last, either way', () => {
    expect(sortRows(rows, 'score', true).map((u) => u.score)).toEqual([0.9, 0.6, null]);
    expect(sortRows(rows, 'score', false).map((u) => u.score)).toEqual([0.6, 0.9, null]);
    expect(sortRows(rows, 'r', false).map((u) => u.r)).toEqual([-0.5, 0.2, null]);
  });
  it('sorts by stream then unit', () => {
    expect(sortRows(rows, 'stream', false).map((u) => `${u.stream}${u.unit}`)).toEqual([
      'a0',
      'a1',
      'b2'
    ]);
  });
});
