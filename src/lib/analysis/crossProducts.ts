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

/** out[p × q] += Σ over rows r0..r1-1 of X[t]ᵀ Y[t] (X [n, p], Y [n, q], row-major). */
export function addCross(
  X: Float64Array,
  p: number,
  Y: Float64Array,
  q: number,
  r0: number,
  r1: number,
  out: Float64Array
): void {
  for (let t = r0; t < r1; t++) {
    const xo = t * p;
    const yo = t * q;
    for (let i = 0; i < p; i++) {
      const xi = X[xo + i];
      if (xi === 0) continue;
      const o = i * q;
      for (let j = 0; j < q; j++) out[o + j] += xi * Y[yo + j];
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
  for (let t = r0; t < r1; t++) {
    const xo = t * p;
    for (let i = 0; i < p; i++) {
      const xi = X[xo + i];
      if (xi === 0) continue;
      const o = i * p;
      for (let j = i; j < p; j++) out[o + j] += xi * X[xo + j];
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
