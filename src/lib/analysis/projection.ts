/**
 * PCA of a stream's state vectors (one row per step): the covariance of the rows, accumulated in
 * float64 over the centred rows, is handed to ml-pca for its eigendecomposition; the view
 * shows the first two components and the share of the variance each explains (as
 * sklearn.decomposition.PCA's explained_variance_ratio_; tested against it on a fixture).
 *
 * A stream of one unit has one component: the projection is that unit's own (centred) values, a
 * 1-D strip (dims 1, y = 0), and the view says so. A constant stream has nothing to project and
 * is refused. Pure code.
 */
import { PCA } from 'ml-pca';

export class ProjectionError extends Error {}

export interface PcaFit {
  units: number;
  /** 2, or 1 for a stream of one unit (a strip) */
  dims: 1 | 2;
  /** each unit's mean over the fitted rows */
  mean: Float64Array;
  /** components[k][u]: loading of unit u on PC k+1, unit length, largest loading positive */
  components: Float64Array[];
  /** share of the total variance each of the components explains */
  explained: number[];
  /** every component, for UMAP's input (eigenvectors in decreasing variance), [units][units] */
  all?: { vectors: Float64Array[]; variance: number[] };
  rows: number;
}

/** Column means and the covariance (÷ n − 1) of n rows of p values. */
export function covariance(
  rows: Float32Array,
  n: number,
  p: number,
  onRow?: (done: number) => void
): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let u = 0; u < p; u++) mean[u] += rows[r * p + u];
  for (let u = 0; u < p; u++) mean[u] /= n;
  const cov = new Float64Array(p * p);
  const x = new Float64Array(p);
  for (let r = 0; r < n; r++) {
    for (let u = 0; u < p; u++) x[u] = rows[r * p + u] - mean[u];
    addOuter(cov, x, p);
    if (onRow && (r & 1023) === 1023) onRow(r + 1);
  }
  for (let i = 0; i < p; i++)
    for (let j = i; j < p; j++) {
      const v = cov[i * p + j] / Math.max(1, n - 1);
      cov[i * p + j] = v;
      cov[j * p + i] = v;
    }
  return { mean, cov };
}

// The upper triangle of x xᵀ; its own function so V8 optimises the hot loop once.
function addOuter(cov: Float64Array, x: Float64Array, p: number) {
  for (let i = 0; i < p; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let j = i, at = i * p + i; j < p; j++, at++) cov[at] += xi * x[j];
  }
}

/** Fit PCA to n rows of p units ([n, p] row-major). */
export function fitPca(
  rows: Float32Array,
  n: number,
  p: number,
  onRow?: (done: number) => void
): PcaFit {
  if (p < 1) throw new ProjectionError('This stream has no units: there is nothing to project.');
  if (n < 2) throw new ProjectionError(`A projection needs at least 2 steps; this one has ${n}.`);
  const { mean, cov } = covariance(rows, n, p, onRow);
  let trace = 0;
  for (let u = 0; u < p; u++) trace += cov[u * p + u];
  if (!(trace > 0))
    throw new ProjectionError(
      'Every unit of this stream is constant over these steps: there is no variance to project.'
    );
  const matrix = Array.from({ length: p }, (_, i) => Array.from(cov.subarray(i * p, (i + 1) * p)));
  const pca = new PCA(matrix, { isCovarianceMatrix: true });
  const U = pca.getEigenvectors();
  const variance = pca.getEigenvalues().map((v) => Math.max(0, v));
  const vectors = Array.from({ length: p }, (_, k) => {
    const v = Float64Array.from(U.getColumn(k));
    // A fixed sign: the largest loading positive (eigenvectors are defined up to sign).
    let big = 0;
    for (let u = 1; u < p; u++) if (Math.abs(v[u]) > Math.abs(v[big])) big = u;
    if (v[big] < 0) for (let u = 0; u < p; u++) v[u] = -v[u];
    return v;
  });
  const dims = p === 1 ? 1 : 2;
  return {
    units: p,
    dims,
    mean,
    components: vectors.slice(0, dims),
    explained: variance.slice(0, dims).map((v) => v / trace),
    all: { vectors, variance },
    rows: n
  };
}

/**
 * Rows [n, p] on the first `k` components of a fit: [n, k] row-major. A component the fit does
 * not have (PC2 of one unit) is 0: a strip.
 */
export function projectRows(
  fit: Pick<PcaFit, 'units' | 'mean' | 'components' | 'all'>,
  rows: Float32Array,
  n: number,
  k = 2
): Float32Array {
  const p = fit.units;
  const vecs = k <= fit.components.length ? fit.components : (fit.all?.vectors ?? fit.components);
  const out = new Float32Array(n * k);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < Math.min(k, vecs.length); c++) {
      const v = vecs[c];
      let s = 0;
      for (let u = 0; u < p; u++) s += (rows[r * p + u] - fit.mean[u]) * v[u];
      out[r * k + c] = s;
    }
  return out;
}
