/**
 * The record command's inputs other than text: float features from a CSV (one row per step) and
 * tensors given as .npy files (--feed NAME=file.npy).
 */
import { basename } from 'node:path';
import { readNpy } from '../lib/export/npy';
import type { RecordingGraph } from '../lib/onnx/surgery';
import type { TensorLike } from '../lib/record/step';
import { featureColumns, featureMatrix, parseSeriesCsv } from '../lib/tokenize/series';
import { featureTensor } from '../lib/record/featureFeed';
import { InputError, readFile } from './inputFiles';
import type { OrtNode } from './recordCommand';

const NPY_TO_ORT: Record<string, string> = {
  f4: 'float32',
  f8: 'float64',
  i8: 'int64',
  i4: 'int32',
  i2: 'int16',
  i1: 'int8',
  u1: 'uint8',
  b1: 'bool'
};

/**
 * The CSV's feature rows as the sequence input, batch 1: the columns the model's
 * `cellscope.features` names, else its first numeric columns (tokenize/series.ts).
 */
export function csvFeed(path: string, ort: OrtNode, graph: RecordingGraph) {
  const input = graph.info.featureInput;
  if (!input) {
    const seq = graph.info.inputs.find((i) => i.name === graph.info.sequenceInput?.name);
    throw new InputError(
      seq
        ? `Input ${seq.name} takes ${seq.elemType}, not float features; use --text or --feed.`
        : 'Could not find the model input that carries the sequence.'
    );
  }
  const table = parseSeriesCsv(readFile(path, 'CSV').toString('utf8'), basename(path));
  if (table.documentStarts.length > 1) {
    throw new InputError(
      `${basename(path)} has ${table.documentStarts.length} documents (its "${table.columns[table.docColumn!]}" column): the command line records one series per run. Record each document's rows on their own, or add the CSV as a corpus in the browser, which resets the state at each document.`
    );
  }
  const columns = featureColumns(table, input.columns, input.width);
  const data = featureMatrix(table, columns);
  const steps = { input, data, width: columns.length };
  return {
    [input.name]: featureTensor(ort.Tensor, steps, 0, table.rows) as TensorLike & { type: string }
  };
}

/** --feed NAME=file.npy arguments as tensors, dtype kept as stored. */
export function readFeeds(
  args: string[],
  ort: OrtNode
): Record<string, TensorLike & { type: string }> {
  const feeds: Record<string, TensorLike & { type: string }> = {};
  type Ctor = new (t: string, d: unknown, s: number[]) => TensorLike & { type: string };
  for (const f of args) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new InputError(`--feed needs NAME=file.npy, got "${f}".`);
    const name = f.slice(0, eq);
    const npy = readNpy(readFile(f.slice(eq + 1), 'feed'), f.slice(eq + 1));
    const type = NPY_TO_ORT[npy.dtype];
    if (!type)
      throw new InputError(`Feed ${name} has dtype ${npy.dtype}, which onnxruntime cannot take.`);
    feeds[name] = new (ort.Tensor as unknown as Ctor)(type, npy.data, npy.shape);
  }
  return feeds;
}
