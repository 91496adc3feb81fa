/**
 * Pearson r of every unit of one stream with every unit of another, from centred cross products
 * (pairStats.ts): r_ij = S_xy[i, j] / √(S_xx[i, i] S_yy[j, j]). A constant unit has no r: NaN here,
 * which views show as "constant", never as a number. Pure code.
 */

/** Below this sum of squares per step a unit counts as constant (exact ties decode to equal floats). */
const CONSTANT = 1e-20;

/** [p, q] row-major: r of unit i of X with unit j of Y (NaN when either is constant). */
export function correlations(
  sxy: Float64Array,
  vx: Float64Array,
  vy: Float64Array,
  n: number
): Float64Array {
  const p = vx.length;
  const q = vy.length;
  const tiny = CONSTANT * Math.max(1, n);
  const r = new Float64Array(p * q);
  for (let i = 0; i < p; i++) {
    const sx = vx[i] > tiny ? Math.sqrt(vx[i]) : NaN;
    for (let j = 0; j < q; j++) {
      const sy = vy[j] > tiny ? Math.sqrt(vy[j]) : NaN;
      const v = sxy[i * q + j] / (sx * sy);
      r[i * q + j] = v > 1 ? 1 : v < -1 ? -1 : v;
    }
  }
  return r;
}

/** Each row's and each column's largest |r| and where (−1 and 0 when a whole row is undefined). */
export function bestCounterparts(r: Float64Array, p: number, q: number) {
  const bestA = new Float64Array(p);
  const argA = new Int32Array(p).fill(-1);
  const bestB = new Float64Array(q);
  const argB = new Int32Array(q).fill(-1);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < q; j++) {
      const v = Math.abs(r[i * q + j]);
      if (!(v === v)) continue;
      if (argA[i] < 0 || v > bestA[i]) {
        bestA[i] = v;
        argA[i] = j;
      }
      if (argB[j] < 0 || v > bestB[j]) {
        bestB[j] = v;
        argB[j] = i;
      }
    }
  return { bestA, argA, bestB, argB };
}
