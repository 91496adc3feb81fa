/** Sorting a ranking's rows by a column; undefined figures (null) always go last. */
import type { RankedUnitScore } from '../../analysis/rankReport';

export type RankSortKey = 'stream' | 'unit' | 'score' | 'heldout' | 'auc' | 'r' | 'spearman';

export function sortRows(
  rows: readonly RankedUnitScore[],
  key: RankSortKey,
  descending: boolean
): RankedUnitScore[] {
  const dir = descending ? -1 : 1;
  const value = (u: RankedUnitScore): number | string | null =>
    key === 'stream' ? u.stream : key === 'unit' ? u.unit : u[key];
  return [...rows].sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    const c = typeof x === 'string' ? x.localeCompare(y as string) : x - (y as number);
    return c * dir || a.stream.localeCompare(b.stream) || a.unit - b.unit;
  });
}
