/**
 * The recorder core: runs a surgery-prepared model over token ids in chunks, carrying every
 * recurrent layer's state from chunk to chunk, and hands each chunk's streams to a sink.
 * Runtime-agnostic: the browser worker passes onnxruntime-web, Node passes either ort build.
 */
import type { LayerTap, TokenInput } from '../onnx';
import { planStreams, type StreamSpec } from './streams';

export interface TensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}
export type TensorCtor = new (
  type: 'int64' | 'int32' | 'float32',
  data: BigInt64Array | Int32Array | Float32Array,
  dims: readonly number[]
) => TensorLike;
export interface SessionLike {
  run(feeds: Record<string, TensorLike>): Promise<Record<string, TensorLike>>;
}

/** Recurrent state by graph input name (initial_h / initial_c of each layer). */
export type CarriedState = Record<string, Float32Array>;

export interface ChunkResult {
  chunk: number;
  /** Index of the chunk's first timestep in the whole recording. */
  start: number;
  length: number;
  streams: Record<string, Float32Array>;
  /** State after the chunk: what the next chunk starts from. */
  state: CarriedState;
}

export interface ChunkSink {
  commit(result: ChunkResult): Promise<void>;
}

export interface Progress {
  done: number;
  total: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

export interface RecordJob {
  session: SessionLike;
  Tensor: TensorCtor;
  taps: LayerTap[];
  tokenInput: TokenInput;
  ids: Int32Array;
  chunkSize: number;
  sink: ChunkSink;
  /** Resume: the first chunk to run and the state committed with the chunk before it. */
  startChunk?: number;
  state?: CarriedState | null;
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
  now?: () => number;
}

export interface RecordOutcome {
  completed: boolean;
  chunksDone: number;
  streams: StreamSpec[];
}

export function chunkCount(tokens: number, chunkSize: number): number {
  return Math.ceil(tokens / chunkSize);
}

export function zeroState(taps: LayerTap[]): CarriedState {
  const state: CarriedState = {};
  for (const t of taps) {
    const n = t.directions * t.hiddenSize;
    state[t.initialH] = new Float32Array(n);
    if (t.initialC) state[t.initialC] = new Float32Array(n);
  }
  return state;
}

function tokenTensor(Tensor: TensorCtor, input: TokenInput, ids: Int32Array): TensorLike {
  const dims =
    input.rank === 1 ? [ids.length] : input.seqAxis === 0 ? [ids.length, 1] : [1, ids.length];
  if (input.elemType === 'int64')
    return new Tensor(
      'int64',
      BigInt64Array.from(ids, (v) => BigInt(v)),
      dims
    );
  if (input.elemType === 'int32') return new Tensor('int32', ids, dims);
  throw new Error(`Token input ${input.name} has type ${input.elemType}; expected int64 or int32.`);
}

function asFloat32(t: TensorLike | undefined, name: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array))
    throw new Error(`The model did not return ${name} as float32.`);
  return t.data;
}

/** Split Y [T, dirs, 1, H] into one [T, H] block per direction (a view when there is one). */
function splitDirections(y: Float32Array, steps: number, tap: LayerTap): Float32Array[] {
  const H = tap.hiddenSize;
  if (tap.directions === 1) return [y.subarray(0, steps * H)];
  const fwd = new Float32Array(steps * H);
  const bwd = new Float32Array(steps * H);
  for (let t = 0; t < steps; t++) {
    fwd.set(y.subarray(2 * t * H, (2 * t + 1) * H), t * H);
    bwd.set(y.subarray((2 * t + 1) * H, (2 * t + 2) * H), t * H);
  }
  return [fwd, bwd];
}

export async function recordChunks(job: RecordJob): Promise<RecordOutcome> {
  const { session, Tensor, taps, tokenInput, ids, chunkSize, sink } = job;
  const now = job.now ?? (() => performance.now());
  const streams = planStreams(taps);
  const total = ids.length;
  const chunks = chunkCount(total, chunkSize);
  let state = job.state ?? zeroState(taps);
  let chunk = job.startChunk ?? 0;
  const t0 = now();
  const doneAtStart = Math.min(chunk * chunkSize, total);
  // The previous chunk's commit runs while the next chunk is inferred.
  let pending: Promise<void> | null = null;

  while (chunk < chunks) {
    const start = chunk * chunkSize;
    const length = Math.min(chunkSize, total - start);
    const feeds: Record<string, TensorLike> = {
      [tokenInput.name]: tokenTensor(Tensor, tokenInput, ids.subarray(start, start + length))
    };
    for (const t of taps) {
      const dims = [t.directions, 1, t.hiddenSize];
      feeds[t.initialH] = new Tensor('float32', state[t.initialH], dims);
      if (t.initialC) feeds[t.initialC] = new Tensor('float32', state[t.initialC], dims);
    }
    const out = await session.run(feeds);
    const chunkStreams: Record<string, Float32Array> = {};
    const next: CarriedState = {};
    for (const t of taps) {
      const parts = splitDirections(asFloat32(out[t.y], t.y), length, t);
      parts.forEach((p, d) => (chunkStreams[`L${t.layer}.${d === 0 ? 'fwd' : 'bwd'}.h`] = p));
      next[t.initialH] = asFloat32(out[t.yH], t.yH);
      if (t.initialC && t.yC) next[t.initialC] = asFloat32(out[t.yC], t.yC);
    }
    if (pending) await pending;
    pending = sink.commit({ chunk, start, length, streams: chunkStreams, state: next });
    state = next;
    chunk++;
    const done = start + length;
    const seconds = Math.max((now() - t0) / 1000, 1e-6);
    const rate = (done - doneAtStart) / seconds;
    job.onProgress?.({
      done,
      total,
      tokensPerSecond: rate,
      etaSeconds: (total - done) / Math.max(rate, 1e-9)
    });
    if (chunk < chunks && job.shouldStop?.()) break;
  }
  if (pending) await pending;
  return { completed: chunk >= chunks, chunksDone: chunk, streams };
}
