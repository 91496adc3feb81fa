/** Read a ModelProto into a ModelInfo: what the model takes, what it returns, its recurrent layers. */
import {
  attrFloat,
  attrFloats,
  attrInt,
  attrString,
  attrStrings,
  DataType,
  ModelFormatError,
  toNumber,
  type ModelProto,
  type NodeProto,
  type ValueInfoProto
} from './proto';
import { featureInputOf, type FeatureInput } from './featureInput';

export type RecurrentOp = 'LSTM' | 'GRU' | 'RNN';
export type Dim = number | string | null;

export interface TensorInfo {
  name: string;
  elemType: string;
  dims: Dim[];
}

export interface RecurrentLayer {
  /** k in the stream id L{k}: recurrent layers counted from the input, graph order. */
  index: number;
  op: RecurrentOp;
  nodeName: string;
  direction: 'forward' | 'reverse' | 'bidirectional';
  directions: 1 | 2;
  hiddenSize: number;
  layout: 0 | 1;
  linearBeforeReset: boolean;
  clip?: number;
  /** Activation functions for every direction (LSTM f,g,h; GRU f,g; RNN f), defaults filled in. */
  activations: string[];
  activationAlpha: number[];
  activationBeta: number[];
  inputForget: boolean;
  hasPeepholes: boolean;
  /** Node inputs by ONNX position: X, W, R, B, sequence_lens, initial_h, initial_c, P ('' = absent). */
  inputs: string[];
  /** Node outputs: Y, Y_h, Y_c ('' = absent). */
  outputs: string[];
  /** Layer index whose Y feeds this layer's X (through reshapes), if any. */
  inputLayer: number | null;
}

export interface TokenInput {
  name: string;
  elemType: string;
  rank: number;
  /** Which axis of the input is time; the other (if any) is batch. */
  seqAxis: number;
}

export interface ModelInfo {
  irVersion: number;
  opsets: Record<string, number>;
  producer: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  metadata: Record<string, string>;
  layers: RecurrentLayer[];
  parameters: number;
  opCounts: Record<string, number>;
  tokenInput: TokenInput | null;
  /** The graph input that reaches the first recurrent layer's X, with its time and batch axes. */
  sequenceInput: { name: string; seqAxis: number; batchAxis: number | null } | null;
  /** A float-feature (time-series) model's sequence input; null for a token model. */
  featureInput: FeatureInput | null;
  logits: string | null;
  /**
   * A classifier head: its class names (`cellscope.classes`, a JSON array, or "class 0"… when the
   * model's single output has no time axis); null for a language-model head or none.
   */
  classes: string[] | null;
}

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

function elemTypeName(t: number | null | undefined): string {
  const name = t == null ? undefined : DataType[t];
  return typeof name === 'string' ? name.toLowerCase() : 'unknown';
}

function tensorInfo(v: ValueInfoProto): TensorInfo {
  const tt = v.type?.tensorType;
  return {
    name: v.name ?? '',
    elemType: elemTypeName(tt?.elemType),
    dims: (tt?.shape?.dim ?? []).map((d) =>
      d.dimParam ? d.dimParam : d.dimValue != null ? toNumber(d.dimValue) : null
    )
  };
}

function defaultActivations(op: RecurrentOp, directions: number): string[] {
  const one =
    op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
  return directions === 2 ? [...one, ...one] : one;
}

function recurrentLayer(node: NodeProto, index: number): RecurrentLayer {
  const op = node.opType as RecurrentOp;
  const direction = attrString(node, 'direction', 'forward') as RecurrentLayer['direction'];
  const hiddenSize = attrInt(node, 'hidden_size', 0);
  if (!hiddenSize) {
    throw new ModelFormatError(
      `${op} node "${node.name}" has no hidden_size attribute; re-export the model with a recent exporter.`
    );
  }
  const acts = attrStrings(node, 'activations');
  const directions = direction === 'bidirectional' ? 2 : 1;
  const inputs = [...(node.input ?? [])];
  const outputs = [...(node.output ?? [])];
  while (outputs.length < (op === 'LSTM' ? 3 : 2)) outputs.push('');
  return {
    index,
    op,
    nodeName: node.name || `${op}_${index}`,
    direction,
    directions,
    hiddenSize,
    layout: attrInt(node, 'layout', 0) === 1 ? 1 : 0,
    linearBeforeReset: attrInt(node, 'linear_before_reset', 0) === 1,
    clip: attrFloat(node, 'clip'),
    activations: acts.length ? acts : defaultActivations(op, directions),
    activationAlpha: attrFloats(node, 'activation_alpha'),
    activationBeta: attrFloats(node, 'activation_beta'),
    inputForget: attrInt(node, 'input_forget', 0) === 1,
    hasPeepholes: op === 'LSTM' && !!inputs[7],
    inputs,
    outputs,
    inputLayer: null
  };
}

/** Ops that only move a tensor's axes around or change its values elementwise. */
const PASS_THROUGH = new Set([
  'Cast',
  'Identity',
  'Relu',
  'Tanh',
  'Sigmoid',
  'Dropout',
  'Mul',
  'Add'
]);

/**
 * Follow an input forward (Gather as indices, Transpose, elementwise ops) to the first recurrent
 * node's X and report which input axes arrive at X's time and batch axes.
 */
function traceAxes(
  nodes: NodeProto[],
  input: string,
  rank: number,
  first: RecurrentLayer
): { seqAxis: number; batchAxis: number | null } | null {
  const axesOf = new Map<string, number[]>([[input, Array.from({ length: rank }, (_, i) => i)]]);
  for (const node of nodes) {
    const ins = node.input ?? [];
    const out = node.output?.[0];
    if (!out) continue;
    if (node.opType === 'Gather' && axesOf.has(ins[1])) {
      const axis = attrInt(node, 'axis', 0);
      const before = Array<number>(axis).fill(-1);
      axesOf.set(out, [...before, ...axesOf.get(ins[1])!, -1]);
    } else if (node.opType === 'Gather' && axesOf.has(ins[0])) {
      // Reordering along an axis (1-D indices: torch sorting a packed batch) keeps every axis.
      axesOf.set(out, axesOf.get(ins[0])!);
    } else if (node.opType === 'Transpose' && axesOf.has(ins[0])) {
      const src = axesOf.get(ins[0])!;
      const perm = node.attribute?.find((a) => a.name === 'perm')?.ints?.map((v) => toNumber(v));
      axesOf.set(out, perm ? perm.map((p) => src[p]) : [...src].reverse());
    } else if (PASS_THROUGH.has(node.opType ?? '') && axesOf.has(ins[0])) {
      axesOf.set(out, axesOf.get(ins[0])!);
    }
  }
  const atX = axesOf.get(first.inputs[0]);
  if (!atX) return null;
  const seq = atX[first.layout === 1 ? 1 : 0];
  const batch = atX[first.layout === 1 ? 0 : 1];
  return seq >= 0 ? { seqAxis: seq, batchAxis: batch >= 0 ? batch : null } : null;
}

/** Which recurrent layer's Y reaches each layer's X through shape-only ops. */
function chainLayers(nodes: NodeProto[], layers: RecurrentLayer[]): void {
  const origin = new Map<string, number>();
  const shapeOnly = new Set([
    'Squeeze',
    'Unsqueeze',
    'Reshape',
    'Transpose',
    'Identity',
    'Dropout',
    'Cast',
    'Concat'
  ]);
  const byNode = new Map(layers.map((l) => [l.nodeName, l]));
  for (const node of nodes) {
    const ins = node.input ?? [];
    if (RECURRENT.has(node.opType ?? '')) {
      const layer =
        byNode.get(node.name || '') ?? layers.find((l) => l.outputs[0] === node.output?.[0]);
      if (!layer) continue;
      layer.inputLayer = origin.get(ins[0]) ?? null;
      if (layer.outputs[0]) origin.set(layer.outputs[0], layer.index);
    } else if (shapeOnly.has(node.opType ?? '') && origin.has(ins[0])) {
      for (const o of node.output ?? []) origin.set(o, origin.get(ins[0])!);
    }
  }
}

export function inspectModel(model: ModelProto): ModelInfo {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name));
  const metadata: Record<string, string> = {};
  for (const p of model.metadataProps ?? []) if (p.key) metadata[p.key] = p.value ?? '';
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain || 'ai.onnx'] = toNumber(o.version);
  const opCounts: Record<string, number> = {};
  for (const n of nodes) opCounts[n.opType ?? '?'] = (opCounts[n.opType ?? '?'] ?? 0) + 1;

  const layers = nodes
    .filter((n) => RECURRENT.has(n.opType ?? ''))
    .map((n, k) => recurrentLayer(n, k));
  chainLayers(nodes, layers);

  const inputs = (graph.input ?? []).filter((v) => !initNames.has(v.name)).map(tensorInfo);
  const outputs = (graph.output ?? []).map(tensorInfo);
  const parameters = (graph.initializer ?? []).reduce(
    (sum, t) => sum + (t.dims ?? []).reduce<number>((p, d) => p * toNumber(d), 1),
    0
  );

  const named = metadata['cellscope.input'];
  const intInputs = inputs.filter((i) => i.elemType.startsWith('int'));
  const candidate =
    inputs.find((i) => i.name === named) ?? (intInputs.length === 1 ? intInputs[0] : undefined);
  let tokenInput: TokenInput | null = null;
  if (candidate) {
    // Without a recurrent op (a Loop, unrolled steps) the time axis comes from the dims' names.
    const rank = candidate.dims.length;
    const traced = layers.length ? traceAxes(nodes, candidate.name, rank, layers[0]) : null;
    const seqAxis = traced?.seqAxis ?? guessSeqAxis(candidate);
    tokenInput = { name: candidate.name, elemType: candidate.elemType, rank, seqAxis };
  }
  let sequenceInput: ModelInfo['sequenceInput'] = null;
  for (const i of layers.length ? inputs : []) {
    const axes = traceAxes(nodes, i.name, i.dims.length, layers[0]);
    if (axes) {
      sequenceInput = { name: i.name, ...axes };
      break;
    }
  }
  // Float features reach the recurrence: an integer input beside them (sequence lengths) is not
  // the token input, unless the metadata names it.
  const seqType = inputs.find((i) => i.name === sequenceInput?.name)?.elemType;
  if (seqType === 'float' && tokenInput && tokenInput.name !== named) tokenInput = null;
  const head = headOf(metadata, outputs, candidate, tokenInput);
  return {
    irVersion: toNumber(model.irVersion),
    opsets,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    inputs,
    outputs,
    metadata,
    layers,
    parameters,
    opCounts,
    tokenInput,
    sequenceInput,
    featureInput: tokenInput ? null : featureInputOf(inputs, outputs, sequenceInput, metadata),
    logits: head.logits,
    classes: head.classes
  };
}

function parseClasses(json: string | undefined): string[] | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) && v.length >= 2 && v.every((c) => typeof c === 'string') ? v : null;
  } catch {
    return null;
  }
}

/**
 * The head whose predictions are shown: `cellscope.logits`; else, for a token model with a single
 * float output that has no time axis, that output as a classifier. `cellscope.classes` names the
 * classes (and marks `cellscope.logits` as a classifier's).
 */
function headOf(
  metadata: Record<string, string>,
  outputs: TensorInfo[],
  tokens: TensorInfo | undefined,
  tokenInput: TokenInput | null
): { logits: string | null; classes: string[] | null } {
  const named = metadata['cellscope.logits'];
  const classes = parseClasses(metadata['cellscope.classes']);
  if (outputs.some((o) => o.name === named)) return { logits: named, classes };
  if (!tokens || !tokenInput || outputs.length !== 1) return { logits: null, classes: null };
  const out = outputs[0];
  const seq = tokens.dims[tokenInput.seqAxis];
  const last = out.dims.at(-1);
  const timeless = typeof seq === 'string' && !out.dims.includes(seq);
  if (out.elemType !== 'float' || !timeless || typeof last !== 'number' || last < 2)
    return { logits: null, classes: null };
  return {
    logits: out.name,
    classes:
      classes?.length === last ? classes : Array.from({ length: last }, (_, i) => `class ${i}`)
  };
}

/** Fall back on dimension names: "seq"/"time"/"len" is time, "batch" is not. */
function guessSeqAxis(t: TensorInfo): number {
  const byName = t.dims.findIndex((d) => typeof d === 'string' && /seq|time|len|step/i.test(d));
  if (byName >= 0) return byName;
  const batch = t.dims.findIndex((d) => typeof d === 'string' && /batch/i.test(d));
  if (batch >= 0 && t.dims.length === 2) return 1 - batch;
  return t.dims.length === 2 && t.dims[0] === 1 ? 1 : 0;
}
