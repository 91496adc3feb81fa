/**
 * Gate activations computed in the graph (onnx/gateTaps.ts) for plain LSTMs: which layers take
 * that path, and the values against the float64 ONNX-spec reference and against the JS
 * recurrence the other layers keep, over long chunked runs (onnxruntime-web in Node).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DataType,
  decodeModel,
  encodeModel,
  onnx,
  type ModelProto
} from '../../src/lib/onnx/proto';
import { prepareForRecording } from '../../src/lib/onnx/surgery';
import { recordChunks, type ChunkResult } from '../../src/lib/record/core';
import { runStep, type TensorCtor } from '../../src/lib/record/step';
import { parseKinds } from '../../src/lib/record/streams';
import { createTokenizer, parseTokenizerSpec } from '../../src/lib/tokenize/tokenizer';
import { demoCorpusPath, loadDemoModel, root } from '../helpers/modelFixture';
import { referenceLstm } from '../helpers/reference/lstm';

const Tensor = ort.Tensor as unknown as TensorCtor;
const fixtures = join(root, 'tests/fixtures/rnn');

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

/** Max |a − b| / max(1, |b|): c_t is unbounded, float32 holds 7 significant digits. */
function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

/** Deterministic weights in [-1, 1) (mulberry32). */
function uniform(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  });
}

/** One LSTM node, X [T, 1, I] → Y, at the given opset. */
function lstmModel(opset: number, I: number, H: number) {
  const W = uniform(4 * H * I, 1);
  const R = uniform(4 * H * H, 2);
  const B = uniform(8 * H, 3);
  const f = (name: string, dims: number[], v: Float32Array) =>
    onnx.TensorProto.create({ name, dataType: DataType.FLOAT, dims, floatData: Array.from(v) });
  const io = (name: string, dims: (number | string)[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: DataType.FLOAT,
          shape: {
            dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
          }
        }
      }
    });
  const model: ModelProto = onnx.ModelProto.create({
    irVersion: 4,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: [
        onnx.NodeProto.create({
          opType: 'LSTM',
          input: ['X', 'W', 'R', 'B'],
          output: ['Y'],
          attribute: [{ name: 'hidden_size', type: onnx.AttributeProto.AttributeType.INT, i: H }]
        })
      ],
      initializer: [f('W', [1, 4 * H, I], W), f('R', [1, 4 * H, H], R), f('B', [1, 8 * H], B)],
      input: [io('X', ['T', 1, I])],
      output: [io('Y', ['T', 1, 1, H])]
    }
  });
  return { bytes: encodeModel(model), weights: { W, R, B, hidden: H, input: I } };
}

/** The demo model with clip = 1e30 on every LSTM: the same numbers, but the JS recurrence. */
function demoWithHugeClip(): Uint8Array {
  const model = decodeModel(loadDemoModel());
  for (const n of model.graph!.node!)
    if (n.opType === 'LSTM')
      n.attribute!.push({ name: 'clip', type: onnx.AttributeProto.AttributeType.FLOAT, f: 1e30 });
  return encodeModel(model);
}

async function recordAll(bytes: Uint8Array, ids: Int32Array) {
  const graph = prepareForRecording(decodeModel(bytes), { internals: true });
  const session = await ort.InferenceSession.create(graph.bytes);
  const results: ChunkResult[] = [];
  await recordChunks({
    session,
    Tensor,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput!,
    ids,
    chunkSize: 2048,
    kinds: parseKinds('all'),
    sink: { commit: async (r) => void results.push(r) }
  });
  const streams: Record<string, Float32Array> = {};
  for (const id of Object.keys(results[0].streams)) {
    const out = new Float32Array(results.reduce((n, r) => n + r.streams[id].length, 0));
    let at = 0;
    for (const r of results) {
      out.set(r.streams[id], at);
      at += r.streams[id].length;
    }
    streams[id] = out;
  }
  return { graph, streams };
}

describe('gate activations in the graph', () => {
  it('are used for plain LSTM layers only (not clip, peepholes, sequence_lens)', () => {
    const fast: string[] = [];
    for (const name of readdirSync(fixtures).filter(
      (n) => n.startsWith('lstm_') || n.startsWith('lstm2')
    )) {
      let graph;
      try {
        const bytes = new Uint8Array(readFileSync(join(fixtures, name, 'model.onnx')));
        graph = prepareForRecording(decodeModel(bytes), { internals: true });
      } catch {
        continue;
      }
      if (graph.taps.some((t) => t.internals?.activations)) fast.push(name);
    }
    expect(fast.sort()).toEqual([
      'lstm2_tokens_batchfirst',
      'lstm_bidir_float_seqfirst',
      'lstm_initial_states_inputs',
      'lstm_layout1',
      'lstm_reverse'
    ]);
  });

  it('leave out the o gate when asked', () => {
    const bytes = loadDemoModel();
    const all = prepareForRecording(decodeModel(bytes), { internals: true });
    const noO = prepareForRecording(decodeModel(bytes), { internals: true, outputGate: false });
    expect(all.taps.map((t) => t.internals!.activations![0].o)).toEqual([
      'cellscope::L0.d0.o',
      'cellscope::L1.d0.o'
    ]);
    expect(noO.taps.map((t) => t.internals!.activations![0].o)).toEqual([null, null]);
  });

  for (const opset of [7, 9, 10, 13, 18]) {
    it(`match the float64 ONNX-spec LSTM within 1e-5 at opset ${opset} (Slice as attributes before 10, Split told its parts from 18)`, async () => {
      const [T, I, H] = [300, 5, 8];
      const { bytes, weights } = lstmModel(opset, I, H);
      const graph = prepareForRecording(decodeModel(bytes), { internals: true });
      expect(graph.taps[0].internals?.activations).toBeDefined();
      const slice = decodeModel(graph.bytes).graph!.node!.find((n) => n.opType === 'Slice')!;
      expect(slice.input!.length).toBe(opset < 10 ? 1 : 4);
      const split = decodeModel(graph.bytes).graph!.node!.find((n) => n.opType === 'Split')!;
      expect(split.output).toHaveLength(4);
      const session = await ort.InferenceSession.create(graph.bytes);
      const x = uniform(T * I, 4 + opset);
      const feeds = { X: new Tensor('float32', x, [T, 1, I]) };
      const step = await runStep(
        session,
        Tensor,
        graph.taps,
        { feeds, batch: 1, lengths: [T] },
        null,
        parseKinds('all')
      );
      const ref = referenceLstm(x, T, weights);
      for (const k of ['h', 'c', 'i', 'f', 'o', 'g'] as const)
        expect(maxScaledDiff(step.streams[0][`L0.fwd.${k}`], ref[k]), k).toBeLessThan(1e-5);
    });
  }

  it('record the bundled model over 8,192 tokens as the JS recurrence does, within 1e-5', async () => {
    const spec = parseTokenizerSpec(
      prepareForRecording(decodeModel(loadDemoModel())).info.metadata['cellscope.tokenizer']
    );
    const ids = createTokenizer(spec)
      .encode(readFileSync(demoCorpusPath, 'utf8'))
      .ids.subarray(0, 8192);
    const fast = await recordAll(loadDemoModel(), ids);
    const js = await recordAll(demoWithHugeClip(), ids);
    expect(fast.graph.taps.every((t) => t.internals?.activations)).toBe(true);
    expect(js.graph.taps.some((t) => t.internals?.activations)).toBe(false);
    expect(Object.keys(fast.streams).sort()).toEqual(Object.keys(js.streams).sort());
    for (const id of Object.keys(js.streams))
      expect(maxScaledDiff(fast.streams[id], js.streams[id]), id).toBeLessThan(1e-5);
  });
});
