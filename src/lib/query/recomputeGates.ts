/**
 * A unit's LSTM gates over chosen spans of a recording that did not store them: the model is run
 * again (record/core.ts, with the internal taps) over each document that holds a span, from the
 * document's start — where the recurrent state resets — to the span's end (a bidirectional or
 * reverse layer: to the document's end), in the recording's own
 * chunks, so the state carried into each step is the one the recording had. The gates come out
 * exactly as a recording with kinds = all would hold them before quantisation. Runs in the query
 * worker (onnxruntime-web), or in Node. `recomputeLayerGates` does the same for whole layers over
 * the whole recording, chunk by chunk (gate saturation of recordings without gates).
 */
import { decodeModel } from '../onnx/proto';
import { prepareForRecording } from '../onnx/surgery';
import { recordChunks, type Progress } from '../record/core';
import type { OrtModule } from '../record/options';
import { planStreams, type StreamKind, type StreamSpec } from '../record/streams';
import type { RecordingReader } from '../store/reader';
import { gateStreams } from './runUnitProfile';

export interface GateSpans {
  stream: string;
  unit: number;
  /** steps [from, to) to give gates for */
  spans: [number, number][];
}

export interface RecomputedGates {
  /** per span, per gate stream id: the unit's gate values over [from, to) */
  gates: Record<string, Float32Array>[];
  /** tokens the model was run over */
  tokens: number;
  ms: number;
}

const cancelled = () => new DOMException('The gate recomputation was cancelled.', 'AbortError');

/**
 * The runs needed: per document holding a span, [document start, last span end) — or the whole
 * document when the layer reads it backwards too (`whole`).
 */
export function gateRuns(
  docStarts: number[],
  spans: [number, number][],
  steps: number,
  whole = false
) {
  const runs = new Map<number, number>();
  for (const [from, to] of spans) {
    let d = 0;
    while (d + 1 < docStarts.length && docStarts[d + 1] <= from) d++;
    const end = whole ? Math.min(docStarts[d + 1] ?? steps, steps) : Math.min(to, steps);
    runs.set(docStarts[d], Math.max(runs.get(docStarts[d]) ?? 0, end));
  }
  return [...runs].sort((a, b) => a[0] - b[0]);
}

export async function recomputeGates(
  reader: RecordingReader,
  ort: OrtModule,
  model: Uint8Array,
  req: GateSpans,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void; sessionOptions?: object } = {}
): Promise<RecomputedGates> {
  const started = performance.now();
  const ids = gateStreams(req.stream);
  if (!ids) throw new Error(`${req.stream} is not a recurrent layer's state: it has no gates.`);
  const graph = prepareForRecording(decodeModel(model), { internals: true });
  const layer = Number(req.stream.slice(1, req.stream.indexOf('.')));
  const tap = graph.taps.find((t) => t.layer === layer);
  if (tap?.op !== 'LSTM') throw new Error(`Layer ${layer} of this model is not an LSTM.`);
  // A backward direction starts at the document's end: run whole documents.
  const whole = tap.directions === 2 || tap.direction === 'reverse';
  const session = await ort.InferenceSession.create(graph.bytes, opts.sessionOptions);
  const H = tap.hiddenSize;
  const out = req.spans.map(([from, to]) =>
    Object.fromEntries(ids.map((g) => [g, new Float32Array(to - from)]))
  );
  const docStarts = reader.recording.documents.map((d) => d.start);
  const runs = gateRuns(docStarts, req.spans, reader.length, whole);
  const total = runs.reduce((n, [a, b]) => n + b - a, 0);
  let before = 0;
  try {
    for (const [start, end] of runs) {
      if (opts.signal?.aborted) throw cancelled();
      const tokens = await reader.tokens(start, end);
      await recordChunks({
        session,
        Tensor: ort.Tensor,
        taps: graph.taps,
        tokenInput: graph.info.tokenInput!,
        ids: tokens.ids,
        chunkSize: reader.recording.chunkSize,
        kinds: new Set(['i', 'f', 'o']),
        sink: {
          async commit(r) {
            // Chunk rows [a, b) of the recording: copy the unit's column where a span wants it.
            const [a, b] = [start + r.start, start + r.start + r.length];
            req.spans.forEach(([from, to], s) => {
              for (let t = Math.max(a, from); t < Math.min(b, to); t++)
                for (const g of ids) out[s][g][t - from] = r.streams[g][(t - a) * H + req.unit];
            });
          }
        },
        shouldStop: () => opts.signal?.aborted === true,
        onProgress: (p) => {
          const done = before + p.done;
          const eta = (total - done) / Math.max(p.tokensPerSecond, 1e-9);
          opts.onProgress?.({ ...p, done, total, etaSeconds: eta });
        }
      });
      before += end - start;
    }
    if (opts.signal?.aborted) throw cancelled();
  } finally {
    await (session as { release?: () => Promise<void> }).release?.();
  }
  return { gates: out, tokens: total, ms: performance.now() - started };
}

/** Every gate stream of every LSTM/GRU layer, one chunk of the recording at a time. */
export interface LayerGatesChunk {
  /** first step of the chunk in the recording, and its rows */
  start: number;
  rows: number;
  /** gate stream id → [rows, units] row-major (valid only during the call) */
  streams: Record<string, Float32Array>;
}

/**
 * The gates of whole layers over the whole recording, by running the model again in the
 * recording's own chunks and documents (so each step sees the state the recording had), handed
 * over chunk by chunk: memory stays flat whatever the recording's length. `kinds`: the gates to
 * compute (LSTM i, f, o, g; GRU z, r, n). Returns the gate streams that were computed.
 */
export async function recomputeLayerGates(
  reader: RecordingReader,
  ort: OrtModule,
  model: Uint8Array,
  kinds: StreamKind[],
  onChunk: (chunk: LayerGatesChunk) => void,
  opts: { signal?: AbortSignal; onProgress?: (p: Progress) => void; sessionOptions?: object } = {}
): Promise<{ streams: StreamSpec[]; tokens: number; ms: number }> {
  const started = performance.now();
  const graph = prepareForRecording(decodeModel(model), { internals: true });
  const taps = graph.taps;
  const streams = planStreams(taps, new Set(kinds));
  if (!streams.length)
    throw new Error('This model has no LSTM or GRU layer: there are no gates to recompute.');
  const session = await ort.InferenceSession.create(graph.bytes, opts.sessionOptions);
  const T = reader.length;
  try {
    const tokens = await reader.tokens(0, T);
    await recordChunks({
      session,
      Tensor: ort.Tensor,
      taps,
      tokenInput: graph.info.tokenInput!,
      ids: tokens.ids,
      chunkSize: reader.recording.chunkSize,
      documents: reader.recording.documents.map((d) => d.start),
      kinds: new Set(kinds),
      sink: {
        async commit(r) {
          onChunk({ start: r.start, rows: r.length, streams: r.streams });
        }
      },
      shouldStop: () => opts.signal?.aborted === true,
      onProgress: opts.onProgress
    });
    if (opts.signal?.aborted) throw cancelled();
  } finally {
    await (session as { release?: () => Promise<void> }).release?.();
  }
  return { streams, tokens: T, ms: performance.now() - started };
}
