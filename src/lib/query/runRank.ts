/**
 * Rank every unit of a stream by how closely it follows a per-step target (an annotation
 * track) over the whole recording: the recording is read window by window at full width and
 * the correlations merged (analysis/unitRanking.ts). Runs in the query worker, or in Node.
 */
import { UnitCorrelation } from '../analysis/unitRanking';
import type { RecordingReader } from '../store/reader';

/** Steps per read: four 2,048-step chunks, a few MB at 512 units. */
const SLICE = 8192;

export interface RankResult {
  /** Pearson r per unit (NaN where undefined) */
  r: Float64Array;
  /** steps that counted (target finite) */
  steps: number;
  ms: number;
}

export class RankError extends Error {
  override name = 'RankError';
}

export async function runRank(
  reader: RecordingReader,
  stream: string,
  target: Float32Array,
  opts: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}
): Promise<RankResult> {
  const T = reader.length;
  if (target.length !== reader.recording.tokens)
    throw new RankError(
      `The track has ${target.length.toLocaleString('en')} values but the recording ${reader.recording.tokens.toLocaleString('en')} steps.`
    );
  const t0 = performance.now();
  const units = reader.units(stream);
  const acc = new UnitCorrelation(units);
  // Read the next slice while this one is being added: storage and arithmetic overlap.
  const read = (a: number) => reader.window(stream, a, Math.min(T, a + SLICE));
  let next = T > 0 ? read(0) : null;
  for (let a = 0; a < T; a += SLICE) {
    const values = await next!;
    if (opts.signal?.aborted) throw new DOMException('The ranking was cancelled.', 'AbortError');
    const b = Math.min(T, a + SLICE);
    next = b < T ? read(b) : null;
    next?.catch(() => undefined); // reported when awaited
    acc.add(values, b - a, target.subarray(a, b));
    opts.onProgress?.(b, T);
  }
  let steps = 0;
  for (let t = 0; t < T; t++) if (Number.isFinite(target[t])) steps++;
  return { r: acc.result(), steps, ms: performance.now() - t0 };
}
