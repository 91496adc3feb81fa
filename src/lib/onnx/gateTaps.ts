/**
 * The gate activations of a plain LSTM layer, computed in the graph and batched over the run, so
 * that onnxruntime's SIMD kernels (and threads) do the sigmoids and tanhs. The op's Y gives every
 * h_t, so h_{t-1} is Y shifted by one step (h0 first): each gate is then
 * act([x_t, h_{t-1}] · [W; R]ᵀ + Wb + Rb), one MatMul over the whole run. Only the elementwise
 * c_t = f ⊙ c_{t-1} + i ⊙ g is left to record/cells.ts.
 *
 * Plain means: the ONNX default activations, no clip, no peepholes, no input_forget, no
 * sequence_lens, constant W/R/B. Other layers keep the X·Wᵀ / h·Rᵀ taps of surgery.ts, whose
 * JS recurrence handles every variant.
 */
import { constantTensor, node } from './graph';
import type { RecurrentLayer } from './inspect';
import type { LayerInternals } from './surgery';
import { DataType, onnx, tensorToFloat32, type GraphProto, type NodeProto } from './proto';

/** Output names of one direction's gates, each [T, B, H]; o is null when it was not asked for. */
export interface GateActivations {
  i: string;
  f: string;
  g: string;
  o: string | null;
}

const DEFAULT_LSTM = ['sigmoid', 'tanh', 'tanh'];
/** ONNX LSTM gate order in W, R and B: i, o, f, c. */
const GATE_ROW = { i: 0, o: 1, f: 2, g: 3 } as const;

/** A float constant (initializer or Constant node) of the graph, or null. */
function floatConstant(graph: GraphProto, name: string | undefined) {
  const t = name ? constantTensor(graph, name) : undefined;
  return t && t.dataType === DataType.FLOAT ? t : null;
}

const constant = (graph: GraphProto, name: string | undefined) => {
  const t = floatConstant(graph, name);
  return t ? tensorToFloat32(t) : null;
};

/** Whether a layer's gates can be computed in the graph (see the file comment). */
export function gateTapsSupported(
  graph: GraphProto,
  graphInputs: Set<string>,
  layer: RecurrentLayer
): boolean {
  const ins = layer.inputs;
  const fixed = (name: string | undefined) =>
    !!name && !graphInputs.has(name) && !!floatConstant(graph, name);
  return (
    layer.op === 'LSTM' &&
    layer.activations.every((a, k) => a.toLowerCase() === DEFAULT_LSTM[k % 3]) &&
    layer.clip === undefined &&
    !layer.inputForget &&
    !ins[7] &&
    !ins[4] &&
    fixed(ins[1]) &&
    fixed(ins[2]) &&
    (!ins[3] || fixed(ins[3]))
  );
}

function floatInit(graph: GraphProto, name: string, dims: number[], values: Float32Array) {
  (graph.initializer ??= []).push(
    onnx.TensorProto.create({
      name,
      dataType: DataType.FLOAT,
      dims,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
    })
  );
  return name;
}

/** An int64 initializer (a scalar when dims is []), shared by every layer that asks for it. */
function int64Init(graph: GraphProto, name: string, values: number[], dims = [values.length]) {
  const inits = (graph.initializer ??= []);
  if (!inits.some((t) => t.name === name))
    inits.push(
      onnx.TensorProto.create({ name, dataType: DataType.INT64, dims, int64Data: values })
    );
  return name;
}

/** Rows [from, to) of x along axis 0, written for the model's opset (attributes before 10). */
function slice0(
  graph: GraphProto,
  opset: number,
  x: string,
  out: string,
  from: number,
  to: number
): NodeProto {
  if (opset < 10) return node('Slice', [x], [out], { starts: [from], ends: [to], axes: [0] });
  const s = int64Init(graph, `cellscope::slice.${from}`, [from]);
  const e = int64Init(graph, `cellscope::slice.${to}`, [to]);
  const a = int64Init(graph, 'cellscope::slice.axis0', [0]);
  return node('Slice', [x, s, e, a], [out]);
}

/** A plain LSTM layer's weights, read from the graph's constants (see gateTapsSupported). */
export interface LstmWeights {
  W: Float32Array;
  R: Float32Array;
  B: Float32Array | null;
}

export function lstmWeights(graph: GraphProto, layer: RecurrentLayer): LstmWeights {
  const [, W, R, B] = layer.inputs;
  return { W: constant(graph, W)!, R: constant(graph, R)!, B: constant(graph, B) };
}

/** The tensors a layer's gates are computed from: its input X, its output Y and its initial h. */
export interface GateSources {
  x: string;
  y: string;
  h0: string;
}

/**
 * Add the gate nodes of one LSTM layer to `graph` (names prefixed `prefix`): the nodes, in order,
 * and the output names per direction. The weights become initializers of `graph`.
 */
export function addGateTaps(
  graph: GraphProto,
  layer: RecurrentLayer,
  weights: LstmWeights,
  src: GateSources,
  prefix: string,
  opset: number,
  outputGate: boolean
): { added: NodeProto[]; outputs: string[]; directions: GateActivations[] } {
  const H = layer.hiddenSize;
  const { W, R, B } = weights;
  const I = W.length / (layer.directions * 4 * H);
  const added: NodeProto[] = [];
  const outputs: string[] = [];
  const directions: GateActivations[] = [];
  // Slice's end "to the last row" (ONNX clamps it to the axis length).
  const big = 2 ** 62;
  for (let d = 0; d < layer.directions; d++) {
    const p = `${prefix}.d${d}`;
    const idx = int64Init(graph, `cellscope::gate.index${d}`, [d], []);
    const idx1 = int64Init(graph, `cellscope::gate.indices${d}`, [d]);
    // h_{t-1} for every t: [h0; Y] without its last row (forward), [Y; h0] without its first.
    const reverse = layer.direction === 'reverse' || d === 1;
    const [first, second] = reverse ? [`${p}.Y`, `${p}.h0`] : [`${p}.h0`, `${p}.Y`];
    added.push(
      node('Gather', [src.y, idx], [`${p}.Y`], { axis: 1 }),
      node('Gather', [src.h0, idx1], [`${p}.h0`], { axis: 0 }),
      node('Concat', [first, second], [`${p}.hs`], { axis: 0 }),
      slice0(graph, opset, `${p}.hs`, `${p}.hprev`, reverse ? 1 : 0, reverse ? big : -1),
      node('Concat', [src.x, `${p}.hprev`], [`${p}.xh`], { axis: 2 })
    );
    const wanted = outputGate ? (['i', 'f', 'g', 'o'] as const) : (['i', 'f', 'g'] as const);
    const names: Partial<GateActivations> = { o: null };
    // Every wanted gate in one MatMul ([W; R]ᵀ of the gates side by side, [I + H, k·H]), which
    // reads [x_t, h_{t-1}] once, then split into gates: faster than one MatMul per gate.
    const k = wanted.length;
    const wr = new Float32Array((I + H) * k * H);
    const bias = new Float32Array(k * H);
    wanted.forEach((gate, n) => {
      const g0 = GATE_ROW[gate] * H;
      const row = d * 4 * H + g0;
      const col = n * H;
      for (let j = 0; j < H; j++) {
        for (let m = 0; m < I; m++) wr[m * k * H + col + j] = W[(row + j) * I + m];
        for (let m = 0; m < H; m++) wr[(I + m) * k * H + col + j] = R[(row + j) * H + m];
      }
      const wb = d * 8 * H + g0;
      if (B) for (let j = 0; j < H; j++) bias[col + j] = B[wb + j] + B[wb + 4 * H + j];
    });
    floatInit(graph, `${p}.WR`, [I + H, k * H], wr);
    floatInit(graph, `${p}.b`, [k * H], bias);
    const pre = wanted.map((gate) => `${p}.${gate}.pre`);
    added.push(
      node('MatMul', [`${p}.xh`, `${p}.WR`], [`${p}.mm`]),
      node('Add', [`${p}.mm`, `${p}.b`], [`${p}.pre`]),
      // equal parts; from opset 18 Split must be told how many
      node('Split', [`${p}.pre`], pre, opset >= 18 ? { axis: 2, num_outputs: k } : { axis: 2 })
    );
    wanted.forEach((gate, n) => {
      const q = `${p}.${gate}`;
      added.push(node(gate === 'g' ? 'Tanh' : 'Sigmoid', [pre[n]], [q]));
      names[gate] = q;
      outputs.push(q);
    });
    directions.push(names as GateActivations);
  }
  return { added, outputs, directions };
}

/** The gate nodes of a plain LSTM layer and what surgery.ts records of them (its `internals`). */
export function plainLstmTaps(
  graph: GraphProto,
  layer: RecurrentLayer,
  src: GateSources,
  prefix: string,
  opset: number,
  outputGate: boolean
): { added: NodeProto[]; outputs: string[]; internals: LayerInternals } {
  const w = lstmWeights(graph, layer);
  const t = addGateTaps(graph, layer, w, src, prefix, opset, outputGate);
  const internals: LayerInternals = {
    directions: t.directions.map(() => ({ xw: '', hr: '', h0r: '' })),
    weights: { B: null, P: null, R: null },
    gates: true,
    activations: t.directions
  };
  return { added: t.added, outputs: t.outputs, internals };
}
