/**
 * One-to-one matching of two streams' units by correlation: the Hungarian assignment (munkres,
 * a maintained zero-dependency implementation, O(min² · max)) maximising the summed |r|. With
 * p ≠ q, min(p, q) pairs are made and the rest of the larger side stays unpaired. A pair with an
 * undefined r (a constant unit) scores 0. Pure code.
 */
import { munkres } from 'munkres';

/** Pairs [a, b] maximising Σ |r[a, b]| over a one-to-one assignment, in order of a. */
export function assignUnits(r: Float64Array, p: number, q: number): [number, number][] {
  if (p === 0 || q === 0) return [];
  const cost: Float64Array[] = [];
  for (let i = 0; i < p; i++) {
    const row = new Float64Array(q);
    for (let j = 0; j < q; j++) {
      const v = Math.abs(r[i * q + j]);
      row[j] = v === v ? 1 - v : 1;
    }
    cost.push(row);
  }
  return munkres(cost)
    .map(([a, b]) => [a, b] as [number, number])
    .sort((x, y) => x[0] - y[0]);
}
