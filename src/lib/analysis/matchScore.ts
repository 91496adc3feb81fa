/**
 * Phase 2 of the LSTMVis match (phase 1, the candidate runs, is match.ts): score each candidate
 * against every unit of the stream — A, the units on throughout the run and off at its
 * constrained borders — and rank by |S∩A| desc, |S∪A| asc, length desc, as LSTMVis does.
 */
import { checkAbort, type Candidate, type MatchConstraints } from './match';

/** Full-width rows [to - from, units] of absolute steps [from, to). */
export type RowsOfRun = (from: number, to: number) => Float32Array;

export interface Match {
  start: number;
  /** exclusive */
  end: number;
  length: number;
  /** A: units on at every step of the run and off at the constrained borders, ascending */
  units: number[];
  /** |S∩A|, |S∪A|, |S∩A|/|S∪A|, and |S| - |S∩A| (selected units not on throughout) */
  intersect: number;
  union: number;
  jaccard: number;
  missing: number;
  k: number;
  sharpness: number;
}

/** The steps phase 2 needs for a candidate: the run plus each constrained border that exists. */
export function runSpan(c: Candidate, cons: MatchConstraints): [number, number] {
  const from = c.start - (cons.constrainLeft && c.hasLeft ? 1 : 0);
  return [from, c.end + (cons.constrainRight && c.hasRight ? 1 : 0)];
}

/** Score one candidate from the full-width rows of runSpan(c). */
export function scoreCandidate(
  c: Candidate,
  rows: Float32Array,
  units: number,
  selected: ArrayLike<number>,
  threshold: number,
  cons: MatchConstraints
): Match {
  const [from, to] = runSpan(c, cons);
  if (rows.length !== (to - from) * units)
    throw new RangeError(`expected ${to - from} rows of ${units} units, got ${rows.length} values`);
  const r0 = c.start - from;
  const r1 = c.end - from;
  const A: number[] = [];
  for (let u = 0; u < units; u++) {
    let ok = r0 === 0 || rows[u] < threshold;
    for (let r = r0; ok && r < r1; r++) ok = rows[r * units + u] >= threshold;
    if (ok && to > c.end) ok = rows[r1 * units + u] < threshold;
    if (ok) A.push(u);
  }
  const inA = new Set(A);
  const S = new Set(Array.from(selected));
  const intersect = [...S].filter((u) => inA.has(u)).length;
  const union = A.length + S.size - intersect;
  const [jaccard, missing] = [union ? intersect / union : 0, S.size - intersect];
  const { start, end, k, sharpness } = c;
  return {
    start,
    end,
    length: end - start,
    units: A,
    intersect,
    union,
    jaccard,
    missing,
    k,
    sharpness
  };
}

/** LSTMVis order: largest intersection, then smallest union, then longest run. */
export function compareMatches(a: Match, b: Match): number {
  return b.intersect - a.intersect || a.union - b.union || b.length - a.length;
}

export interface RankOptions extends Partial<MatchConstraints> {
  /** how many to return (default 50); `total` says how many there are */
  limit?: number;
  signal?: AbortSignal;
}

/**
 * Phase 2: score every candidate and rank. Array.sort is stable, so ties keep the candidates'
 * sharpness order, as in LSTMVis. For async row access, call scoreCandidate per candidate and
 * sort with compareMatches.
 */
export function rankMatches(
  candidates: Candidate[],
  rowsOfRun: RowsOfRun,
  units: number,
  selected: ArrayLike<number>,
  threshold: number,
  opts: RankOptions = {}
): { matches: Match[]; total: number } {
  const cons = { constrainLeft: opts.constrainLeft ?? true, constrainRight: !!opts.constrainRight };
  const scored = candidates.map((c, i) => {
    if ((i & 255) === 0) checkAbort(opts.signal);
    return scoreCandidate(c, rowsOfRun(...runSpan(c, cons)), units, selected, threshold, cons);
  });
  scored.sort(compareMatches);
  return { matches: scored.slice(0, opts.limit ?? 50), total: scored.length };
}
