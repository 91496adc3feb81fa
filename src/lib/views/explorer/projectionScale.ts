/** Extents for the projection's axes: interleaved [x, y] points, padded so dots sit inside. */

/** The finite extent of coordinate k (0: x, 1: y) of interleaved points; [0, 1] when empty. */
export function extentOf(xy: Float32Array, k: 0 | 1): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (let i = k; i < xy.length; i += 2) {
    const v = xy[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** An extent widened by 4% each side (a constant one: ±1 around its value). */
export function pad([lo, hi]: [number, number]): [number, number] {
  if (!(hi > lo)) return [lo - 1, hi + 1];
  const m = (hi - lo) * 0.04;
  return [lo - m, hi + m];
}
