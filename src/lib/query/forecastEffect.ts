/**
 * What an intervention changed in a forecaster's predictions: its forecast of each target column
 * before and after, and the change in squared error against the value that actually came next
 * (summed over the targets; NaN at a document's last step, which has no next row).
 */
import type { ModelInfo } from '../onnx/inspect';
import type { FeatureSteps } from '../record/featureFeed';
import type { StepResult } from '../record/step';
import { featureColumns, featureMatrix, parseSeriesCsv } from '../tokenize/series';
import type { RecordingReader } from '../store/reader';
import { gatherRows, type Segment } from './windowRows';

/** A forecaster's head: its output, the columns it predicts, and their values per step. */
export interface ForecastHead {
  output: string;
  columns: string[];
  /** [steps, columns] row-major: each target's value at every step of the corpus */
  actual: Float32Array;
}

/** A time series's rows as a float-feature model takes them, and its forecast head if it has one. */
export function seriesHead(
  info: ModelInfo,
  series: { text: string; name: string }
): { features: FeatureSteps | null; head: ForecastHead | null } {
  const fi = info.featureInput;
  if (!fi) return { features: null, head: null };
  const table = parseSeriesCsv(series.text, series.name);
  const columns = featureColumns(table, fi.columns, fi.width);
  const features = { input: fi, data: featureMatrix(table, columns), width: columns.length };
  const head =
    fi.forecast && fi.targets
      ? { output: fi.forecast, columns: fi.targets, actual: featureMatrix(table, fi.targets) }
      : null;
  return { features, head };
}

export interface ForecastEffect {
  columns: string[];
  steps: number;
  /** [steps, columns]: the forecast of step t + 1 made at step t */
  original: Float32Array;
  intervened: Float32Array;
  /** [steps, columns]: what came at t + 1 (NaN at a document's end) */
  actual: Float32Array;
  /** squared error after − before, per step */
  dErr: Float32Array;
  /** mean squared error per step over the window, before and after */
  mse: [number, number];
}

export function forecastEffect(
  reader: RecordingReader,
  head: ForecastHead,
  segments: Segment[],
  runs: StepResult[][],
  [a, b]: [number, number]
): ForecastEffect | null {
  const k = head.columns.length;
  const out = (s: StepResult) => s.outputs[head.output]?.data as Float32Array | undefined;
  const first = out(segments[0].original[0]);
  if (!first || first.length !== segments[0].original[0].lengths[0] * k) return null;
  const before = gatherRows(
    segments,
    segments.map((s) => s.original),
    a,
    b,
    k,
    out
  );
  const after = gatherRows(segments, runs, a, b, k, out);
  if (!before || !after) return null;
  const docStarts = new Set(reader.recording.documents.map((d) => d.start));
  const n = b - a;
  const actual = new Float32Array(n * k).fill(NaN);
  const dErr = new Float32Array(n).fill(NaN);
  let [sumBefore, sumAfter, counted] = [0, 0, 0];
  for (let t = a; t < b; t++) {
    if (t + 1 >= reader.length || docStarts.has(t + 1)) continue;
    let [eb, ea] = [0, 0];
    for (let j = 0; j < k; j++) {
      const y = head.actual[(t + 1) * k + j];
      actual[(t - a) * k + j] = y;
      eb += (before[(t - a) * k + j] - y) ** 2;
      ea += (after[(t - a) * k + j] - y) ** 2;
    }
    dErr[t - a] = ea - eb;
    [sumBefore, sumAfter, counted] = [sumBefore + eb, sumAfter + ea, counted + 1];
  }
  const mse: [number, number] = counted
    ? [sumBefore / counted / k, sumAfter / counted / k]
    : [NaN, NaN];
  return {
    columns: head.columns,
    steps: n,
    original: before,
    intervened: after,
    actual,
    dErr,
    mse
  };
}
