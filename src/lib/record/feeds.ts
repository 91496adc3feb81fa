/** A single run over inputs given exactly as the graph expects them (the CLI's --feed). */
import type { LayerTap } from '../onnx/surgery';
import type { ModelInfo } from '../onnx/inspect';
import type { StepInput, TensorLike } from './step';

export class FeedError extends Error {
  override name = 'FeedError';
}

const DTYPE: Record<string, string> = {
  float: 'float32',
  double: 'float64',
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool'
};

/** Check every graph input is fed with the right rank, fixed dims and dtype. */
export function checkFeeds(
  info: ModelInfo,
  feeds: Record<string, TensorLike & { type?: string }>
): void {
  for (const input of info.inputs) {
    const t = feeds[input.name];
    if (!t) {
      throw new FeedError(
        `Graph input "${input.name}" (${input.elemType} [${input.dims.join(', ')}]) is not fed; pass --feed ${input.name}=file.npy.`
      );
    }
    const want = DTYPE[input.elemType] ?? input.elemType;
    if (t.type && t.type !== want) {
      throw new FeedError(`Feed "${input.name}" is ${t.type} but the graph expects ${want}.`);
    }
    if (input.dims.length && t.dims.length !== input.dims.length) {
      throw new FeedError(
        `Feed "${input.name}" has shape [${t.dims.join(', ')}] but the graph expects rank ${input.dims.length}: [${input.dims.join(', ')}].`
      );
    }
    input.dims.forEach((d, i) => {
      if (typeof d === 'number' && d > 0 && t.dims[i] !== d) {
        throw new FeedError(
          `Feed "${input.name}" has shape [${t.dims.join(', ')}] but dimension ${i} must be ${d} ([${input.dims.join(', ')}]).`
        );
      }
    });
  }
  const extra = Object.keys(feeds).filter((k) => !info.inputs.some((i) => i.name === k));
  if (extra.length) {
    throw new FeedError(`The graph has no input named ${extra.map((e) => `"${e}"`).join(', ')}.`);
  }
}

/** Batch size and each sequence's valid length, from the feeds and sequence_lens. */
export function planFeedRun(
  info: ModelInfo,
  taps: LayerTap[],
  feeds: Record<string, TensorLike>
): StepInput {
  const seq = info.sequenceInput;
  // Without a recurrent op (unrolled cells, Loops) the cells' own outputs give batch and steps.
  if (!taps.length) return { feeds, batch: 1, lengths: [] };
  if (!seq)
    throw new FeedError(
      'Could not find which graph input carries the sequence to the first recurrent layer.'
    );
  const x = feeds[seq.name];
  const T = x.dims[seq.seqAxis];
  const batch = seq.batchAxis === null ? 1 : x.dims[seq.batchAxis];
  let lengths = Array<number>(batch).fill(T);
  // sequence_lens computed in the graph is read from the run's outputs (runStep's lengths).
  const lensName = taps.find((t) => t.sequenceLens && feeds[t.sequenceLens])?.sequenceLens;
  if (lensName) {
    const v = feeds[lensName].data as Int32Array | BigInt64Array;
    lengths = Array.from(v as ArrayLike<number | bigint>, (n) => Number(n));
    if (lengths.length !== batch || lengths.some((n) => n < 0 || n > T)) {
      throw new FeedError(
        `sequence_lens "${lensName}" = [${lengths}] does not fit batch ${batch} × ${T} steps.`
      );
    }
  }
  return { feeds, batch, lengths };
}
