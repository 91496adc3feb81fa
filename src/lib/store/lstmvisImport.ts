/**
 * Store an opened LSTMVis project (lstmvis/project.ts) as a library recording: its corpus (the
 * text rebuilt from the dict), a complete recording of its state datasets cut into the app's
 * 8-bit tiles chunk by chunk, its tokens (LSTMVis's word ids) and its meta tracks — all in ONE
 * transaction, so a failure, a full disk or a closed tab leaves nothing behind.
 *
 * The recording has no model (modelSha ''), like a Zarr store opened without one: select, match,
 * rank, tracks and atlases read only the stored streams and text; what needs the model (its
 * predictions, interventions, an untrained twin) is not offered. Streams get no fixed range:
 * LSTMVis stores raw values of unknown activations, so each tile keeps its units' own ranges.
 */
import { planChunks } from '../record/core';
import { DEFAULT_CHUNK } from '../record/options';
import type { StreamSpec } from '../record/streams';
import { lineStarts } from '../tokenize/lines';
import { LstmvisError } from '../lstmvis/config';
import type { LstmvisProject } from '../lstmvis/project';
import { IMPORT_STREAM_ID, streamIdProblem } from '../lstmvis/streams';
import { corpusPreview, type CellscopeDB, type CorpusRow, type RecordingRow } from './db';
import { sha256 } from './hash';
import { chunkTiles } from './recordings';
import { TILE_UNITS } from './tiles';

export interface ImportProgress {
  chunksDone: number;
  chunks: number;
}

/** The stream specs of an import under the names the user chose (checked). */
export function importedStreams(p: LstmvisProject, ids: string[]): StreamSpec[] {
  if (ids.length !== p.streams.length)
    throw new LstmvisError(`Give ${p.streams.length} stream names, one per state dataset.`);
  const problem = streamIdProblem(ids);
  if (problem) throw new LstmvisError(problem);
  return ids.map((id, i) => {
    const [, layer, kind] = IMPORT_STREAM_ID.exec(id)!;
    return {
      id,
      layer: Number(layer),
      dir: 'fwd',
      kind: kind as 'h' | 'c',
      units: p.streams[i].units,
      range: null
    };
  });
}

/** Store the project under these stream ids; returns the new recording's id. */
export async function storeLstmvisProject(
  db: CellscopeDB,
  p: LstmvisProject,
  ids: string[] = p.streams.map((s) => s.id),
  onProgress: (p: ImportProgress) => void = () => {}
): Promise<number> {
  const streams = importedStreams(p, ids);
  const now = Date.now();
  const corpusSha = await sha256(new TextEncoder().encode(p.text));
  const corpus: CorpusRow = {
    sha256: corpusSha,
    name: `${p.name} (LSTMVis)`,
    preview: corpusPreview(p.text),
    chars: p.text.length,
    lines: lineStarts(p.text).length,
    documents: [{ name: p.name, start: 0, end: p.text.length }],
    bundled: false,
    addedAt: now
  };
  const plan = planChunks(p.tokens, DEFAULT_CHUNK, [0]);
  const recording: RecordingRow = {
    modelSha: '',
    corpusSha,
    name: p.name,
    status: 'complete',
    streams,
    kinds: [...new Set(streams.map((s) => s.kind))].join(','),
    tokens: p.tokens,
    chunkSize: DEFAULT_CHUNK,
    tileUnits: TILE_UNITS,
    documents: [{ name: p.name, start: 0 }],
    chunkStarts: plan.map((c) => c.start),
    chunks: plan.length,
    chunksDone: plan.length,
    unknownTokens: 0,
    unknownExamples: [],
    state: null,
    tokensPerSecond: null,
    logits: null,
    createdAt: now,
    updatedAt: now
  };
  const tables = [db.corpora, db.corpusTexts, db.recordings, db.tiles, db.tokens, db.tracks];
  return db.transaction('rw', tables, async () => {
    if (!(await db.corpora.get(corpusSha))) {
      await db.corpora.put(corpus);
      await db.corpusTexts.put({ sha256: corpusSha, text: p.text });
    }
    const id = await db.recordings.add(recording);
    for (const [chunk, { start, length }] of plan.entries()) {
      // HDF5 reads are synchronous: the transaction stays open between the writes.
      const rows: Record<string, Float32Array> = {};
      streams.forEach((s, i) => (rows[s.id] = p.rows(i, start, start + length)));
      const result = { chunk, start, length, streams: rows, state: {} };
      await db.tiles.bulkPut(chunkTiles(id, result, streams, TILE_UNITS));
      await db.tokens.put({
        recordingId: id,
        chunk,
        ids: p.ids.slice(start, start + length),
        offsets: p.offsets.slice(start, start + length)
      });
      onProgress({ chunksDone: chunk + 1, chunks: plan.length });
    }
    for (const t of p.tracks)
      await db.tracks.add({
        recordingId: id,
        name: t.name,
        kind: t.kind,
        values: t.values,
        categories: t.categories,
        source: `LSTMVis meta track of ${p.name}`,
        createdAt: now
      });
    return id;
  });
}
