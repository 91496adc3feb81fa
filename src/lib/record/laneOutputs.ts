/**
 * A batched run's outputs cut back into one lane's (record/documentBatch.ts): each output's batch
 * axis, and its time axis if it has one, found from the graph's declared shapes (the symbolic
 * dims it shares with the token input, e.g. "batch" and "seq"); a lane's part keeps its batch
 * axis with size 1 and only its valid steps, the shape one run of that document alone gives.
 */
import type { ModelInfo, TokenInput } from '../onnx/inspect';
import type { TensorLike } from './step';

export interface LaneAxes {
  batch: number;
  /** the time axis, or null for an output with none (a classifier's logits) */
  time: number | null;
}

/**
 * Each output's axes, or the reason an output cannot be cut into lanes (no batch axis named as
 * the token input's).
 */
export function outputLaneAxes(
  info: Pick<ModelInfo, 'inputs' | 'outputs'>,
  tokenInput: TokenInput,
  names: string[]
): { axes: Record<string, LaneAxes> } | { refusal: string } {
  const declared = info.inputs.find((i) => i.name === tokenInput.name)?.dims ?? [];
  const batchDim = tokenInput.rank === 2 ? declared[1 - tokenInput.seqAxis] : undefined;
  const timeDim = declared[tokenInput.seqAxis];
  if (typeof batchDim !== 'string')
    return { refusal: `the token input ${tokenInput.name} has no named batch axis` };
  const axes: Record<string, LaneAxes> = {};
  for (const name of names) {
    const dims = info.outputs.find((o) => o.name === name)?.dims ?? [];
    const batch = dims.indexOf(batchDim);
    if (batch < 0)
      return { refusal: `the output ${name} has no batch axis "${batchDim}" declared` };
    const time = typeof timeDim === 'string' ? dims.indexOf(timeDim) : -1;
    axes[name] = { batch, time: time >= 0 ? time : null };
  }
  return { axes };
}

type Typed = {
  length: number;
  subarray(a: number, b: number): Typed;
  set(src: Typed, at: number): void;
};

/** Lane `lane` of a run's output, its valid `length` steps only. */
export function laneTensor(
  t: TensorLike,
  axes: LaneAxes,
  lane: number,
  length: number
): TensorLike {
  const dims = [...t.dims];
  const out = dims.map((d, i) => (i === axes.batch ? 1 : i === axes.time ? length : d));
  const data = t.data as Typed;
  // Blocks of the axes after the last cut one are contiguous in both.
  const last = Math.max(axes.batch, axes.time ?? -1);
  const inner = dims.slice(last + 1).reduce((a, b) => a * b, 1);
  const count = out.reduce((a, b) => a * b, 1);
  const result = new (data.constructor as new (n: number) => Typed)(count);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = new Array<number>(last + 1).fill(0);
  for (let at = 0; at < count; at += inner) {
    let from = 0;
    for (let i = 0; i <= last; i++) from += (i === axes.batch ? lane : index[i]) * strides[i];
    result.set(data.subarray(from, from + inner), at);
    // Next outer index (odometer over the output's axes 0..last).
    for (let i = last; i >= 0; i--) {
      if (++index[i] < out[i]) break;
      index[i] = 0;
    }
  }
  return { data: result, dims: out };
}

/** Every listed output of a run, cut to one lane. */
export function laneOutputs(
  outputs: Record<string, TensorLike>,
  axes: Record<string, LaneAxes>,
  lane: number,
  length: number
): Record<string, TensorLike> {
  const mine: Record<string, TensorLike> = {};
  for (const [name, a] of Object.entries(axes))
    if (outputs[name]) mine[name] = laneTensor(outputs[name], a, lane, length);
  return mine;
}
