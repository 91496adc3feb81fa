/**
 * Cluster a stream's units by their activation profiles over the recording: read every unit's
 * values (all steps, or a seeded sample of them when the recording is big — analysis/stepSample),
 * correlate every pair, then cluster (analysis/unitClusters). Runs in the query worker; the
 * correlation matrix of the last stream is kept so that another method or k reuses it.
 */
import { correlationMatrix, type CorrelationMatrix } from '../analysis/correlation';
import { profileSteps, sampleSteps, STEP_SAMPLE_SEED } from '../analysis/stepSample';
import { clusterUnits, type ClusterMethod, type UnitClusters } from '../analysis/unitClusters';
import type { RecordingReader } from '../store/reader';

/** Values read at once while collecting profiles (4 bytes each). */
const READ_BYTES = 64 * 2 ** 20;

export interface ClusterRequest {
  stream: string;
  method: ClusterMethod;
  k: number;
}

export interface ClusterProgress {
  phase: 'reading' | 'correlating' | 'clustering';
  /** fraction of the whole job done */
  fraction: number;
}

export interface ClusterResult extends UnitClusters {
  stream: string;
  /** steps the profiles hold, of `total` recorded */
  steps: number;
  total: number;
  /** seed of the step sample (null: every step) */
  seed: number | null;
  matrix: CorrelationMatrix;
  ms: number;
}

/** The last correlation matrix made (per recording and stream). */
export interface CorrelationCache {
  key: string;
  matrix: CorrelationMatrix;
  steps: number;
}

/** Every unit's values at the given steps, unit after unit ([units, steps]). */
async function readProfiles(
  reader: RecordingReader,
  stream: string,
  steps: Uint32Array,
  onFraction: (f: number) => void
): Promise<Float32Array> {
  const U = reader.units(stream);
  const T = reader.length;
  const S = steps.length;
  const all = S === T;
  const out = new Float32Array(U * S);
  const width = reader.tileUnits;
  const group = width * Math.max(1, Math.floor(READ_BYTES / 4 / Math.max(1, T) / width));
  for (let b = 0; b < U; b += group) {
    const units = Array.from({ length: Math.min(group, U - b) }, (_, i) => b + i);
    const k = units.length;
    const cols = await reader.columns(stream, units, 0, T);
    for (let j = 0; j < k; j++) {
      const dst = out.subarray((b + j) * S, (b + j + 1) * S);
      for (let i = 0; i < S; i++) dst[i] = cols[(all ? i : steps[i]) * k + j];
    }
    onFraction((b + k) / U);
  }
  return out;
}

export async function runClusters(
  reader: RecordingReader,
  req: ClusterRequest,
  opts: {
    onProgress?: (p: ClusterProgress) => void;
    signal?: AbortSignal;
    cache?: { get: () => CorrelationCache | null; set: (c: CorrelationCache) => void };
    /** identifies the recording in the cache */
    key?: string;
    /** at most this many steps (default: profileSteps' budget) */
    maxSteps?: number;
  } = {}
): Promise<ClusterResult> {
  const start = performance.now();
  const T = reader.length;
  if (T < reader.recording.tokens)
    throw new Error(
      `This recording is still in progress (${T.toLocaleString('en')} of ${reader.recording.tokens.toLocaleString('en')} steps): cluster its units once it completes.`
    );
  const U = reader.units(req.stream);
  const count = Math.min(profileSteps(U, T), opts.maxSteps ?? T);
  const key = `${opts.key ?? ''}/${req.stream}`;
  const progress = (phase: ClusterProgress['phase'], fraction: number) => {
    if (opts.signal?.aborted) throw new DOMException('Clustering was cancelled.', 'AbortError');
    opts.onProgress?.({ phase, fraction });
  };
  let cached = opts.cache?.get();
  if (!cached || cached.key !== key) {
    const steps = sampleSteps(T, count);
    const values = await readProfiles(reader, req.stream, steps, (f) =>
      progress('reading', 0.4 * f)
    );
    const matrix = correlationMatrix({ units: U, steps: count, values }, (f) =>
      progress('correlating', 0.4 + 0.5 * f)
    );
    cached = { key, matrix, steps: count };
    opts.cache?.set(cached);
  }
  progress('clustering', 0.9);
  const clusters = clusterUnits(cached.matrix, req.method, req.k);
  progress('clustering', 1);
  return {
    ...clusters,
    stream: req.stream,
    steps: cached.steps,
    total: T,
    seed: cached.steps < T ? STEP_SAMPLE_SEED : null,
    matrix: cached.matrix,
    ms: performance.now() - start
  };
}
