/** Removing the nodes of an ONNX graph that nothing reads any more. Pure. */
import type { NodeProto } from './proto';

/** Every input a node reads, those of its subgraphs (a Loop's body reads outer names) included. */
function readNames(n: NodeProto, into: Set<string>): void {
  for (const i of n.input ?? []) if (i) into.add(i);
  for (const a of n.attribute ?? []) {
    for (const g of [a.g, ...(a.graphs ?? [])]) for (const m of g?.node ?? []) readNames(m, into);
  }
}

/** Drop nodes whose outputs nobody reads (e.g. the zero-state builders the state inputs replaced). */
export function pruneDeadNodes(nodes: NodeProto[], graphOutputs: Set<string>): NodeProto[] {
  let live = nodes;
  for (;;) {
    const used = new Set<string>(graphOutputs);
    for (const n of live) readNames(n, used);
    const next = live.filter((n) => (n.output ?? []).some((o) => o && used.has(o)));
    if (next.length === live.length) return live;
    live = next;
  }
}
