/**
 * Per-unit normalisation as a transform that can be applied elsewhere: statistics are taken from
 * the window in view (as the select view shows it) and applied to the same units' values over the
 * whole recording, so "≥ θ" means the same in the select view and in the match.
 */
import { bisect } from '../bisect';
import type { Normalization } from './threshold';

export type UnitTransform =
  | { mode: 'raw' }
  | { mode: 'zscore'; mean: Float32Array; sd: Float32Array }
  /** sorted[u] holds unit u's finite values in view, ascending */
  | { mode: 'percentile'; sorted: Float32Array[] };

/** Statistics of each unit over a [T, units] row-major window. */
export function unitTransform(
  values: Float32Array,
  units: number,
  mode: Normalization
): UnitTransform {
  if (mode === 'raw') return { mode };
  const cols = Array.from({ length: units }, (_, u) => {
    const c: number[] = [];
    for (let i = u; i < values.length; i += units)
      if (Number.isFinite(values[i])) c.push(values[i]);
    return c;
  });
  if (mode === 'percentile') return { mode, sorted: cols.map((c) => Float32Array.from(c).sort()) };
  const mean = new Float32Array(units);
  const sd = new Float32Array(units);
  cols.forEach((c, u) => {
    const m = c.reduce((s, v) => s + v, 0) / (c.length || 1);
    mean[u] = m;
    sd[u] = Math.sqrt(c.reduce((s, v) => s + (v - m) ** 2, 0) / (c.length || 1));
  });
  return { mode, mean, sd };
}

/** Transform one value of unit u (same result as `normalize` for values of the window). */
export function transformValue(tf: UnitTransform, u: number, v: number): number {
  if (tf.mode === 'raw') return v;
  if (tf.mode === 'zscore') return tf.sd[u] > 0 ? (v - tf.mean[u]) / tf.sd[u] : 0;
  const s = tf.sorted[u];
  const n = s.length;
  if (n === 0) return NaN;
  if (n === 1) return 0.5;
  const p = (bisect(s, v, false) + bisect(s, v) - 1) / 2 / (n - 1);
  return Math.max(0, Math.min(1, p));
}

/** Transform in place a [T, k] row-major block whose column j holds unit unitsOf[j]. */
export function applyTransform(
  block: Float32Array,
  unitsOf: ArrayLike<number>,
  tf: UnitTransform
): Float32Array {
  if (tf.mode === 'raw') return block;
  const k = unitsOf.length;
  for (let i = 0; i < block.length; i++) block[i] = transformValue(tf, unitsOf[i % k], block[i]);
  return block;
}
