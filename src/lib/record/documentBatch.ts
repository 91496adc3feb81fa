/**
 * Several documents of a corpus recorded at once: up to `parallel` documents side by side as one
 * batch of the model, each in its own lane, chunk after chunk, its state carried in its lane; a
 * lane whose document ends takes the next one. A recurrent op's per-step work is a matrix-vector
 * product bound by memory, so a batch of 2 costs far less than two runs.
 *
 * Only forward layers, and no initial state fed as an input: a padded step after a short
 * document's end must not reach its rows (a backward direction would start there). A state the
 * graph computes (torch's zeros of the batch's shape) is read from a one-token run of the
 * document that starts.
 */
import type { TokenInput } from '../onnx/inspect';
import type { LayerTap } from '../onnx/surgery';
import { tokenTensor, type ChunkResult } from './core';
import { laneOutputs, type LaneAxes } from './laneOutputs';
import {
  runStep,
  type CarriedState,
  type SessionLike,
  type TensorCtor,
  type TensorLike
} from './step';
import type { StreamKind } from './streams';

export interface DocumentsJob {
  session: SessionLike;
  Tensor: TensorCtor;
  taps: LayerTap[];
  tokenInput: TokenInput;
  ids: Int32Array;
  /** Token index where each document starts (the first is 0). */
  documents: number[];
  chunkSize: number;
  kinds: Set<StreamKind>;
  /** Documents run side by side (1: one after the other). */
  parallel: number;
  /** Each document's chunks, in its order (chunk numbers count within the document). */
  sink: { commit(document: number, result: ChunkResult): Promise<void> };
  /** Outputs handed to the sink too, each cut to its lane (record/laneOutputs.ts). */
  outputAxes?: Record<string, LaneAxes>;
}

/** Why these taps cannot run documents side by side, or null when they can. */
export function batchRefusal(taps: LayerTap[], tokenInput: TokenInput): string | null {
  if (tokenInput.rank !== 2) return `the token input ${tokenInput.name} has no batch axis`;
  for (const t of taps) {
    if (t.directions !== 1 || t.direction === 'reverse')
      return `layer ${t.layer} runs backward (padding would reach its steps)`;
    if (t.sequenceLens || t.batchOrder) return `layer ${t.layer} takes sequence lengths`;
    const starts = [t.originalH, ...(t.initialC ? [t.originalC] : [])];
    if (starts.some((s) => s.kind === 'feed'))
      return `layer ${t.layer} starts from a state fed as an input`;
  }
  return null;
}

interface Lane {
  document: number;
  at: number;
  end: number;
  chunk: number;
  /** State per state input, [D = 1, 1, H]. */
  state: CarriedState;
}

/**
 * The model's own initial state for a document starting at `at`, one lane's worth ([1, 1, H] per
 * state input): read from a one-token run when the graph computes it.
 */
async function initialState(job: DocumentsJob, at: number): Promise<CarriedState> {
  const { taps, Tensor, tokenInput } = job;
  const computed = taps.some((t) => t.originalH.kind === 'output' || t.originalC.kind === 'output');
  if (computed) {
    const feeds = {
      [tokenInput.name]: tokenTensor(Tensor, tokenInput, job.ids.subarray(at, at + 1))
    };
    const input = { feeds, batch: 1, lengths: [1] };
    return (await runStep(job.session, Tensor, taps, input, null, new Set(['h']))).stateIn;
  }
  const state: CarriedState = {};
  for (const t of taps) {
    const pairs = [[t.initialH, t.originalH] as const, [t.initialC, t.originalC] as const];
    for (const [name, src] of pairs) {
      if (!name) continue;
      state[name] =
        src.kind === 'const'
          ? Float32Array.from(src.values.subarray(0, t.hiddenSize))
          : new Float32Array(t.hiddenSize);
    }
  }
  return state;
}

function tokenBatch(
  Tensor: TensorCtor,
  input: TokenInput,
  lanes: Lane[],
  ids: Int32Array,
  T: number
) {
  const B = lanes.length;
  const data = new Int32Array(B * T);
  lanes.forEach((lane, b) => {
    const n = Math.min(T, lane.end - lane.at);
    for (let t = 0; t < T; t++) {
      // Past a document's end: its last token again (rows that are never read).
      const id = ids[lane.at + Math.min(t, n - 1)];
      data[input.seqAxis === 1 ? b * T + t : t * B + b] = id;
    }
  });
  const dims = input.seqAxis === 1 ? [B, T] : [T, B];
  if (input.elemType === 'int64')
    return new Tensor(
      'int64',
      BigInt64Array.from(data, (v) => BigInt(v)),
      dims
    );
  return new Tensor('int32', data, dims);
}

/** Lane states side by side, [1, B, H] per state input. */
function batchState(taps: LayerTap[], lanes: Lane[]): CarriedState {
  const out: CarriedState = {};
  for (const t of taps) {
    for (const name of [t.initialH, t.initialC]) {
      if (!name) continue;
      const joined = new Float32Array(lanes.length * t.hiddenSize);
      lanes.forEach((lane, b) => joined.set(lane.state[name], b * t.hiddenSize));
      out[name] = joined;
    }
  }
  return out;
}

export async function recordDocuments(job: DocumentsJob): Promise<{ chunks: number }> {
  const { session, Tensor, taps, tokenInput, ids, chunkSize, kinds } = job;
  const refusal = job.parallel > 1 ? batchRefusal(taps, tokenInput) : null;
  if (refusal) throw new Error(`Documents cannot be recorded side by side: ${refusal}.`);
  const starts = job.documents[0] === 0 ? job.documents : [0, ...job.documents];
  let next = 0;
  const lanes: Lane[] = [];
  let chunks = 0;
  let pending: Promise<unknown> | null = null;
  for (;;) {
    while (lanes.length < job.parallel && next < starts.length) {
      const end = next + 1 < starts.length ? starts[next + 1] : ids.length;
      if (end > starts[next]) {
        const state = await initialState(job, starts[next]);
        lanes.push({ document: next, at: starts[next], end, chunk: 0, state });
      }
      next++;
    }
    if (!lanes.length) break;
    const lengths = lanes.map((l) => Math.min(chunkSize, l.end - l.at));
    const T = Math.max(...lengths);
    const feeds: Record<string, TensorLike> = {
      [tokenInput.name]: tokenBatch(Tensor, tokenInput, lanes, ids, T)
    };
    const input = { feeds, batch: lanes.length, lengths };
    const step = await runStep(session, Tensor, taps, input, batchState(taps, lanes), kinds);
    if (pending) await pending;
    const commits: Promise<void>[] = [];
    lanes.forEach((lane, b) => {
      const state: CarriedState = {};
      for (const [name, all] of Object.entries(step.state)) {
        const H = all.length / lanes.length;
        state[name] = all.slice(b * H, (b + 1) * H);
      }
      const result = {
        chunk: lane.chunk,
        start: lane.at,
        length: lengths[b],
        streams: step.streams[b],
        state,
        ...(job.outputAxes
          ? { outputs: laneOutputs(step.outputs, job.outputAxes, b, lengths[b]) }
          : {})
      };
      commits.push(job.sink.commit(lane.document, result));
      lane.state = state;
      lane.at += lengths[b];
      lane.chunk++;
      chunks++;
    });
    pending = Promise.all(commits);
    for (let b = lanes.length - 1; b >= 0; b--) if (lanes[b].at >= lanes[b].end) lanes.splice(b, 1);
  }
  if (pending) await pending;
  return { chunks };
}
