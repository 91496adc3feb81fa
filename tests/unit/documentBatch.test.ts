/**
 * Documents recorded side by side in one batch (record/documentBatch.ts) against the same
 * documents recorded one after the other by the recorder core: every stream of every document
 * equal within 1e-5 (c scaled by max(1, |c|)), on the bundled model with onnxruntime-web in Node.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording, type RecordingGraph } from '../../src/lib/onnx/surgery';
import { recordChunks, type ChunkResult } from '../../src/lib/record/core';
import { batchRefusal, recordDocuments } from '../../src/lib/record/documentBatch';
import type { TensorCtor } from '../../src/lib/record/step';
import { parseKinds } from '../../src/lib/record/streams';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import { demoCorpusPath, loadDemoModel, root } from '../helpers/modelFixture';

const Tensor = ort.Tensor as unknown as TensorCtor;
const kinds = parseKinds('all');
// Lengths 700, 60, 1100, 400: one shorter than a chunk, one over two chunks, one ending mid-chunk.
const documents = [0, 700, 760, 1860];
const CHUNK = 512;

let graph: RecordingGraph;
let session: ort.InferenceSession;
let ids: Int32Array;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  graph = prepareForRecording(decodeModel(loadDemoModel()), { internals: true });
  session = await ort.InferenceSession.create(graph.bytes);
  const spec = parseTokenizerSpec(graph.info.metadata['cellscope.tokenizer']);
  ids = createTokenizer(spec).encode(readFileSync(demoCorpusPath, 'utf8').slice(0, 2260)).ids;
});

/** Each stream over the whole corpus, the chunks put back at their steps. */
function assemble(results: ChunkResult[], total: number): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const r of results) {
    for (const [id, rows] of Object.entries(r.streams)) {
      const units = rows.length / r.length;
      (out[id] ??= new Float32Array(total * units)).set(rows, r.start * units);
    }
  }
  return out;
}

function maxScaledDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

describe('documents side by side in one batch', () => {
  it('records every stream of every document as one after the other does', async () => {
    expect(ids.length).toBe(2260);
    const sequential: ChunkResult[] = [];
    await recordChunks({
      session,
      Tensor,
      taps: graph.taps,
      tokenInput: graph.info.tokenInput!,
      ids,
      documents,
      chunkSize: CHUNK,
      kinds,
      sink: { commit: async (r) => void sequential.push(r) }
    });
    const reference = assemble(sequential, ids.length);
    for (const parallel of [1, 2, 3]) {
      const batched: { document: number; r: ChunkResult }[] = [];
      const { chunks } = await recordDocuments({
        session,
        Tensor,
        taps: graph.taps,
        tokenInput: graph.info.tokenInput!,
        ids,
        documents,
        chunkSize: CHUNK,
        kinds,
        parallel,
        sink: { commit: async (document, r) => void batched.push({ document, r }) }
      });
      expect(chunks).toBe(sequential.length);
      // Each document's chunks arrive in order, numbered from 0 within the document.
      for (let d = 0; d < documents.length; d++) {
        const mine = batched.filter((x) => x.document === d).map((x) => x.r);
        expect(mine.map((r) => r.chunk)).toEqual(mine.map((_, k) => k));
        expect(mine[0].start).toBe(documents[d]);
      }
      const got = assemble(
        batched.map((x) => x.r),
        ids.length
      );
      expect(Object.keys(got).sort()).toEqual(Object.keys(reference).sort());
      for (const id of Object.keys(reference))
        expect(maxScaledDiff(got[id], reference[id]), `${parallel} ${id}`).toBeLessThan(1e-5);
    }
  });

  it('refuses a model with a backward layer, naming the layer', () => {
    const bytes = new Uint8Array(readFileSync(`${root}tests/fixtures/rnn/lstm_reverse/model.onnx`));
    const g = prepareForRecording(decodeModel(bytes));
    const input = { name: 'x', elemType: 'int64', rank: 2, seqAxis: 1 };
    expect(batchRefusal(g.taps, input)).toBe(
      'layer 0 runs backward (padding would reach its steps)'
    );
    expect(batchRefusal(graph.taps, graph.info.tokenInput!)).toBeNull();
  });
});
