/**
 * A colour-scale extent for a window of values: bounded streams (h, gates) get 1; unbounded ones
 * (c, ReLU h) get the 97th percentile of |value| rounded up to 1, 2, 3 or 5 × 10^k, so the scale
 * is not set by a few extreme units (an LSTM's c often has one or two) and does not flicker while
 * panning; values beyond it show at full colour.
 */
export function robustExtent(values: Float32Array, maxSamples = 20000): number {
  const n = values.length;
  if (!n) return 1;
  const step = Math.max(1, Math.floor(n / maxSamples));
  const sample: number[] = [];
  for (let i = 0; i < n; i += step)
    if (Number.isFinite(values[i])) sample.push(Math.abs(values[i]));
  if (!sample.length) return 1;
  sample.sort((a, b) => a - b);
  const q = sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.97))];
  if (q <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(q));
  for (const m of [1, 2, 3, 5, 10]) if (m * p >= q) return m * p;
  return 10 * p;
}
