/**
 * Recurrent cells without a recurrent op. Two export shapes are recognised:
 * - unrolled cells (an LSTMCell/GRUCell traced in a Python loop, or a hand-written cell): T copies
 *   of the step, chained through a Gemm/MatMul that reuses one constant weight (h_{t-1}·W_hh);
 * - a Loop (torch.jit.script) whose body carries the state from one iteration to the next.
 * Each yields per-step h (and c) tensors the recorder can stack into streams.
 */
import { constantTensor, floatValueInfo, node } from './graph';
import { DataType, type GraphProto, type NodeProto } from './proto';

export interface UnrolledCell {
  /** h_1 … h_T, one [B, H] tensor per step, in step order. */
  h: string[];
  /** c_1 … c_T for LSTM-like cells, or null. */
  c: string[] | null;
  /** What the first step reads as h_0 and (with c) c_0: a graph input when the state is exposed. */
  h0: string;
  c0: string | null;
}

const MATMUL = new Set(['Gemm', 'MatMul']);

/** Forward closure: every node reachable from `start` (inclusive), as indices into nodes. */
function reachable(
  nodes: NodeProto[],
  start: number,
  consumers: Map<string, number[]>
): Set<number> {
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length) {
    const i = stack.pop()!;
    for (const o of nodes[i].output ?? []) {
      for (const j of consumers.get(o) ?? []) {
        if (!seen.has(j)) {
          seen.add(j);
          stack.push(j);
        }
      }
    }
  }
  return seen;
}

/** Longest path (in nodes) from `from` to every node of `within`, following edges forward. */
function depths(
  nodes: NodeProto[],
  from: number,
  within: Set<number>,
  producer: Map<string, number>
) {
  const d = new Map<number, number>([[from, 0]]);
  const order = [...within].sort((a, b) => a - b); // graph order is topological
  for (const i of order) {
    if (i === from) continue;
    let best = -1;
    for (const inp of nodes[i].input ?? []) {
      const p = producer.get(inp);
      if (p !== undefined && d.has(p)) best = Math.max(best, d.get(p)! + 1);
    }
    if (best >= 0) d.set(i, best);
  }
  return d;
}

export function findUnrolledCells(graph: GraphProto): UnrolledCell[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) producer.set(o, i);
    for (const inp of n.input ?? []) consumers.set(inp, [...(consumers.get(inp) ?? []), i]);
  });
  // Matrix products grouped by their constant weight.
  const groups = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    const w = n.input?.[1];
    if (MATMUL.has(n.opType ?? '') && w && constantTensor(graph, w))
      groups.set(w, [...(groups.get(w) ?? []), i]);
  });
  const cells: UnrolledCell[] = [];
  for (const steps of groups.values()) {
    if (steps.length < 2) continue;
    const reach = steps.map((s) => reachable(nodes, s, consumers));
    // Recurrent iff each step's product input comes out of the previous step.
    const chained = steps.slice(1).every((s, k) => {
      const p = producer.get(nodes[s].input![0]);
      return p !== undefined && reach[k].has(p);
    });
    if (!chained) continue;
    const T = steps.length;
    const stepNodes = reach.map((r, k) =>
      k + 1 < T ? new Set([...r].filter((i) => !reach[k + 1].has(i))) : r
    );
    const h = steps.slice(1).map((s) => nodes[s].input![0]);
    // The tensor of step `to` that plays the role `name` plays in step `from`: same op, same depth.
    const analog = (name: string, from: number, to: number): string | null => {
      const p = producer.get(name)!;
      const dFrom = depths(nodes, steps[from], stepNodes[from], producer).get(p);
      const dTo = depths(nodes, steps[to], stepNodes[to], producer);
      const slot = nodes[p].output!.indexOf(name);
      const match = [...stepNodes[to]].filter(
        (i) => nodes[i].opType === nodes[p].opType && dTo.get(i) === dFrom
      );
      return match.length === 1 ? nodes[match[0]].output![slot] : null;
    };
    // Other state carried from step k-1 into step k (an LSTM's c). Interior steps only: the last
    // step's node set also holds whatever the graph does after the loop.
    let c: string[] | null = [];
    for (let k = 1; k < T - 1 && c; k++) {
      const extra = new Set<string>();
      for (const i of stepNodes[k]) {
        for (const inp of nodes[i].input ?? []) {
          const p = producer.get(inp);
          if (p !== undefined && stepNodes[k - 1].has(p) && inp !== h[k - 1]) extra.add(inp);
        }
      }
      if (extra.size === 1) c.push([...extra][0]);
      else c = null;
    }
    if (c && c.length) {
      const cPrev = analog(c[c.length - 1], T - 3, T - 2);
      const cLast = cPrev ? analog(cPrev, T - 2, T - 1) : null;
      c = cPrev && cLast ? [...c, cPrev, cLast] : null;
    } else c = null;
    const hT = analog(h[T - 2], T - 2, T - 1);
    if (!hT) continue;
    // c_0: what step 0's analog of the node that reads c_1 in step 1 (same op, same depth) reads
    // in the same slot, from outside step 0.
    let c0: string | null = null;
    const reader = c ? [...stepNodes[1]].find((i) => nodes[i].input?.includes(c![0])) : undefined;
    if (c && reader !== undefined) {
      const slot = nodes[reader].input!.indexOf(c[0]);
      const depth = depths(nodes, steps[1], stepNodes[1], producer).get(reader);
      const d0 = depths(nodes, steps[0], stepNodes[0], producer);
      const outside = (name: string | undefined) =>
        !!name && !stepNodes[0].has(producer.get(name) ?? -1);
      const match = [...stepNodes[0]].filter(
        (i) =>
          nodes[i].opType === nodes[reader].opType &&
          d0.get(i) === depth &&
          outside(nodes[i].input?.[slot])
      );
      if (match.length === 1) c0 = nodes[match[0]].input![slot];
    }
    cells.push({ h: [...h, hT], c, h0: nodes[steps[0]].input![0], c0 });
  }
  return cells.sort((a, b) => (producer.get(a.h[0]) ?? 0) - (producer.get(b.h[0]) ?? 0));
}

export interface LoopCell {
  /** Graph outputs holding every iteration's carried h (and c): [T, …state dims]. */
  h: string;
  c: string | null;
}

/**
 * Make each Loop emit every iteration's carried float state as extra scan outputs. h and c are
 * told apart by what produces them in the body: an LSTM node's Y_h/Y_c, else Mul (o·tanh c) → h,
 * Add (f·c + i·g) → c; with one carried tensor it is h.
 */
export function tapLoops(graph: GraphProto, addOutput: (name: string) => void): LoopCell[] {
  const cells: LoopCell[] = [];
  (graph.node ?? []).forEach((loop, li) => {
    if (loop.opType !== 'Loop') return;
    const body = loop.attribute?.find((a) => a.name === 'body')?.g;
    if (!body) return;
    const bodyInputs = body.input ?? [];
    const bodyOutputs = body.output ?? [];
    const carriedCount = bodyInputs.length - 2;
    const floats: number[] = [];
    for (let j = 0; j < carriedCount; j++) {
      const t = bodyInputs[2 + j].type?.tensorType;
      if (t && t.elemType === DataType.FLOAT) floats.push(j);
    }
    if (!floats.length || floats.length > 2) return;
    const bodyNodes = body.node ?? [];
    const role = (j: number): 'h' | 'c' | null => {
      let name = bodyOutputs[1 + j].name!;
      for (let hop = 0; hop < 4; hop++) {
        const p = bodyNodes.find((n) => n.output?.includes(name));
        if (!p) return null;
        if (p.opType === 'LSTM') return p.output!.indexOf(name) === 2 ? 'c' : 'h';
        if (p.opType === 'Add') return 'c';
        if (p.opType === 'Mul') return 'h';
        name = p.input![0]; // through Squeeze/Unsqueeze/Identity
      }
      return null;
    };
    let roles: ('h' | 'c' | null)[] = floats.length === 1 ? ['h'] : floats.map(role);
    // Unknown: carried order, h first as torch writes it.
    if (roles.length === 2 && (roles[0] === roles[1] || roles.includes(null))) roles = ['h', 'c'];
    const outs: Record<string, string> = {};
    floats.forEach((j, r) => {
      const scanName = `cellscope::loop${li}.${roles[r]}`;
      const inBody = `${scanName}.step`;
      bodyNodes.push(node('Identity', [bodyOutputs[1 + j].name!], [inBody]));
      bodyOutputs.push(floatValueInfo(inBody));
      loop.output = [...(loop.output ?? []), scanName];
      addOutput(scanName);
      outs[roles[r]!] = scanName;
    });
    body.node = bodyNodes;
    body.output = bodyOutputs;
    cells.push({ h: outs.h, c: outs.c ?? null });
  });
  return cells;
}
