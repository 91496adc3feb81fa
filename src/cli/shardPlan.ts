/**
 * How `record --shard K/N` cuts a corpus: N contiguous slices of whole documents, balanced by
 * tokens (each cut is the document start nearest to k·T/N), so a document is never split and each
 * shard's state resets where an unsharded run's does. A slice may be empty (fewer documents than
 * shards, or one document longer than a slice).
 *
 * Which store chunks each shard writes: a chunk of the store's regular grid wholly inside one
 * slice is that shard's alone; a chunk that straddles a cut is shared, each shard writes its rows
 * of it as a part, and `--finalize` merges the parts (sharedChunks). Pure code.
 */
import { bisect } from '../lib/bisect';
import { chunkInside } from './zarrGrid';

/** First index i with a[i] >= x (a ascending), or a.length. */
const lowerBound = (a: ArrayLike<number>, x: number) => bisect(a, x, false);

export interface ShardSlice {
  /** the slice's steps [from, to) */
  from: number;
  to: number;
  /** its documents [first, end) (indices into the corpus's documents) */
  firstDocument: number;
  endDocument: number;
}

/** The N slices of a corpus of T steps whose documents start at `documentStarts` (0 first). */
export function shardSlices(T: number, documentStarts: ArrayLike<number>, n: number): ShardSlice[] {
  // Where a cut may fall: a document start, or either end of the corpus.
  const cuts = [...new Set([0, ...Array.from(documentStarts), T])]
    .filter((s) => s >= 0 && s <= T)
    .sort((a, b) => a - b);
  const bounds = [0];
  for (let k = 1; k < n; k++) {
    const target = (k * T) / n;
    const i = lowerBound(cuts, target);
    const [below, above] = [cuts[Math.max(0, i - 1)], cuts[Math.min(cuts.length - 1, i)]];
    const cut = target - below <= above - target ? below : above;
    bounds.push(Math.max(cut, bounds[k - 1]));
  }
  bounds.push(T);
  // A document belongs to the slice its start is in (an empty one at T, to the last slice).
  const docOf = (step: number) => lowerBound(documentStarts, step);
  return Array.from({ length: n }, (_, k) => ({
    from: bounds[k],
    to: bounds[k + 1],
    firstDocument: k === 0 ? 0 : docOf(bounds[k]),
    endDocument: k === n - 1 ? documentStarts.length : docOf(bounds[k + 1])
  }));
}

/**
 * The store chunks (along time, `chunkRows` high, over T steps) that no one slice holds whole,
 * each with the shards whose rows it holds: the chunks `--finalize` merges from parts.
 */
export function sharedChunks(
  T: number,
  chunkRows: number,
  slices: ShardSlice[]
): { chunk: number; shards: number[] }[] {
  const holders = new Map<number, number[]>();
  slices.forEach((s, k) => {
    if (s.from >= s.to) return;
    // Only a slice's first and last chunks can reach past it; those between are its own.
    const span = { steps: T, chunkRows, from: s.from, to: s.to };
    const ends = new Set([Math.floor(s.from / chunkRows), Math.floor((s.to - 1) / chunkRows)]);
    for (const c of ends) if (!chunkInside(c, span)) holders.set(c, [...(holders.get(c) ?? []), k]);
  });
  return [...holders].sort(([a], [b]) => a - b).map(([chunk, shards]) => ({ chunk, shards }));
}
