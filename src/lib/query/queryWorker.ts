/// <reference lib="webworker" />
/**
 * The query worker: reads a recording (IndexedDB or a Zarr URL) and runs match queries, unit
 * rankings and unit pages off the UI thread, one at a time (a new one cancels the running one).
 */
import * as Comlink from 'comlink';
import { database } from '../store/db';
import { openZarrRecording } from '../store/zarrSource';
import { RecordingReader } from '../store/reader';
import {
  ColumnCache,
  matchTileBudget,
  runMatch,
  type MatchProgress,
  type MatchQuery
} from './runMatch';
import { runRank } from './runRank';
import { recomputeGates, type GateSpans } from './recomputeGates';
import type { Progress } from '../record/core';
import type { OrtModule } from '../record/options';
import { runUnitProfile, UnitCache, type UnitProgress, type UnitRequest } from './runUnitProfile';

export type RecordingSource = { kind: 'idb'; id: number } | { kind: 'zarr'; url: string };

let readerKey = '';
let reader: RecordingReader | null = null;
let running: AbortController | null = null;
/** Columns read by earlier queries (keyed by recording, stream and unit). */
const cache = new ColumnCache(64);
/** What unit pages keep between runs (their column, the recording's tokens, the model's head). */
const unitCache = new UnitCache();
/** The recording's model from the library, when it is there (a Zarr store's may not be). */
async function modelOf(r: RecordingReader) {
  const sha = r.recording.modelSha;
  const row = sha
    ? await database()
        .models.get(sha)
        .catch(() => undefined)
    : undefined;
  return row ? { sha, bytes: row.bytes } : null;
}
async function open(source: RecordingSource): Promise<RecordingReader> {
  if (source.kind === 'idb') {
    // Re-read the row: the recording may have completed since the reader was opened.
    const rec = await database().recordings.get(source.id);
    if (!rec) throw new Error('This recording is no longer in the library.');
    const key = `idb/${source.id}/${rec.updatedAt}/${rec.chunksDone}`;
    if (reader && readerKey === key) return reader;
    reader = new RecordingReader(database(), rec, matchTileBudget(rec, 1));
    readerKey = key;
  } else {
    const key = `zarr/${source.url}`;
    if (reader && readerKey === key) return reader;
    const { recording, source: chunks } = await openZarrRecording(source.url);
    reader = new RecordingReader(chunks, recording, matchTileBudget(recording, 4));
    readerKey = key;
  }
  return reader;
}

const api = {
  async match(source: RecordingSource, query: MatchQuery, onProgress: (p: MatchProgress) => void) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const r = await open(source);
    try {
      return await runMatch(r, query, { onProgress, signal: controller.signal, cache });
    } finally {
      if (running === controller) running = null;
    }
  },
  /** Pearson r of every unit of `stream` with `target` over the whole recording. */
  async rank(
    source: RecordingSource,
    stream: string,
    target: Float32Array,
    onProgress: (done: number, total: number) => void
  ) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const r = await open(source);
    try {
      return await runRank(r, stream, target, { onProgress, signal: controller.signal });
    } finally {
      if (running === controller) running = null;
    }
  },
  /** A unit's page over the whole recording (profile, contexts, token response, gates, head). */
  async unitProfile(
    source: RecordingSource,
    req: UnitRequest,
    onProgress: (p: UnitProgress) => void
  ) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const r = await open(source);
    try {
      const { stream, unit, ...rest } = req;
      const opts = { ...rest, onProgress, signal: controller.signal, cache: unitCache };
      return await runUnitProfile(r, stream, unit, { ...opts, model: await modelOf(r) });
    } finally {
      if (running === controller) running = null;
    }
  },
  /** A unit's i/f/o gates over spans, by running the model again (recordings without gates). */
  async unitGates(source: RecordingSource, req: GateSpans, onProgress: (p: Progress) => void) {
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const r = await open(source);
    try {
      const model = await modelOf(r);
      if (!model)
        throw new Error(
          "The recording's model is not in this browser's library: add it there first."
        );
      const ort = await import('onnxruntime-web/wasm');
      ort.env.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
      const sessionOptions = { graphOptimizationLevel: 'all', executionProviders: ['wasm'] };
      const opts = { onProgress, signal: controller.signal, sessionOptions };
      return await recomputeGates(r, ort as unknown as OrtModule, model.bytes, req, opts);
    } finally {
      if (running === controller) running = null;
    }
  },
  cancel() {
    running?.abort();
  }
};

export type QueryApi = typeof api;
Comlink.expose(api);
