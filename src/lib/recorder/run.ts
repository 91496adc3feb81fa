/**
 * A recording from start to finish against the store: plan it (tokens, streams, unknown tokens),
 * then run or resume it chunk by chunk. Shared by the browser worker and Node.
 */
import { DEFAULT_CHUNK, DEFAULT_KINDS, type OrtModule } from '../record/options';
import { decodeModel } from '../onnx/proto';
import { prepareForRecording } from '../onnx/surgery';
import { createRecording, dexieSink, setRecordingStatus } from '../store/recordings';
import { corpusSteps } from '../store/corpusSteps';
import { type CellscopeDB, type CorpusRow, type ModelRow } from '../store/db';
import { stepFeeds, type FirstSteps } from '../record/featureFeed';
import type { RecordingGraph } from '../onnx/surgery';
import type { ChosenBackend } from './backend';
import { ScanCellEngine } from '../record/cellEngine';
import { planChunks, recordChunks, type ChunkSink, type Progress } from '../record/core';
import type { WriterPlan } from './chunkWriter';
import { planLayout } from '../record/plan';
import { needsInternals, parseKinds, streamId } from '../record/streams';
import { cellStreamSpecs, probeCellUnits, wantedCells } from '../record/cellStreams';
import { windowFeeds, windowRunner } from '../record/windows';

/** Create a recording row (status "recording", nothing committed yet). */
export async function planRecording(
  db: CellscopeDB,
  model: ModelRow,
  corpusRow: CorpusRow,
  options: { chunkSize?: number; kinds?: string } = {}
): Promise<number> {
  const kinds = options.kinds ?? DEFAULT_KINDS;
  const corpus = await db.loadCorpus(corpusRow.sha256);
  if (!corpus) throw new Error(`The text of corpus "${corpusRow.name}" is missing from the store.`);
  const encoded = corpusSteps(model, corpus);
  const layout = planLayout({
    model: model.bytes,
    kinds,
    picks: model.tensorPicks,
    tokens: encoded.ids.length,
    documentStarts: encoded.documentStarts,
    documentNames: corpus.documents?.map((d) => d.name),
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK
  });
  return createRecording(db, {
    modelSha: model.sha256,
    corpusSha: corpus.sha256,
    name: `${model.name} × ${corpus.name}`,
    streams: layout.streams,
    kinds,
    tokens: encoded.ids.length,
    chunkSize: layout.chunkSize,
    documents: encoded.documentStarts.map((start, i) => ({
      name: corpus.documents?.[i]?.name ?? corpus.name,
      start
    })),
    unknownTokens: encoded.unknown,
    unknownExamples: encoded.unknownExamples,
    logits: model.info.logits
  });
}

/** The store's own sink for a plan, on this thread. */
const planSink = (db: CellscopeDB, p: WriterPlan) =>
  dexieSink(db, p.recordingId, p.ids, p.offsets, p.streams, p.tileUnits, p.lm);

export interface RunOptions {
  /** Where chunks are committed (default: this thread's store; the browser uses a writer worker). */
  makeSink?: (plan: WriterPlan) => ChunkSink;
  sessionOptions?: object;
  /** Picks the execution provider (browser: WASM or WebGPU); default: a plain session. */
  chooseBackend?: (graph: RecordingGraph, firstChunk: FirstSteps) => Promise<ChosenBackend>;
  shouldStop?: () => boolean;
  onProgress?: (p: Progress) => void;
}

/** Run (or resume) a planned recording until it completes or shouldStop() says so. */
export async function runRecording(
  db: CellscopeDB,
  ort: OrtModule,
  id: number,
  opts: RunOptions = {}
) {
  const rec = await db.recordings.get(id);
  if (!rec) throw new Error(`Recording ${id} does not exist.`);
  if (rec.status === 'complete') return { completed: true, chunksDone: rec.chunksDone };
  const [model, corpus] = await Promise.all([
    db.models.get(rec.modelSha),
    db.loadCorpus(rec.corpusSha)
  ]);
  if (!model || !corpus) throw new Error('The model or corpus of this recording was deleted.');
  const kinds = parseKinds(rec.kinds ?? 'h');
  // The picks stored with the recording (the model's picks may have changed since).
  const picks = rec.streams
    .filter((s) => s.kind === 'tensor')
    .map((s) => ({ name: s.tensor!, units: s.units }));
  const graph = prepareForRecording(decodeModel(model.bytes), {
    internals: needsInternals(kinds),
    outputGate: kinds.has('o'),
    tensors: picks.map((p) => p.name),
    overrides: !!rec.interventions?.length
  });
  const { ids, offsets, features } = corpusSteps(model, corpus);
  const first = planChunks(
    ids.length,
    rec.chunkSize,
    rec.documents.map((d) => d.start)
  )[0];
  // A fixed-length graph is timed on its first window (padded, from a zero state).
  const window = graph.window;
  const chosen: ChosenBackend = opts.chooseBackend
    ? await opts.chooseBackend(graph, {
        length: window ? Math.min(first.length, window.steps) : first.length,
        feeds: (Tensor, n) =>
          window
            ? windowFeeds(
                Tensor,
                graph.info.tokenInput!,
                window,
                ids.subarray(first.start, first.start + n)
              )
            : stepFeeds(Tensor, { input: graph.info.tokenInput, ids }, features, first.start, n)
      })
    : {
        ort,
        session: await ort.InferenceSession.create(graph.bytes, opts.sessionOptions),
        info: { ep: 'wasm', note: 'WASM.' }
      };
  const session = chosen.session;
  // A Loop or unrolled cell: its streams' widths come from a probe run, before the first chunk.
  const cells = wantedCells(graph.cells, kinds);
  const windows = window
    ? windowRunner({
        session,
        Tensor: chosen.ort.Tensor,
        taps: graph.taps,
        cells: graph.cells,
        wanted: cells,
        tokenInput: graph.info.tokenInput!,
        window,
        kinds
      })
    : undefined;
  let streams = rec.streams;
  const missing = cells.filter(
    (c) => !streams.some((s) => s.id === streamId(c.layer, 'fwd', c.kind))
  );
  if (missing.length) {
    const probe = ids.subarray(first.start, first.start + Math.min(first.length, 8));
    const units = await probeCellUnits(
      session,
      chosen.ort.Tensor,
      graph.taps,
      missing,
      graph.info.tokenInput!,
      probe,
      windows
    );
    streams = [...streams, ...cellStreamSpecs(missing, units)];
    await db.recordings.update(id, { streams });
  }
  await setRecordingStatus(db, id, 'recording', { backend: chosen.info });
  let last: Progress | null = null;
  const writerPlan: WriterPlan = {
    recordingId: id,
    ids,
    offsets,
    streams,
    tileUnits: rec.tileUnits,
    lm: rec.logits
      ? {
          logits: rec.logits,
          documentStarts: rec.documents.map((d) => d.start),
          classifier: !!model.info.classes
        }
      : null
  };
  const release = () => (session as { release?: () => Promise<void> }).release?.();
  const outcome = await recordChunks({
    session,
    Tensor: chosen.ort.Tensor,
    taps: graph.taps,
    tokenInput: graph.info.tokenInput,
    ids,
    features: features ?? undefined,
    chunkSize: rec.chunkSize,
    documents: rec.documents.map((d) => d.start),
    kinds,
    tensors: picks,
    cells,
    windows,
    interventions: rec.interventions?.length ? rec.interventions : undefined,
    cellEngine: rec.interventions?.length
      ? new ScanCellEngine(
          (bytes) => chosen.ort.InferenceSession.create(bytes, opts.sessionOptions),
          chosen.ort.Tensor
        )
      : undefined,
    sink: (opts.makeSink ?? ((p: WriterPlan) => planSink(db, p)))(writerPlan),
    startChunk: rec.chunksDone,
    state: rec.state,
    shouldStop: opts.shouldStop,
    onProgress: (p) => {
      last = p;
      opts.onProgress?.(p);
    }
  }).catch(async (e) => {
    // E.g. the storage quota ran out: every committed chunk stays; the recording can resume.
    await setRecordingStatus(db, id, 'paused').catch(() => undefined);
    await release();
    throw e;
  });
  const rate = (last as Progress | null)?.tokensPerSecond ?? null;
  await setRecordingStatus(db, id, outcome.completed ? 'complete' : 'paused', {
    tokensPerSecond: rate,
    ...(outcome.completed ? { state: null } : {})
  });
  await release();
  return { completed: outcome.completed, chunksDone: outcome.chunksDone };
}
