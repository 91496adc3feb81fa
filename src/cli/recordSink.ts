/**
 * Where a text run's chunks go: each stream's rows and each time-axis output's steps written at
 * their place in the .npy files (and the Zarr store), whatever order the chunks come in, so
 * documents recorded side by side (recordParallel.ts) write the same files as one after the
 * other; a classifier's logits one row per document; other outputs as the corpus's last run left
 * them.
 */
import { join } from 'node:path';
import type { RecordingGraph } from '../lib/onnx/surgery';
import type { ChunkResult } from '../lib/record/core';
import type { StreamSpec } from '../lib/record/streams';
import type { TensorLike } from '../lib/record/step';
import { chunkPredictions } from '../lib/store/recordings';
import type { EncodedCorpus } from '../lib/tokenize/documents';
import { NpyFileWriter } from './npyFile';
import type { RecordCommandOptions } from './recordCommand';
import { fileName, savedTensors, writeTensor, type FileEntry } from './recordOutputs';
import type { ZarrStoreWriter } from './zarrStore';

export function textSink(
  opts: RecordCommandOptions,
  graph: RecordingGraph,
  streams: StreamSpec[],
  encoded: EncodedCorpus,
  zarr: ZarrStoreWriter | null
) {
  const T = encoded.ids.length;
  const writers = new Map(
    streams.map((s) => [s.id, new NpyFileWriter(join(opts.out, fileName(s.id)), [T, s.units])])
  );
  const outputWriters = new Map<string, NpyFileWriter>();
  const lastOutputs = new Map<string, TensorLike>();
  const classifier = graph.info.classes ? graph.info.logits : null;
  // The classifier's row of each document, by the document's index.
  const perDocument = new Map<number, Float32Array>();
  // The LM head's predictions go into the Zarr store (the explorer's inspector and loss track).
  const lm = graph.info.logits;
  const starts = encoded.documentStarts;
  const docStarts = new Set(starts);
  const saved = savedTensors(graph, opts);
  /** The document a run starting at `start` belongs to. */
  const documentAt = (start: number) => {
    let d = 0;
    while (d + 1 < starts.length && starts[d + 1] <= start) d++;
    return d;
  };

  const commit = async (r: ChunkResult) => {
    for (const [id, data] of Object.entries(r.streams)) {
      const w = writers.get(id)!;
      w.writeAt(r.start * (data.length / r.length), data);
    }
    zarr?.writeRows(r.start, r.length, r.streams);
    if (zarr && lm)
      zarr.writePredictions(r.start, r.length, chunkPredictions(r, lm, encoded.ids, docStarts));
    const end = r.start + r.length;
    for (const o of saved) {
      const t = r.outputs![o.name];
      if (!t) continue;
      // Outputs with a time axis (all axes before it of size 1) are put together over chunks.
      const axis = t.dims.findIndex(
        (d, i) => d === r.length && t.dims.slice(0, i).every((x) => x === 1)
      );
      if (axis >= 0 && t.data instanceof Float32Array) {
        if (!outputWriters.has(o.name)) {
          const shape = t.dims.map((d, i) => (i === axis ? T : d));
          outputWriters.set(o.name, new NpyFileWriter(join(opts.out, fileName(o.file)), shape));
        }
        const perStep = t.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
        outputWriters.get(o.name)!.writeAt(r.start * perStep, t.data);
      } else if (classifier === o.name && t.data instanceof Float32Array) {
        // A classifier's logits, one row per document: kept from the run that ends it.
        if (end === T || docStarts.has(end)) perDocument.set(documentAt(r.start), t.data.slice());
      } else if (end === T) lastOutputs.set(o.name, t);
    }
  };

  /** Every file closed and listed for the manifest. */
  const finish = () => {
    const files: FileEntry[] = [];
    for (const s of streams) {
      writers.get(s.id)!.close();
      files.push({ name: s.id, file: fileName(s.id), shape: [T, s.units], dtype: 'float32' });
    }
    const outputs: FileEntry[] = [];
    const stem = new Map(saved.map((o) => [o.name, o.file]));
    for (const [name, w] of outputWriters) {
      w.close();
      outputs.push({ name, file: fileName(stem.get(name)!), shape: w.shape, dtype: 'float32' });
    }
    for (const [name, t] of lastOutputs)
      outputs.push(writeTensor(opts.out, name, t, stem.get(name)));
    const rows = [...perDocument.keys()].sort((a, b) => a - b).map((d) => perDocument.get(d)!);
    if (classifier && rows.length) {
      const C = rows[0].length;
      const data = new Float32Array(rows.length * C);
      rows.forEach((row, d) => data.set(row, d * C));
      const t = { data, dims: [rows.length, C] } as unknown as TensorLike;
      outputs.push(writeTensor(opts.out, classifier, t, stem.get(classifier)));
    }
    return { streams: files, outputs };
  };
  return { commit, finish };
}
