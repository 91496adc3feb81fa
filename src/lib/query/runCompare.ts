/**
 * Two streams compared over the same steps (two recordings of one corpus, or two streams of one
 * recording): linear CKA of every stream pair (a streams(A) × streams(B) matrix), and for the
 * chosen pair every unit's r with every other, units matched one-to-one (Hungarian on |r| of the
 * pick part, r reported on the held-out part), each unit's best counterpart, and a chance
 * reference: the same with B circularly shifted. Runs in the query worker (or in Node).
 *
 * Steps: a recording of at most `maxSteps` steps is read whole; a longer one through a seeded
 * uniform sample of `maxSteps` steps (analysis/stepSample.ts). The matrix uses as many of those
 * steps (evenly thinned) as keep it under MATRIX_MACS multiply-adds and MATRIX_BYTES of rows.
 */
import { ckaFromNorms, gramNormSq } from '../analysis/cka';
import { centreColumns, sumSquares } from '../analysis/crossProducts';
import { PairAccumulator } from '../analysis/pairStats';
import { splitOfDocuments } from '../analysis/rankTarget';
import { chanceShift, sampleSteps, thinSteps } from '../analysis/stepSample';
import { bestCounterparts, correlations } from '../analysis/unitCorrelation';
import { assignUnits } from '../analysis/unitMatching';
import type { RecordingReader } from '../store/reader';
import { gatherRows, gatherRowsAt } from './gatherRows';
import { addCross } from '../analysis/crossProducts';

export const DEFAULT_MAX_STEPS = 8_000;
export const DEFAULT_SEED = 1;
const MATRIX_MACS = 1e9;
const MATRIX_BYTES = 64e6;
/** Rows per block of work between progress reports (and chances to cancel). */
const BLOCK = 256;

export interface CompareRequest {
  streamA: string;
  streamB: string;
  maxSteps?: number;
  seed?: number;
}

export interface CompareProgress {
  phase: 'read' | 'matrix' | 'pair';
  /** 0..1 over the whole job */
  fraction: number;
}

export interface ComparePair {
  a: number;
  b: number;
  /** r over all sampled steps, the pick part (matched on) and the held-out part; null: constant */
  r: number | null;
  rPick: number | null;
  rHeld: number | null;
}

export interface CompareResult {
  /** steps in the recordings, and how many were read (sampled with `seed` when fewer) */
  steps: number;
  sampled: number;
  seed: number;
  matrix: { streamsA: string[]; streamsB: string[]; cka: (number | null)[]; steps: number };
  streamA: string;
  streamB: string;
  unitsA: number;
  unitsB: number;
  cka: number | null;
  /** CKA with B circularly shifted by chance.shift steps */
  chanceCka: number | null;
  parts: { pick: number; held: number; byDocuments: boolean };
  /** one-to-one, by A unit */
  pairs: ComparePair[];
  /** each unit's largest |r| with any unit of the other side (NaN, index −1: constant unit) */
  bestA: Float32Array;
  argBestA: Int32Array;
  bestB: Float32Array;
  argBestB: Int32Array;
  chance: { shift: number; bestA: Float32Array; p95: number; max: number };
  ms: number;
}

/** Rows [n, u] taken in the given order. */
function inOrder(rows: Float32Array, order: Int32Array, u: number): Float32Array {
  const out = new Float32Array(rows.length);
  order.forEach((k, i) => out.set(rows.subarray(k * u, (k + 1) * u), i * u));
  return out;
}

const cancelled = () => new DOMException('The comparison was cancelled.', 'AbortError');
const nullIfNaN = (v: number) => (v === v ? v : null);

export async function runCompare(
  a: RecordingReader,
  b: RecordingReader,
  req: CompareRequest,
  opts: { onProgress?: (p: CompareProgress) => void; signal?: AbortSignal } = {}
): Promise<CompareResult> {
  const started = performance.now();
  const T = a.length;
  if (b.length !== T) throw new Error(`The recordings have ${T} and ${b.length} steps.`);
  const seed = req.seed ?? DEFAULT_SEED;
  const steps = sampleSteps(T, req.maxSteps ?? DEFAULT_MAX_STEPS, seed);
  const n = steps.length;
  const p = a.units(req.streamA);
  const q = b.units(req.streamB);
  const same = a === b; // two streams of one recording: read and centre each stream once
  const streamsA = a.recording.streams.map((s) => s.id);
  const streamsB = b.recording.streams.map((s) => s.id);

  // Work, in multiply-adds, to weigh progress: rows read count as one per value.
  const unitsOf = (r: RecordingReader, ids: string[]) => ids.map((s) => r.units(s));
  const ua = unitsOf(a, streamsA);
  const ub = unitsOf(b, streamsB);
  const perStep =
    ua.reduce((t, u) => t + (u * u) / 2, 0) +
    (same ? 0 : ub.reduce((t, u) => t + (u * u) / 2, 0)) +
    ua.reduce((t, x) => t + ub.reduce((s, y) => s + x * y, 0), 0);
  const held = (same ? ua : [...ua, ...ub]).reduce((t, u) => t + u, 0);
  const m = Math.max(
    Math.min(n, 2),
    Math.min(n, Math.floor(MATRIX_MACS / perStep), Math.floor(MATRIX_BYTES / (8 * held)))
  );
  const matrixSteps = thinSteps(steps, m);
  // which sampled rows those are (thinSteps picks rows ⌊i·n/m⌋)
  const thinned = Uint32Array.from({ length: m }, (_, i) => (m < n ? Math.floor((i * n) / m) : i));
  const pairWork = n * (p * q * 2 + (p * p + q * q) / 2 + (q * q) / 2);
  const readWork = (n * (p + 2 * q) + m * (held - p - q)) * 4;
  const total = readWork + m * perStep + pairWork;
  let done = 0;
  const report = async (phase: CompareProgress['phase'], work: number) => {
    done += work;
    opts.onProgress?.({ phase, fraction: Math.min(1, done / total) });
    await new Promise((r) => setTimeout(r, 0)); // let a cancel through
    if (opts.signal?.aborted) throw cancelled();
  };

  // The chosen pair's rows at every sampled step, read first: the matrix takes its rows from them.
  const rowsA = await gatherRows(a, req.streamA, steps);
  await report('read', n * p * 4);
  const rowsB =
    same && req.streamB === req.streamA ? rowsA : await gatherRows(b, req.streamB, steps);
  await report('read', n * q * 4);
  const matrixRows = async (reader: RecordingReader, stream: string, u: number) => {
    const have =
      stream === req.streamA && reader === a
        ? rowsA
        : stream === req.streamB && reader === b
          ? rowsB
          : null;
    if (have) {
      const out = new Float32Array(m * u);
      thinned.forEach((k, i) => out.set(have.subarray(k * u, (k + 1) * u), i * u));
      return out;
    }
    const rows = await gatherRows(reader, stream, matrixSteps);
    await report('read', m * u * 4);
    return rows;
  };

  // 1. The matrix: each stream's Gram norm, then every pair's cross product.
  const centredA = new Map<string, Float64Array>();
  const centredB = new Map<string, Float64Array>();
  const gramA = new Map<string, number>();
  const gramB = new Map<string, number>();
  const sides = [[a, streamsA, centredA, gramA] as const, [b, streamsB, centredB, gramB] as const];
  for (const [reader, ids, centred, gram] of same ? sides.slice(0, 1) : sides) {
    for (const s of ids) {
      const u = reader.units(s);
      const X = centreColumns(await matrixRows(reader, s, u), m, u);
      centred.set(s, X);
      gram.set(s, gramNormSq(X, m, u));
      await report('matrix', (m * u * u) / 2);
    }
  }
  const cbs = same ? centredA : centredB;
  const gbs = same ? gramA : gramB;
  const matrix: (number | null)[] = [];
  for (const sa of streamsA)
    for (const sb of streamsB) {
      const pa = a.units(sa);
      const qb = b.units(sb);
      const cross = new Float64Array(pa * qb);
      addCross(centredA.get(sa)!, pa, cbs.get(sb)!, qb, 0, m, cross);
      matrix.push(ckaFromNorms(sumSquares(cross), gramA.get(sa)!, gbs.get(sb)!));
      await report('matrix', m * pa * qb);
    }
  centredA.clear();
  centredB.clear();

  // 2. The chosen pair over all sampled steps: rows ordered pick part first, then held-out.
  const docStarts = a.recording.documents.map((d) => d.start);
  const split = splitOfDocuments(T, docStarts);
  const order = Int32Array.from([
    ...Array.from(steps.keys()).filter((i) => split[steps[i]] === 0),
    ...Array.from(steps.keys()).filter((i) => split[steps[i]] === 1)
  ]);
  const n0 = order.findIndex((i) => split[steps[i]] === 1);
  const pick = n0 < 0 ? n : n0;
  const ordered = Uint32Array.from(order, (i) => steps[i]);
  const shift = chanceShift(T, seed);
  const shifted = ordered.map((t) => (t + shift) % T);
  const rowsShift = await gatherRowsAt(b, req.streamB, shifted);
  await report('read', n * q * 4);
  const X = centreColumns(inOrder(rowsA, order, p), n, p);
  const Y = centreColumns(inOrder(rowsB, order, q), n, q);
  const Ys = centreColumns(rowsShift, n, q);
  const acc = new PairAccumulator(X, p, Y, q, n, pick);
  const chanceAcc = new PairAccumulator(X, p, Ys, q, n, n, false);
  for (let r = 0; r < n; r += BLOCK) {
    const r1 = Math.min(n, r + BLOCK);
    acc.add(r, r1);
    chanceAcc.add(r, r1);
    await report('pair', (r1 - r) * (p * q * 2 + (p * p + q * q) / 2));
  }
  const stats = acc.finish();
  const chanceStats = chanceAcc.finish();
  const gramShift = gramNormSq(Ys, n, q);
  await report('pair', (n * q * q) / 2);

  const r = correlations(stats.sxy, stats.vx, stats.vy, n);
  const [pp, hp] = stats.parts;
  const rPick = correlations(pp.sxy, pp.vx, pp.vy, pp.n);
  const rHeld = correlations(hp.sxy, hp.vx, hp.vy, hp.n);
  const pairs = assignUnits(rPick, p, q).map(([i, j]) => ({
    a: i,
    b: j,
    r: nullIfNaN(r[i * q + j]),
    rPick: nullIfNaN(rPick[i * q + j]),
    rHeld: nullIfNaN(rHeld[i * q + j])
  }));
  const best = bestCounterparts(r, p, q);
  const rChance = correlations(chanceStats.sxy, chanceStats.vx, chanceStats.vy, n);
  const chanceBest = bestCounterparts(rChance, p, q).bestA;
  const defined = Array.from(chanceBest)
    .filter((_, i) => best.argA[i] >= 0)
    .sort((x, y) => x - y);
  const quantile = (f: number) =>
    defined.length ? defined[Math.min(defined.length - 1, Math.floor(f * defined.length))] : NaN;
  const nanWhere = (v: Float64Array, arg: Int32Array) =>
    Float32Array.from(v, (x, i) => (arg[i] < 0 ? NaN : x));
  return {
    steps: T,
    sampled: n,
    seed,
    matrix: { streamsA, streamsB, cka: matrix, steps: m },
    streamA: req.streamA,
    streamB: req.streamB,
    unitsA: p,
    unitsB: q,
    cka: ckaFromNorms(sumSquares(stats.sxy), stats.gramXSq, stats.gramYSq),
    chanceCka: ckaFromNorms(sumSquares(chanceStats.sxy), stats.gramXSq, gramShift),
    parts: { pick, held: n - pick, byDocuments: docStarts.some((s) => s > 0 && s < T) },
    pairs,
    bestA: nanWhere(best.bestA, best.argA),
    argBestA: best.argA,
    bestB: nanWhere(best.bestB, best.argB),
    argBestB: best.argB,
    chance: {
      shift,
      bestA: nanWhere(chanceBest, best.argA),
      p95: quantile(0.95),
      max: defined.length ? defined[defined.length - 1] : NaN
    },
    ms: performance.now() - started
  };
}
