/**
 * Graph surgery for recording: every recurrent node's initial state becomes a graph input and its
 * per-step output Y and final states become graph outputs, so the recorder can run a long corpus
 * in chunks and carry the state from one chunk to the next.
 */
import { inspectModel, type ModelInfo, type RecurrentLayer } from './inspect';
import {
  DataType,
  encodeModel,
  ModelFormatError,
  onnx,
  type ModelProto,
  type NodeProto
} from './proto';

export interface LayerTap {
  layer: number;
  op: RecurrentLayer['op'];
  directions: 1 | 2;
  hiddenSize: number;
  /** Output names in the rewritten graph. */
  y: string;
  yH: string;
  yC: string | null;
  /** Input names in the rewritten graph. */
  initialH: string;
  initialC: string | null;
}

export interface RecordingGraph {
  bytes: Uint8Array;
  taps: LayerTap[];
  info: ModelInfo;
}

const statePrefix = (k: number) => `cellscope::L${k}`;

function floatValueInfo(name: string, dims?: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: dims
          ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) }
          : undefined
      }
    }
  });
}

/** Drop nodes whose outputs nobody reads (e.g. the zero-state builders the state inputs replaced). */
function pruneDeadNodes(nodes: NodeProto[], graphOutputs: Set<string>): NodeProto[] {
  let live = nodes;
  for (;;) {
    const used = new Set<string>(graphOutputs);
    for (const n of live) for (const i of n.input ?? []) if (i) used.add(i);
    const next = live.filter((n) => (n.output ?? []).some((o) => o && used.has(o)));
    if (next.length === live.length) return live;
    live = next;
  }
}

export function prepareForRecording(model: ModelProto): RecordingGraph {
  const info = inspectModel(model);
  if (!info.layers.length) {
    throw new ModelFormatError(
      'No LSTM, GRU or RNN node found in this model. cellscope records recurrent layers exported as ' +
        'ONNX LSTM/GRU/RNN ops (torch.onnx.export of nn.LSTM/nn.GRU/nn.RNN produces them).'
    );
  }
  const layout1 = info.layers.find((l) => l.layout === 1);
  if (layout1) {
    throw new ModelFormatError(
      `Layer ${layout1.nodeName} uses layout=1 (batch-major), which onnxruntime refuses. ` +
        'Re-export with batch_first=False or layout 0.'
    );
  }
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const outputs = graph.output ?? (graph.output = []);
  const inputs = graph.input ?? (graph.input = []);
  const outputNames = new Set(outputs.map((o) => o.name ?? ''));
  const taps: LayerTap[] = [];
  const recurrentNodes = nodes.filter((n) => /^(LSTM|GRU|RNN)$/.test(n.opType ?? ''));

  info.layers.forEach((layer, k) => {
    const node = recurrentNodes[k];
    const p = statePrefix(k);
    const isLstm = layer.op === 'LSTM';
    const ins = [...(node.input ?? [])];
    while (ins.length < (isLstm ? 7 : 6)) ins.push('');
    const stateDims = [layer.directions, 'batch', layer.hiddenSize];
    ins[5] = `${p}.initial_h`;
    inputs.push(floatValueInfo(ins[5], stateDims));
    if (isLstm) {
      ins[6] = `${p}.initial_c`;
      inputs.push(floatValueInfo(ins[6], stateDims));
    }
    node.input = ins;
    const outs = [...(node.output ?? [])];
    const want = isLstm ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'];
    want.forEach((suffix, i) => {
      if (!outs[i]) outs[i] = `${p}.${suffix}`;
      if (!outputNames.has(outs[i])) {
        outputs.push(floatValueInfo(outs[i]));
        outputNames.add(outs[i]);
      }
    });
    node.output = outs;
    taps.push({
      layer: k,
      op: layer.op,
      directions: layer.directions,
      hiddenSize: layer.hiddenSize,
      y: outs[0],
      yH: outs[1],
      yC: isLstm ? outs[2] : null,
      initialH: ins[5],
      initialC: isLstm ? ins[6] : null
    });
  });
  graph.node = pruneDeadNodes(nodes, outputNames);
  return { bytes: encodeModel(model), taps, info };
}
