/**
 * The comparison over stored recordings (8-bit tiles through the reader): B's units are A's,
 * permuted, sign-flipped and noised, plus a few units of noise alone. The matching must find the
 * permutation, those noise units must have no counterpart, the chance reference must sit low, and
 * CKA and r equal the kernels' figures (NumPy-checked in src/lib/analysis) on the decoded values
 * at the same sampled steps.
 */
import { describe, expect, it } from 'vitest';
import { linearCka } from '../../src/lib/analysis/cka';
import { sampleSteps } from '../../src/lib/analysis/stepSample';
import { runCompare, type CompareProgress } from '../../src/lib/query/runCompare';
import { memoryRecording } from '../../src/lib/store/memoryRecording';

const T = 3000;
const P = 12;
const Q = 14; // 12 noisy copies of A's units + 2 of noise
let seed = 5;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32 - 0.5;
const perm = [4, 0, 7, 11, 2, 9, 1, 10, 3, 6, 8, 5];
// A: slowly varying units in (-1, 1); B unit j = ±A[perm[j]] + noise
const A = new Float32Array(T * P);
for (let u = 0; u < P; u++) {
  let v = 0;
  for (let t = 0; t < T; t++) A[t * P + u] = Math.tanh((v = 0.95 * v + rand()));
}
const B = new Float32Array(T * Q);
for (let t = 0; t < T; t++)
  for (let j = 0; j < Q; j++)
    B[t * Q + j] =
      j < P
        ? Math.max(-1, Math.min(1, (j % 2 ? -0.8 : 0.8) * A[t * P + perm[j]] + 0.3 * rand()))
        : Math.tanh(2 * rand());

const rec = (values: Float32Array, units: number, stream: string) =>
  memoryRecording({
    steps: T,
    units,
    stream,
    chunkSize: 256,
    chunkValues: (_c, start, rows) => values.subarray(start * units, (start + rows) * units)
  });

function pearson(x: number[], y: number[]) {
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((v, i) => {
    sxy += (v - mx) * (y[i] - my);
    sxx += (v - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('comparing two stored streams', async () => {
  const a = rec(A, P, 'L0.fwd.h');
  const b = rec(B, Q, 'L1.fwd.h');
  const progress: CompareProgress[] = [];
  const result = await runCompare(
    a.reader,
    b.reader,
    { streamA: 'L0.fwd.h', streamB: 'L1.fwd.h', maxSteps: 1000, seed: 3 },
    { onProgress: (p) => progress.push(p) }
  );
  // the decoded values, as the reader gives them, at the sampled steps
  const steps = sampleSteps(T, 1000, 3);
  const wa = await a.reader.window('L0.fwd.h', 0, T);
  const wb = await b.reader.window('L1.fwd.h', 0, T);
  const rowsA = Float64Array.from(
    { length: steps.length * P },
    (_, i) => wa[steps[Math.floor(i / P)] * P + (i % P)]
  );
  const rowsB = Float64Array.from(
    { length: steps.length * Q },
    (_, i) => wb[steps[Math.floor(i / Q)] * Q + (i % Q)]
  );
  const half = steps.findIndex((t) => t >= T / 2);
  const col = (rows: Float64Array, w: number, u: number, lo = 0, hi = steps.length) =>
    Array.from({ length: hi - lo }, (_, k) => rows[(lo + k) * w + u]);

  it('reads a seeded sample of the steps and reports progress to the end', () => {
    expect([result.steps, result.sampled, result.seed]).toEqual([T, 1000, 3]);
    // pick: the steps of the recording's first half (one document), held-out: the second
    expect(result.parts).toEqual({ pick: half, held: 1000 - half, byDocuments: false });
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)!.fraction).toBeCloseTo(1, 6);
  });

  it('CKA equals the kernel on the decoded values at those steps; the matrix agrees', () => {
    const want = linearCka(rowsA, P, rowsB, Q, steps.length)!;
    expect(result.cka).toBeCloseTo(want, 10);
    expect(result.cka).toBeGreaterThan(0.5);
    expect(result.matrix.streamsA).toEqual(['L0.fwd.h']);
    expect(result.matrix.steps).toBe(1000);
    expect(result.matrix.cka[0]).toBeCloseTo(want, 10);
    // B shifted: what slow units share by chance alone (well below the real figure)
    const shifted = Float64Array.from(
      { length: steps.length * Q },
      (_, i) => wb[((steps[Math.floor(i / Q)] + result.chance.shift) % T) * Q + (i % Q)]
    );
    expect(result.chanceCka).toBeCloseTo(linearCka(rowsA, P, shifted, Q, steps.length)!, 10);
    expect(result.chanceCka!).toBeLessThan(result.cka! / 3);
  });

  it('matches each B copy to its A unit, with r on the pick and held-out halves', () => {
    expect(result.pairs.map((x) => [x.a, x.b])).toEqual(
      perm.map((u, j) => [u, j]).sort((x, y) => x[0] - y[0])
    );
    for (const pr of result.pairs) {
      const x = col(rowsA, P, pr.a);
      const y = col(rowsB, Q, pr.b);
      expect(pr.r).toBeCloseTo(pearson(x, y), 10);
      expect(pr.rPick).toBeCloseTo(pearson(x.slice(0, half), y.slice(0, half)), 10);
      expect(pr.rHeld).toBeCloseTo(pearson(x.slice(half), y.slice(half)), 10);
      expect(Math.sign(pr.r!)).toBe(pr.b % 2 ? -1 : 1);
      expect(Math.abs(pr.rHeld!)).toBeGreaterThan(0.8);
    }
  });

  it('the noise units have no counterpart; at chance the best |r| is low', () => {
    const unmatchedB = Array.from(result.bestB.keys()).filter((j) => result.bestB[j] < 0.5);
    expect(unmatchedB).toEqual([12, 13]);
    expect(Array.from(result.bestA).every((v) => v > 0.8)).toBe(true);
    expect(result.chance.shift).toBeGreaterThanOrEqual(300);
    // each A unit's best |r| against B shifted, recomputed here
    const shifted = Float64Array.from(
      { length: steps.length * Q },
      (_, i) => wb[((steps[Math.floor(i / Q)] + result.chance.shift) % T) * Q + (i % Q)]
    );
    const bestAtChance = Array.from({ length: P }, (_, i) =>
      Math.max(
        ...Array.from({ length: Q }, (_, j) =>
          Math.abs(pearson(col(rowsA, P, i), col(shifted, Q, j)))
        )
      )
    );
    bestAtChance.forEach((v, i) => expect(result.chance.bestA[i]).toBeCloseTo(v, 6));
    const sorted = [...bestAtChance].sort((x, y) => x - y);
    expect(result.chance.max).toBeCloseTo(sorted[P - 1], 6);
    expect(result.chance.p95).toBeCloseTo(sorted[Math.floor(0.95 * P)], 6);
    expect(result.chance.p95).toBeLessThan(0.6);
  });

  it('a stream against itself (one reader) is CKA 1 and every unit its own match', async () => {
    const self = await runCompare(a.reader, a.reader, { streamA: 'L0.fwd.h', streamB: 'L0.fwd.h' });
    expect(self.sampled).toBe(T);
    expect(self.cka).toBeCloseTo(1, 10);
    expect(self.pairs.every((x) => x.a === x.b && Math.abs(x.r! - 1) < 1e-9)).toBe(true);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const job = runCompare(
      a.reader,
      b.reader,
      { streamA: 'L0.fwd.h', streamB: 'L1.fwd.h' },
      {
        signal: controller.signal,
        onProgress: () => controller.abort()
      }
    );
    await expect(job).rejects.toThrow('The comparison was cancelled.');
  });
});
