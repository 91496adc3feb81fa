/**
 * What a ranking needs of a unit, exactly, from its stored codes. The stored values are 8-bit
 * codes with one decode per segment (lo + code × step), so a unit takes at most 256 distinct
 * values per segment. One pass per unit (`buildUnitIndex`) sorts those (segment, code) values
 * once — equal values from different segments merged — and maps every step to its distinct
 * value. Any number of tracks then cost only their own steps: a 0/1 track touches its positive
 * steps (and each shifted copy's), a numeric track one add per step; AUC, Pearson and Spearman
 * follow from the per-value sums (unitScores.ts). No value is rounded. Pure code.
 */
import type { PreparedTarget } from './rankTarget';
import { argsortKeys, orderKey } from './sortOrder';

/** A unit over all steps as stored (structurally store/codeColumn.ts's CodeColumn). */
export interface StoredColumn {
  length: number;
  codes: Uint8Array | null;
  starts: number[];
  lo: number[];
  step: number[];
  f32: Float32Array | null;
}

/** A unit's distinct values ascending, its steps per value and part, and each step's value. */
export interface UnitIndex {
  count: number;
  value: Float64Array;
  /** steps per distinct value in the pick (0) and held-out (1) part of the document split */
  n: [Float64Array, Float64Array];
  /** each step's distinct value (0xffffffff: a value that is not finite, never counted) */
  stepValue: Uint32Array;
}

const NONE = 0xffffffff;

/** Buffers reused from unit to unit (an index is used up before the next one is built). */
export class IndexScratch {
  stepValue = new Uint32Array(0);
  values = new Float64Array(0);
  lut = new Int32Array(0);
  counts = new Uint32Array(256);
  grow(T: number, entries: number, segments: number): void {
    if (this.stepValue.length < T) this.stepValue = new Uint32Array(T);
    if (this.values.length < entries) this.values = new Float64Array(entries);
    if (this.lut.length < 256 * segments) this.lut = new Int32Array(256 * segments);
  }
}

/**
 * Index a unit's column; `docPart` gives each step's part of the held-out split (0 or 1), the
 * same for every track of a recording.
 */
export function buildUnitIndex(
  col: StoredColumn,
  docPart: Uint8Array,
  scratch = new IndexScratch()
): UnitIndex {
  const T = col.length;
  const S = col.starts.length;
  const end = (i: number) => (i + 1 < S ? col.starts[i + 1] : T);
  let floatSteps = 0;
  for (let i = 0; i < S; i++) if (Number.isNaN(col.step[i])) floatSteps += end(i) - col.starts[i];
  scratch.grow(T, 256 * S + floatSteps, S);
  // Entries: one per (segment, code) that occurs, or per step of an unquantised segment.
  const values = scratch.values;
  const lut = scratch.lut.subarray(0, 256 * S).fill(-1);
  const stepValue = scratch.stepValue.subarray(0, T);
  let n = 0;
  for (let i = 0; i < S; i++) {
    const [a, e] = [col.starts[i], end(i)];
    if (Number.isNaN(col.step[i])) {
      // The step's entry number, in place, until entries become distinct values.
      for (let t = a; t < e; t++)
        if (Number.isFinite(col.f32![t])) {
          stepValue[t] = n;
          values[n++] = col.f32![t];
        } else stepValue[t] = NONE;
      continue;
    }
    countCodes(col.codes!, a, e, scratch.counts);
    for (let c = 0; c < 256; c++)
      if (scratch.counts[c]) {
        lut[256 * i + c] = n;
        values[n++] = Math.fround(col.lo[i] + c * col.step[i]);
      }
  }
  // Sort the entries by value; equal values share one distinct index.
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = orderKey(values[i]);
  const order = argsortKeys(keys);
  const distinctOf = new Uint32Array(n);
  const value = new Float64Array(n);
  let d = -1;
  for (let j = 0; j < n; j++) {
    const i = order[j];
    if (j === 0 || keys[i] !== keys[order[j - 1]]) value[++d] = values[i];
    distinctOf[i] = d;
  }
  const count = d + 1;
  // Each step's distinct value, and the steps per value and part.
  const segLut = new Uint32Array(256);
  for (let i = 0; i < S; i++) {
    const [a, e] = [col.starts[i], end(i)];
    if (Number.isNaN(col.step[i])) {
      for (let t = a; t < e; t++)
        if (stepValue[t] !== NONE) stepValue[t] = distinctOf[stepValue[t]];
      continue;
    }
    for (let c = 0; c < 256; c++) {
      const k = lut[256 * i + c];
      segLut[c] = k >= 0 ? distinctOf[k] : NONE;
    }
    mapCodes(col.codes!, a, e, segLut, stepValue);
  }
  const parts: [Float64Array, Float64Array] = [new Float64Array(count), new Float64Array(count)];
  countParts(stepValue, docPart, parts[0], parts[1]);
  return { count, value: value.subarray(0, count), n: parts, stepValue };
}

/** Where each sum sits among a track's channels. */
export interface ChannelLayout {
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

export function channelLayout(target: PreparedTarget): ChannelLayout {
  let w = 0;
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

/** A track's sums per distinct value of a unit: channel c at ch[c][value index]. */
export interface UnitSums {
  layout: ChannelLayout;
  count: number;
  value: Float64Array;
  ch: Float64Array[];
}

/** Reusable channel arrays, so scoring thousands of units allocates once per size. */
export class SumsBuilder {
  readonly layout: ChannelLayout;
  private bufs: Float64Array[] = [];

  constructor(private target: PreparedTarget) {
    this.layout = channelLayout(target);
  }

  build(index: UnitIndex): UnitSums {
    const { target: tg, layout: L } = this;
    const D = index.count;
    if (index.stepValue.length !== tg.length)
      throw new RangeError(`column of ${index.stepValue.length} steps, track of ${tg.length}`);
    if (!this.bufs.length || this.bufs[0].length < D)
      this.bufs = Array.from({ length: L.width }, () => new Float64Array(Math.max(D, 1024)));
    const ch = this.bufs.map((b) => b.subarray(0, D).fill(0));
    const sv = index.stepValue;
    ch[L.n].set(index.n[0]);
    ch[L.n + 1].set(index.n[1]);
    // Steps the track leaves out (NaN) are taken back out of the counts.
    subtractUncounted(tg.uncounted, tg.docPart, sv, ch[L.n], ch[L.n + 1]);
    if (tg.positives) addListParts(tg.positives, tg.part, sv, ch[L.y], ch[L.y + 1]);
    else {
      addDenseParts(tg.centred, tg.part, sv, ch[L.y], ch[L.y + 1], ch[L.yy], ch[L.yy + 1]);
      addDense(tg.rankCentred, sv, ch[L.rank]);
      if (L.partRank >= 0)
        addDenseParts(tg.partRankCentred, tg.part, sv, ch[L.partRank], ch[L.partRank + 1]);
    }
    tg.shifted.forEach((z, k) =>
      z instanceof Int32Array ? addList(z, sv, ch[L.shift + k]) : addDense(z, sv, ch[L.shift + k])
    );
    tg.levels.forEach(({ steps }, j) => addList(steps, sv, ch[L.level + j]));
    return { layout: L, count: D, value: index.value, ch };
  }
}

// Hot loops, each in its own function so V8 optimises it once (see match.ts countChunk).
function countCodes(codes: Uint8Array, a: number, b: number, counts: Uint32Array) {
  counts.fill(0);
  for (let t = a; t < b; t++) counts[codes[t]]++;
}

function mapCodes(codes: Uint8Array, a: number, b: number, lut: Uint32Array, out: Uint32Array) {
  for (let t = a; t < b; t++) out[t] = lut[codes[t]];
}

function countParts(sv: Uint32Array, part: Uint8Array, n0: Float64Array, n1: Float64Array) {
  for (let t = 0; t < sv.length; t++) {
    const d = sv[t];
    if (d === NONE) continue;
    if (part[t]) n1[d]++;
    else n0[d]++;
  }
}

function subtractUncounted(
  list: Int32Array,
  docPart: Uint8Array,
  sv: Uint32Array,
  n0: Float64Array,
  n1: Float64Array
) {
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const d = sv[t];
    if (d === NONE) continue;
    if (docPart[t]) n1[d]--;
    else n0[d]--;
  }
}

function addListParts(
  list: Int32Array,
  part: Uint8Array,
  sv: Uint32Array,
  y0: Float64Array,
  y1: Float64Array
) {
  for (let i = 0; i < list.length; i++) {
    const t = list[i];
    const d = sv[t];
    if (d === NONE) continue;
    if (part[t]) y1[d]++;
    else y0[d]++;
  }
}

function addList(list: Int32Array, sv: Uint32Array, out: Float64Array) {
  for (let i = 0; i < list.length; i++) {
    const d = sv[list[i]];
    if (d !== NONE) out[d]++;
  }
}

function addDense(z: Float64Array, sv: Uint32Array, out: Float64Array) {
  for (let t = 0; t < sv.length; t++) {
    const d = sv[t];
    if (d !== NONE) out[d] += z[t];
  }
}

/** Σ z per part (and Σ z² when given sq0/sq1), over counted steps. */
function addDenseParts(
  z: Float64Array,
  part: Uint8Array,
  sv: Uint32Array,
  s0: Float64Array,
  s1: Float64Array,
  sq0?: Float64Array,
  sq1?: Float64Array
) {
  for (let t = 0; t < sv.length; t++) {
    const d = sv[t];
    const p = part[t];
    if (d === NONE || p === 2) continue;
    const y = z[t];
    if (p) {
      s1[d] += y;
      if (sq1) sq1[d] += y * y;
    } else {
      s0[d] += y;
      if (sq0) sq0[d] += y * y;
    }
  }
}
