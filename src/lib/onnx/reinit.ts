/**
 * An untrained twin of a model: the same graph with every floating-point weight re-drawn, so a
 * ranking can be read against what the architecture alone gives (issue 12).
 *
 * Every float32/float64 tensor stored in the model (initializers, and the `value`/`value_floats`
 * of Constant nodes, in the main graph and in Loop/If/Scan bodies; the embedding and the head
 * included) is re-sampled elementwise from a normal distribution with that tensor's own mean and
 * population standard deviation. A tensor with one element, or whose elements are all equal
 * (std 0: zero initial states, a ones mask), keeps its value: there is no spread to draw from, and
 * such tensors are structure rather than learned weights. Integer tensors (shapes, indices) and
 * everything else in the file are left as they are, in the field they were stored in (raw_data or
 * float_data/double_data); the metadata gets `cellscope.untrained_twin` = {"seed":…,"of":…}.
 *
 * Seeded: xoroshiro128+ (pure-rand) feeding Box–Muller, tensors drawn in file order, so one seed
 * gives the same bytes in Node and in the browser (both V8). Pure: no I/O.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { checkNoExternalData } from './checks';
import {
  DataType,
  decodeModel,
  encodeModel,
  ModelFormatError,
  onnx,
  tensorToFloat32,
  type GraphProto,
  type NodeProto,
  type TensorProto
} from './proto';

export const TWIN_METADATA_KEY = 'cellscope.untrained_twin';
export const MAX_SEED = 0xffffffff;

/** What `cellscope.untrained_twin` holds: the seed, and the SHA-256 of the trained model. */
export interface TwinNote {
  seed: number;
  of?: string;
}

export interface RedrawnTensor {
  name: string;
  source: 'initializer' | 'constant';
  dtype: 'float32' | 'float64';
  elements: number;
  /** Mean and population std of the original elements (what the new ones are drawn from). */
  mean: number;
  std: number;
  /** false: kept as it was (one element, or std 0). */
  redrawn: boolean;
}

export interface Twin {
  bytes: Uint8Array;
  tensors: RedrawnTensor[];
}

/** Floating-point types cellscope does not re-draw (it would have to round to them). */
const REFUSED: Record<number, string> = {
  10: 'float16',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  23: 'float4e2m1'
};

const isFloat = (type: number | null | undefined) =>
  type === DataType.FLOAT || type === DataType.DOUBLE || REFUSED[type ?? 0] !== undefined;

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(
      `The seed must be a whole number from 0 to ${MAX_SEED}, got ${Number.isFinite(seed) ? seed : 'none'}.`
    );
  }
}

/** Standard normal draws: Box–Muller on xoroshiro128+ uniforms (53-bit). */
function normalSource(seed: number): () => number {
  // pure-rand seeds from 32 bits (as a signed int): 2^31… map to distinct negative seeds.
  const rng = xoroshiro128plus(seed | 0);
  // A state made from 32 bits is sparse at first; the first outputs are discarded.
  for (let i = 0; i < 64; i++) rng.next();
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const u = 1 - uniformFloat64(rng); // (0, 1]: log(u) is finite
    const a = 2 * Math.PI * uniformFloat64(rng);
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

function meanStd(x: Float32Array | Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i];
  const mean = sum / x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += (x[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / x.length) };
}

function readDoubles(t: TensorProto): Float64Array {
  if (t.rawData && t.rawData.length > 0) {
    return new Float64Array(Uint8Array.from(t.rawData).buffer, 0, t.rawData.length / 8);
  }
  return Float64Array.from(t.doubleData ?? []);
}

/** Re-draws tensors in place, in the order they are visited; records what it did. */
class Redrawer {
  readonly tensors: RedrawnTensor[] = [];
  private readonly normal: () => number;

  constructor(seed: number) {
    this.normal = normalSource(seed);
  }

  private draw(values: Float32Array | Float64Array, name: string, source: RedrawnTensor['source']) {
    const { mean, std } = meanStd(values);
    if (!Number.isFinite(mean) || !Number.isFinite(std)) {
      throw new ModelFormatError(
        `Weight tensor "${name}" holds NaN or infinite values, so it has no mean and spread to ` +
          're-draw from. Export the model again from a checkpoint with finite weights.'
      );
    }
    const redrawn = values.length > 1 && std > 0;
    if (redrawn) for (let i = 0; i < values.length; i++) values[i] = mean + std * this.normal();
    this.tensors.push({
      name,
      source,
      dtype: values instanceof Float64Array ? 'float64' : 'float32',
      elements: values.length,
      mean,
      std,
      redrawn
    });
    return redrawn;
  }

  tensor(t: TensorProto, source: RedrawnTensor['source']): void {
    const name = t.name || '(unnamed)';
    const type = t.dataType ?? 0;
    if (REFUSED[type]) {
      throw new ModelFormatError(
        `Tensor "${name}" is ${REFUSED[type]}; cellscope re-draws float32 and float64 weights only. ` +
          'Export the model in float32 to make an untrained twin.'
      );
    }
    const raw = !!t.rawData && t.rawData.length > 0;
    if (type === DataType.FLOAT) {
      const v = tensorToFloat32(t);
      if (!this.draw(v, name, source)) return;
      if (raw) t.rawData = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      else t.floatData = Array.from(v);
    } else if (type === DataType.DOUBLE) {
      const v = readDoubles(t);
      if (!this.draw(v, name, source)) return;
      if (raw) t.rawData = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      else t.doubleData = Array.from(v);
    }
  }

  /** A Constant node's float list (value_floats): drawn like a float32 tensor. */
  floats(node: NodeProto, floats: number[]): number[] {
    const v = Float32Array.from(floats);
    return this.draw(v, node.output?.[0] || node.name || 'Constant', 'constant')
      ? Array.from(v)
      : floats;
  }

  graph(g: GraphProto): void {
    const sparse = g.sparseInitializer?.find((s) => isFloat(s.values?.dataType));
    if (sparse) {
      throw new ModelFormatError(
        `Initializer "${sparse.values?.name ?? ''}" is a sparse float tensor, which cellscope cannot ` +
          're-draw. Export the model with dense weights.'
      );
    }
    for (const t of g.initializer ?? []) this.tensor(t, 'initializer');
    for (const n of g.node ?? []) {
      for (const a of n.attribute ?? []) {
        if (n.opType === 'Constant' && a.name === 'value' && a.t) this.tensor(a.t, 'constant');
        if (n.opType === 'Constant' && a.name === 'value_floats' && a.floats?.length)
          a.floats = this.floats(n, a.floats);
        if (n.opType === 'Constant' && isFloat(a.sparseTensor?.values?.dataType)) {
          throw new ModelFormatError(
            `Constant "${n.output?.[0] ?? ''}" holds a sparse tensor, which cellscope cannot re-draw.`
          );
        }
        if (a.g) this.graph(a.g);
        for (const sub of a.graphs ?? []) this.graph(sub);
      }
    }
  }
}

/**
 * The untrained twin of an ONNX model (see the file comment), with what was drawn per tensor.
 * `of` is the trained model's SHA-256, written into the twin's metadata when given.
 */
export function untrainedTwin(bytes: Uint8Array, seed: number, of?: string): Twin {
  checkSeed(seed);
  const model = decodeModel(bytes);
  checkNoExternalData(model);
  const redrawer = new Redrawer(seed);
  redrawer.graph(model.graph!);
  if (!redrawer.tensors.some((t) => t.redrawn)) {
    throw new ModelFormatError(
      'This model stores no floating-point weights with a spread to re-draw (no float initializer ' +
        'or Constant with two or more different values), so it has no untrained twin.'
    );
  }
  const note: TwinNote = of ? { seed, of } : { seed };
  model.metadataProps = [
    ...(model.metadataProps ?? []).filter((p) => p.key !== TWIN_METADATA_KEY),
    onnx.StringStringEntryProto.create({ key: TWIN_METADATA_KEY, value: JSON.stringify(note) })
  ];
  return { bytes: encodeModel(model), tensors: redrawer.tensors };
}
