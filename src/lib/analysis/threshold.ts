/**
 * Helpers for choosing θ: per-unit normalisation of a window, value histograms and a suggested
 * threshold. Non-finite values are skipped by the statistics and stay NaN in the output.
 */

export type Normalization = 'raw' | 'zscore' | 'percentile';

/** Finite values of unit u in a [T, units] row-major window. */
function column(values: Float32Array, units: number, u: number): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  for (let t = 0, i = u; i < values.length; t++, i += units)
    if (Number.isFinite(values[i])) out.push({ t, v: values[i] });
  return out;
}

/** (v - mean) / sd per unit; a constant unit becomes 0. */
function zscore(values: Float32Array, units: number, out: Float32Array) {
  for (let u = 0; u < units; u++) {
    const col = column(values, units, u);
    const mean = col.reduce((s, x) => s + x.v, 0) / (col.length || 1);
    const sd = Math.sqrt(col.reduce((s, x) => s + (x.v - mean) ** 2, 0) / (col.length || 1));
    for (const { t, v } of col) out[t * units + u] = sd > 0 ? (v - mean) / sd : 0;
  }
}

/** rank / (n - 1) per unit, in [0, 1]; ties share their mean rank, a single value gets 0.5. */
function percentile(values: Float32Array, units: number, out: Float32Array) {
  for (let u = 0; u < units; u++) {
    const col = column(values, units, u).sort((a, b) => a.v - b.v);
    const n = col.length;
    for (let i = 0; i < n;) {
      let j = i;
      while (j + 1 < n && col[j + 1].v === col[i].v) j++;
      const p = n > 1 ? (i + j) / 2 / (n - 1) : 0.5;
      for (let r = i; r <= j; r++) out[col[r].t * units + u] = p;
      i = j + 1;
    }
  }
}

/** A normalised copy of a [T, units] row-major window, per unit over the given values. */
export function normalize(values: Float32Array, units: number, mode: Normalization): Float32Array {
  if (mode === 'raw') return values.slice();
  const out = new Float32Array(values.length).fill(NaN);
  if (mode === 'zscore') zscore(values, units, out);
  else if (mode === 'percentile') percentile(values, units, out);
  else throw new RangeError(`unknown normalisation "${mode as string}"`);
  return out;
}

/**
 * Counts of values in `bins` equal-width bins over [lo, hi] (default: the finite values'
 * extent); hi itself goes in the last bin, values outside the range and NaN are not counted.
 */
export function histogram(
  values: ArrayLike<number>,
  bins: number,
  range?: [number, number]
): Uint32Array {
  if (!(Number.isInteger(bins) && bins > 0))
    throw new RangeError('bins must be a positive integer');
  const counts = new Uint32Array(bins);
  const [lo, hi] = range ?? finiteExtent(values);
  if (!(lo <= hi)) return counts;
  const scale = hi > lo ? bins / (hi - lo) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) * scale))]++;
  }
  return counts;
}

function finiteExtent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return [lo, hi];
}

/** Histogram of the finite values over their own range [lo, hi]; null when none is finite. */
export interface ValueHistogram {
  lo: number;
  hi: number;
  counts: Uint32Array;
}

export function valueHistogram(values: ArrayLike<number>, bins = 256): ValueHistogram | null {
  const [lo, hi] = finiteExtent(values);
  if (!(lo <= hi)) return null;
  return { lo, hi, counts: histogram(values, bins, [lo, hi]) };
}

/** Sum groups of `factor` adjacent bins (256 bins → 64 for display). */
export function coarsen(counts: Uint32Array, factor: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(counts.length / factor));
  for (let b = 0; b < counts.length; b++) out[Math.floor(b / factor)] += counts[b];
  return out;
}

/**
 * A θ for the select view: Otsu's method on a 256-bin histogram of the values, i.e. the cut that
 * maximises the between-class variance of "off" and "on". It lands in the gap of bimodal data
 * (a gated unit's off/on states) and is scale-free, unlike LSTMVis's fixed 0.3, which suits
 * tanh-bounded h but not c or ReLU states. Returns a bin edge (the middle one when several
 * cuts through an empty gap tie), so "on" is v >= θ; the value itself for constant data, and null when nothing is finite.
 */
export function suggestThreshold(values: ArrayLike<number>, bins = 256): number | null {
  const h = valueHistogram(values, bins);
  return h && otsuThreshold(h);
}

/** suggestThreshold from a histogram already taken (valueHistogram). */
export function otsuThreshold({ lo, hi, counts }: ValueHistogram): number {
  if (lo === hi) return lo;
  const bins = counts.length;
  let total = 0;
  let sumAll = 0;
  for (let b = 0; b < bins; b++) {
    total += counts[b];
    sumAll += b * counts[b];
  }
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let first = 0;
  let last = 0; // empty bins in a gap tie: take the middle of the tied cuts
  for (let b = 0; b < bins - 1; b++) {
    w0 += counts[b];
    sum0 += b * counts[b];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = w0 * w1 * (sum0 / w0 - (sumAll - sum0) / w1) ** 2;
    if (between === best) last = b;
    else if (between > best) [best, first, last] = [between, b, b];
  }
  const cut = (first + last + 2) / 2;
  return lo + (Math.round(cut) * (hi - lo)) / bins;
}
