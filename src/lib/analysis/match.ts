/**
 * The LSTMVis match view: find stretches of the recording where the selected units switch on
 * together, then rank them by how well the set of units on there agrees with the selection.
 *
 * Follows `LSTMDataHandler.query_similar_activations` in HendrikStrobelt/LSTMVis
 * (lstmdata/data_handler.py), in "precise" mode:
 *  1. count[t] = number of selected units with value >= θ at t.
 *  2. For k = |S| down to 1, while fewer than `maxCandidates` (10,000) candidates are collected:
 *     maximal runs of min(count, k) == k (i.e. count >= k) of length >= 2 are candidates, keyed by
 *     (start, length) — a run already found at a larger k is not added again.
 *     Each gets a "sharpness" from the clipped counts of the neighbouring steps (vl before, vr
 *     after): k - vl with a left constraint, k - vr with a right one, k - vl - vr with both, 0
 *     with none. Candidates are stably sorted by sharpness (desc) and cut to `maxCandidates`.
 *  3. For each candidate, A = every unit of the stream that is >= θ at every step of the run and
 *     < θ at a constrained border step (constrain left/right iff the selection's left/right
 *     padding is > 0: LSTMVis checks one border step whatever the padding width, see
 *     lstm_server.py `match`). Sort by |S∩A| desc, |S∪A| asc, length desc (stable); keep 50.
 *
 * Deviations, and why:
 *  - Every step is scanned (LSTMVis "fast" mode stops at step 500,000 and so misses later ones).
 *  - Runs never cross a document start (the state resets there); the scan restarts per document.
 *  - A run touching the recording's or a document's edge has no step on that side: its missing
 *    neighbour counts as 0 for sharpness and its missing border is not checked for A. LSTMVis
 *    wraps around to the last run (numpy index -1) or fails, then drops such runs; we keep them,
 *    since "on from the start of every document" is a pattern worth finding.
 *  - θ applies to the values as recorded; LSTMVis by default compares tanh(stored value) to θ
 *    (its `activation_threshold_corrected` = arctanh θ), i.e. squashes h a second time.
 *  - All k levels come from one pass over count instead of one pass per k (same candidates).
 *  - Ties: LSTMVis orders candidates of one k through a Python set (arbitrary); we use start
 *    order, so results are deterministic. Larger k still comes first, as in its dict.
 *  - Two phases, so the caller need not hold the full-width stream: phase 1 (here) reads only the
 *    selected columns; phase 2 (matchScore.ts) asks for full-width rows of each candidate's
 *    (short) span.
 */

export interface MatchConstraints {
  constrainLeft: boolean;
  constrainRight: boolean;
}

/** LSTMVis: a border is constrained iff the selection has padding on that side. */
export function constraintsFromPadding(padLeft: number, padRight: number): MatchConstraints {
  return { constrainLeft: padLeft > 0, constrainRight: padRight > 0 };
}

export interface CandidateOptions extends Partial<MatchConstraints> {
  /** Ascending token indices where documents start; runs are split there. */
  docStarts?: ArrayLike<number>;
  /** Stop collecting once this many candidates are found (checked between k levels). */
  maxCandidates?: number;
  /** If > 0, only runs of exactly this length (LSTMVis `phrase_length`). */
  phraseLength?: number;
  /** Called about every 64k steps with work done and an upper bound of the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface Candidate {
  start: number;
  /** exclusive */
  end: number;
  /** the level k at which the run was found: >= k selected units on throughout */
  k: number;
  sharpness: number;
  /** whether the step before/after the run is in the same document and the recording */
  hasLeft: boolean;
  hasRight: boolean;
}

export interface CandidateScan {
  candidates: Candidate[];
  /** candidates found before the cut to maxCandidates */
  found: number;
  selected: number;
  steps: number;
  /** steps where at least one selected unit is on */
  stepsAnyOn: number;
  /** longest run (within a document) where at least one selected unit is on */
  longestAnyOnRun: number;
  phraseLength: number;
}

const DEFAULT_MAX_CANDIDATES = 10_000;
const CHUNK = 65_536;

/** Throw the signal's reason once it is aborted (checked between chunks of work). */
export function checkAbort(signal?: AbortSignal) {
  if (signal?.aborted) throw signal.reason ?? new DOMException('Aborted', 'AbortError');
}

/** count[t] = number of the k columns >= θ at t; cols is [T, k] row-major. */
export function countActive(
  cols: Float32Array,
  k: number,
  threshold: number,
  tick: (done: number) => void = () => {}
): Uint16Array {
  if (k > 65_535) throw new RangeError('at most 65,535 selected units');
  const T = k > 0 ? Math.floor(cols.length / k) : 0;
  const counts = new Uint16Array(T);
  for (let c0 = 0; c0 < T; c0 += CHUNK) {
    tick(c0);
    countChunk(cols, k, threshold, counts, c0, Math.min(T, c0 + CHUNK));
  }
  return counts;
}

// Hot loops live in their own functions, called per chunk: V8 optimises them once instead of
// deoptimising an on-stack-replaced loop at every chunk boundary (measured: 2-3× faster cold).
function countChunk(
  cols: Float32Array,
  k: number,
  threshold: number,
  counts: Uint16Array,
  c0: number,
  c1: number
) {
  for (let t = c0, i = c0 * k; t < c1; t++) {
    let c = 0;
    for (let j = 0; j < k; j++, i++) c += cols[i] >= threshold ? 1 : 0; // no branch to mispredict
    counts[t] = c;
  }
}

/**
 * All levels in one pass instead of LSTMVis's one pass per k: while count stays >= L, the run
 * of level L is open, so levels 1..count[t-1] are open at step t. A run is new at its level iff
 * count == L somewhere in it (otherwise the same run was found at a larger k), so `exact[L]`
 * tracks that. Within a level, runs close in start order, which the stable sorts keep.
 */
class LevelScan {
  /** [start, end, k, sharpness] per candidate, flat */
  out: number[] = [];
  runStart: Int32Array;
  exact: Uint8Array;
  perLevel: Int32Array;
  longestAnyOn = 0;
  /** levels below this can no longer be kept (see raiseFloor) */
  floor = 1;
  private p = 0; // levels 1..p are open
  private segStart = 0;
  private doc = 0;
  private nextDoc: number;
  private sharp: [number, number, number]; // sharpness = a·k - b·left - c·right
  constructor(
    private counts: Uint8Array | Uint16Array,
    private K: number,
    private docStarts: ArrayLike<number>,
    cons: MatchConstraints,
    private phraseLength: number,
    private maxCandidates: number
  ) {
    [this.runStart, this.exact] = [new Int32Array(K + 2), new Uint8Array(K + 2)];
    this.perLevel = new Int32Array(K + 2);
    this.nextDoc = docStarts.length ? docStarts[0] : counts.length;
    const [l, r] = [+cons.constrainLeft, +cons.constrainRight];
    this.sharp = [l | r, l, r];
  }

  scan(c0: number, c1: number) {
    const { counts, runStart, exact } = this;
    let p = this.p;
    for (let t = c0; t < c1; t++) {
      while (t >= this.nextDoc) {
        this.close(p, 0, t, 0);
        p = 0;
        this.segStart = this.nextDoc;
        const d = ++this.doc;
        this.nextDoc = d < this.docStarts.length ? this.docStarts[d] : counts.length;
      }
      const v = counts[t];
      if (v < p) this.close(p, v, t, v);
      else
        for (let L = p + 1; L <= v; L++) {
          runStart[L] = t;
          exact[L] = 0;
        }
      exact[v] = 1;
      p = v;
    }
    this.p = p;
  }

  finish() {
    this.close(this.p, 0, this.counts.length, 0);
  }

  /**
   * Once levels above L hold maxCandidates, LSTMVis would stop before L: stop storing L's runs.
   * Called every chunk, so only the first chunk stores runs of every level.
   */
  raiseFloor() {
    let sum = 0;
    for (let L = this.K; L > this.floor; L--)
      if ((sum += this.perLevel[L]) >= this.maxCandidates) this.floor = L;
  }

  /** Close levels from..downTo+1 at `end`; `right` is the count after the run (0 if none). */
  private close(from: number, downTo: number, end: number, right: number) {
    const [a, b, c] = this.sharp;
    for (let L = from; L > downTo; L--) {
      const s = this.runStart[L];
      const len = end - s;
      if (L === 1 && len > this.longestAnyOn) this.longestAnyOn = len;
      if (L < this.floor || !this.exact[L]) continue;
      if (this.phraseLength > 0 ? len !== this.phraseLength : len < 2) continue;
      const left = s > this.segStart ? this.counts[s - 1] : 0;
      this.out.push(s, end, L, a * L - b * left - c * right);
      this.perLevel[L]++;
    }
  }
}

/** Stable counting sort of `order` by field `f` of each candidate, descending. */
function stableSortDesc(order: Int32Array, data: number[], f: number, K: number): Int32Array {
  const start = new Int32Array(2 * K + 2); // key K - value: sharpness is in [2 - K, K]
  for (let r = 0; r < order.length; r++) start[K - data[order[r] * 4 + f] + 1]++;
  for (let b = 1; b < start.length; b++) start[b] += start[b - 1];
  const sorted = new Int32Array(order.length);
  for (let r = 0; r < order.length; r++) sorted[start[K - data[order[r] * 4 + f]]++] = order[r];
  return sorted;
}

/**
 * LSTMVis scans k = K, K-1, ... and stops after the level at which maxCandidates is reached:
 * keep those levels, order by k desc (then start), then stably by sharpness desc, and cut.
 */
function selectAndOrder(data: number[], K: number, maxCandidates: number) {
  const perLevel = new Int32Array(K + 1);
  for (let i = 2; i < data.length; i += 4) perLevel[data[i]]++;
  let lowest = K;
  let found = perLevel[K] ?? 0;
  while (lowest > 1 && found < maxCandidates) found += perLevel[--lowest];
  const kept = new Int32Array(found);
  for (let i = 0, n = 0; i < data.length / 4; i++) if (data[i * 4 + 2] >= lowest) kept[n++] = i;
  const order = stableSortDesc(stableSortDesc(kept, data, 2, K), data, 3, K);
  return { order: order.subarray(0, maxCandidates), found };
}

/**
 * Phase 1: candidate runs over the whole recording. `cols` holds the selected units' columns,
 * [T, k] row-major. Two passes over the steps, no per-step allocation.
 */
export function findCandidates(
  cols: Float32Array,
  k: number,
  threshold: number,
  opts: CandidateOptions = {}
): CandidateScan {
  const T = k > 0 ? Math.floor(cols.length / k) : 0;
  const tick = (done: number) => {
    checkAbort(opts.signal);
    opts.onProgress?.(done, 2 * T);
  };
  const counts = countActive(cols, k, threshold, tick);
  return candidatesFromCounts(counts, k, {
    ...opts,
    onProgress: opts.onProgress && ((done) => opts.onProgress!(T + done, 2 * T))
  });
}

/**
 * Phase 1 from the counts alone: counts[t] = how many of the k selected units are on at t
 * (countActive, or a sum of on-masks). One pass over the steps.
 */
export function candidatesFromCounts(
  counts: Uint8Array | Uint16Array,
  k: number,
  opts: CandidateOptions = {}
): CandidateScan {
  const cons = { constrainLeft: opts.constrainLeft ?? true, constrainRight: !!opts.constrainRight };
  const docStarts = opts.docStarts ?? [];
  const phraseLength = opts.phraseLength ?? 0;
  const maxCandidates = opts.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  const T = counts.length;
  const levels = new LevelScan(counts, k, docStarts, cons, phraseLength, maxCandidates);
  for (let c0 = 0; c0 < T; c0 += CHUNK) {
    checkAbort(opts.signal);
    opts.onProgress?.(c0, T);
    levels.raiseFloor();
    levels.scan(c0, Math.min(T, c0 + CHUNK));
  }
  levels.finish();
  checkAbort(opts.signal);
  opts.onProgress?.(T, T);
  const { out } = levels;
  const { order, found } = selectAndOrder(out, k, maxCandidates);
  const edges = new Set<number>(Array.from(docStarts));
  const candidates = Array.from(order, (i): Candidate => {
    const [start, end] = [out[i * 4], out[i * 4 + 1]];
    const [hasLeft, hasRight] = [start > 0 && !edges.has(start), end < T && !edges.has(end)];
    return { start, end, k: out[i * 4 + 2], sharpness: out[i * 4 + 3], hasLeft, hasRight };
  });
  let stepsAnyOn = 0;
  for (let t = 0; t < T; t++) if (counts[t]) stepsAnyOn++;
  const longestAnyOnRun = levels.longestAnyOn;
  return { candidates, found, selected: k, steps: T, stepsAnyOn, longestAnyOnRun, phraseLength };
}

/** Why phase 1 found nothing, for the user; null if it found something. */
export function noMatchReason(scan: CandidateScan): string | null {
  if (scan.candidates.length) return null;
  if (scan.selected === 0) return 'The selection is empty: brush a span where some units are on.';
  if (scan.steps === 0) return 'The recording has no steps.';
  const units =
    scan.selected === 1 ? 'the selected unit' : `any of the ${scan.selected} selected units`;
  if (scan.stepsAnyOn === 0) return `No match: ${units} is never ≥ θ anywhere in the recording.`;
  if (scan.longestAnyOnRun < 2)
    return `No match: there is no run of ≥2 steps (within one document) where even one selected unit is on.`;
  if (scan.phraseLength > 0)
    return `No match: no run of exactly ${scan.phraseLength} steps where selected units are on together.`;
  return 'No match was found.';
}
