/**
 * One pass over a unit's stored codes that keeps everything a ranking needs, exactly: the
 * stored values are 8-bit codes with one decode per segment (lo + code × step), so the unit
 * takes at most 256 distinct values per segment. For each (segment, code) the pass sums, per
 * part, the steps, the track's positives (binary) or its centred values, squares and ranks
 * (numeric), and the same for each shifted copy of the track and each depth level. AUC, Pearson
 * and Spearman then follow from these entries sorted by value (unitScores.ts) — no step is
 * visited twice and no value is rounded. Pure code.
 */
import type { PreparedTarget } from './rankTarget';

/** A unit over all steps as stored (structurally store/codeColumn.ts's CodeColumn). */
export interface StoredColumn {
  length: number;
  codes: Uint8Array | null;
  starts: number[];
  lo: number[];
  step: number[];
  f32: Float32Array | null;
}

/** Where each sum sits in an entry's row (column 0 is the value). */
export interface EntryLayout {
  width: number;
  /** steps, per part (+0, +1) */
  n: number;
  /** binary: positives per part; numeric: Σ centred value per part */
  y: number;
  /** numeric: Σ centred value², per part */
  yy: number;
  /** numeric: Σ centred whole-recording rank */
  rank: number;
  /** numeric with the Spearman metric: Σ centred within-part rank, per part */
  partRank: number;
  /** one per shifted copy */
  shift: number;
  /** one per depth level */
  level: number;
}

export function entryLayout(target: PreparedTarget): EntryLayout {
  let w = 1;
  const take = (k: number) => ((w += k), w - k);
  const numeric = !target.binary;
  const n = take(2);
  const y = take(2);
  const yy = numeric ? take(2) : -1;
  const rank = numeric ? take(1) : -1;
  const partRank = numeric && target.metric === 'spearman' ? take(2) : -1;
  const shift = take(target.shifted.length);
  const level = take(target.levels.length);
  return { width: w, n, y, yy, rank, partRank, shift, level };
}

/** Entries of a unit: `count` rows of `layout.width` sums, in segment order (not sorted). */
export interface UnitEntries {
  layout: EntryLayout;
  count: number;
  data: Float64Array;
}

/** Reusable scratch so scoring a thousand units allocates once. */
export class EntryBuilder {
  readonly layout: EntryLayout;
  private acc: Float64Array;
  private data = new Float64Array(0);
  private count = 0;
  private counts = new Uint32Array(256);

  constructor(private target: PreparedTarget) {
    this.layout = entryLayout(target);
    this.acc = new Float64Array(256 * this.layout.width);
  }

  build(col: StoredColumn): UnitEntries {
    if (col.length !== this.target.length)
      throw new RangeError(`column of ${col.length} steps, track of ${this.target.length}`);
    this.count = 0;
    col.starts.forEach((s, i) => {
      const e = i + 1 < col.starts.length ? col.starts[i + 1] : col.length;
      if (Number.isNaN(col.step[i])) this.floatSegment(col.f32!, s, e);
      else this.codeSegment(col.codes!, s, e, col.lo[i], col.step[i]);
    });
    return {
      layout: this.layout,
      count: this.count,
      data: this.data.subarray(0, this.count * this.layout.width)
    };
  }

  private codeSegment(codes: Uint8Array, a: number, b: number, lo: number, step: number) {
    const { acc, target: tg, layout: L } = this;
    const W = L.width;
    acc.fill(0);
    // Runs of one part within [a, b): the hot loops then need no per-step part test.
    const runs = tg.partRuns;
    for (let i = firstRun(runs, a); i < runs.length && runs[i] < b; i += 3) {
      const [s, e, p] = [Math.max(a, runs[i]), Math.min(b, runs[i + 1]), runs[i + 2]];
      if (p === 2) continue;
      countCodes(codes, s, e, this.counts);
      for (let c = 0; c < 256; c++) acc[c * W + L.n + p] += this.counts[c];
      if (!tg.positives) {
        addDense(tg.centred, codes, s, e, acc, W, L.y + p);
        addSquares(tg.centred, codes, s, e, acc, W, L.yy + p);
        addDense(tg.rankCentred, codes, s, e, acc, W, L.rank);
        if (L.partRank >= 0) addDense(tg.partRankCentred, codes, s, e, acc, W, L.partRank + p);
      }
    }
    if (tg.positives) addListParts(tg.positives, codes, tg.part, a, b, acc, W, L.y);
    tg.shifted.forEach((z, k) =>
      z instanceof Int32Array
        ? addList(z, codes, a, b, acc, W, L.shift + k)
        : addDense(z, codes, a, b, acc, W, L.shift + k)
    );
    tg.levels.forEach(({ steps }, j) => addList(steps, codes, a, b, acc, W, L.level + j));
    this.reserve(256);
    const data = this.data;
    for (let c = 0; c < 256; c++) {
      const row = c * W;
      if (acc[row + L.n] + acc[row + L.n + 1] === 0) continue;
      acc[row] = Math.fround(lo + c * step);
      const to = this.count++ * W;
      for (let k = 0; k < W; k++) data[to + k] = acc[row + k];
    }
  }

  /** Unquantised values (float32 Zarr stores): one entry per step. */
  private floatSegment(f32: Float32Array, a: number, b: number) {
    const { acc, target: tg, layout: L } = this;
    const W = L.width;
    for (let t = a; t < b; t++) {
      if (tg.part[t] === 2 || !Number.isFinite(f32[t])) continue;
      acc.fill(0, 0, W);
      accumulateStep(tg, L, acc, t);
      acc[0] = f32[t];
      this.push(acc, 0);
    }
  }

  private push(src: Float64Array, row: number) {
    const W = this.layout.width;
    this.reserve(1);
    this.data.set(src.subarray(row, row + W), this.count * W);
    this.count++;
  }

  /** Room for `more` entries. */
  private reserve(more: number) {
    const W = this.layout.width;
    if ((this.count + more) * W <= this.data.length) return;
    const grown = new Float64Array(
      Math.max(1024 * W, this.data.length * 2, (this.count + more) * W)
    );
    grown.set(this.data.subarray(0, this.count * W));
    this.data = grown;
  }
}

/** All sums of one step into row 0 of acc (float segments). */
function accumulateStep(tg: PreparedTarget, L: EntryLayout, acc: Float64Array, t: number) {
  const p = tg.part[t];
  acc[L.n + p] = 1;
  if (tg.positives) acc[L.y + p] = has(tg.positives, t) ? 1 : 0;
  else {
    const y = tg.centred[t];
    acc[L.y + p] = y;
    acc[L.yy + p] = y * y;
    acc[L.rank] = tg.rankCentred[t];
    if (L.partRank >= 0) acc[L.partRank + p] = tg.partRankCentred[t];
  }
  tg.shifted.forEach((z, k) => {
    acc[L.shift + k] = z instanceof Int32Array ? (has(z, t) ? 1 : 0) : z[t];
  });
  tg.levels.forEach(({ steps }, j) => (acc[L.level + j] = has(steps, t) ? 1 : 0));
}

/** First index of a sorted list whose value is ≥ t. */
function lowerBound(list: Int32Array, t: number): number {
  let [lo, hi] = [0, list.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function has(list: Int32Array, t: number): boolean {
  const i = lowerBound(list, t);
  return i < list.length && list[i] === t;
}

/** Index (a multiple of 3) of the first [start, end, part] run that ends after step a. */
function firstRun(runs: Int32Array, a: number): number {
  let [lo, hi] = [0, runs.length / 3];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid * 3 + 1] <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo * 3;
}

// Hot loops, each in its own function so V8 optimises it once (see match.ts countChunk).
function countCodes(codes: Uint8Array, a: number, b: number, counts: Uint32Array) {
  counts.fill(0);
  for (let t = a; t < b; t++) counts[codes[t]]++;
}

function addSquares(
  z: Float64Array,
  codes: Uint8Array,
  a: number,
  b: number,
  acc: Float64Array,
  W: number,
  at: number
) {
  for (let t = a; t < b; t++) {
    const y = z[t];
    acc[codes[t] * W + at] += y * y;
  }
}

function addListParts(
  list: Int32Array,
  codes: Uint8Array,
  part: Uint8Array,
  a: number,
  b: number,
  acc: Float64Array,
  W: number,
  at: number
) {
  for (let i = lowerBound(list, a); i < list.length && list[i] < b; i++) {
    const t = list[i];
    acc[codes[t] * W + at + part[t]] += 1;
  }
}

function addList(
  list: Int32Array,
  codes: Uint8Array,
  a: number,
  b: number,
  acc: Float64Array,
  W: number,
  at: number
) {
  for (let i = lowerBound(list, a); i < list.length && list[i] < b; i++)
    acc[codes[list[i]] * W + at] += 1;
}

function addDense(
  z: Float64Array,
  codes: Uint8Array,
  a: number,
  b: number,
  acc: Float64Array,
  W: number,
  at: number
) {
  for (let t = a; t < b; t++) acc[codes[t] * W + at] += z[t];
}
