/**
 * The untrained twin: each float tensor re-drawn from its own N(mean, std) (moments checked against
 * numpy's statistics of the trained weights, tests/fixtures/twin/make_weight_stats.py), everything
 * else byte for byte as it was, one seed one model. Running twins: tests/unit/untrainedTwin.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DataType,
  decodeModel,
  encodeModel,
  ModelFormatError,
  onnx,
  tensorToFloat32,
  type ModelProto,
  type TensorProto
} from './proto';
import { MAX_SEED, TWIN_METADATA_KEY, untrainedTwin } from './reinit';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => new Uint8Array(readFileSync(root + path));
const demo = read('models/code-lstm.onnx');
const tiny = read('tests/fixtures/rnn/lstm2_tokens_batchfirst/model.onnx');
const reference = JSON.parse(
  readFileSync(root + 'tests/fixtures/twin/code-lstm.weight-stats.json', 'utf8')
) as {
  sha256: string;
  floatInitializers: { name: string; elements: number; mean: number; std: number }[];
  constants: { name: string; dtype: string }[];
};

const initializers = (m: ModelProto) => new Map(m.graph!.initializer!.map((t) => [t.name!, t]));
const encodeTensor = (t: TensorProto) => onnx.TensorProto.encode(t).finish();

function moments(x: Float32Array) {
  let s = 0;
  for (const v of x) s += v;
  const mean = s / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / x.length) };
}

/** A copy of a model with `edit` applied. */
function edited(bytes: Uint8Array, edit: (m: ModelProto) => void): Uint8Array {
  const m = decodeModel(bytes);
  edit(m);
  return encodeModel(m);
}

describe('untrainedTwin', () => {
  const twin = untrainedTwin(demo, 1, reference.sha256);
  const before = initializers(decodeModel(demo));
  const after = initializers(decodeModel(twin.bytes));

  it('reads each float initializer’s mean and std as numpy computes them', async () => {
    const { sha256 } = await import('node:crypto').then((c) => ({
      sha256: c.createHash('sha256').update(demo).digest('hex')
    }));
    expect(sha256, 'models/code-lstm.onnx changed: re-run make_weight_stats.py').toBe(
      reference.sha256
    );
    expect(twin.tensors.map((t) => t.name)).toEqual(reference.floatInitializers.map((r) => r.name));
    for (const r of reference.floatInitializers) {
      const t = twin.tensors.find((x) => x.name === r.name)!;
      expect(t.elements).toBe(r.elements);
      expect(t.mean).toBeCloseTo(r.mean, 12);
      expect(t.std / r.std).toBeCloseTo(1, 12);
      expect(t.redrawn).toBe(true);
    }
  });

  it('re-draws every float initializer (embedding and head too) from N(its mean, its std)', () => {
    for (const r of reference.floatInitializers) {
      const x = tensorToFloat32(after.get(r.name)!);
      const old = tensorToFloat32(before.get(r.name)!);
      expect(x.length).toBe(r.elements);
      const n = x.length;
      const m = moments(x);
      // Sampling error of the mean is σ/√n and of the std about σ/√(2n): 5 of them is generous.
      expect(Math.abs(m.mean - r.mean), r.name).toBeLessThan((5 * r.std) / Math.sqrt(n));
      expect(Math.abs(m.std - r.std), r.name).toBeLessThan((5 * r.std) / Math.sqrt(2 * n));
      // Normal, not a shuffle of the trained values: the share within ±1σ and ±2σ.
      for (const [k, p] of [
        [1, 0.6827],
        [2, 0.9545]
      ]) {
        const inside = x.filter((v) => Math.abs(v - r.mean) <= k * r.std).length / n;
        expect(Math.abs(inside - p), `${r.name} ±${k}σ`).toBeLessThan(
          5 * Math.sqrt((p * (1 - p)) / n) + 1 / n
        );
      }
      // Drawn afresh: uncorrelated with the trained values.
      const o = moments(old);
      let cov = 0;
      for (let i = 0; i < n; i++) cov += (x[i] - m.mean) * (old[i] - o.mean);
      const corr = cov / n / (m.std * o.std);
      expect(Math.abs(corr), r.name).toBeLessThan(5 / Math.sqrt(n));
    }
  });

  it('leaves the graph, the integer Constant nodes and the metadata as they were', () => {
    const a = decodeModel(demo);
    const b = decodeModel(twin.bytes);
    const constants = (m: ModelProto) =>
      m.graph!.node!.filter((n) => n.opType === 'Constant').map((n) => n.output![0]);
    expect(constants(b)).toEqual(reference.constants.map((c) => c.name));
    // Without the float data and the twin note, the two files are the same bytes.
    const strip = (m: ModelProto) => {
      for (const t of m.graph!.initializer!) t.rawData = new Uint8Array();
      m.metadataProps = m.metadataProps.filter((p) => p.key !== TWIN_METADATA_KEY);
      return encodeModel(m);
    };
    const note = b.metadataProps.find((p) => p.key === TWIN_METADATA_KEY)!;
    expect(JSON.parse(note.value!)).toEqual({ seed: 1, of: reference.sha256 });
    expect(b.metadataProps.map((p) => p.key)).toEqual([
      ...a.metadataProps.map((p) => p.key),
      TWIN_METADATA_KEY
    ]);
    expect(Buffer.from(strip(b)).equals(Buffer.from(strip(a)))).toBe(true);
  });

  it('keeps integer initializers byte for byte, and one-element or constant-valued floats', () => {
    const bytes = edited(tiny, (m) => {
      m.graph!.initializer!.push(
        onnx.TensorProto.create({
          name: 'i64',
          dataType: DataType.INT64,
          dims: [3],
          int64Data: [4, -2, 9]
        }),
        onnx.TensorProto.create({
          name: 'i32raw',
          dataType: DataType.INT32,
          dims: [2],
          rawData: new Uint8Array(new Int32Array([7, -7]).buffer)
        }),
        onnx.TensorProto.create({
          name: 'one',
          dataType: DataType.FLOAT,
          dims: [1],
          floatData: [0.25]
        }),
        onnx.TensorProto.create({
          name: 'flat',
          dataType: DataType.FLOAT,
          dims: [4],
          floatData: [0.5, 0.5, 0.5, 0.5]
        })
      );
    });
    const t = untrainedTwin(bytes, 3);
    const a = initializers(decodeModel(bytes));
    const b = initializers(decodeModel(t.bytes));
    for (const name of ['i64', 'i32raw', 'one', 'flat']) {
      expect(
        Buffer.from(encodeTensor(b.get(name)!)).equals(Buffer.from(encodeTensor(a.get(name)!))),
        name
      ).toBe(true);
    }
    expect(t.tensors.filter((x) => !x.redrawn).map((x) => x.name)).toEqual(['one', 'flat']);
    expect(t.tensors.some((x) => x.name.startsWith('i'))).toBe(false);
  });

  it('writes float_data tensors back as float_data, drawing the same values as raw_data', () => {
    const asFloatData = edited(tiny, (m) => {
      for (const t of m.graph!.initializer!) {
        t.floatData = Array.from(tensorToFloat32(t));
        t.rawData = new Uint8Array();
      }
    });
    const fromRaw = initializers(decodeModel(untrainedTwin(tiny, 5).bytes));
    const fromList = initializers(decodeModel(untrainedTwin(asFloatData, 5).bytes));
    for (const [name, t] of fromList) {
      expect(t.rawData?.length ?? 0, name).toBe(0);
      expect(t.floatData!.length, name).toBeGreaterThan(0);
      expect(tensorToFloat32(t)).toEqual(tensorToFloat32(fromRaw.get(name)!));
    }
  });

  it('re-draws float64 tensors as float64, in raw_data and in double_data', () => {
    const values = Float64Array.from({ length: 4000 }, (_, i) => Math.sin(i) * 3 + 1);
    const bytes = edited(tiny, (m) => {
      m.graph!.initializer!.push(
        onnx.TensorProto.create({
          name: 'd_raw',
          dataType: DataType.DOUBLE,
          dims: [4000],
          rawData: new Uint8Array(values.buffer)
        }),
        onnx.TensorProto.create({
          name: 'd_list',
          dataType: DataType.DOUBLE,
          dims: [4000],
          doubleData: Array.from(values)
        })
      );
    });
    const t = untrainedTwin(bytes, 9);
    const b = initializers(decodeModel(t.bytes));
    const raw = new Float64Array(Uint8Array.from(b.get('d_raw')!.rawData!).buffer);
    const list = Float64Array.from(b.get('d_list')!.doubleData!);
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - 1) ** 2, 0) / 4000); // mean of sin ≈ 0
    for (const x of [raw, list]) {
      expect(x.length).toBe(4000);
      const m = x.reduce((s, v) => s + v, 0) / 4000;
      expect(Math.abs(m - 1)).toBeLessThan((5 * sd) / Math.sqrt(4000));
      // Not float32-rounded: float64 draws keep their low bits.
      expect(x.some((v) => Math.fround(v) !== v)).toBe(true);
    }
    expect(t.tensors.filter((x) => x.dtype === 'float64').map((x) => x.name)).toEqual([
      'd_raw',
      'd_list'
    ]);
  });

  it('re-draws float Constant nodes (value and value_floats), in Loop bodies too', () => {
    const loop = read('tests/fixtures/rnn/lstm_script_loop/model.onnx');
    const bytes = edited(loop, (m) => {
      const g = m.graph!;
      const w = g.initializer!.find((t) => t.name === 'cell.weight_hh')!;
      g.initializer = g.initializer!.filter((t) => t !== w);
      const body = g.node!.find((n) => n.opType === 'Loop')!.attribute!.find((a) => a.g)!.g!;
      body.node!.unshift(
        onnx.NodeProto.create({
          opType: 'Constant',
          output: ['cell.weight_hh'],
          attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: w }]
        })
      );
      g.node!.unshift(
        onnx.NodeProto.create({
          opType: 'Constant',
          output: ['listed'],
          attribute: [
            {
              name: 'value_floats',
              type: onnx.AttributeProto.AttributeType.FLOATS,
              floats: [1, 2, 3, 4]
            }
          ]
        })
      );
    });
    const t = untrainedTwin(bytes, 2);
    const drawn = t.tensors.filter((x) => x.source === 'constant' && x.redrawn).map((x) => x.name);
    expect(drawn.sort()).toEqual(['cell.weight_hh', 'listed']);
    const m = decodeModel(t.bytes);
    const listed = m.graph!.node!.find((n) => n.output?.[0] === 'listed')!.attribute![0].floats!;
    expect(listed).toHaveLength(4);
    expect(listed).not.toEqual([1, 2, 3, 4]);
  });

  it('gives the same bytes for the same seed and other bytes for another', () => {
    expect(
      Buffer.from(untrainedTwin(demo, 1, reference.sha256).bytes).equals(Buffer.from(twin.bytes))
    ).toBe(true);
    const other = untrainedTwin(demo, 2, reference.sha256);
    const x = tensorToFloat32(initializers(decodeModel(other.bytes)).get('embed.weight')!);
    const y = tensorToFloat32(after.get('embed.weight')!);
    expect(x.filter((v, i) => v === y[i]).length).toBe(0);
    for (const seed of [0, MAX_SEED, 2 ** 31])
      expect(untrainedTwin(tiny, seed).bytes.length).toBeGreaterThan(0);
    // 2^31 and its signed twin -2^31 are distinct seeds, not the same one.
    expect(
      Buffer.from(untrainedTwin(tiny, 2 ** 31).bytes).equals(
        Buffer.from(untrainedTwin(tiny, 0).bytes)
      )
    ).toBe(false);
  });

  it('refuses what it cannot re-draw with one line that says why', () => {
    expect(() => untrainedTwin(new TextEncoder().encode('not a model'), 1)).toThrow(
      ModelFormatError
    );
    expect(() => untrainedTwin(new TextEncoder().encode('not a model'), 1)).toThrow(
      /not an ONNX model/
    );
    for (const seed of [-1, 1.5, MAX_SEED + 1, Number.NaN])
      expect(() => untrainedTwin(tiny, seed)).toThrow(
        /seed must be a whole number from 0 to 4294967295/
      );
    const half = edited(tiny, (m) => {
      m.graph!.initializer!.push(
        onnx.TensorProto.create({
          name: 'h',
          dataType: DataType.FLOAT16,
          dims: [2],
          int32Data: [15360, 16384]
        })
      );
    });
    expect(() => untrainedTwin(half, 1)).toThrow(
      /Tensor "h" is float16; cellscope re-draws float32 and float64 weights only/
    );
    const nan = edited(tiny, (m) => {
      m.graph!.initializer!.push(
        onnx.TensorProto.create({
          name: 'bad',
          dataType: DataType.FLOAT,
          dims: [2],
          floatData: [1, Number.NaN]
        })
      );
    });
    expect(() => untrainedTwin(nan, 1)).toThrow(/"bad" holds NaN or infinite values/);
    const noWeights = read('tests/fixtures/rnn/lstm_initial_states_inputs/model.onnx');
    const stripped = edited(noWeights, (m) => {
      for (const t of m.graph!.initializer!) t.dataType = DataType.INT32;
    });
    expect(() => untrainedTwin(stripped, 1)).toThrow(/stores no floating-point weights/);
  });
});
