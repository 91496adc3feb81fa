/** Named tensors: list what a graph computes, and expose chosen tensors as outputs. */
import { ModelFormatError, onnx, type GraphProto } from './proto';

export interface NamedTensor {
  name: string;
  /** Op of the node that computes it ('input' for a graph input). */
  op: string;
}

/** Every tensor a user could tap: graph inputs and every node output of the main graph. */
export function listTensors(graph: GraphProto): NamedTensor[] {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const out: NamedTensor[] = (graph.input ?? [])
    .filter((i) => !inits.has(i.name))
    .map((i) => ({ name: i.name!, op: 'input' }));
  for (const n of graph.node ?? []) {
    if (n.opType === 'Constant') continue;
    for (const o of n.output ?? []) if (o) out.push({ name: o, op: n.opType ?? '?' });
  }
  return out;
}

/**
 * Add tensors as graph outputs, without a declared type (onnxruntime infers it), so non-float
 * tensors can be listed too.
 */
export function exposeTensors(graph: GraphProto, names: string[], outputNames: Set<string>): void {
  const known = new Set(listTensors(graph).map((t) => t.name));
  for (const name of names) {
    if (!known.has(name)) {
      throw new ModelFormatError(
        `The model has no tensor named "${name}"; list them with --list-tensors.`
      );
    }
    if (outputNames.has(name)) continue;
    (graph.output ??= []).push(onnx.ValueInfoProto.create({ name }));
    outputNames.add(name);
  }
}
