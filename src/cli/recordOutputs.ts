/** The files a record run writes: .npy names, the model's saved tensors, manifest entries. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy, type NpyArray } from '../lib/export/npy';
import type { RecordingGraph } from '../lib/onnx/surgery';
import type { TensorLike } from '../lib/record/step';
import type { RecordCommandOptions } from './recordCommand';

export interface FileEntry {
  name: string;
  file: string;
  shape: number[];
  dtype: string;
}

export const fileName = (name: string) => `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.npy`;

/** The model's own outputs and the tapped tensors, with the file stem each is written to. */
export function savedTensors(graph: RecordingGraph, opts: RecordCommandOptions) {
  return [
    ...graph.info.outputs.map((o) => ({ name: o.name, file: o.name })),
    ...(opts.tap ?? []).map((name) => ({ name, file: `tap.${name}` }))
  ];
}

export function writeTensor(out: string, name: string, t: TensorLike, stem = name): FileEntry {
  const data = t.data as NpyArray;
  const file = fileName(stem);
  const shape = [...t.dims];
  writeFileSync(join(out, file), writeNpy(t.data as NpyArray, shape));
  return { name, file, shape, dtype: data.constructor.name.replace('Array', '').toLowerCase() };
}
