/**
 * A float-feature (time-series) model's input: which graph input carries the steps, its axes, how
 * many features it takes per step, and the metadata that names the CSV columns it takes
 * (`cellscope.features`) and predicts (`cellscope.forecast` output, `cellscope.targets` columns).
 */
import type { ModelInfo, TensorInfo } from './inspect';

export interface FeatureInput {
  name: string;
  rank: number;
  seqAxis: number;
  batchAxis: number | null;
  /** the axis of features (null: one feature per step) */
  featureAxis: number | null;
  /** features per step, when the graph fixes it */
  width: number | null;
  /** CSV columns fed, in order (`cellscope.features`) */
  columns: string[] | null;
  /** the output that predicts the next step, and the columns it predicts */
  forecast: string | null;
  targets: string[] | null;
}

function stringArray(json: string | undefined): string[] | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) && v.length && v.every((c) => typeof c === 'string') ? v : null;
  } catch {
    return null;
  }
}

/** The feature input of a model whose sequence input is float, or null. */
export function featureInputOf(
  inputs: TensorInfo[],
  outputs: TensorInfo[],
  sequenceInput: ModelInfo['sequenceInput'],
  metadata: Record<string, string>
): FeatureInput | null {
  const input = inputs.find((i) => i.name === sequenceInput?.name);
  if (!sequenceInput || !input || input.elemType !== 'float') return null;
  const rank = input.dims.length;
  const featureAxis =
    [...Array(rank).keys()].find(
      (a) => a !== sequenceInput.seqAxis && a !== sequenceInput.batchAxis
    ) ?? null;
  const dim = featureAxis === null ? 1 : input.dims[featureAxis];
  const forecast = metadata['cellscope.forecast'];
  return {
    name: input.name,
    rank,
    seqAxis: sequenceInput.seqAxis,
    batchAxis: sequenceInput.batchAxis,
    featureAxis,
    width: typeof dim === 'number' && dim > 0 ? dim : null,
    columns: stringArray(metadata['cellscope.features']),
    forecast: outputs.some((o) => o.name === forecast) ? forecast : null,
    targets: stringArray(metadata['cellscope.targets'])
  };
}
