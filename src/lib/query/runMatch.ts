/**
 * A match query over a whole recording (LSTMVis match view): read the selected units' columns,
 * apply the select view's normalisation, find candidate runs (analysis/match.ts), then score the
 * most promising candidates against every unit of the stream. Runs in the query worker, or in Node.
 *
 * Phase 2 needs full-width rows of each candidate's run. Candidates are pre-ranked by how many
 * selected units stay on over the run (|S∩A|, known from the columns alone), and only the best
 * RANK_TOP get their union computed: scoring all 10,000 would read most of the stream.
 */
import { applyTransform, transformValue, type UnitTransform } from '../analysis/transform';
import {
  candidatesFromCounts,
  constraintsFromPadding,
  noMatchReason,
  type Candidate
} from '../analysis/match';
import { compareMatches, runSpan, scoreCandidate, type Match } from '../analysis/matchScore';
import { countOn, OnTest, type CodeColumn } from '../store/codeColumn';
import { type RecordingReader } from '../store/reader';
import { type RecordingRow } from '../store/db';

const RANK_TOP = 200;
const RANK_BATCH = 8;

export interface MatchQuery {
  stream: string;
  /** selected units S */
  units: number[];
  threshold: number;
  padLeft: number;
  padRight: number;
  transform: UnitTransform;
}

export interface MatchResult {
  /** ranked, best first (at most RANK_TOP) */
  matches: Match[];
  /** candidate runs found over the whole recording */
  candidates: number;
  steps: number;
  /** why there is no match, or null */
  reason: string | null;
  ms: { read: number; scan: number; rank: number };
}

export interface MatchProgress {
  phase: 'read' | 'scan' | 'rank';
  done: number;
  total: number;
}

/**
 * Columns of units already read, as stored (codes, 1 byte per step), by recording, stream and
 * unit (a finished recording never changes): re-running a match with another θ, padding or
 * normalisation skips storage entirely. LRU by unit.
 */
export class ColumnCache {
  private map = new Map<string, CodeColumn>();
  constructor(private capacity = 64) {}
  get(key: string): CodeColumn | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: CodeColumn): void {
    this.map.set(key, v);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

/**
 * Tiles a match reader should keep: ranking reads the chunks of the best candidates at full
 * width (about 170 MB for a 1M × 512 stream), so with 256 MB re-running a match with another θ
 * finds most of them in memory instead of storage. 1 byte per value for stored tiles, 4 for
 * float (Zarr) tiles.
 */
export function matchTileBudget(rec: RecordingRow, bytesPerValue: number): number {
  return Math.max(512, Math.floor(256e6 / (bytesPerValue * rec.chunkSize * rec.tileUnits)));
}

export class MatchError extends Error {
  override name = 'MatchError';
}

const cancelled = () => new DOMException('The match was cancelled.', 'AbortError');

export async function runMatch(
  reader: RecordingReader,
  q: MatchQuery,
  opts: { onProgress?: (p: MatchProgress) => void; signal?: AbortSignal; cache?: ColumnCache } = {}
): Promise<MatchResult> {
  const rec = reader.recording;
  if (rec.status !== 'complete' || reader.length < rec.tokens)
    throw new MatchError(
      `"${rec.name}" is still being recorded (${reader.length.toLocaleString('en')} of ${rec.tokens.toLocaleString('en')} tokens): finish or resume it first, so the match covers the whole corpus.`
    );
  const k = q.units.length;
  const T = reader.length;
  const t0 = performance.now();
  const keyOf = (u: number) => `${rec.id ?? rec.name}/${q.stream}/${u}`;
  const have = q.units.map((u) => opts.cache?.get(keyOf(u)));
  const missing = q.units.filter((_, j) => !have[j]);
  const fresh = missing.length
    ? await reader.codeColumns(q.stream, missing, 0, T, (done) => {
        if (opts.signal?.aborted) throw cancelled();
        opts.onProgress?.({ phase: 'read', done, total: T });
      })
    : [];
  missing.forEach((u, j) => opts.cache?.set(keyOf(u), fresh[j]));
  const columns = q.units.map((u, j) => have[j] ?? fresh[missing.indexOf(u)]);
  const t1 = performance.now();

  // "On" is tested on the codes: one lookup table per chunk (see store/codeColumn.ts).
  const tests = columns.map((col, j) => new OnTest(col, isOnFor(q, q.units[j])));
  const counts = countOn(tests, T);
  const cons = constraintsFromPadding(q.padLeft, q.padRight);
  const scan = candidatesFromCounts(counts, k, {
    ...cons,
    docStarts: rec.documents.map((d) => d.start),
    signal: opts.signal,
    onProgress: (done, total) => opts.onProgress?.({ phase: 'scan', done, total })
  });
  const t2 = performance.now();
  const reason = noMatchReason(scan);
  if (reason)
    return {
      matches: [],
      candidates: 0,
      steps: T,
      reason,
      ms: { read: t1 - t0, scan: t2 - t1, rank: 0 }
    };

  const top = preRank(scan.candidates, tests, cons).slice(0, RANK_TOP);
  top.sort((a, b) => a.start - b.start); // sequential reads: each chunk is fetched once
  const units = reader.units(q.stream);
  const all = Array.from({ length: units }, (_, u) => u);
  const scored: Match[] = [];
  // A batch of candidates at a time: concurrent reads hide storage latency (the reader shares
  // one fetch between candidates in the same chunk).
  for (let i = 0; i < top.length; i += RANK_BATCH) {
    if (opts.signal?.aborted) throw cancelled();
    const batch = top.slice(i, i + RANK_BATCH);
    const windows = await Promise.all(
      batch.map((c) => reader.window(q.stream, ...runSpan(c, cons)))
    );
    batch.forEach((c, j) => {
      const rows = applyTransform(windows[j], all, q.transform);
      scored.push(scoreCandidate(c, rows, units, q.units, q.threshold, cons));
    });
    opts.onProgress?.({ phase: 'rank', done: i + batch.length, total: top.length });
  }
  scored.sort(compareMatches);
  return {
    matches: scored,
    candidates: scan.candidates.length,
    steps: T,
    reason: null,
    ms: { read: t1 - t0, scan: t2 - t1, rank: performance.now() - t2 }
  };
}

/** Whether a stored value of unit u is on (≥ θ after the select view's normalisation). */
function isOnFor(q: MatchQuery, u: number): (v: number) => boolean {
  const { threshold: th, transform: tf } = q;
  // Math.fround: the select view compares normalised values held in a Float32Array.
  return tf.mode === 'raw' ? (v) => v >= th : (v) => Math.fround(transformValue(tf, u, v)) >= th;
}

/** Candidates by |S∩A| (selected units on over the whole run, off at constrained borders), desc. */
function preRank(
  candidates: Candidate[],
  tests: OnTest[],
  cons: { constrainLeft: boolean; constrainRight: boolean }
): Candidate[] {
  const score = candidates.map((c) => {
    let n = 0;
    for (const on of tests) {
      let ok = !(cons.constrainLeft && c.hasLeft) || !on.at(c.start - 1);
      for (let t = c.start; ok && t < c.end; t++) ok = on.at(t);
      if (ok && cons.constrainRight && c.hasRight) ok = !on.at(c.end);
      if (ok) n++;
    }
    return n;
  });
  // Stable: ties keep the candidates' sharpness order.
  return candidates
    .map((c, i) => ({ c, s: score[i], i }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.c);
}
