/**
 * Centred cross products of two sets of units observed at the same steps — the sufficient
 * statistics of linear CKA (cka.ts) and of every unit pair's Pearson r (unitCorrelation.ts).
 * Rows are steps, [n, units] row-major; sums are float64. Pure code.
 */

/** Column means of rows [n, p]. */
export function columnMeans(rows: ArrayLike<number>, n: number, p: number): Float64Array {
  const mean = new Float64Array(p);
  for (let t = 0; t < n; t++) for (let i = 0; i < p; i++) mean[i] += rows[t * p + i];
  if (n > 0) for (let i = 0; i < p; i++) mean[i] /= n;
  return mean;
}

/** The rows minus their column means, as float64 [n, p]. */
export function centreColumns(rows: ArrayLike<number>, n: number, p: number): Float64Array {
  const mean = columnMeans(rows, n, p);
  const out = new Float64Array(n * p);
  for (let t = 0; t < n; t++)
    for (let i = 0; i < p; i++) out[t * p + i] = rows[t * p + i] - mean[i];
  return out;
}

/**
 * out[p × q] += Σ over rows r0..r1-1 of X[t]ᵀ Y[t] (X [n, p], Y [n, q], row-major). Four rows
 * per sweep of `out`: 2.5× faster than one (measured at 256 × 256; `out` stays in cache longer).
 */
export function addCross(
  X: Float64Array,
  p: number,
  Y: Float64Array,
  q: number,
  r0: number,
  r1: number,
  out: Float64Array
): void {
  let t = r0;
  for (; t + 4 <= r1; t += 4) {
    const x0 = t * p;
    const y0 = t * q;
    for (let i = 0; i < p; i++) {
      const a = X[x0 + i];
      const b = X[x0 + p + i];
      const c = X[x0 + 2 * p + i];
      const d = X[x0 + 3 * p + i];
      const o = i * q;
      for (let j = 0, y = y0; j < q; j++, y++)
        out[o + j] += a * Y[y] + b * Y[y + q] + c * Y[y + 2 * q] + d * Y[y + 3 * q];
    }
  }
  for (; t < r1; t++) {
    const xo = t * p;
    const yo = t * q;
    for (let i = 0; i < p; i++) {
      const a = X[xo + i];
      const o = i * q;
      for (let j = 0; j < q; j++) out[o + j] += a * Y[yo + j];
    }
  }
}

/** out[p × p] += Σ over rows r0..r1-1 of X[t]ᵀ X[t], upper triangle only (see mirrorUpper). */
export function addGramUpper(
  X: Float64Array,
  p: number,
  r0: number,
  r1: number,
  out: Float64Array
): void {
  let t = r0;
  for (; t + 4 <= r1; t += 4) {
    const x0 = t * p;
    for (let i = 0; i < p; i++) {
      const a = X[x0 + i];
      const b = X[x0 + p + i];
      const c = X[x0 + 2 * p + i];
      const d = X[x0 + 3 * p + i];
      const o = i * p;
      for (let j = i, x = x0 + i; j < p; j++, x++)
        out[o + j] += a * X[x] + b * X[x + p] + c * X[x + 2 * p] + d * X[x + 3 * p];
    }
  }
  for (; t < r1; t++) {
    const xo = t * p;
    for (let i = 0; i < p; i++) {
      const a = X[xo + i];
      const o = i * p;
      for (let j = i; j < p; j++) out[o + j] += a * X[xo + j];
    }
  }
}

/** Copy the upper triangle of a p × p matrix onto its lower triangle. */
export function mirrorUpper(m: Float64Array, p: number): Float64Array {
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) m[i * p + j] = m[j * p + i];
  return m;
}

/** Σ of squares of a matrix (its squared Frobenius norm). */
export function sumSquares(m: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i] * m[i];
  return s;
}

/** The diagonal of a p × p matrix. */
export function diagonal(m: Float64Array, p: number): Float64Array {
  const d = new Float64Array(p);
  for (let i = 0; i < p; i++) d[i] = m[i * p + i];
  return d;
}
