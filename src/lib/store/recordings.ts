/** Writing and deleting recordings: one transaction per chunk, so a stop never leaves half a chunk. */
import type { ChunkResult, ChunkSink, StreamSpec } from '../record';
import type { CellscopeDB, RecordingRow } from './db';

export interface NewRecording {
  modelSha: string;
  corpusSha: string;
  name: string;
  streams: StreamSpec[];
  kinds: string;
  tokens: number;
  chunkSize: number;
  unknownTokens: number;
  unknownExamples: string[];
}

export async function createRecording(db: CellscopeDB, r: NewRecording): Promise<number> {
  const now = Date.now();
  return db.recordings.add({
    ...r,
    status: 'recording',
    chunks: Math.ceil(r.tokens / r.chunkSize),
    chunksDone: 0,
    state: null,
    tokensPerSecond: null,
    createdAt: now,
    updatedAt: now
  });
}

/** A sink for the recorder core that commits each chunk's streams, tokens and state atomically. */
export function dexieSink(
  db: CellscopeDB,
  recordingId: number,
  ids: Int32Array,
  offsets: Uint32Array
): ChunkSink {
  return {
    async commit(r: ChunkResult) {
      await db.transaction('rw', [db.chunks, db.tokens, db.recordings], async () => {
        await db.chunks.bulkPut(
          Object.entries(r.streams).map(([stream, data]) => ({
            recordingId,
            stream,
            chunk: r.chunk,
            data
          }))
        );
        await db.tokens.put({
          recordingId,
          chunk: r.chunk,
          ids: ids.slice(r.start, r.start + r.length),
          offsets: offsets.slice(r.start, r.start + r.length)
        });
        await db.recordings.update(recordingId, {
          chunksDone: r.chunk + 1,
          state: r.state,
          updatedAt: Date.now()
        });
      });
    }
  };
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
  await db.transaction('rw', [db.chunks, db.tokens, db.recordings], async () => {
    await db.chunks.where('recordingId').equals(id).delete();
    await db.tokens.where('recordingId').equals(id).delete();
    await db.recordings.delete(id);
  });
}
