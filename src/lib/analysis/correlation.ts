/**
 * Pearson correlation between every pair of units of a stream, over the steps of their profiles
 * (numpy.corrcoef of the columns). A unit that is constant over those steps has no correlation
 * with anything: its row and column are marked undefined (0 in `r`, flagged in `constant`), never
 * NaN. Pure code on typed arrays.
 */

/** Units' values over the same steps, one unit after another: [units, steps] row-major. */
export interface Profiles {
  units: number;
  steps: number;
  values: Float32Array;
}

export interface CorrelationMatrix {
  units: number;
  /** [units, units] row-major, symmetric; 0 where undefined, 1 on the diagonal of defined units */
  r: Float32Array;
  /** 1 for a unit constant over the profile (its correlations are undefined) */
  constant: Uint8Array;
}

/** r of units i and j, or null when undefined (either is constant). */
export function correlationAt(m: CorrelationMatrix, i: number, j: number): number | null {
  return m.constant[i] || m.constant[j] ? null : m.r[i * m.units + j];
}

/**
 * Each unit centred and scaled to unit length (so the dot product of two is their r); a unit
 * whose spread is below float32 resolution of its values is constant and left at zeros.
 */
export function standardise(p: Profiles): { z: Float32Array; constant: Uint8Array } {
  const { units, steps, values } = p;
  const z = new Float32Array(units * steps);
  const constant = new Uint8Array(units);
  for (let u = 0; u < units; u++) {
    const x = values.subarray(u * steps, (u + 1) * steps);
    let sum = 0;
    let peak = 0;
    for (let t = 0; t < steps; t++) {
      sum += x[t];
      peak = Math.max(peak, Math.abs(x[t]));
    }
    const mean = sum / steps;
    let ss = 0;
    for (let t = 0; t < steps; t++) ss += (x[t] - mean) ** 2;
    // float32 values differ by at least ~6e-8 of their magnitude: less spread is rounding only.
    const floor = steps * (6e-8 * Math.max(peak, 1e-30)) ** 2;
    if (steps < 2 || !(ss > floor)) {
      constant[u] = 1;
      continue;
    }
    const k = 1 / Math.sqrt(ss);
    const out = z.subarray(u * steps, (u + 1) * steps);
    for (let t = 0; t < steps; t++) out[t] = (x[t] - mean) * k;
  }
  return { z, constant };
}

/** Steps per block of the product (a block of every unit's steps stays in cache). */
const BLOCK = 512;

/**
 * The correlation matrix. `onProgress` hears the fraction done after each block of steps (and
 * may throw to stop).
 */
export function correlationMatrix(
  p: Profiles,
  onProgress?: (fraction: number) => void
): CorrelationMatrix {
  const { units: U, steps: T } = p;
  const { z, constant } = standardise(p);
  // Constant units are zeros: their dot products are 0 and never read.
  const acc = new Float64Array(U * U);
  for (let b0 = 0; b0 < T; b0 += BLOCK) {
    const b1 = Math.min(T, b0 + BLOCK);
    for (let i = 0; i < U; i++) {
      const zi = i * T;
      let j = i + 1;
      // Four units j at once: each value of unit i is loaded once for four products (2× faster).
      for (; j + 3 < U; j += 4) {
        const z0 = j * T;
        const [z1, z2, z3] = [z0 + T, z0 + 2 * T, z0 + 3 * T];
        let [s0, s1, s2, s3] = [0, 0, 0, 0];
        for (let t = b0; t < b1; t++) {
          const x = z[zi + t];
          s0 += x * z[z0 + t];
          s1 += x * z[z1 + t];
          s2 += x * z[z2 + t];
          s3 += x * z[z3 + t];
        }
        const o = i * U + j;
        acc[o] += s0;
        acc[o + 1] += s1;
        acc[o + 2] += s2;
        acc[o + 3] += s3;
      }
      for (; j < U; j++) {
        const zj = j * T;
        let s = 0;
        for (let t = b0; t < b1; t++) s += z[zi + t] * z[zj + t];
        acc[i * U + j] += s;
      }
    }
    onProgress?.(b1 / T);
  }
  const r = new Float32Array(U * U);
  for (let i = 0; i < U; i++) {
    if (constant[i]) continue;
    r[i * U + i] = 1;
    for (let j = i + 1; j < U; j++) {
      // Rounding can push |r| a hair past 1.
      const v = Math.max(-1, Math.min(1, acc[i * U + j]));
      r[i * U + j] = v;
      r[j * U + i] = v;
    }
  }
  return { units: U, r, constant };
}
