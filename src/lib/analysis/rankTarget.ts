/**
 * What a ranking scores every unit against, prepared once for all units: the track's counted
 * steps, the pick / held-out split, the circularly shifted copies for the chance baseline, the
 * levels of a depth-like track, and the base rate and warnings the report carries.
 *
 * Held-out: with two or more documents, even-numbered documents are the pick part and odd ones
 * the held-out part; with one document, the first half of the steps against the second.
 * Chance: the track is shifted circularly over its counted steps by offsets drawn from
 * [n/10, 9n/10] (seeded), which keeps its run structure but breaks its alignment with the text.
 * Pure code.
 */
import { midRanks } from './sortOrder';
import type { Track } from './tracks';

export type RankMetric = 'auc' | 'pearson' | 'spearman';

export class RankInputError extends Error {
  override name = 'RankInputError';
}

export interface TargetOptions {
  /** what the values are, e.g. 'in string' */
  name: string;
  /** token index where each document starts (ascending; the first is 0) */
  documentStarts?: ArrayLike<number>;
  metric?: RankMetric | 'auto';
  /** also score "value > k" for each integer level (nesting depth and the like) */
  depthLike?: boolean;
  /** shifted copies for the chance baseline */
  shifts?: number;
  seed?: number;
  /** explicit chance offsets (tests, and the CLI/browser agreement check) instead of seeded ones */
  shiftOffsets?: number[];
}

export interface BaseRate {
  positiveSteps: number;
  positiveRuns: number;
  steps: number;
}

export interface HeldOutSplit {
  by: 'documents' | 'halves';
  pickSteps: number;
  heldoutSteps: number;
}

export interface PreparedTarget {
  name: string;
  binary: boolean;
  metric: RankMetric;
  /** all steps of the recording (= the track's length) */
  length: number;
  /** steps with a finite value */
  counted: number;
  /** per step: 0 = pick part, 1 = held-out part, 2 = not counted */
  part: Uint8Array;
  /** the same as runs of one part: [start, end, part] triples covering every step */
  partRuns: Int32Array;
  /** values minus their mean (0 where not counted) */
  centred: Float64Array;
  /** mid-ranks over counted steps minus their mean (0 where not counted) */
  rankCentred: Float64Array;
  /** mid-ranks within each part, minus the part's mean (0 where not counted) */
  partRankCentred: Float64Array;
  /** binary tracks: the positive steps, ascending */
  positives: Int32Array | null;
  /** per shift: the shifted metric value at each step (binary: positive step lists instead) */
  shifted: (Float64Array | Int32Array)[];
  shiftOffsets: number[];
  /** depth-like tracks: k and the steps where value > k */
  levels: { k: number; steps: Int32Array }[];
  baseRate: BaseRate | null;
  split: HeldOutSplit;
  warnings: string[];
}

const DEFAULT_SHIFTS = 10;
const MAX_LEVELS = 8;
const FEW_STEPS = 200;
const FEW_RUNS = 20;
const SHORT_TEXT = 5000;

/** The values to rank by: a track's numbers, or 1/0 for "is this category" (NaN stays NaN). */
export function trackTarget(track: Track, category?: number): Float32Array {
  if (track.kind === 'numeric') return track.values;
  if (category === undefined)
    throw new RankInputError(`Choose a category of "${track.name}" to rank by.`);
  return track.values.map((v) => (Number.isFinite(v) ? (v === category ? 1 : 0) : NaN));
}

/** A small seeded generator (mulberry32): the same seed gives the same chance offsets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function prepareTarget(values: Float32Array, opts: TargetOptions): PreparedTarget {
  const T = values.length;
  const all = new Int32Array(T);
  let n = 0;
  let binary = true;
  let [lo, hi] = [Infinity, -Infinity];
  for (let t = 0; t < T; t++) {
    const v = values[t];
    if (v - v !== 0) continue; // NaN or ±Infinity
    all[n++] = t;
    if (v !== 0 && v !== 1) binary = false;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const finite = all.subarray(0, n);
  const what = `The track "${opts.name}"`;
  if (n === 0) throw new RankInputError(`${what} has no values at any recorded step.`);
  if (lo === hi)
    throw new RankInputError(
      `${what} is ${lo} at every one of its ${n.toLocaleString('en')} steps: it cannot separate units (AUC and correlation are undefined). Choose a track that varies.`
    );
  const metric = chooseMetric(opts.metric ?? 'auto', binary, opts.name);
  const warnings: string[] = [];
  const { part, split } = splitParts(values, opts.documentStarts, warnings);

  let mean = 0;
  for (const t of finite) mean += values[t];
  mean /= n;
  const centred = new Float64Array(T);
  for (const t of finite) centred[t] = values[t] - mean;
  // Ranks are only needed for Spearman and for correlations of numeric tracks.
  const needRanks = !binary || metric !== 'auc';
  const rankCentred = new Float64Array(needRanks ? T : 0);
  if (needRanks) {
    const { ranks } = midRanks(values);
    for (const t of finite) rankCentred[t] = ranks[t] - (n + 1) / 2;
  }
  const partRankCentred =
    metric === 'spearman' ? rankWithinParts(values, part) : new Float64Array(0);

  const positives = binary ? stepsWhere(finite, (t) => values[t] === 1) : null;
  const baseRate = positives ? rateOf(positives, finite.length, warnings) : null;
  if (T < SHORT_TEXT)
    warnings.push(
      `Short recording: ${T.toLocaleString('en')} steps. Best scores over many units flatter on short texts; trust the held-out figures.`
    );

  const rand = seededRandom(opts.seed ?? 0);
  const K = opts.shifts ?? DEFAULT_SHIFTS;
  const shiftOffsets =
    opts.shiftOffsets ??
    Array.from({ length: K }, () => Math.max(1, Math.floor(n / 10 + rand() * ((8 * n) / 10))));
  const metricValue = metric === 'spearman' ? rankCentred : centred;
  const shifted = shiftOffsets.map((s) =>
    binary && metric === 'auc'
      ? stepsWhere(finite, (_, i) => values[finite[(i - s + n) % n]] === 1)
      : shiftDense(metricValue, finite, s)
  );
  const levels = opts.depthLike && !binary ? depthLevels(values, finite, lo, hi) : [];
  return {
    name: opts.name,
    binary,
    metric,
    length: T,
    counted: n,
    part,
    partRuns: runsOf(part),
    centred,
    rankCentred,
    partRankCentred,
    positives,
    shifted,
    shiftOffsets,
    levels,
    baseRate,
    split,
    warnings
  };
}

function chooseMetric(asked: RankMetric | 'auto', binary: boolean, name: string): RankMetric {
  if (asked === 'auto') return binary ? 'auc' : 'pearson';
  if (asked === 'auc' && !binary)
    throw new RankInputError(
      `AUC needs a binary (0/1) track, and "${name}" has other values. Use the Pearson or Spearman metric, or a binary track.`
    );
  return asked;
}

function splitParts(
  values: Float32Array,
  docStarts: ArrayLike<number> | undefined,
  warnings: string[]
): { part: Uint8Array; split: HeldOutSplit } {
  const T = values.length;
  const part = new Uint8Array(T);
  const starts = Array.from(docStarts ?? [0]).filter((s) => s > 0 && s < T);
  const byDocs = starts.length >= 1;
  if (byDocs) {
    let p = 0;
    for (let d = 0, t = 0; d <= starts.length; d++, p ^= 1) {
      const end = d < starts.length ? starts[d] : T;
      part.fill(p, t, end);
      t = end;
    }
  } else {
    part.fill(1, Math.floor(T / 2));
    warnings.push(
      'One document only: units are picked on the first half of the steps and held out on the second.'
    );
  }
  let [pickSteps, heldoutSteps] = [0, 0];
  for (let t = 0; t < T; t++) {
    if (!Number.isFinite(values[t])) part[t] = 2;
    else if (part[t] === 0) pickSteps++;
    else heldoutSteps++;
  }
  return { part, split: { by: byDocs ? 'documents' : 'halves', pickSteps, heldoutSteps } };
}

function rankWithinParts(values: Float32Array, part: Uint8Array): Float64Array {
  const out = new Float64Array(values.length);
  for (const p of [0, 1]) {
    const sub = new Float32Array(values.length);
    for (let t = 0; t < values.length; t++) sub[t] = part[t] === p ? values[t] : NaN;
    const { ranks, count } = midRanks(sub);
    for (let t = 0; t < values.length; t++) if (part[t] === p) out[t] = ranks[t] - (count + 1) / 2;
  }
  return out;
}

function stepsWhere(finite: Int32Array, keep: (t: number, i: number) => boolean): Int32Array {
  const out = new Int32Array(finite.length);
  let k = 0;
  for (let i = 0; i < finite.length; i++) if (keep(finite[i], i)) out[k++] = finite[i];
  return out.slice(0, k);
}

/** [start, end, part] for each run of steps in the same part. */
function runsOf(part: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let t = 0; t < part.length;) {
    let e = t + 1;
    while (e < part.length && part[e] === part[t]) e++;
    out.push(t, e, part[t]);
    t = e;
  }
  return Int32Array.from(out);
}

/** The value of counted step i − s (circularly, over counted steps) at counted step i. */
function shiftDense(v: Float64Array, finite: Int32Array, s: number): Float64Array {
  const out = new Float64Array(v.length);
  const n = finite.length;
  for (let i = 0; i < n; i++) out[finite[i]] = v[finite[(i - s + n) % n]];
  return out;
}

function rateOf(positives: Int32Array, steps: number, warnings: string[]): BaseRate {
  let runs = 0;
  for (let i = 0; i < positives.length; i++)
    if (i === 0 || positives[i] !== positives[i - 1] + 1) runs++;
  const negatives = steps - positives.length;
  const few = Math.min(positives.length, negatives);
  const side = positives.length <= negatives ? 'positive' : 'negative';
  if (few < FEW_STEPS || runs < FEW_RUNS)
    warnings.push(
      `Few examples: ${few.toLocaleString('en')} ${side} steps in ${runs.toLocaleString('en')} runs (under ${FEW_STEPS} steps or ${FEW_RUNS} runs). Scores on so few runs vary a lot from text to text.`
    );
  return { positiveSteps: positives.length, positiveRuns: runs, steps };
}

function depthLevels(values: Float32Array, finite: Int32Array, lo: number, hi: number) {
  const levels: { k: number; steps: Int32Array }[] = [];
  for (let k = Math.floor(lo); k < hi && levels.length < MAX_LEVELS; k++) {
    const steps = stepsWhere(finite, (t) => values[t] > k);
    if (steps.length > 0 && steps.length < finite.length) levels.push({ k, steps });
  }
  return levels;
}
