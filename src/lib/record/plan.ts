/**
 * What a recording of a model over a tokenized corpus will hold, before it runs: its streams (the
 * real planStreams over the surgery's taps, so the tap rule applies) and its chunks. One plan for
 * the record form's estimate and for the recording itself. Pure.
 */
import { decodeModel } from '../onnx/proto';
import type { FixedWindow } from '../onnx/fixedWindow';
import { prepareForRecording, type CellTap, type LayerTap } from '../onnx/surgery';
import { checkWholeDocuments, wantedCells } from './cellStreams';
import { checkWindowDocuments, windowChunkSize, windowNote } from './windowPlan';
import { planChunks } from './core';
import {
  needsInternals,
  parseKinds,
  planStreams,
  tensorStreams,
  type StreamSpec,
  type TensorPick
} from './streams';

export interface LayoutRequest {
  /** The model as stored (before surgery). */
  model: Uint8Array;
  /** Stream kinds: "h", "h,c", "all", … */
  kinds: string;
  /** Named tensors recorded per token besides the recurrent states. */
  picks?: TensorPick[];
  tokens: number;
  /** Token index where each document starts. */
  documentStarts: number[];
  /** Each document's name, for messages. */
  documentNames?: string[];
  /** Tokens per chunk asked for (a bidirectional model gets the whole corpus in one run). */
  chunkSize: number;
}

export interface RecordingLayout {
  streams: StreamSpec[];
  tokens: number;
  chunkSize: number;
  /** Token index where each chunk starts (chunks never cross documents). */
  chunkStarts: number[];
  chunks: number;
  /** What a fixed-length graph's recording does with its length (record/windowPlan.ts), else null. */
  note: string | null;
}

type Taps = { taps: LayerTap[]; cells: CellTap[]; window: FixedWindow | null };

/** The surgery's taps per model bytes and internals (the form asks again on every change). */
const tapCache = new WeakMap<Uint8Array, Map<boolean, Taps>>();

function tapsOf(model: Uint8Array, internals: boolean): Taps {
  const byInternals = tapCache.get(model) ?? new Map<boolean, Taps>();
  tapCache.set(model, byInternals);
  let taps = byInternals.get(internals);
  if (!taps) {
    const g = prepareForRecording(decodeModel(model), { internals });
    taps = { taps: g.taps, cells: g.cells, window: g.window };
    byInternals.set(internals, taps);
  }
  return taps;
}

export function planLayout(o: LayoutRequest): RecordingLayout {
  const kinds = parseKinds(o.kinds);
  const { taps, cells, window } = tapsOf(o.model, needsInternals(kinds));
  // A backward direction needs the whole document in one run; so does a cell whose state is
  // built inside the graph (a Loop, unrolled steps: record/cellStreams.ts), whose streams the
  // recorder adds once a probe run has found their widths. A graph of fixed length runs in
  // windows of it instead (record/windowPlan.ts).
  const bidirectional = taps.some((t) => t.direction !== 'forward');
  const whole = wantedCells(cells, kinds).length > 0;
  if (window)
    checkWindowDocuments(window, o.documentStarts, o.tokens, {
      bidirectional,
      names: o.documentNames
    });
  else if (whole) checkWholeDocuments(o.documentStarts, o.tokens);
  const chunkSize = window
    ? windowChunkSize(window, o.chunkSize)
    : bidirectional || whole
      ? Math.max(1, o.tokens)
      : o.chunkSize;
  const chunkStarts = planChunks(o.tokens, chunkSize, o.documentStarts).map((c) => c.start);
  return {
    streams: [...planStreams(taps, kinds), ...tensorStreams(o.picks ?? [])],
    tokens: o.tokens,
    chunkSize,
    chunkStarts,
    chunks: chunkStarts.length,
    note: window ? windowNote(window) : null
  };
}
