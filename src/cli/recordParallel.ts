/**
 * `record --parallel N`: the corpus's documents recorded N side by side, as lanes of one batch
 * (record/documentBatch.ts), their chunks handed to the same sink as a sequential run's
 * (recordSink.ts writes each at its place). What cannot run that way is refused before anything
 * is written.
 */
import type { RecordingGraph } from '../lib/onnx/surgery';
import type { ChunkResult } from '../lib/record/core';
import { batchRefusal, recordDocuments } from '../lib/record/documentBatch';
import { outputLaneAxes } from '../lib/record/laneOutputs';
import type { SessionLike } from '../lib/record/step';
import type { StreamKind } from '../lib/record/streams';
import type { EncodedCorpus } from '../lib/tokenize/documents';
import { InputError } from './inputFiles';
import type { OrtNode, RecordCommandOptions } from './recordCommand';
import { savedTensors } from './recordOutputs';
import type { TextInput } from './recordText';

export const MAX_PARALLEL = 64;

/** Lanes a text run uses: --parallel, at most one per document. */
export const lanesFor = (opts: RecordCommandOptions, encoded: EncodedCorpus) =>
  Math.max(1, Math.min(opts.parallel ?? 1, encoded.documentStarts.length));

/** The outputs a run saves, each with its batch (and time) axis, or why they cannot be cut. */
function laneAxes(opts: RecordCommandOptions, graph: RecordingGraph) {
  const names = savedTensors(graph, opts).map((o) => o.name);
  return outputLaneAxes(graph.info, graph.info.tokenInput!, names);
}

/** Why this model cannot record documents side by side, or null when it can. */
export function parallelRefusal(opts: RecordCommandOptions, graph: RecordingGraph): string | null {
  const tokenInput = graph.info.tokenInput;
  if (!tokenInput) return 'the model has no token input';
  if (graph.window)
    return `its graph takes exactly ${graph.window.steps} tokens (a fixed window, run window by window)`;
  if (graph.cells.length)
    return 'it has a recurrent cell without an LSTM/GRU/RNN op (a Loop or unrolled steps), run a document at a time';
  const refusal = batchRefusal(graph.taps, tokenInput);
  if (refusal) return refusal;
  const axes = laneAxes(opts, graph);
  return 'refusal' in axes ? axes.refusal : null;
}

/** Refuse --parallel N > 1 for a model that cannot serve it, in one line. */
export function checkParallel(opts: RecordCommandOptions, graph: RecordingGraph): void {
  if ((opts.parallel ?? 1) <= 1) return;
  const why = parallelRefusal(opts, graph);
  if (why)
    throw new InputError(
      `--parallel ${opts.parallel}: this model cannot record documents side by side: ${why}. Run without --parallel.`
    );
}

/** The documents recorded `parallel` side by side, each chunk handed to the sink. */
export async function recordSideBySide(
  opts: RecordCommandOptions,
  ort: OrtNode,
  graph: RecordingGraph,
  session: SessionLike,
  { tokenInput, encoded }: TextInput,
  run: { chunkSize: number; kinds: Set<StreamKind>; parallel: number },
  sink: { commit(r: ChunkResult): Promise<void> }
) {
  const axes = laneAxes(opts, graph);
  if ('refusal' in axes) throw new InputError(axes.refusal);
  return recordDocuments({
    session,
    Tensor: ort.Tensor,
    taps: graph.taps,
    tokenInput,
    ids: encoded.ids,
    documents: encoded.documentStarts,
    chunkSize: run.chunkSize,
    kinds: run.kinds,
    parallel: run.parallel,
    outputAxes: axes.axes,
    sink: { commit: (_document, r) => sink.commit(r) }
  });
}
