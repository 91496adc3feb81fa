/**
 * The record command's inputs other than text: float features from a CSV (one row per step) and
 * tensors given as .npy files (--feed NAME=file.npy).
 */
import { basename } from 'node:path';
import { readNpy } from '../lib/export/npy';
import type { RecordingGraph } from '../lib/onnx/surgery';
import type { TensorLike } from '../lib/record/step';
import { parseFeatureCsv } from '../lib/tokenize/csv';
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

/** The CSV's rows as the sequence input: [T, F] placed on the input's time axis, batch 1. */
export function csvFeed(path: string, ort: OrtNode, graph: RecordingGraph) {
  const seq = graph.info.sequenceInput;
  const input = graph.info.inputs.find((i) => i.name === seq?.name);
  if (!seq || !input)
    throw new InputError('Could not find the model input that carries the sequence.');
  if (input.elemType !== 'float') {
    throw new InputError(
      `Input ${input.name} takes ${input.elemType}, not float features; use --text or --feed.`
    );
  }
  const name = basename(path);
  const table = parseFeatureCsv(readFile(path, 'CSV').toString('utf8'), name);
  const rank = input.dims.length;
  const featureAxis = [...Array(rank).keys()].find((a) => a !== seq.seqAxis && a !== seq.batchAxis);
  const want = featureAxis !== undefined ? input.dims[featureAxis] : 1;
  if (typeof want === 'number' && want > 0 && want !== table.cols) {
    throw new InputError(
      `${name} has ${table.cols} columns but input ${input.name} takes ${want} features per step.`
    );
  }
  // With the feature axis after the time axis, the row-major table is already in place.
  if (featureAxis !== undefined && featureAxis < seq.seqAxis) {
    throw new InputError(
      `Input ${input.name} puts features before time; give it with --feed instead.`
    );
  }
  const dims = Array<number>(rank).fill(1);
  dims[seq.seqAxis] = table.rows;
  if (featureAxis !== undefined) dims[featureAxis] = table.cols;
  return {
    [input.name]: new ort.Tensor('float32', table.data, dims) as TensorLike & { type: string }
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
