/**
 * Clustering a stored stream in the query worker's code path: profiles read from the tiles (all
 * steps, or the seeded sample of a big recording), correlated, clustered; the matrix reused when
 * only the method or k changes; an unfinished recording refused; progress heard and cancellable.
 */
import { describe, expect, it } from 'vitest';
import { correlationAt, correlationMatrix } from '../../src/lib/analysis/correlation';
import { isPermutation } from '../../src/lib/analysis/rowOrder';
import { sampleSteps, STEP_SAMPLE_SEED } from '../../src/lib/analysis/stepSample';
import { memoryRecording } from '../../src/lib/store/memoryRecording';
import {
  runClusters,
  type ClusterProgress,
  type CorrelationCache
} from '../../src/lib/query/runClusters';

const UNITS = 40;
/** Unit u follows one of 4 waves (u % 4) with its own phase noise; unit 9 is constant. */
const value = (t: number, u: number) =>
  u === 9 ? 0.5 : Math.tanh(Math.sin(t * (0.05 + 0.03 * (u % 4))) + 0.3 * Math.sin(t * u * 0.7));

function recording(steps: number, status: 'complete' | 'recording' = 'complete') {
  return memoryRecording({
    steps,
    units: UNITS,
    chunkSize: 512,
    tileUnits: 16,
    status,
    chunksDone: 1,
    chunkValues: (_c, start, rows) =>
      Float32Array.from({ length: rows * UNITS }, (_, i) =>
        value(start + Math.floor(i / UNITS), i % UNITS)
      )
  }).reader;
}

/** The stored values of every unit at the given steps, as profiles. */
async function storedProfiles(reader: ReturnType<typeof recording>, steps: Uint32Array) {
  const all = await reader.columns('s', [...Array(UNITS).keys()], 0, reader.length);
  const values = new Float32Array(UNITS * steps.length);
  for (let u = 0; u < UNITS; u++)
    steps.forEach((t, i) => (values[u * steps.length + i] = all[t * UNITS + u]));
  return { units: UNITS, steps: steps.length, values };
}

describe('runClusters', () => {
  it('correlates the stored values over every step of a small recording and clusters them', async () => {
    const reader = recording(3000);
    const seen: ClusterProgress[] = [];
    const res = await runClusters(
      reader,
      { stream: 's', method: 'average', k: 4 },
      { onProgress: (p) => seen.push(p) }
    );
    expect([res.steps, res.total, res.seed]).toEqual([3000, 3000, null]);
    const want = correlationMatrix(await storedProfiles(reader, sampleSteps(3000, 3000)));
    expect(res.matrix.r).toEqual(want.r);
    expect(correlationAt(res.matrix, 9, 3)).toBeNull();
    expect(isPermutation(res.order, UNITS)).toBe(true);
    expect(res.order[UNITS - 1]).toBe(9);
    // The 4 waves are the 4 clusters.
    for (let u = 4; u < UNITS; u++) if (u !== 9) expect(res.labels[u]).toBe(res.labels[u % 4]);
    expect(seen.map((p) => p.phase)).toContain('correlating');
    expect(seen.at(-1)).toEqual({ phase: 'clustering', fraction: 1 });
  });

  it('samples the steps of a big recording with the documented seed', async () => {
    const reader = recording(20_000);
    const req = { stream: 's', method: 'complete', k: 3 } as const;
    const res = await runClusters(reader, req, { maxSteps: 5000 });
    expect([res.steps, res.total, res.seed]).toEqual([5000, 20_000, STEP_SAMPLE_SEED]);
    const want = correlationMatrix(await storedProfiles(reader, sampleSteps(20_000, 5000)));
    expect(res.matrix.r).toEqual(want.r);
  }, 30_000);

  it('reuses the correlation matrix for another method or k; refuses an unfinished recording', async () => {
    const reader = recording(2000);
    let stored: CorrelationCache | null = null;
    let sets = 0;
    const cache = { get: () => stored, set: (c: CorrelationCache) => ((stored = c), sets++) };
    const a = await runClusters(reader, { stream: 's', method: 'average', k: 2 }, { cache });
    const b = await runClusters(reader, { stream: 's', method: 'kmeans', k: 5 }, { cache });
    expect(sets).toBe(1);
    expect(b.matrix).toBe(a.matrix);
    expect(b.clusters).toBe(5);
    await expect(
      runClusters(recording(2000, 'recording'), { stream: 's', method: 'average', k: 2 })
    ).rejects.toThrow(/still in progress \(512 of 2,000 steps\)/);
    const ctl = new AbortController();
    ctl.abort();
    await expect(
      runClusters(reader, { stream: 's', method: 'average', k: 2 }, { signal: ctl.signal })
    ).rejects.toThrow(/cancelled/);
  });
});
