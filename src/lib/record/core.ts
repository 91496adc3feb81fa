/**
 * The recorder core: runs a surgery-prepared model over token ids in chunks, carrying every
 * recurrent layer's state from chunk to chunk, and hands each chunk's streams to a sink.
 * Runtime-agnostic: the browser worker passes onnxruntime-web, Node passes either ort build.
 */
import type { CellTap, LayerTap } from '../onnx/surgery';
import type { TokenInput } from '../onnx/inspect';
import type { CellEngine } from './cellEngine';
import { stepFeeds, type FeatureSteps } from './featureFeed';
import { runIntervenedStep } from './interveneStep';
import type { Intervention } from './intervention';
import type { WindowRunner } from './windows';
import {
  runStep,
  type CarriedState,
  type SessionLike,
  type TensorCtor,
  type TensorLike
} from './step';
import {
  planStreams,
  tensorStreamId,
  tensorStreams,
  unitsPerToken,
  type StreamKind,
  type StreamSpec,
  type TensorPick
} from './streams';

export interface ChunkResult {
  chunk: number;
  /** Index of the chunk's first timestep in the whole recording. */
  start: number;
  length: number;
  streams: Record<string, Float32Array>;
  /** State after the chunk: what the next chunk starts from. */
  state: CarriedState;
  /** Every output of the run (the model's own outputs among them). */
  outputs?: Record<string, TensorLike>;
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
  /** the token input (null for a time-series model, fed `features`) */
  tokenInput: TokenInput | null;
  /** token ids, or for a time-series corpus its row numbers (one per step) */
  ids: Int32Array;
  /** a time-series corpus's float features, fed instead of token ids */
  features?: FeatureSteps;
  chunkSize: number;
  /** Token index where each document starts (state resets there); default: one document. */
  documents?: number[];
  sink: ChunkSink;
  kinds?: Set<StreamKind>;
  /** Named tensors recorded per token (exposed by surgery's `tensors` option). */
  tensors?: TensorPick[];
  /** Cells without a recurrent op (a Loop, unrolled steps): run each document whole. */
  cells?: CellTap[];
  /** A fixed-length graph: each chunk runs in windows of its length (record/windows.ts). */
  windows?: WindowRunner;
  /** Resume: the first chunk to run and the state committed with the chunk before it. */
  startChunk?: number;
  /** Stop before this chunk (a shard of the corpus: its documents' chunks); default: run to the end. */
  endChunk?: number;
  state?: CarriedState | null;
  /** Units clamped or scaled (the session must come from surgery with `overrides`). */
  interventions?: Intervention[];
  /** where intervened layers run (default: JS) */
  cellEngine?: CellEngine;
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
  now?: () => number;
}

export interface RecordOutcome {
  completed: boolean;
  chunksDone: number;
  streams: StreamSpec[];
}

export interface ChunkPlan {
  start: number;
  length: number;
  /** First chunk of a document: start from the model's own initial state. */
  reset: boolean;
}

/** Chunks of at most chunkSize tokens that never cross a document boundary. */
export function planChunks(
  tokens: number,
  chunkSize: number,
  documents: number[] = [0]
): ChunkPlan[] {
  // A chunk of 0 (or NaN) tokens would plan forever.
  if (!Number.isInteger(chunkSize) || chunkSize < 1)
    throw new RangeError(`The chunk size must be a whole number ≥ 1, got ${chunkSize}.`);
  const plan: ChunkPlan[] = [];
  const starts = documents.length && documents[0] === 0 ? documents : [0, ...documents];
  starts.forEach((s, d) => {
    const end = d + 1 < starts.length ? starts[d + 1] : tokens;
    for (let at = s; at < end; at += chunkSize) {
      plan.push({ start: at, length: Math.min(chunkSize, end - at), reset: at === s });
    }
  });
  return plan;
}

export function tokenTensor(Tensor: TensorCtor, input: TokenInput, ids: Int32Array): TensorLike {
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

export async function recordChunks(job: RecordJob): Promise<RecordOutcome> {
  const { session, Tensor, taps, tokenInput, ids, chunkSize, sink } = job;
  const kinds = job.kinds ?? new Set<StreamKind>(['h']);
  const now = job.now ?? (() => performance.now());
  const total = ids.length;
  const plan = planChunks(total, chunkSize, job.documents);
  const chunks = Math.min(plan.length, job.endChunk ?? plan.length);
  let state = job.state ?? null;
  let chunk = job.startChunk ?? 0;
  const t0 = now();
  const doneAtStart = chunk < chunks ? plan[chunk].start : total;
  // The previous chunk's commit runs while the next chunk is inferred.
  let pending: Promise<void> | null = null;
  if (job.windows && job.interventions)
    throw new Error(
      'Units cannot be clamped in a model whose graph takes a fixed number of tokens.'
    );

  while (chunk < chunks) {
    const { start, length, reset } = plan[chunk];
    if (reset) state = null;
    const feeds = stepFeeds(Tensor, { input: tokenInput, ids }, job.features, start, length);
    const input = { feeds, batch: 1, lengths: [length] };
    const step = job.interventions
      ? await runIntervenedStep(
          session,
          Tensor,
          taps,
          input,
          state,
          kinds,
          job.interventions,
          start
        )
      : job.windows
        ? await job.windows.run(ids.subarray(start, start + length), state)
        : await runStep(session, Tensor, taps, input, state, kinds, job.cells);
    if (pending) await pending;
    for (const pick of job.tensors ?? []) {
      step.streams[0][tensorStreamId(pick.name)] = tensorRows(
        step.outputs[pick.name],
        pick,
        length
      );
    }
    pending = sink.commit({
      chunk,
      start,
      length,
      streams: step.streams[0],
      state: step.state,
      outputs: step.outputs
    });
    state = step.state;
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
  return {
    completed: chunk >= chunks,
    chunksDone: chunk,
    streams: [...planStreams(taps, kinds), ...tensorStreams(job.tensors ?? [])]
  };
}

/** A picked tensor's values as [length, units] rows (a view: its leading axes are 1). */
function tensorRows(t: TensorLike | undefined, pick: TensorPick, length: number): Float32Array {
  if (!t || !(t.data instanceof Float32Array))
    throw new Error(`Tensor ${pick.name} is not a float32 output.`);
  if (unitsPerToken([...t.dims], length) !== pick.units) {
    throw new Error(
      `Tensor ${pick.name} has shape [${t.dims.join(', ')}]: no time axis of ${length} steps.`
    );
  }
  return t.data.subarray(0, length * pick.units);
}
