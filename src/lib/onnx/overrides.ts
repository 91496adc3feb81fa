/**
 * Override inputs for interventions. An ONNX LSTM/GRU/RNN node cannot be changed from inside, so
 * to clamp a unit the recorder runs the layer's recurrence itself (record/clampedCells.ts) and
 * feeds the result back into the graph in place of the node's outputs. Here every consumer of a
 * recurrent node's Y, Y_h and Y_c is rewired to `Where(use > 0.5, override, original)`, where
 * `use` ([1]) and `override` (broadcast to the output's shape, so [1,1,1,1] when unused) are new
 * graph inputs. With use = 0 the graph computes exactly what it did before (Where copies), so one
 * session serves the original run and the intervened ones.
 */
import { floatValueInfo, floatVector, node } from './graph';
import type { GraphProto, NodeProto } from './proto';

export interface LayerOverride {
  /** Graph input: 1 to read the overrides below, 0 for the node's own outputs. */
  use: string;
  /** Graph inputs replacing Y [T, D, B, H], Y_h [D, B, H] and (LSTM) Y_c [D, B, H]. */
  y: string;
  yH: string;
  yC: string | null;
}

const RANKS = [4, 3, 3];

/**
 * Rewire the consumers of `outputs` (the node's [Y, Y_h, Y_c]) and return the nodes to insert
 * right after the recurrent node, with the new inputs added to the graph.
 */
export function addLayerOverride(
  graph: GraphProto,
  outputs: string[],
  prefix: string
): { override: LayerOverride; nodes: NodeProto[] } {
  const use = `${prefix}.override.use`;
  const cond = `${prefix}.override.cond`;
  const names = ['Y', 'Y_h', 'Y_c'].slice(0, outputs.length);
  const inputs = graph.input ?? (graph.input = []);
  inputs.push(floatValueInfo(use, [1]));
  const half = floatVector(graph, 'cellscope::half', [0.5]);
  const nodes: NodeProto[] = [node('Greater', [use, half], [cond])];
  const replaced = new Map<string, string>();
  const ov: string[] = [];
  names.forEach((suffix, i) => {
    const name = `${prefix}.override.${suffix}`;
    const mixed = `${prefix}.mixed.${suffix}`;
    const dims = Array.from({ length: RANKS[i] }, (_, a) => `${prefix}.ov${suffix}.${a}`);
    inputs.push(floatValueInfo(name, dims));
    nodes.push(node('Where', [cond, name, outputs[i]], [mixed]));
    replaced.set(outputs[i], mixed);
    ov.push(name);
  });
  for (const n of graph.node ?? []) {
    if (!n.input) continue;
    n.input = n.input.map((x) => replaced.get(x) ?? x);
  }
  return { override: { use, y: ov[0], yH: ov[1], yC: ov[2] ?? null }, nodes };
}
