/**
 * A 2-D projection of one stream's state vectors over the whole recording: a seeded subsample
 * of steps (all of them when there are few) is read window by window, PCA is fitted to it
 * (analysis/projection.ts) and, when asked, UMAP is run on its leading components
 * (analysis/umapProjection.ts). Runs in the query worker. The fit comes back with the points so
 * the view can place the current window's trajectory (PCA on the main thread; UMAP through the
 * worker's `transform`, which keeps the last map).
 */
import { fitPca, projectRows, type PcaFit } from '../analysis/projection';
import { sampleSteps } from '../analysis/stepSample';
import { runUmap, type UmapRun } from '../analysis/umapProjection';
import type { RecordingReader } from '../store/reader';

export type ProjectionMethod = 'pca' | 'umap';

/** Steps drawn at most: PCA fits and draws up to 20,000; UMAP (seconds per thousand) 4,000. */
export const MAX_STEPS: Record<ProjectionMethod, number> = { pca: 20_000, umap: 4_000 };

export interface ProjectionRequest {
  stream: string;
  method: ProjectionMethod;
  seed?: number;
  /** steps drawn at most (default MAX_STEPS[method]) */
  maxSteps?: number;
}

export interface ProjectionResult {
  stream: string;
  method: ProjectionMethod;
  seed: number;
  /** the drawn steps, ascending, and their 2-D points [n, 2] */
  steps: Uint32Array;
  xy: Float32Array;
  /** recorded steps (the sample is drawn from them) */
  total: number;
  /** the PCA fit, without its full eigenbasis (PC1/PC2 and their explained variance) */
  pca: Omit<PcaFit, 'all'>;
  /** UMAP only: how many leading components it saw and the variance they keep */
  umapInput: { dims: number; variance: number } | null;
  ms: number;
}

export interface ProjectionProgress {
  done: number;
  total: number;
  phase: 'reading' | 'pca' | 'umap';
}

/** Rows read per window while drawing the sample. */
const READ_ROWS = 4096;

export async function runProjection(
  reader: RecordingReader,
  req: ProjectionRequest,
  opts: { signal?: AbortSignal; onProgress?: (p: ProjectionProgress) => void } = {}
): Promise<{ result: ProjectionResult; umap: UmapRun | null }> {
  const started = performance.now();
  const stop = () => {
    if (opts.signal?.aborted) throw new DOMException('The projection was cancelled.', 'AbortError');
  };
  const seed = req.seed ?? 1;
  const T = reader.length;
  const p = reader.units(req.stream);
  const steps = sampleSteps(T, req.maxSteps ?? MAX_STEPS[req.method], seed);
  const n = steps.length;
  const rows = new Float32Array(n * p);
  let i = 0;
  for (let t0 = 0; t0 < T && i < n; t0 += READ_ROWS) {
    const t1 = Math.min(T, t0 + READ_ROWS);
    if (steps[i] >= t1) continue;
    const win = await reader.window(req.stream, t0, t1);
    for (; i < n && steps[i] < t1; i++)
      rows.set(win.subarray((steps[i] - t0) * p, (steps[i] - t0 + 1) * p), i * p);
    stop();
    opts.onProgress?.({ done: t1, total: T, phase: 'reading' });
  }
  const fit = fitPca(rows, n, p, (done) => opts.onProgress?.({ done, total: n, phase: 'pca' }));
  stop();
  let umap: UmapRun | null = null;
  if (req.method === 'umap')
    umap = await runUmap(fit, rows, n, {
      seed,
      signal: opts.signal,
      onEpoch: (done, total) => opts.onProgress?.({ done, total, phase: 'umap' })
    });
  const { all: _all, ...pca } = fit;
  void _all;
  return {
    result: {
      stream: req.stream,
      method: req.method,
      seed,
      steps,
      xy: umap ? umap.xy : projectRows(fit, rows, n),
      total: T,
      pca,
      umapInput: umap ? { dims: umap.inputDims, variance: umap.inputVariance } : null,
      ms: performance.now() - started
    },
    umap
  };
}
