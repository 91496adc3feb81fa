/**
 * One unit over a whole recording, as stored (store/codeColumn.ts: 8-bit codes with one decode per
 * segment, or float32): its value histogram — overall, per document, inside vs outside a track —
 * the steps where it is highest and lowest, and seeded random steps from value-quantile bands, so
 * a unit page shows typical behaviour as well as extremes (sae_vis / Neuronpedia dashboards,
 * OpenAI's neuron viewer). Codes are counted per segment into 256-entry tables, so a histogram costs
 * one increment per step; ranks come from columnRanks.ts. Histograms bin exactly as
 * numpy.histogram. Pure code.
 */
import { bisect } from '../bisect';
import type { Track } from './tracks';
import {
  countCodes,
  decodeColumn,
  extremes,
  forSegments,
  levelsOf,
  quantileBands,
  type Pick,
  type QuantileBand,
  type StoredColumn
} from './columnRanks';

export type { Pick, QuantileBand, StoredColumn };

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
  /** the column decoded (decodeColumn), when the caller has it already */
  values?: Float32Array;
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

export function unitProfile(col: StoredColumn, opts: ProfileOptions = {}): UnitProfile {
  const o = { ...PROFILE_DEFAULTS, ...opts };
  const T = col.length;
  const docStarts = opts.docStarts?.length ? opts.docStarts : [0];
  const vals = opts.values ?? decodeColumn(col);
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
    bands: quantileBands(col, vals, levels, o.bands, o.perBand, o.seed)
  };
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

/** A track as a split of the steps, for the inside / outside histograms. */
export interface TrackSplit {
  /** per step: 1 inside, 0 outside, 2 no value */
  split: Uint8Array;
  label: string;
}

/**
 * Inside vs outside a track: a 0/1 track's ones, a category of a categorical track, or a numeric
 * track above its median (numpy's median of its finite values).
 */
export function trackSplit(track: Track, category?: number): TrackSplit {
  const v = track.values;
  const finite = v.filter(Number.isFinite);
  const binary = track.kind === 'numeric' && finite.every((x) => x === 0 || x === 1);
  let test: (x: number) => boolean;
  let label: string;
  if (track.kind === 'categorical') {
    if (category === undefined) throw new Error(`Choose a category of "${track.name}".`);
    test = (x) => x === category;
    label = `${track.name} is ${track.categories?.[category] ?? category}`;
  } else if (binary) {
    test = (x) => x === 1;
    label = `inside “${track.name}”`;
  } else {
    const sorted = finite.sort();
    const n = sorted.length;
    const median = n ? (sorted[(n - 1) >> 1] + sorted[n >> 1]) / 2 : NaN;
    test = (x) => x > median;
    label = `${track.name} > ${+median.toPrecision(4)} (its median)`;
  }
  const split = new Uint8Array(v.length);
  for (let t = 0; t < v.length; t++) split[t] = Number.isFinite(v[t]) ? (test(v[t]) ? 1 : 0) : 2;
  return { split, label };
}
