/**
 * Graph surgery for recording. For every recurrent node:
 * - its initial state becomes a graph input and its Y and final states graph outputs, so the
 *   recorder can run a long corpus in chunks and carry the state (README, "What is recorded");
 * - the tensor that used to feed its initial state is exposed too, so a model's own initial state
 *   (a graph input, a constant) is still honoured at the start of a sequence;
 * - with `internals`, the gate pre-activations' matrix products X·Wᵀ and h·Rᵀ are added as batched
 *   MatMuls, from which record/cells.ts recomputes c_t and the gates exactly.
 * layout = 1 nodes are first rewritten to layout 0 (onnxruntime refuses them).
 */
import { findUnrolledCells, tapLoops } from './decomposed';
import { gateTapsSupported, plainLstmTaps, type GateActivations } from './gateTaps';
import { exposeTensors } from './tensors';
import { fixedWindow, type FixedWindow } from './fixedWindow';
import { constantTensor, floatValueInfo, int64Scalar, node, valueInfo } from './graph';
import { inspectModel, type ModelInfo, type RecurrentLayer } from './inspect';
import { normaliseLayout } from './layout';
import { pruneDeadNodes } from './pruneNodes';
import { addLayerOverride, type LayerOverride } from './overrides';
import {
  attrInt,
  DataType,
  encodeModel,
  ModelFormatError,
  tensorToFloat32,
  type GraphProto,
  type ModelProto,
  type NodeProto
} from './proto';

export interface DirectionTap {
  /** Output names: X·W[d]ᵀ [T, B, G·H], Y[d]·R[d]ᵀ [T, B, G·H], h0[d]·R[d]ᵀ [B, G·H]. */
  xw: string;
  hr: string;
  h0r: string;
}

/**
 * The model's own initial state: none (zeros), a graph input (feed), a constant, or a computed
 * tensor that the rewritten graph exposes as an output.
 */
export type StateSource =
  | { kind: 'zeros' }
  | { kind: 'feed'; name: string }
  | { kind: 'const'; values: Float32Array }
  | { kind: 'output'; name: string };

/** A weight tensor the recorder needs on the JS side: stored in the model, or fed at run time. */
export type WeightSource = { kind: 'const'; values: Float32Array } | { kind: 'feed'; name: string };

export interface LayerWeights {
  /** [D, 2·G·H] (Wb then Rb per direction) or null (zeros). */
  B: WeightSource | null;
  /** [D, 3·H] peepholes or null. */
  P: WeightSource | null;
  /** [D, G·H, H]: needed for GRU with linear_before_reset = 0. */
  R: WeightSource | null;
}

export interface LayerTap {
  layer: number;
  op: RecurrentLayer['op'];
  directions: 1 | 2;
  /** 'reverse' for a single backward direction. */
  direction: RecurrentLayer['direction'];
  hiddenSize: number;
  /** Gates per direction: LSTM 4, GRU 3, RNN 1. */
  gates: number;
  /** Output names in the rewritten graph. */
  y: string;
  yH: string;
  yC: string | null;
  /** Input names in the rewritten graph. */
  initialH: string;
  initialC: string | null;
  /** Where the node's initial state came from in the original graph. */
  originalH: StateSource;
  originalC: StateSource;
  /**
   * The node's sequence_lens, if it uses one: a graph input, or (computed in the graph, as torch
   * exports packed sequences) an int64 output the rewritten graph adds.
   */
  sequenceLens: string | null;
  /**
   * Batch order inside the node: an int64 output [B] when the node's X is `Gather(x, order,
   * axis=1)` (torch sorts a packed batch by length); node item b is sequence order[b] of x.
   */
  batchOrder: string | null;
  layerInfo: RecurrentLayer;
  /**
   * The gate taps: X·Wᵀ always; h·Rᵀ and h0·Rᵀ only when `gates` (with `overrides` alone, the
   * intervened layer's own recurrence needs X·Wᵀ only, and the rest of the graph runs lighter).
   */
  internals: LayerInternals | null;
  /** With the `overrides` option: the inputs that replace the node's outputs downstream. */
  override?: LayerOverride;
}

export interface LayerInternals {
  directions: DirectionTap[];
  weights: LayerWeights;
  gates: boolean;
  /** A plain LSTM's gate activations per direction instead (gateTaps.ts; xw/hr/h0r empty). */
  activations?: GateActivations[];
}

/** A recurrent cell without a recurrent op (unrolled steps, or a Loop's carried state). */
export interface CellTap {
  layer: number;
  kind: 'h' | 'c';
  /** One output per step ([B, H] each), in step order… */
  steps?: string[];
  /** …or one output stacking every step: [T, …, H]. */
  scan?: string;
  /** What an unrolled cell's first step reads as this state (a graph input when it is exposed). */
  start?: string | null;
}

export interface RecordingGraph {
  bytes: Uint8Array;
  taps: LayerTap[];
  cells: CellTap[];
  /** The model as given (before surgery). */
  info: ModelInfo;
  /** A fixed-length graph's window (a token input of T steps) and its state inputs, else null. */
  window: FixedWindow | null;
}

export interface SurgeryOptions {
  /** Add the taps for c_t and gates (LSTM, GRU). */
  internals?: boolean;
  /** Named tensors to expose as outputs as they are (any model, recurrent op or not). */
  tensors?: string[];
  /**
   * Add override inputs for every layer's outputs (interventions, see overrides.ts); implies the
   * internal taps for every layer, RNN included, and the recurrence weight R on the JS side.
   */
  overrides?: boolean;
  /** With internals: false leaves out a plain LSTM's o gate (a recording without o); default true. */
  outputGate?: boolean;
}

const statePrefix = (k: number) => `cellscope::L${k}`;
const GATES = { LSTM: 4, GRU: 3, RNN: 1 } as const;

function weightSource(
  graph: GraphProto,
  graphInputs: Set<string>,
  name: string | undefined,
  what: string
): WeightSource | null {
  if (!name) return null;
  if (graphInputs.has(name)) return { kind: 'feed', name };
  const t = constantTensor(graph, name);
  if (!t) {
    throw new ModelFormatError(
      `The ${what} of a recurrent node is computed at run time, not stored in the model; cellscope ` +
        'needs it constant to recompute c_t and the gates. Record with streams "h" instead.'
    );
  }
  return { kind: 'const', values: tensorToFloat32(t) };
}

/** Add the batched matrix products behind the gates of one layer (see file comment). */
function addInternalTaps(
  graph: GraphProto,
  graphInputs: Set<string>,
  n: NodeProto,
  layer: RecurrentLayer,
  k: number,
  initialH: string,
  wantR: boolean,
  gates: boolean
) {
  const ins = n.input ?? [];
  const [X, W, R] = ins;
  const y = n.output![0];
  const added: NodeProto[] = [];
  const outputs: string[] = [];
  const directions: DirectionTap[] = [];
  for (let d = 0; d < layer.directions; d++) {
    const p = `${statePrefix(k)}.d${d}`;
    const idx = int64Scalar(graph, `cellscope::index${d}`, d);
    added.push(
      node('Gather', [W, idx], [`${p}.W`], { axis: 0 }),
      node('Transpose', [`${p}.W`], [`${p}.Wt`], { perm: [1, 0] }),
      node('MatMul', [X, `${p}.Wt`], [`${p}.xw`])
    );
    if (!gates) {
      directions.push({ xw: `${p}.xw`, hr: '', h0r: '' });
      outputs.push(`${p}.xw`);
      continue;
    }
    added.push(
      node('Gather', [R, idx], [`${p}.R`], { axis: 0 }),
      node('Transpose', [`${p}.R`], [`${p}.Rt`], { perm: [1, 0] }),
      node('Gather', [y, idx], [`${p}.Y`], { axis: 1 }),
      node('MatMul', [`${p}.Y`, `${p}.Rt`], [`${p}.hr`]),
      node('Gather', [initialH, idx], [`${p}.h0`], { axis: 0 }),
      node('MatMul', [`${p}.h0`, `${p}.Rt`], [`${p}.h0r`])
    );
    directions.push({ xw: `${p}.xw`, hr: `${p}.hr`, h0r: `${p}.h0r` });
    outputs.push(`${p}.xw`, `${p}.hr`, `${p}.h0r`);
  }
  const needR = wantR || (layer.op === 'GRU' && !layer.linearBeforeReset);
  const weights: LayerWeights = {
    B: weightSource(graph, graphInputs, ins[3], 'bias B'),
    P: layer.op === 'LSTM' ? weightSource(graph, graphInputs, ins[7], 'peephole P') : null,
    R: needR ? weightSource(graph, graphInputs, R, 'recurrence weight R') : null
  };
  return { added, outputs, directions, weights };
}

/** Loops and unrolled cells, numbered after the recurrent-op layers. */
function decomposedCells(
  graph: GraphProto,
  firstLayer: number,
  addOutput: (name: string) => void
): CellTap[] {
  const cells: CellTap[] = [];
  let k = firstLayer;
  for (const loop of tapLoops(graph, addOutput)) {
    cells.push({ layer: k, kind: 'h', scan: loop.h });
    if (loop.c) cells.push({ layer: k, kind: 'c', scan: loop.c });
    k++;
  }
  for (const cell of findUnrolledCells(graph)) {
    cell.h.forEach(addOutput);
    cells.push({ layer: k, kind: 'h', steps: cell.h, start: cell.h0 });
    if (cell.c) {
      cell.c.forEach(addOutput);
      cells.push({ layer: k, kind: 'c', steps: cell.c, start: cell.c0 });
    }
    k++;
  }
  return cells;
}

/**
 * What a node's batch looks like to the recorder: its sequence_lens and, when X is a Gather on the
 * batch axis, the order it puts the sequences in. Computed tensors are exposed as int64 outputs
 * through a Cast (whatever their own integer type), with the Cast nodes returned to insert.
 */
function batchTaps(
  graph: GraphProto,
  graphInputs: Set<string>,
  n: NodeProto,
  k: number,
  addOutput: (name: string, elemType: number) => void
) {
  const added: NodeProto[] = [];
  const exposeInt64 = (name: string, suffix: string) => {
    const out = `${statePrefix(k)}.${suffix}`;
    added.push(node('Cast', [name], [out], { to: DataType.INT64 }));
    addOutput(out, DataType.INT64);
    return out;
  };
  const lens = n.input?.[4];
  const sequenceLens = !lens
    ? null
    : graphInputs.has(lens)
      ? lens
      : exposeInt64(lens, 'sequence_lens');
  const x = n.input?.[0];
  const gather = (graph.node ?? []).find(
    (m) => m.output?.includes(x ?? '') && m.opType === 'Gather'
  );
  const batchOrder =
    gather && attrInt(gather, 'axis', 0) === 1 && gather.input?.[1]
      ? exposeInt64(gather.input[1], 'batch_order')
      : null;
  return { sequenceLens, batchOrder, added };
}

export function prepareForRecording(
  model: ModelProto,
  options: SurgeryOptions = {}
): RecordingGraph {
  const original = inspectModel(model);
  const graph = model.graph!;
  normaliseLayout(graph);
  const info = inspectModel(model);
  const inputs = graph.input ?? (graph.input = []);
  const outputs = graph.output ?? (graph.output = []);
  const outputNames = new Set(outputs.map((o) => o.name ?? ''));
  const addTypedOutput = (name: string, elemType: number) => {
    if (!outputNames.has(name)) {
      outputs.push(valueInfo(name, elemType));
      outputNames.add(name);
    }
  };
  const addOutput = (name: string) => addTypedOutput(name, DataType.FLOAT);
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const graphInputs = new Set(inputs.map((i) => i.name ?? '').filter((n) => !inits.has(n)));
  const taps: LayerTap[] = [];
  const recurrentNodes = (graph.node ?? []).filter((n) => /^(LSTM|GRU|RNN)$/.test(n.opType ?? ''));
  const extraNodes = new Map<NodeProto, NodeProto[]>();

  info.layers.forEach((layer, k) => {
    const n = recurrentNodes[k];
    const p = statePrefix(k);
    const isLstm = layer.op === 'LSTM';
    const ins = [...(n.input ?? [])];
    while (ins.length < (isLstm ? 7 : 6)) ins.push('');
    const source = (name: string | undefined): StateSource => {
      if (!name) return { kind: 'zeros' };
      if (graphInputs.has(name)) return { kind: 'feed', name };
      const c = constantTensor(graph, name);
      if (c) return { kind: 'const', values: tensorToFloat32(c) };
      addOutput(name);
      return { kind: 'output', name };
    };
    const originalH = source(ins[5]);
    const originalC = isLstm ? source(ins[6]) : ({ kind: 'zeros' } as const);
    const stateDims = [layer.directions, 'batch', layer.hiddenSize];
    ins[5] = `${p}.initial_h`;
    inputs.push(floatValueInfo(ins[5], stateDims));
    if (isLstm) {
      ins[6] = `${p}.initial_c`;
      inputs.push(floatValueInfo(ins[6], stateDims));
    }
    n.input = ins;
    const outs = [...(n.output ?? [])];
    const want = isLstm ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'];
    want.forEach((suffix, i) => {
      if (!outs[i]) outs[i] = `${p}.${suffix}`;
      addOutput(outs[i]);
    });
    n.output = outs;
    // Rewired first, so that the taps added below still read the node's own outputs.
    const ov = options.overrides ? addLayerOverride(graph, outs, p) : null;
    const batch = batchTaps(graph, graphInputs, n, k, addTypedOutput);
    extraNodes.set(n, [...(ov?.nodes ?? []), ...batch.added]);
    let internals: LayerTap['internals'] = null;
    if (options.internals && !ov && gateTapsSupported(graph, graphInputs, layer)) {
      const [src, opset] = [{ x: ins[0], y: outs[0], h0: ins[5] }, info.opsets['ai.onnx'] ?? 1];
      const t = plainLstmTaps(graph, layer, src, p, opset, options.outputGate ?? true);
      extraNodes.set(n, [...batch.added, ...t.added]);
      t.outputs.forEach(addOutput);
      internals = t.internals;
    } else if ((options.internals && layer.op !== 'RNN') || ov) {
      const gates = !!options.internals && layer.op !== 'RNN';
      const t = addInternalTaps(graph, graphInputs, n, layer, k, ins[5], !!ov, gates);
      extraNodes.set(n, [...(ov?.nodes ?? []), ...batch.added, ...t.added]);
      t.outputs.forEach(addOutput);
      internals = { directions: t.directions, weights: t.weights, gates };
    }
    taps.push({
      layer: k,
      op: layer.op,
      directions: layer.directions,
      direction: layer.direction,
      hiddenSize: layer.hiddenSize,
      gates: GATES[layer.op],
      y: outs[0],
      yH: outs[1],
      yC: isLstm ? outs[2] : null,
      initialH: ins[5],
      initialC: isLstm ? ins[6] : null,
      originalH,
      originalC,
      sequenceLens: batch.sequenceLens,
      batchOrder: batch.batchOrder,
      layerInfo: layer,
      internals,
      ...(ov ? { override: ov.override } : {})
    });
  });
  const cells = decomposedCells(graph, taps.length, addOutput);
  exposeTensors(graph, options.tensors ?? [], outputNames);
  if (!taps.length && !cells.length && !options.tensors?.length) {
    throw new ModelFormatError(
      'No LSTM, GRU or RNN node found in this model, and no recurrent cell (a Loop, or unrolled steps ' +
        'sharing a recurrent weight). Record named tensors instead: npm run record -- --tap NAME.'
    );
  }
  // Tap nodes go right after their recurrent node, keeping the graph topologically sorted.
  graph.node = (graph.node ?? []).flatMap((n) => [n, ...(extraNodes.get(n) ?? [])]);
  graph.node = pruneDeadNodes(graph.node, outputNames);
  if (info.layers.some((l) => attrInt(recurrentNodes[l.index], 'layout', 0) !== 0)) {
    throw new ModelFormatError(
      'A recurrent node still has layout = 1 after rewriting; please report this model.'
    );
  }
  const starts = cells.map((c) => ({ layer: c.layer, kind: c.kind, tensor: c.start ?? null }));
  const window = fixedWindow(graph, original, starts);
  return { bytes: encodeModel(model), taps, cells, info: original, window };
}
