/**
 * Stream ids for LSTMVis state datasets. LSTMVis's torch example stores the cell state c of layer
 * L (from 1) as `type: state` and the hidden state h as `type: output`, so by default a state is
 * `L{L-1}.fwd.c` and an output `L{L-1}.fwd.h`; a dataset whose path is already a cellscope stream
 * id (cellscope's own export) keeps it. Keras and TensorFlow users often store h as a "state":
 * the user can rename any stream before the import is stored.
 */
import type { StateType } from './config';

/** The ids an imported stream may have: a forward h or c of a layer. */
export const IMPORT_STREAM_ID = /^L(\d+)\.fwd\.(h|c)$/;

/** Default ids, one per state dataset, unique (a clash moves to the next free layer). */
export function defaultStreamIds(states: StateType[], warnings: string[] = []): string[] {
  const zeroBased = states.some((s) => s.layer === 0);
  const taken = new Set<string>();
  return states.map((s) => {
    if (IMPORT_STREAM_ID.test(s.path) && !taken.has(s.path)) {
      taken.add(s.path);
      return s.path;
    }
    const kind = s.type === 'output' ? 'h' : 'c';
    if (s.type !== 'output' && s.type !== 'state')
      warnings.push(
        `${s.at} has type "${s.type}"; imported as a cell state (c). Rename the stream if it is not one.`
      );
    let layer = s.layer === null ? 0 : zeroBased ? s.layer : s.layer - 1;
    while (taken.has(`L${layer}.fwd.${kind}`)) layer++;
    const id = `L${layer}.fwd.${kind}`;
    taken.add(id);
    return id;
  });
}

/** Why these stream ids cannot be used (one per stream, in order), or null when they can. */
export function streamIdProblem(ids: string[]): string | null {
  for (const [i, id] of ids.entries()) {
    if (!IMPORT_STREAM_ID.test(id))
      return `Stream name "${id}" is not a cellscope stream id: use L{layer}.fwd.h for a hidden state or L{layer}.fwd.c for a cell state (e.g. L0.fwd.h).`;
    const first = ids.indexOf(id);
    if (first !== i) return `Two streams are named ${id}: give each its own name.`;
  }
  return null;
}
