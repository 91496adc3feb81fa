/**
 * What crosses from the recording worker to the chunk writer: a chunk's streams, its carried
 * state and the one model output the store keeps (the logits), as plain cloneable data. Pure.
 */
import type { ChunkResult } from '../record/core';
import type { StreamSpec } from '../record/streams';

/** Everything the writer needs once per recording (dexieSink's arguments). */
export interface WriterPlan {
  recordingId: number;
  ids: Int32Array;
  offsets: Uint32Array;
  streams: StreamSpec[];
  tileUnits: number;
  lm: { logits: string; documentStarts: number[]; classifier?: boolean } | null;
}

/** A compact copy when `a` views part of a larger buffer (cloning a view copies its whole buffer). */
const compact = (a: Float32Array) =>
  a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();

/**
 * The buffers a message may hand over (transfer, not copy): the streams' and the logits'. The
 * carried state is left out: the recording goes on from it.
 */
export function chunkBuffers(m: ChunkResult): ArrayBuffer[] {
  const keep = new Set(Object.values(m.state).map((a) => a.buffer));
  const arrays = [
    ...Object.values(m.streams),
    ...Object.values(m.outputs ?? {}).map((t) => t.data)
  ];
  const out = new Set<ArrayBuffer>();
  for (const a of arrays)
    if (a instanceof Float32Array && a.buffer instanceof ArrayBuffer && !keep.has(a.buffer))
      out.add(a.buffer);
  return [...out];
}

/** The chunk as the writer will store it: streams, state and (if kept) the logits only. */
export function chunkMessage(r: ChunkResult, logits: string | null): ChunkResult {
  const streams: Record<string, Float32Array> = {};
  for (const [id, data] of Object.entries(r.streams)) streams[id] = compact(data);
  const out = logits ? r.outputs?.[logits] : undefined;
  return {
    chunk: r.chunk,
    start: r.start,
    length: r.length,
    streams,
    state: r.state,
    outputs:
      out && out.data instanceof Float32Array
        ? { [logits!]: { dims: [...out.dims], data: compact(out.data) } }
        : undefined
  };
}

/**
 * An error from the writer as it crosses back (Comlink keeps only a name and a message): a full
 * store keeps the name "QuotaExceededError" so the recording pauses with the quota message.
 */
export function writerError(e: unknown, quota: boolean): Error {
  const err = new Error((e as Error)?.message ?? String(e));
  err.name = quota ? 'QuotaExceededError' : ((e as Error)?.name ?? 'Error');
  return err;
}
