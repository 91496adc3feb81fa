/**
 * Recording models whose recurrence is not an ONNX recurrent op — a Loop (torch.jit.script) or
 * unrolled steps — over a tokenized corpus. With a dynamic length, their initial state is built
 * inside the graph, so it cannot be carried from one run to the next: each document runs whole, in
 * one run (at most MAX_WHOLE_DOCUMENT tokens). A graph with a fixed length runs in windows of it
 * instead, carrying the state where the graph takes it as inputs (record/windows.ts, planned by
 * record/windowPlan.ts). Their streams' widths are not in the graph's static shapes: a probe run on
 * a few tokens finds them.
 */
import type { CellTap, LayerTap } from '../onnx/surgery';
import type { TokenInput } from '../onnx/inspect';
import { tokenTensor } from './core';
import { runStep, type SessionLike, type TensorCtor } from './step';
import { streamId, type StreamKind, type StreamSpec } from './streams';
import type { WindowRunner } from './windows';

/** The longest document such a model runs in one go. */
export const MAX_WHOLE_DOCUMENT = 100_000;

/** The cell streams the kinds ask for (h always; c where the cell has it). */
export function wantedCells(cells: CellTap[], kinds: Set<StreamKind>): CellTap[] {
  return cells.filter((c) => kinds.has(c.kind));
}

/** Stream specs of the cells, with the widths a probe run found (ranges unknown: per-unit). */
export function cellStreamSpecs(cells: CellTap[], units: Record<string, number>): StreamSpec[] {
  return cells.map((c) => {
    const id = streamId(c.layer, 'fwd', c.kind);
    const width = units[id];
    if (!width) throw new Error(`The probe run found no values for ${id}.`);
    return { id, layer: c.layer, dir: 'fwd', kind: c.kind, units: width, range: null };
  });
}

/**
 * Run the model once on `ids` (a few tokens) and return each cell stream's width; a fixed-length
 * graph runs them through its window runner (padded, from zeros).
 */
export async function probeCellUnits(
  session: SessionLike,
  Tensor: TensorCtor,
  taps: LayerTap[],
  cells: CellTap[],
  tokenInput: TokenInput,
  ids: Int32Array,
  windows?: WindowRunner
): Promise<Record<string, number>> {
  if (windows) return (await windows.run(ids, null)).units;
  const feeds = { [tokenInput.name]: tokenTensor(Tensor, tokenInput, ids) };
  const kinds = new Set(cells.map((c) => c.kind));
  const step = await runStep(
    session,
    Tensor,
    taps,
    { feeds, batch: 1, lengths: [ids.length] },
    null,
    kinds,
    cells
  );
  return step.units;
}

/** Refuse a document too long to run whole, naming it. */
export function checkWholeDocuments(starts: number[], tokens: number): void {
  starts.forEach((s, i) => {
    const n = (starts[i + 1] ?? tokens) - s;
    if (n > MAX_WHOLE_DOCUMENT)
      throw new Error(
        `Document ${i + 1} has ${n.toLocaleString('en')} tokens: this model's recurrence is a Loop or unrolled steps, ` +
          `whose state cannot be carried between runs, so each document runs whole, at most ${MAX_WHOLE_DOCUMENT.toLocaleString('en')} tokens. Split the corpus into smaller documents.`
      );
  });
}
