/**
 * One unit over a whole recording, as stored (store/codeColumn.ts: 8-bit codes with one decode per
 * segment, or float32): its value histogram — overall, per document, inside vs outside a track —
 * the steps where it is highest and lowest, and seeded random steps from value-quantile bands, so
 * a unit page shows typical behaviour as well as extremes (sae_vis / Neuronpedia dashboards,
 * OpenAI's neuron viewer). Codes are counted per segment into 256-entry tables, so a histogram costs
 * one increment per step; ranks are resolved on the distinct stored values. Ties in value go to
 * the earlier step (numpy's stable argsort). Histograms bin exactly as numpy.histogram. Pure code.
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

export interface ProfileOptions {
  bins?: number;
  /** token index where each document starts (default: one document) */
  docStarts?: number[];
  /** documents that get their own histogram (indices into docStarts); default pickDocuments */
  docs?: number[];
  /** per step: 1 inside the chosen track, 0 outside, anything else left out; null: no split */
  split?: Uint8Array | null;
  /** highest and lowest steps to find */
  k?: number;
  /** extreme steps at least this many steps apart, so one burst does not fill the list */
  gap?: number;
  bands?: number;
  perBand?: number;
  seed?: number;
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

export interface DocumentHistogram {
  doc: number;
  start: number;
  steps: number;
  counts: number[];
}

export interface UnitProfile {
  /** steps with a finite value */
  steps: number;
  /** steps without one (float32 stores only) */
  missing: number;
  constant: boolean;
  min: number;
  max: number;
  mean: number;
  /** population standard deviation */
  std: number;
  median: number;
  /** bins + 1 edges over [min, max], shared by every histogram */
  edges: number[];
  overall: number[];
  documents: DocumentHistogram[];
  split: { inside: number[]; outside: number[]; nIn: number; nOut: number } | null;
  top: Pick[];
  bottom: Pick[];
  bands: QuantileBand[];
  seed: number;
}

export const PROFILE_DEFAULTS = { bins: 50, k: 10, gap: 20, bands: 5, perBand: 3, seed: 1 };

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

function forSegments(
  col: StoredColumn,
  visit: (s: number, e: number, lo: number, step: number, i: number) => void
) {
  col.starts.forEach((s, i) => {
    const e = i + 1 < col.starts.length ? col.starts[i + 1] : col.length;
    if (e > s) visit(s, e, col.lo[i], col.step[i], i);
  });
}

/** Documents to draw: all when at most `max` have steps, else the `max` largest (ties: earlier). */
export function pickDocuments(docStarts: number[], steps: number, max = 12): number[] {
  const sizes = docStarts.map((s, d) =>
    Math.max(0, Math.min(steps, docStarts[d + 1] ?? steps) - s)
  );
  const docs = sizes.map((_, d) => d).filter((d) => sizes[d] > 0);
  return docs.length <= max
    ? docs
    : docs.sort((a, b) => sizes[b] - sizes[a] || a - b).slice(0, max);
}

/** Equal-width bins over [lo, hi], assigned exactly as numpy.histogram does (float64). */
export function binner(lo: number, hi: number, bins: number) {
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * width + lo);
  edges[bins] = hi;
  const norm = bins / (hi - lo);
  const bin = (v: number): number => {
    let i = Math.trunc((v - lo) * norm);
    if (i === bins) i--;
    if (v < edges[i]) i--;
    else if (i !== bins - 1 && v >= edges[i + 1]) i++;
    return i;
  };
  return { edges, bin };
}

/** The distinct values, ascending, with how many steps hold each (and every step's value). */
interface Levels {
  values: Float64Array;
  /** cum[j]: steps with a value below values[j]; cum[n] = all */
  cum: Float64Array;
}

export function unitProfile(col: StoredColumn, opts: ProfileOptions = {}): UnitProfile {
  const o = { ...PROFILE_DEFAULTS, ...opts };
  const T = col.length;
  const docStarts = opts.docStarts?.length ? opts.docStarts : [0];
  const vals = decodeColumn(col);
  const levels = levelsOf(col, vals);
  const n = levels.cum[levels.values.length];
  const base = { missing: T - n, seed: o.seed, documents: [], split: null };
  const empty = { top: [], bottom: [], bands: [] };
  if (n === 0)
    return {
      ...base,
      ...empty,
      steps: 0,
      constant: false,
      ...{ min: NaN, max: NaN, mean: NaN, std: NaN, median: NaN, edges: [], overall: [] }
    };
  const valueAt = (r: number) => levels.values[bisect(levels.cum, r) - 1];
  const [min, max] = [levels.values[0], levels.values[levels.values.length - 1]];
  let sum = 0;
  for (let j = 0; j < levels.values.length; j++)
    sum += levels.values[j] * (levels.cum[j + 1] - levels.cum[j]);
  const mean = sum / n;
  let ss = 0;
  for (let j = 0; j < levels.values.length; j++)
    ss += (levels.cum[j + 1] - levels.cum[j]) * (levels.values[j] - mean) ** 2;
  const stats = {
    steps: n,
    min,
    max,
    mean,
    std: Math.sqrt(ss / n),
    median: (valueAt(Math.floor((n - 1) / 2)) + valueAt(Math.ceil((n - 1) / 2))) / 2
  };
  if (min === max)
    return { ...base, ...empty, ...stats, constant: true, edges: [min, max], overall: [n] };
  const hist = histograms(col, vals, min, max, o.bins, docStarts, opts.docs, opts.split ?? null);
  return {
    ...base,
    ...stats,
    constant: false,
    ...hist,
    top: extremes(vals, levels, o.k, o.gap, true),
    bottom: extremes(vals, levels, o.k, o.gap, false),
    bands: quantileBands(vals, levels, o.bands, o.perBand, o.seed)
  };
}

/** The distinct finite values with their counts: from the code tables, or sorted float32 runs. */
function levelsOf(col: StoredColumn, vals: Float32Array): Levels {
  const counted = new Map<number, number>();
  const floats: number[] = [];
  const table = new Uint32Array(256);
  forSegments(col, (s, e, lo, step) => {
    if (Number.isNaN(step)) {
      for (let t = s; t < e; t++) if (Number.isFinite(vals[t])) floats.push(vals[t]);
      return;
    }
    table.fill(0);
    countCodes(col.codes!, s, e, table);
    for (let c = 0; c < 256; c++)
      if (table[c]) {
        const v = Math.fround(lo + c * step);
        counted.set(v, (counted.get(v) ?? 0) + table[c]);
      }
  });
  for (const v of Float32Array.from(floats).sort()) counted.set(v, (counted.get(v) ?? 0) + 1);
  const values = Float64Array.from(counted.keys()).sort();
  const cum = new Float64Array(values.length + 1);
  values.forEach((v, j) => (cum[j + 1] = cum[j] + counted.get(v)!));
  return { values, cum };
}

function countCodes(codes: Uint8Array, s: number, e: number, table: Uint32Array) {
  for (let t = s; t < e; t++) table[codes[t]]++;
}

/** Overall, per-document and inside/outside histograms on shared edges over [min, max]. */
function histograms(
  col: StoredColumn,
  vals: Float32Array,
  min: number,
  max: number,
  bins: number,
  docStarts: number[],
  docs: number[] | undefined,
  split: Uint8Array | null
) {
  const T = col.length;
  const { edges, bin } = binner(min, max, bins);
  const overall = new Array<number>(bins).fill(0);
  const chosen = docs ?? pickDocuments(docStarts, T);
  const documents: DocumentHistogram[] = chosen.map((doc) => {
    const start = docStarts[doc];
    const end = Math.min(T, docStarts[doc + 1] ?? T);
    return { doc, start, steps: Math.max(0, end - start), counts: new Array(bins).fill(0) };
  });
  const byDoc = new Map(documents.map((d) => [d.doc, d.counts]));
  const inside = new Array<number>(bins).fill(0);
  const outside = new Array<number>(bins).fill(0);
  const tables = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  // Pieces: a segment's steps within one document (both have one decode / one histogram).
  forSegments(col, (s, e, lo, step) => {
    let d = Math.max(0, bisect(docStarts, s) - 1);
    for (let a = s; a < e; d++) {
      const b = Math.min(e, docStarts[d + 1] ?? e);
      const docCounts = byDoc.get(d);
      const add = (k: number, count: number) => {
        overall[k] += count;
        if (docCounts) docCounts[k] += count;
      };
      if (Number.isNaN(step)) {
        for (let t = a; t < b; t++) {
          const v = vals[t];
          if (!Number.isFinite(v)) continue;
          const k = bin(v);
          add(k, 1);
          if (split?.[t] === 1) inside[k]++;
          else if (split?.[t] === 0) outside[k]++;
        }
      } else {
        tables.forEach((x) => x.fill(0));
        if (split) countSplit(col.codes!, split, a, b, tables[0], tables[1], tables[2]);
        else countCodes(col.codes!, a, b, tables[0]);
        for (let c = 0; c < 256; c++) {
          if (!tables[0][c]) continue;
          const k = bin(Math.fround(lo + c * step));
          add(k, tables[0][c]);
          inside[k] += tables[1][c];
          outside[k] += tables[2][c];
        }
      }
      a = b;
    }
  });
  const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  return {
    edges,
    overall,
    documents,
    split: split ? { inside, outside, nIn: sum(inside), nOut: sum(outside) } : null
  };
}

function countSplit(
  codes: Uint8Array,
  split: Uint8Array,
  s: number,
  e: number,
  all: Uint32Array,
  inside: Uint32Array,
  outside: Uint32Array
) {
  for (let t = s; t < e; t++) {
    const c = codes[t];
    all[c]++;
    const m = split[t];
    if (m === 1) inside[c]++;
    else if (m === 0) outside[c]++;
  }
}

/**
 * The k highest (or lowest) steps at least `gap` apart: greedy over the values in order (ties:
 * earlier first). Each pick rules out fewer than 2·gap steps, so the first k·2·gap steps in that
 * order hold every pick: only they are found and sorted.
 */
function extremes(vals: Float32Array, lv: Levels, k: number, gap: number, high: boolean): Pick[] {
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
function quantileBands(
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
  const stepOf = new Map<number, number>();
  const seen = new Map<number, number>();
  for (let t = 0; t < vals.length; t++) {
    const list = wanted.get(vals[t]);
    if (!list) continue;
    const i = seen.get(vals[t]) ?? 0;
    seen.set(vals[t], i + 1);
    for (const w of list) if (w.offset === i) stepOf.set(w.rank, t);
  }
  return picked.map(({ band, ranks }) => ({
    ...band,
    samples: ranks.map((r) => ({ t: stepOf.get(r)!, value: vals[stepOf.get(r)!] }))
  }));
}
