/**
 * Find a model's linear LM head: a MatMul (or Gemm) with constant weights that reads the last
 * recurrent layer's Y — through ops that only drop size-1 axes or move axes (Squeeze, Transpose,
 * Reshape keeping the unit axis, Identity, Dropout, Cast) — and whose output reaches a graph output
 * through a bias Add and shape ops only. Then logits = h·W + b and row u of W is unit u's direct
 * effect on every logit (analysis/logitEffect.ts). Anything else gets a reason instead.
 */
import { constantTensor } from './graph';
import { inspectModel, type RecurrentLayer } from './inspect';
import {
  attrInt,
  DataType,
  tensorDims,
  tensorToFloat32,
  toNumber,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto
} from './proto';

export interface FoundHead {
  /** the recurrent layer whose h the head reads, and that stream's id (L{k}.fwd.h or .bwd.h) */
  layer: number;
  stream: string;
  op: 'MatMul' | 'Gemm';
  /** the weight tensor's name in the graph */
  weightName: string;
  hidden: number;
  vocab: number;
  /** [hidden, vocab] row-major */
  weights: Float32Array;
}

export type HeadSearch = { head: FoundHead } | { reason: string };

/** Ops that pass a tensor on without mixing units (the unit axis may move). */
const CARRY = new Set(['Squeeze', 'Transpose', 'Reshape', 'Identity', 'Dropout', 'Cast']);
/** Ops allowed between the head's product and the logits output. */
const AFTER = new Set(['Add', 'Identity', 'Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Cast']);

function ints(t: TensorProto | undefined): number[] | null {
  if (!t) return null;
  if (t.int64Data?.length) return t.int64Data.map((v) => toNumber(v));
  if (t.int32Data?.length) return [...t.int32Data];
  if (t.rawData?.length && t.dataType === DataType.INT64) {
    const raw = Uint8Array.from(t.rawData);
    return Array.from(new BigInt64Array(raw.buffer, 0, raw.length / 8), (v) => Number(v));
  }
  return tensorDims(t).length === 0 || tensorDims(t)[0] === 0 ? [] : null;
}

/** Where the unit axis is after a carrying node, or null when the node mixes units or is unknown. */
function carryAxis(graph: GraphProto, node: NodeProto, axis: number, rank: number) {
  const ins = node.input ?? [];
  if (node.opType === 'Transpose') {
    const perm = node.attribute?.find((a) => a.name === 'perm')?.ints?.map((v) => toNumber(v));
    const p = perm ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    return { axis: p.indexOf(axis), rank };
  }
  if (node.opType === 'Squeeze') {
    const listed = ins[1]
      ? ints(constantTensor(graph, ins[1]))
      : (node.attribute?.find((a) => a.name === 'axes')?.ints?.map((v) => toNumber(v)) ?? null);
    // Without axes every size-1 axis goes: the unit axis (size H > 1) stays, its place unknown.
    if (!listed || listed.length === 0) return null;
    const axes = listed.map((a) => (a < 0 ? a + rank : a));
    if (axes.includes(axis)) return null;
    return { axis: axis - axes.filter((a) => a < axis).length, rank: rank - axes.length };
  }
  if (node.opType === 'Reshape') {
    const shape = ints(constantTensor(graph, ins[1]));
    // Only a reshape that keeps the unit axis last, as the last dimension.
    if (!shape || axis !== rank - 1) return null;
    return { axis: shape.length - 1, rank: shape.length, last: shape[shape.length - 1] };
  }
  return { axis, rank };
}

/** Whether a product's output reaches a graph output (the logits one, when named) through AFTER ops. */
function reachesOutput(graph: GraphProto, from: string, logits: string | null): boolean {
  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  let name = from;
  for (let hops = 0; hops < 16; hops++) {
    if (outputs.has(name)) return logits === null || name === logits;
    const users = (graph.node ?? []).filter((n) => n.input?.includes(name));
    if (users.length !== 1 || !AFTER.has(users[0].opType ?? '')) return false;
    const n = users[0];
    if (n.opType === 'Add' && !n.input!.every((i) => i === name || constantTensor(graph, i)))
      return false;
    name = n.output![0];
  }
  return false;
}

function headOf(graph: GraphProto, node: NodeProto, layer: RecurrentLayer): FoundHead | string {
  const H = layer.hiddenSize;
  const w = constantTensor(graph, node.input![1]);
  if (!w || w.dataType !== DataType.FLOAT) return 'its weights are not a float32 constant';
  const dims = tensorDims(w);
  const transB = node.opType === 'Gemm' && attrInt(node, 'transB', 0) === 1;
  if (node.opType === 'Gemm' && attrInt(node, 'transA', 0) === 1)
    return 'its Gemm transposes the hidden state';
  if (dims.length !== 2) return `its weights have shape [${dims}], not a matrix`;
  const [hidden, vocab] = transB ? [dims[1], dims[0]] : dims;
  if (hidden !== H)
    return `it reads ${hidden} features, not the ${H} units of layer ${layer.index}`;
  const raw = tensorToFloat32(w);
  let weights = raw;
  if (transB) {
    weights = new Float32Array(hidden * vocab);
    for (let v = 0; v < vocab; v++)
      for (let u = 0; u < hidden; u++) weights[u * vocab + v] = raw[v * hidden + u];
  }
  const op = node.opType as FoundHead['op'];
  const stream = `L${layer.index}.${layer.direction === 'reverse' ? 'bwd' : 'fwd'}.h`;
  return {
    layer: layer.index,
    stream,
    op,
    weightName: w.name ?? node.input![1],
    hidden,
    vocab,
    weights
  };
}

/** The linear head on the last recurrent layer's h, or why there is none. */
export function findLinearHead(model: ModelProto): HeadSearch {
  const graph = model.graph!;
  const info = inspectModel(model);
  const layer = info.layers.at(-1);
  if (!layer) return { reason: 'The model has no recurrent layer.' };
  if (layer.directions !== 1)
    return { reason: 'The last recurrent layer is bidirectional: its head mixes both directions.' };
  const Y = layer.outputs[0];
  if (!Y) return { reason: `Layer ${layer.index} does not output its h sequence (Y).` };
  // Follow Y [T, 1, B, H] (unit axis 3 of 4) through carrying ops to a product.
  let frontier = [{ name: Y, axis: 3, rank: 4 }];
  const why: string[] = [];
  for (let hops = 0; hops < 16 && frontier.length; hops++) {
    const next: typeof frontier = [];
    for (const at of frontier)
      for (const n of (graph.node ?? []).filter((x) => x.input?.[0] === at.name)) {
        const op = n.opType ?? '';
        if ((op === 'MatMul' && at.axis === at.rank - 1) || (op === 'Gemm' && at.rank === 2)) {
          if (!reachesOutput(graph, n.output![0], info.logits)) continue;
          const found = headOf(graph, n, layer);
          if (typeof found !== 'string') return { head: found };
          why.push(found);
        } else if (CARRY.has(op)) {
          const c = carryAxis(graph, n, at.axis, at.rank);
          if (c && (!('last' in c) || c.last === layer.hiddenSize || c.last === -1))
            next.push({ name: n.output![0], axis: c.axis, rank: c.rank });
        }
      }
    frontier = next;
  }
  return {
    reason: why.length
      ? `The head on layer ${layer.index} is not a plain linear layer: ${why[0]}.`
      : `No linear layer (MatMul or Gemm with constant weights) reads layer ${layer.index}'s h and gives the logits.`
  };
}
