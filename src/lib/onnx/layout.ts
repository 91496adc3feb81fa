/**
 * onnxruntime refuses recurrent nodes with layout = 1 (batch-major). Rewrite each into the
 * equivalent layout-0 node wrapped in Transposes, keeping every tensor name the rest of the
 * graph uses.
 */
import { node } from './graph';
import { attr, toNumber, type GraphProto, type NodeProto } from './proto';

const RECURRENT = /^(LSTM|GRU|RNN)$/;

export function normaliseLayout(graph: GraphProto): number {
  const out: NodeProto[] = [];
  let rewritten = 0;
  for (const n of graph.node ?? []) {
    const layout = attr(n, 'layout');
    if (!RECURRENT.test(n.opType ?? '') || !layout || toNumber(layout.i) !== 1) {
      out.push(n);
      continue;
    }
    rewritten++;
    const tag = `${n.name || n.output?.[0] || n.opType}/layout0`;
    const ins = [...(n.input ?? [])];
    // X [B, T, I] → [T, B, I]; initial_h / initial_c [B, D, H] → [D, B, H]
    for (const i of [0, 5, 6]) {
      if (!ins[i]) continue;
      const t = `${tag}/in${i}`;
      out.push(node('Transpose', [ins[i]], [t], { perm: [1, 0, 2] }));
      ins[i] = t;
    }
    n.input = ins;
    const outs = [...(n.output ?? [])];
    const post: NodeProto[] = [];
    outs.forEach((name, i) => {
      if (!name) return;
      const t = `${tag}/out${i}`;
      // Y [T, D, B, H] → [B, T, D, H]; Y_h / Y_c [D, B, H] → [B, D, H]
      post.push(node('Transpose', [t], [name], { perm: i === 0 ? [2, 0, 1, 3] : [1, 0, 2] }));
      outs[i] = t;
    });
    n.output = outs;
    layout.i = 0;
    out.push(n, ...post);
  }
  graph.node = out;
  return rewritten;
}
