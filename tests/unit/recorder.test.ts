import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/lib/onnx/proto';
import { prepareForRecording, type RecordingGraph } from '../../src/lib/onnx/surgery';
import { parseKinds } from '../../src/lib/record/streams';
import { recordChunks, type ChunkResult } from '../../src/lib/record/core';
import { type TensorCtor } from '../../src/lib/record/step';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import { demoCorpusPath, demoWeights, loadDemoModel } from '../helpers/modelFixture';
import { referenceLstm } from '../helpers/reference/lstm';

const Tensor = ort.Tensor as unknown as TensorCtor;

let graph: RecordingGraph;
let session: ort.InferenceSession;
let ids: Int32Array;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  const bytes = loadDemoModel();
  graph = prepareForRecording(decodeModel(bytes));
  session = await ort.InferenceSession.create(graph.bytes);
  const spec = parseTokenizerSpec(graph.info.metadata['cellscope.tokenizer']);
  ids = createTokenizer(spec).encode(readFileSync(demoCorpusPath, 'utf8').slice(0, 1500)).ids;
});

async function run(chunkSize: number, opts: { stopAfter?: number; from?: ChunkResult[] } = {}) {
  const results: ChunkResult[] = [...(opts.from ?? [])];
  const last = results.at(-1);
  const outcome = await recordChunks({
    session,
    Tensor,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput!,
    ids,
    chunkSize,
    startChunk: results.length,
    state: last?.state,
    sink: { commit: async (r) => void results.push(r) },
    shouldStop: () => opts.stopAfter !== undefined && results.length >= opts.stopAfter
  });
  return { outcome, results };
}

function concat(results: ChunkResult[], stream: string): Float32Array {
  const parts = results.map((r) => r.streams[stream]);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Error scaled by max(1, |reference|): c_t is unbounded (|c| reaches ~60 here) and float32 holds
 * 7 significant digits, so onnxruntime's own final Y_c differs from a float64 reference by ~3e-5.
 */
function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

describe('recorder core on the bundled model (onnxruntime-web WASM in Node)', () => {
  it('finds the token input, its time axis and both LSTM layers', () => {
    expect(graph.info.tokenInput).toMatchObject({ name: 'tokens', elemType: 'int64', seqAxis: 1 });
    expect(graph.taps.map((t) => t.op)).toEqual(['LSTM', 'LSTM']);
    expect(graph.info.layers[1].inputLayer).toBe(0);
  });

  it('records L0.fwd.h and L1.fwd.h equal to the ONNX-spec reference LSTM within 1e-5', async () => {
    const { outcome, results } = await run(400);
    expect(outcome.completed).toBe(true);
    expect(results.map((r) => r.length)).toEqual([400, 400, 400, 300]);
    const w = demoWeights(loadDemoModel());
    const T = ids.length;
    const x0 = new Float32Array(T * w.emb);
    ids.forEach((id, t) => x0.set(w.embedding.subarray(id * w.emb, (id + 1) * w.emb), t * w.emb));
    const l0 = referenceLstm(x0, T, w.layers[0]);
    const l1 = referenceLstm(Float32Array.from(l0.h), T, w.layers[1]);
    expect(maxAbsDiff(concat(results, 'L0.fwd.h'), l0.h)).toBeLessThan(1e-5);
    expect(maxAbsDiff(concat(results, 'L1.fwd.h'), l1.h)).toBeLessThan(1e-5);
  });

  it('records c_t and every gate of both layers equal to the reference, chunked, within 1e-5', async () => {
    const full = prepareForRecording(decodeModel(loadDemoModel()), { internals: true });
    const s = await ort.InferenceSession.create(full.bytes);
    const record = async (kinds: string) => {
      const results: ChunkResult[] = [];
      const outcome = await recordChunks({
        session: s,
        Tensor,
        taps: full.taps,
        tokenInput: full.info.tokenInput!,
        ids,
        chunkSize: 512,
        kinds: parseKinds(kinds),
        sink: { commit: async (r) => void results.push(r) }
      });
      return { outcome, results };
    };
    const { outcome, results } = await record('all');
    expect(outcome.streams.map((x) => x.id)).toEqual(
      ['L0', 'L1'].flatMap((l) => ['h', 'c', 'i', 'f', 'o', 'g'].map((k) => `${l}.fwd.${k}`))
    );
    const w = demoWeights(loadDemoModel());
    const T = ids.length;
    const x0 = new Float32Array(T * w.emb);
    ids.forEach((id, t) => x0.set(w.embedding.subarray(id * w.emb, (id + 1) * w.emb), t * w.emb));
    const l0 = referenceLstm(x0, T, w.layers[0]);
    const l1 = referenceLstm(Float32Array.from(l0.h), T, w.layers[1]);
    for (const [layer, ref] of [
      ['L0', l0],
      ['L1', l1]
    ] as const) {
      for (const k of ['h', 'c', 'i', 'f', 'o', 'g'] as const) {
        const diff = k === 'c' ? maxScaledDiff : maxAbsDiff;
        expect(diff(concat(results, `${layer}.fwd.${k}`), ref[k]), `${layer}.${k}`).toBeLessThan(
          1e-5
        );
      }
    }
    // Asked for h and c only (the default), c comes from a shorter loop without the o gate:
    // bit for bit the same values, and no gate streams.
    const { results: hc } = await record('h,c');
    expect(Object.keys(hc[0].streams).sort()).toEqual(
      ['L0.fwd.c', 'L0.fwd.h', 'L1.fwd.c', 'L1.fwd.h'].sort()
    );
    for (const l of ['L0', 'L1'])
      expect(concat(hc, `${l}.fwd.c`)).toEqual(concat(results, `${l}.fwd.c`));
  });

  it('chunked recording equals a single run, and a stopped recording resumes to the same values', async () => {
    const whole = await run(ids.length);
    const chunked = await run(256);
    const partial = await run(256, { stopAfter: 2 });
    expect(partial.outcome.completed).toBe(false);
    expect(partial.results).toHaveLength(2);
    const resumed = await run(256, { from: partial.results });
    expect(resumed.outcome.completed).toBe(true);
    for (const s of ['L0.fwd.h', 'L1.fwd.h']) {
      expect(maxAbsDiff(concat(chunked.results, s), concat(whole.results, s))).toBeLessThan(1e-5);
      expect(concat(resumed.results, s)).toEqual(concat(chunked.results, s));
    }
  });
});
