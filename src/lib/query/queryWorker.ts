/// <reference lib="webworker" />
/**
 * The query worker: reads a recording (IndexedDB or a Zarr URL) and runs match queries, unit
 * rankings, atlases and unit pages off the UI thread, one at a time (a new one cancels the
 * running one). The page runs two: one for what the user is waiting on, one for background
 * atlases.
 */
import * as Comlink from 'comlink';
import { database } from '../store/db';
import { openZarrRecording } from '../store/zarrSource';
import { localZarrStore, type LocalStore } from '../store/localZarrStore';
import { RecordingReader } from '../store/reader';
import { seriesAtlasTracks } from './seriesTracks';
import { runAtlas, type AtlasRequest } from './runAtlas';
import {
  ColumnCache,
  matchTileBudget,
  runMatch,
  type MatchProgress,
  type MatchQuery
} from './runMatch';
import { rankAllUnits, type RankAllOptions } from './rankAll';
import { recomputeGates, type GateSpans } from './recomputeGates';
import { InterventionRunner } from './runIntervention';
import type { InterventionSpec } from './interventionRun';
import type { Progress } from '../record/core';
import type { OrtModule } from '../record/options';
import { runUnitProfile, UnitCache, type UnitProgress, type UnitRequest } from './runUnitProfile';
import {
  runClusters,
  type ClusterProgress,
  type ClusterRequest,
  type CorrelationCache
} from './runClusters';
import { runCompare, type CompareProgress, type CompareRequest } from './runCompare';
import { checkComparable } from './compareCheck';
import { comparedSide } from './compareSides';
import { runSaturation, storedGateLayers, type SaturationProgress } from './runSaturation';
import { runProjection, type ProjectionProgress, type ProjectionRequest } from './runProjection';
import type { UmapRun } from '../analysis/umapProjection';

/** A recording in the library, or a Zarr store by URL or (`local`) in a folder of this computer. */
export type RecordingSource =
  { kind: 'idb'; id: number } | { kind: 'zarr'; url: string; local?: LocalStore };

interface Opened {
  reader: RecordingReader;
  /** the corpus text (built-in tracks need it) */
  text: () => Promise<string>;
  /** a time-series corpus's name (its columns are the atlas's candidates), else null */
  series: () => Promise<string | null>;
}

let openedKey = '';
let opened: Opened | null = null;
let running: AbortController | null = null;
/** Columns read by earlier queries (keyed by recording, stream and unit). */
const cache = new ColumnCache(64);
/** What unit pages keep between runs (their column, the recording's tokens, the model's head). */
const unitCache = new UnitCache();
/** The last stream's unit × unit correlations (clustering again with another k reuses them). */
let correlations: CorrelationCache | null = null;
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
async function open(source: RecordingSource): Promise<Opened> {
  if (source.kind === 'idb') {
    // Re-read the row: the recording may have completed since the reader was opened.
    const rec = await database().recordings.get(source.id);
    if (!rec) throw new Error('This recording is no longer in the library.');
    const key = `idb/${source.id}/${rec.updatedAt}/${rec.chunksDone}`;
    if (opened && openedKey === key) return opened;
    const reader = new RecordingReader(database(), rec, matchTileBudget(rec, 1));
    const text = async () => {
      const corpus = await database().loadCorpus(rec.corpusSha);
      if (!corpus) throw new Error('The corpus of this recording was deleted.');
      return corpus.text;
    };
    const series = async () => {
      const row = await database().corpora.get(rec.corpusSha);
      return row?.series ? row.name : null;
    };
    opened = { reader, text, series };
    openedKey = key;
  } else {
    const key = `zarr/${source.url}`;
    if (opened && openedKey === key) return opened;
    const {
      recording,
      source: chunks,
      corpus
    } = source.local
      ? await openZarrRecording(source.local.name, localZarrStore(source.local))
      : await openZarrRecording(source.url);
    const reader = new RecordingReader(chunks, recording, matchTileBudget(recording, 4));
    opened = { reader, text: async () => corpus.text, series: async () => null };
    openedKey = key;
  }
  return opened;
}

/** The last UMAP map (its source, stream and seed), to place windows on it. */
let lastUmap: { key: string; run: UmapRun } | null = null;

/** onnxruntime-web for re-running a model here, with as many threads as the page may use. */
async function webOrt(): Promise<{ ort: OrtModule; sessionOptions: object }> {
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
  const sessionOptions = { graphOptimizationLevel: 'all', executionProviders: ['wasm'] };
  return { ort: ort as unknown as OrtModule, sessionOptions };
}

/** Run one job at a time: a new one cancels the running one. */
async function exclusive<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  try {
    return await job(controller.signal);
  } finally {
    if (running === controller) running = null;
  }
}

const api = {
  async match(source: RecordingSource, query: MatchQuery, onProgress: (p: MatchProgress) => void) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      return runMatch(reader, query, { onProgress, signal, cache });
    });
  },
  /** Every unit of every stream against one track: AUC or r, held-out, chance (rankAll.ts). */
  async rankAll(
    source: RecordingSource,
    values: Float32Array,
    opts: Omit<RankAllOptions, 'onProgress' | 'signal'>,
    onProgress: (done: number, total: number) => void
  ) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      return rankAllUnits(reader, values, { ...opts, onProgress, signal });
    });
  },
  /** Every unit against the built-in tracks and the given ones: each unit's best explanation. */
  async atlas(
    source: RecordingSource,
    request: AtlasRequest,
    onProgress: (done: number, total: number) => void
  ) {
    return exclusive(async (signal) => {
      const { reader, text, series } = await open(source);
      const name = await series();
      // A time series: its columns, not the text built-ins, are what units may track.
      const req: AtlasRequest = name
        ? {
            ...request,
            builtins: 'none',
            tracks: [...seriesAtlasTracks(await text(), name), ...(request.tracks ?? [])]
          }
        : request;
      return runAtlas(reader, await text(), req, { onProgress, signal });
    });
  },
  /** A unit's page over the whole recording (profile, contexts, token response, gates, head). */
  async unitProfile(
    source: RecordingSource,
    req: UnitRequest,
    onProgress: (p: UnitProgress) => void
  ) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      const { stream, unit, ...rest } = req;
      const opts = { ...rest, onProgress, signal, cache: unitCache };
      return runUnitProfile(reader, stream, unit, { ...opts, model: await modelOf(reader) });
    });
  },
  /** A unit's i/f/o gates over spans, by running the model again (recordings without gates). */
  async unitGates(source: RecordingSource, req: GateSpans, onProgress: (p: Progress) => void) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      const model = await modelOf(reader);
      if (!model)
        throw new Error(
          "The recording's model is not in this browser's library: add it there first."
        );
      const ort = await import('onnxruntime-web/wasm');
      ort.env.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
      const sessionOptions = { graphOptimizationLevel: 'all', executionProviders: ['wasm'] };
      const opts = { onProgress, signal, sessionOptions };
      return recomputeGates(reader, ort as unknown as OrtModule, model.bytes, req, opts);
    });
  },
  /** A stream's units clustered by their correlation over the recording (runClusters.ts). */
  async clusters(
    source: RecordingSource,
    req: ClusterRequest,
    onProgress: (p: ClusterProgress) => void
  ) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      const cache = { get: () => correlations, set: (c: CorrelationCache) => (correlations = c) };
      return runClusters(reader, req, { onProgress, signal, cache, key: openedKey });
    });
  },
  /** Two recordings on one corpus, or two streams of one, compared (runCompare.ts). */
  async compare(
    a: RecordingSource,
    b: RecordingSource,
    req: CompareRequest,
    onProgress: (p: CompareProgress) => void
  ) {
    return exclusive(async (signal) => {
      const ra = (await open(a)).reader;
      const rb = JSON.stringify(a) === JSON.stringify(b) ? ra : (await open(b)).reader;
      checkComparable(await comparedSide(ra), await comparedSide(rb), req.streamA, req.streamB);
      return runCompare(ra, rb, req, { onProgress, signal });
    });
  },
  /** Re-run a window with units clamped, next to the original run (runIntervention.ts). */
  async intervene(source: RecordingSource, window: [number, number], specs: InterventionSpec[]) {
    return exclusive(async (signal) => {
      const runner = await interventionRunner(source);
      return runner.run(window, specs, signal);
    });
  },
  /** The specs as interventions over the whole recording (mean-ablation resolved): to keep. */
  async resolveInterventions(source: RecordingSource, specs: InterventionSpec[]) {
    const runner = await interventionRunner(source);
    return runner.resolve(specs, [0, runner.length]);
  },
  /** Gate saturation of every LSTM/GRU layer: stored gates, or recomputed by running the model. */
  async saturation(source: RecordingSource, onProgress: (p: SaturationProgress) => void) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      const stored = storedGateLayers(reader.recording.streams).size > 0;
      const model = stored ? null : await modelOf(reader);
      const run = model ? { bytes: model.bytes, ...(await webOrt()) } : null;
      return runSaturation(reader, { signal, onProgress, model: run });
    });
  },
  /** A 2-D projection (PCA, or UMAP) of a stream's state vectors over a sample of steps. */
  async projection(
    source: RecordingSource,
    req: ProjectionRequest,
    onProgress: (p: ProjectionProgress) => void
  ) {
    return exclusive(async (signal) => {
      const { reader } = await open(source);
      const { result, umap } = await runProjection(reader, req, { signal, onProgress });
      lastUmap = umap ? { key: umapKey(source, result.stream, result.seed), run: umap } : null;
      return result;
    });
  },
  /**
   * Rows [m, units] of a stream placed on the last UMAP map of it, or null when that map is gone
   * (another projection since). Not exclusive: it must not cancel a running job.
   */
  async umapTransform(
    source: RecordingSource,
    stream: string,
    seed: number,
    rows: Float32Array,
    m: number
  ) {
    const map = lastUmap;
    return map?.key === umapKey(source, stream, seed) ? map.run.transform(rows, m) : null;
  },
  cancel() {
    running?.abort();
  }
};

/** One intervention runner (a session with override inputs) for the open recording. */
let intervening: { key: string; runner: Promise<InterventionRunner> } | null = null;
async function interventionRunner(source: RecordingSource): Promise<InterventionRunner> {
  const { reader } = await open(source);
  const key = openedKey;
  if (intervening?.key !== key) {
    const make = async () => {
      const model = await modelOf(reader);
      if (!model)
        throw new Error(
          "The recording's model is not in this browser's library: add it there to intervene."
        );
      const ort = await import('onnxruntime-web/wasm');
      ort.env.wasm.numThreads = self.crossOriginIsolated ? navigator.hardwareConcurrency || 1 : 1;
      const sessionOptions = { graphOptimizationLevel: 'all', executionProviders: ['wasm'] };
      // A time series is fed from its CSV rows (the stored "tokens" are only their places).
      const corpus =
        source.kind === 'idb' ? await database().loadCorpus(reader.recording.corpusSha) : null;
      return new InterventionRunner(
        reader,
        ort as unknown as OrtModule,
        model.bytes,
        sessionOptions,
        corpus?.series ? { text: corpus.text, name: corpus.name } : null
      );
    };
    intervening = { key, runner: make() };
    // A failure is not kept: the next request tries again.
    intervening.runner.catch(() => (intervening = null));
  }
  return intervening!.runner;
}

function umapKey(source: RecordingSource, stream: string, seed: number): string {
  return `${JSON.stringify(source)} ${stream} ${seed}`;
}

export type QueryApi = typeof api;
Comlink.expose(api);
