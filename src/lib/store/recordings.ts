/** Writing and deleting recordings: one transaction per chunk, so a stop never leaves half a chunk. */
import { planChunks, type ChunkResult, type ChunkSink } from '../record/core';
import { type StreamSpec } from '../record/streams';
import { CLASS_TOP_K, predictionsFromLogits, type Predictions } from '../analysis/predictions';
import type { CellscopeDB, PredictionRow, RecordingRow, TileRow } from './db';
import { encodeTile, TILE_UNITS } from './tiles';

export interface NewRecording {
  modelSha: string;
  corpusSha: string;
  name: string;
  streams: StreamSpec[];
  kinds: string;
  tokens: number;
  chunkSize: number;
  documents: { name: string; start: number }[];
  unknownTokens: number;
  unknownExamples: string[];
  logits?: string | null;
}

export async function createRecording(db: CellscopeDB, r: NewRecording): Promise<number> {
  const now = Date.now();
  const plan = planChunks(
    r.tokens,
    r.chunkSize,
    r.documents.map((d) => d.start)
  );
  return db.recordings.add({
    ...r,
    status: 'recording',
    tileUnits: TILE_UNITS,
    chunkStarts: plan.map((c) => c.start),
    chunks: plan.length,
    chunksDone: 0,
    state: null,
    tokensPerSecond: null,
    createdAt: now,
    updatedAt: now
  });
}

/** A chunk's streams cut into 8-bit tiles of `width` units each (the recording's tileUnits). */
export function chunkTiles(
  recordingId: number,
  r: ChunkResult,
  streams: StreamSpec[],
  width = TILE_UNITS
): TileRow[] {
  const rows: TileRow[] = [];
  for (const s of streams) {
    const data = r.streams[s.id];
    if (!data) throw new Error(`The recorder produced no ${s.id} for chunk ${r.chunk}.`);
    for (let block = 0; block * width < s.units; block++) {
      const u0 = block * width;
      const n = Math.min(width, s.units - u0);
      const tile = encodeTile({ data, base: u0, stride: s.units }, r.length, n, s.range);
      rows.push({ recordingId, stream: s.id, chunk: r.chunk, block, tile });
    }
  }
  return rows;
}

/** A sink for the recorder core that commits each chunk's streams, tokens and state atomically. */
export function dexieSink(
  db: CellscopeDB,
  recordingId: number,
  ids: Int32Array,
  offsets: Uint32Array,
  streams: StreamSpec[],
  tileUnits = TILE_UNITS,
  lm: { logits: string; documentStarts: number[]; classifier?: boolean } | null = null
): ChunkSink {
  const docStarts = new Set(lm?.documentStarts ?? []);
  return {
    async commit(r: ChunkResult) {
      // Encode outside the transaction: it must not idle while we compute.
      const tiles = chunkTiles(recordingId, r, streams, tileUnits);
      const predictions: PredictionRow | null = lm
        ? {
            recordingId,
            chunk: r.chunk,
            ...(lm.classifier
              ? classPredictions(r, lm.logits)
              : chunkPredictions(r, lm.logits, ids, docStarts))
          }
        : null;
      const tables = [db.tiles, db.tokens, db.recordings, db.predictions];
      // Every request issued at once: the store writes them while the next chunk is inferred
      // (awaiting each would leave the rest until inference hands the thread back).
      await db.transaction('rw', tables, () =>
        Promise.all([
          db.tiles.bulkPut(tiles),
          predictions ? db.predictions.put(predictions) : null,
          db.tokens.put({
            recordingId,
            chunk: r.chunk,
            ids: ids.slice(r.start, r.start + r.length),
            offsets: offsets.slice(r.start, r.start + r.length)
          }),
          db.recordings.update(recordingId, {
            chunksDone: r.chunk + 1,
            state: r.state,
            updatedAt: Date.now()
          })
        ])
      );
    }
  };
}

/**
 * Top-5 next tokens and the loss per step of a chunk, from the model's logits output. The step
 * before a document start (or the end) has no next token. Used by the browser's store and by the
 * record command's Zarr writer.
 */
export function chunkPredictions(
  r: ChunkResult,
  logits: string,
  ids: Int32Array,
  docStarts: ReadonlySet<number>
): Predictions {
  const out = r.outputs?.[logits];
  if (!out || !(out.data instanceof Float32Array))
    throw new Error(`The model's logits output "${logits}" is missing or not float32.`);
  const vocab = Number(out.dims[out.dims.length - 1]);
  const next = new Int32Array(r.length);
  for (let i = 0; i < r.length; i++) {
    const t = r.start + i + 1;
    next[i] = t < ids.length && !docStarts.has(t) ? ids[t] : -1;
  }
  return predictionsFromLogits(out.data.subarray(0, r.length * vocab), r.length, vocab, next);
}

/**
 * A classifier head's class probabilities for every step of a chunk: one row per run (a
 * document's class, shown at each of its steps) or one per step (a tagger), every class kept (up
 * to CLASS_TOP_K). No next token: the loss is undefined (NaN).
 */
export function classPredictions(r: ChunkResult, logits: string): Predictions {
  const out = r.outputs?.[logits];
  if (!out || !(out.data instanceof Float32Array))
    throw new Error(`The model's class output "${logits}" is missing or not float32.`);
  const classes = Number(out.dims[out.dims.length - 1]);
  const rows = out.data.length / classes;
  if (rows !== 1 && rows !== r.length)
    throw new Error(
      `The class output "${logits}" has ${rows} rows for a run of ${r.length} steps: expected 1 or ${r.length}.`
    );
  const all = new Float32Array(r.length * classes);
  for (let t = 0; t < r.length; t++)
    all.set(
      out.data.subarray((rows === 1 ? 0 : t) * classes, ((rows === 1 ? 0 : t) + 1) * classes),
      t * classes
    );
  const none = new Int32Array(r.length).fill(-1);
  return predictionsFromLogits(all, r.length, classes, none, Math.min(classes, CLASS_TOP_K));
}

export async function setRecordingStatus(
  db: CellscopeDB,
  id: number,
  status: RecordingRow['status'],
  extra: Partial<RecordingRow> = {}
): Promise<void> {
  await db.recordings.update(id, { status, updatedAt: Date.now(), ...extra });
}

/** Delete a recording with all its chunks and tokens, in one transaction. */
export async function deleteRecording(db: CellscopeDB, id: number): Promise<void> {
  const tables = [db.tiles, db.tokens, db.predictions, db.tracks, db.analyses, db.recordings];
  await db.transaction('rw', tables, async () => {
    await db.analyses.where('recordingId').equals(id).delete();
    await db.tiles.where('recordingId').equals(id).delete();
    await db.tokens.where('recordingId').equals(id).delete();
    await db.predictions.where('recordingId').equals(id).delete();
    await db.tracks.where('recordingId').equals(id).delete();
    await db.recordings.delete(id);
  });
}
