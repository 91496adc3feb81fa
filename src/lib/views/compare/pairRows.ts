/**
 * The matched pairs as the page lists them: strongest held-out |r| first (undefined last), or in
 * A's unit order, each marked when it falls below the threshold. Pure code.
 */
import type { ComparePair, CompareResult } from '../../query/runCompare';

export type PairOrder = 'strongest' | 'weakest' | 'unit';

const strength = (p: ComparePair) => (p.rHeld === null ? -1 : Math.abs(p.rHeld));

export function pairRows(result: CompareResult, order: PairOrder): ComparePair[] {
  const rows = [...result.pairs];
  if (order === 'strongest') rows.sort((x, y) => strength(y) - strength(x) || x.a - y.a);
  else if (order === 'weakest') rows.sort((x, y) => strength(x) - strength(y) || x.a - y.a);
  else rows.sort((x, y) => x.a - y.a);
  return rows;
}

export interface Unpaired {
  unit: number;
  /** best |r| with any unit of the other side, or null (constant unit) */
  best: number | null;
  /** that unit, or −1 */
  with: number;
}

/** Units whose best |r| with any unit of the other side is below the threshold (or undefined). */
export function unpaired(best: Float32Array, arg: Int32Array, threshold: number): Unpaired[] {
  const out: Unpaired[] = [];
  for (let u = 0; u < best.length; u++) {
    const v = best[u];
    if (!(v >= threshold)) out.push({ unit: u, best: v === v ? v : null, with: arg[u] });
  }
  return out.sort((x, y) => (x.best ?? -1) - (y.best ?? -1));
}
