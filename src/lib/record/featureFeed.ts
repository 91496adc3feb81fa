/**
 * The feeds of a run over steps [start, start + length): token ids for a token model, rows of
 * float features for a time-series model. One place for the recorder, the backend probe, gate
 * recomputation and interventions.
 */
import type { FeatureInput } from '../onnx/featureInput';
import type { TokenInput } from '../onnx/inspect';
import { tokenTensor } from './core';
import type { TensorCtor, TensorLike } from './step';

/** A time-series corpus's features as the model takes them: [steps, width] row-major. */
export interface FeatureSteps {
  input: FeatureInput;
  data: Float32Array;
  width: number;
}

/** Rows [start, start + length) as the input's tensor (batch 1, features on their axis). */
export function featureTensor(
  Tensor: TensorCtor,
  f: FeatureSteps,
  start: number,
  length: number
): TensorLike {
  const { input, width } = f;
  const dims = Array<number>(input.rank).fill(1);
  dims[input.seqAxis] = length;
  if (input.featureAxis !== null) dims[input.featureAxis] = width;
  const rows = f.data.subarray(start * width, (start + length) * width);
  // Row-major [time, feature] is already in place unless features come before time.
  if (input.featureAxis === null || input.featureAxis > input.seqAxis)
    return new Tensor('float32', rows, dims);
  const t = new Float32Array(rows.length);
  for (let s = 0; s < length; s++)
    for (let k = 0; k < width; k++) t[k * length + s] = rows[s * width + k];
  return new Tensor('float32', t, dims);
}

/** The feeds for steps [start, start + length) of a token or a feature corpus. */
export function stepFeeds(
  Tensor: TensorCtor,
  tokens: { input: TokenInput | null; ids: Int32Array },
  features: FeatureSteps | null | undefined,
  start: number,
  length: number
): Record<string, TensorLike> {
  if (features) return { [features.input.name]: featureTensor(Tensor, features, start, length) };
  if (!tokens.input) throw new Error('The model has neither a token input nor float features.');
  return {
    [tokens.input.name]: tokenTensor(
      Tensor,
      tokens.input,
      tokens.ids.subarray(start, start + length)
    )
  };
}

/** A run's first steps, fed by whichever ort build times them (each has its own Tensor). */
export interface FirstSteps {
  length: number;
  /** feeds of the first n steps */
  feeds(Tensor: TensorCtor, n: number): Record<string, TensorLike>;
}
