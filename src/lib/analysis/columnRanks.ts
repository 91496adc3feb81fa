/**
 * Ranks of one unit's stored values (a column of 8-bit codes with one decode per segment, or
 * float32, as store/codeColumn.ts holds it): the distinct values with their counts, the steps
 * where the unit is highest and lowest, and seeded random steps from value-quantile bands. Ties
 * in value go to the earlier step (numpy's stable argsort). Code segments are handled through
 * 256-entry tables of their codes, so a pass costs a lookup per step. Pure code.
 */
import { bisect } from '../bisect';

/** A unit's stored values: structurally store/codeColumn.ts's CodeColumn. */
export interface StoredColumn {
  length: number;
  codes: Uint8Array | null;
  /** first step of each segment with its own decode (value = lo + code × step; step NaN: f32) */
  starts: number[];
  lo: number[];
  step: number[];
  f32: Float32Array | null;
}

export interface Pick {
  t: number;
  value: number;
}

export interface QuantileBand {
  /** ranks [from, to) of the values in ascending order */
  from: number;
  to: number;
  /** values at its lowest and highest rank */
  lo: number;
  hi: number;
  samples: Pick[];
}

/** mulberry32: a small seeded generator in [0, 1) (the fixture script has the same one). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The unit's values as the reader decodes them (NaN where a float32 store has none). */
export function decodeColumn(col: StoredColumn): Float32Array {
  const out = new Float32Array(col.length);
  forSegments(col, (s, e, lo, step) => {
    if (Number.isNaN(step)) out.set(col.f32!.subarray(s, e), s);
    else decodeRun(col.codes!, s, e, lo, step, out);
  });
  return out;
}

function decodeRun(
  codes: Uint8Array,
  s: number,
  e: number,
  lo: number,
  step: number,
  out: Float32Array
) {
  for (let t = s; t < e; t++) out[t] = lo + codes[t] * step;
}

export function forSegments(
  col: StoredColumn,
  visit: (s: number, e: number, lo: number, step: number, i: number) => void
) {
  col.starts.forEach((s, i) => {
    const e = i + 1 < col.starts.length ? col.starts[i + 1] : col.length;
    if (e > s) visit(s, e, col.lo[i], col.step[i], i);
  });
}

/** The distinct values, ascending, with how many steps hold each (and every step's value). */
export interface Levels {
  values: Float64Array;
  /** cum[j]: steps with a value below values[j]; cum[n] = all */
  cum: Float64Array;
}

/** The distinct finite values with their counts: from the code tables, or sorted float32 runs. */
export function levelsOf(col: StoredColumn, vals: Float32Array): Levels {
  // Every (segment, code) value held, with its count; float32 segments add one per step.
  const vs: number[] = [];
  const cs: number[] = [];
  const add = (v: number, count: number) => {
    vs.push(v);
    cs.push(count);
  };
  const table = new Uint32Array(256);
  forSegments(col, (s, e, lo, step) => {
    if (Number.isNaN(step)) {
      for (let t = s; t < e; t++) if (Number.isFinite(vals[t])) add(vals[t], 1);
      return;
    }
    table.fill(0);
    countCodes(col.codes!, s, e, table);
    for (let c = 0; c < 256; c++) if (table[c]) add(Math.fround(lo + c * step), table[c]);
  });
  const sorted = Float64Array.from(vs).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
  const values = sorted.slice(0, n);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < vs.length; i++) cum[bisect(values, vs[i])] += cs[i];
  for (let j = 0; j < n; j++) cum[j + 1] += cum[j];
  return { values, cum };
}

/**
 * Visit every step whose value is one of `targets` (ascending): visit(index in targets, step).
 * Code segments test a 256-entry lookup of their codes, not the value.
 */
export function forValues(
  col: StoredColumn,
  vals: Float32Array,
  targets: Float64Array,
  visit: (j: number, t: number) => void
) {
  const indexOf = (v: number) => {
    const j = bisect(targets, v) - 1;
    return j >= 0 && targets[j] === v ? j : -1;
  };
  const lut = new Int32Array(256);
  forSegments(col, (s, e, lo, step) => {
    if (Number.isNaN(step)) {
      for (let t = s; t < e; t++) {
        const j = indexOf(vals[t]);
        if (j >= 0) visit(j, t);
      }
      return;
    }
    for (let c = 0; c < 256; c++) lut[c] = indexOf(Math.fround(lo + c * step));
    const codes = col.codes!;
    for (let t = s; t < e; t++) {
      const j = lut[codes[t]];
      if (j >= 0) visit(j, t);
    }
  });
}

export function countCodes(codes: Uint8Array, s: number, e: number, table: Uint32Array) {
  for (let t = s; t < e; t++) table[codes[t]]++;
}

/**
 * The k highest (or lowest) steps at least `gap` apart: greedy over the values in order (ties:
 * earlier first). Each pick rules out fewer than 2·gap steps, so the first k·2·gap steps in that
 * order hold every pick: only they are found and sorted.
 */
export function extremes(
  vals: Float32Array,
  lv: Levels,
  k: number,
  gap: number,
  high: boolean
): Pick[] {
  const n = lv.cum[lv.values.length];
  const m = Math.min(n, k * Math.max(1, 2 * gap));
  if (m <= 0 || k <= 0) return [];
  // The value at the m-th place in the order, and how many of its ties (earliest first) make it in.
  const r = high ? n - m : m - 1;
  const j = bisect(lv.cum, r) - 1;
  const theta = lv.values[j];
  const beyond = high ? n - lv.cum[j + 1] : lv.cum[j];
  let ties = m - beyond;
  const picks: Pick[] = [];
  for (let t = 0; t < vals.length; t++) {
    const v = vals[t];
    if (high ? v > theta : v < theta) picks.push({ t, value: v });
    else if (v === theta && ties > 0) {
      ties--;
      picks.push({ t, value: v });
    }
  }
  picks.sort((a, b) => (high ? b.value - a.value : a.value - b.value) || a.t - b.t);
  const kept: Pick[] = [];
  for (const p of picks) {
    if (kept.length === k) break;
    if (kept.every((q) => Math.abs(q.t - p.t) >= gap)) kept.push(p);
  }
  return kept;
}

/**
 * `bands` bands of equal counts by value rank (ties: earlier step first), and `perBand` distinct
 * random ranks in each drawn with mulberry32(seed), band by band: the steps holding those ranks.
 */
export function quantileBands(
  col: StoredColumn,
  vals: Float32Array,
  lv: Levels,
  bands: number,
  perBand: number,
  seed: number
): QuantileBand[] {
  const n = lv.cum[lv.values.length];
  const rand = mulberry32(seed);
  const valueAt = (r: number) => lv.values[bisect(lv.cum, r) - 1];
  const picked: { band: QuantileBand; ranks: number[] }[] = [];
  const wanted = new Map<number, { offset: number; rank: number }[]>();
  for (let b = 0; b < bands; b++) {
    const from = Math.floor((b * n) / bands);
    const to = Math.floor(((b + 1) * n) / bands);
    if (to <= from) continue;
    const ranks: number[] = [];
    while (ranks.length < Math.min(perBand, to - from)) {
      const r = from + Math.floor(rand() * (to - from));
      if (!ranks.includes(r)) ranks.push(r);
    }
    ranks.sort((x, y) => x - y);
    for (const r of ranks) {
      const j = bisect(lv.cum, r) - 1;
      const list = wanted.get(lv.values[j]) ?? [];
      list.push({ offset: r - lv.cum[j], rank: r });
      wanted.set(lv.values[j], list);
    }
    picked.push({ band: { from, to, lo: valueAt(from), hi: valueAt(to - 1), samples: [] }, ranks });
  }
  // One pass: the offset-th step (in step order) holding each wanted value.
  const targets = Float64Array.from(wanted.keys()).sort();
  const lists = Array.from(targets, (v) => wanted.get(v)!);
  const seen = new Float64Array(targets.length);
  const stepOf = new Map<number, number>();
  forValues(col, vals, targets, (j, t) => {
    for (const w of lists[j]) if (w.offset === seen[j]) stepOf.set(w.rank, t);
    seen[j]++;
  });
  return picked.map(({ band, ranks }) => ({
    ...band,
    samples: ranks.map((r) => ({ t: stepOf.get(r)!, value: vals[stepOf.get(r)!] }))
  }));
}
