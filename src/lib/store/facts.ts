/**
 * Facts about a stored recording, each computed in one place (the library, the record form, the
 * reader): the steps it holds so far and the bytes they take. Pure: no IndexedDB.
 */
import { TOP_K } from '../analysis/predictions';
import type { RecordingRow } from './db';

/** What the facts need of a recording; a planned one (record/plan.ts) has the same fields. */
export type RecordingFacts = Pick<
  RecordingRow,
  'streams' | 'tokens' | 'chunkStarts' | 'chunks' | 'chunksDone'
> & { logits?: string | null };

/**
 * Steps recorded so far: every token once complete, else the start of the first chunk not yet
 * committed. Not chunksDone × chunkSize: chunks never cross documents, so most are shorter.
 */
export function recordedSteps(r: RecordingFacts): number {
  return r.chunksDone >= r.chunks ? r.tokens : r.chunkStarts[r.chunksDone];
}

/** Bytes per step of the token rows: the id (int32) and its text offset (uint32). */
const TOKEN_BYTES = 8;
/** Bytes per step of the LM head's predictions: the loss, and TOP_K ids and probabilities. */
const PREDICTION_BYTES = 4 + TOP_K * 8;
/** Bytes per unit per tile of a stream without a fixed range (c, tensors): offset and step. */
const AFFINE_BYTES = 8;

/**
 * Bytes the committed chunks take in IndexedDB (values as stored, without the database's own
 * overhead): each stream 1 byte per value (tiles.ts), plus per unit and chunk an offset and step
 * for streams without a fixed range (a fixed-range tile that strays outside its range, rare, takes
 * them too); the tokens; the predictions when the model has an LM head (assumed ≥ TOP_K tokens).
 */
export function storedBytes(r: RecordingFacts): number {
  const steps = recordedSteps(r);
  const chunks = Math.min(r.chunksDone, r.chunks);
  let bytes = steps * (TOKEN_BYTES + (r.logits ? PREDICTION_BYTES : 0));
  for (const s of r.streams) {
    bytes += steps * s.units;
    if (!s.range) bytes += chunks * s.units * AFFINE_BYTES;
  }
  return bytes;
}
