/**
 * UMAP of a stream's state vectors (umap-js), seeded so the same request draws the same map.
 * Its input is each row's coordinates on the leading principal components (at most
 * UMAP_INPUT_DIMS of them, from the PCA fit): distances are nearly the same as on all units,
 * and the neighbour search runs several times faster. Epochs run one at a time so a caller can
 * report progress and stop. Pure code.
 */
import { UMAP } from 'umap-js';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { ProjectionError, projectRows, type PcaFit } from './projection';

/** Principal components UMAP sees. */
export const UMAP_INPUT_DIMS = 32;

export interface UmapRun {
  /** [n, 2] row-major */
  xy: Float32Array;
  /** share of the variance the components UMAP saw keep */
  inputVariance: number;
  inputDims: number;
  /** place other rows (the window's) on the fitted map: [m, 2] */
  transform(rows: Float32Array, m: number): Float32Array;
}

/** A seeded uniform [0, 1) source (xoroshiro128+). */
export function seededRandom(seed: number): () => number {
  const rng = xoroshiro128plus(seed | 0);
  for (let i = 0; i < 64; i++) rng.next();
  return () => uniformFloat64(rng);
}

const toRows = (flat: Float32Array, k: number) =>
  Array.from({ length: flat.length / k }, (_, r) => Array.from(flat.subarray(r * k, (r + 1) * k)));

export async function runUmap(
  fit: PcaFit,
  rows: Float32Array,
  n: number,
  opts: {
    seed: number;
    nNeighbors?: number;
    /** epochs done of total; (0, 0) while the neighbours are searched */
    onEpoch?: (done: number, total: number) => void;
    signal?: AbortSignal;
  }
): Promise<UmapRun> {
  const nNeighbors = opts.nNeighbors ?? 15;
  if (fit.units < 2)
    throw new ProjectionError(
      'UMAP needs at least 2 units: this stream has one. Use PCA (a 1-D strip).'
    );
  if (n <= nNeighbors)
    throw new ProjectionError(`UMAP needs more than ${nNeighbors} steps; this one has ${n}.`);
  const k = Math.min(UMAP_INPUT_DIMS, fit.units);
  const variance = fit.all!.variance;
  const total = variance.reduce((a, b) => a + b, 0);
  const inputVariance = variance.slice(0, k).reduce((a, b) => a + b, 0) / total;
  const umap = new UMAP({ nComponents: 2, nNeighbors, random: seededRandom(opts.seed) });
  opts.onEpoch?.(0, 0); // the neighbour search first (no epochs yet)
  await new Promise((r) => setTimeout(r, 0));
  const epochs = umap.initializeFit(toRows(projectRows(fit, rows, n, k), k));
  for (let e = 0; e < epochs; e++) {
    if (opts.signal?.aborted) throw new DOMException('UMAP was cancelled.', 'AbortError');
    umap.step();
    if (e % 10 === 0 || e === epochs - 1) {
      opts.onEpoch?.(e + 1, epochs);
      // Let the worker hear a cancel between batches of epochs.
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  const xy = Float32Array.from(umap.getEmbedding().flat());
  return {
    xy,
    inputVariance,
    inputDims: k,
    transform: (win, m) =>
      Float32Array.from(umap.transform(toRows(projectRows(fit, win, m, k), k)).flat())
  };
}
