/**
 * Projections of a stored stream (the app's tile codec, in memory): PCA over the seeded sample
 * equals PCA of the same decoded rows; UMAP is reproducible from its seed, places new rows on its
 * map, and refuses a stream of one unit; PCA of one unit is a 1-D strip.
 */
import { describe, expect, it } from 'vitest';
import { fitPca, projectRows } from '../../src/lib/analysis/projection';
import { runProjection } from '../../src/lib/query/runProjection';
import { memoryRecording } from '../../src/lib/store/memoryRecording';

const T = 9000;
function stream(units: number) {
  return memoryRecording({
    steps: T,
    units,
    chunkSize: 1024,
    stream: 'L0.fwd.h',
    chunkValues: (_c, start, rows) =>
      Float32Array.from({ length: rows * units }, (_, i) => {
        const [t, u] = [start + Math.floor(i / units), i % units];
        return Math.tanh(Math.sin(t * 0.05 + u) + 0.5 * Math.cos(t * 0.011 * (u + 1)));
      })
  }).reader;
}

describe('runProjection', () => {
  it('PCA of the sampled steps equals PCA of those rows as decoded', async () => {
    const reader = stream(6);
    const { result } = await runProjection(reader, {
      stream: 'L0.fwd.h',
      method: 'pca',
      maxSteps: 2000
    });
    expect(result.steps).toHaveLength(2000);
    expect(result.total).toBe(T);
    const all = await reader.window('L0.fwd.h', 0, T);
    const rows = new Float32Array(2000 * 6);
    result.steps.forEach((t, i) => rows.set(all.subarray(t * 6, t * 6 + 6), i * 6));
    const fit = fitPca(rows, 2000, 6);
    expect(result.pca.explained).toEqual(fit.explained);
    expect(Array.from(result.xy)).toEqual(Array.from(projectRows(fit, rows, 2000)));
    expect(result.pca.explained[0] + result.pca.explained[1]).toBeLessThanOrEqual(1);
  });

  it('a stream of one unit: PCA is a 1-D strip; UMAP refuses, saying what to do', async () => {
    const reader = stream(1);
    const { result } = await runProjection(reader, { stream: 'L0.fwd.h', method: 'pca' });
    expect(result.pca.dims).toBe(1);
    expect(result.pca.explained).toEqual([1]);
    expect(result.steps).toHaveLength(T);
    for (let i = 1; i < result.xy.length; i += 2) expect(result.xy[i]).toBe(0);
    await expect(runProjection(reader, { stream: 'L0.fwd.h', method: 'umap' })).rejects.toThrow(
      'UMAP needs at least 2 units: this stream has one. Use PCA (a 1-D strip).'
    );
  });

  it('UMAP: the same seed draws the same map; new rows land on it', async () => {
    const reader = stream(6);
    const req = { stream: 'L0.fwd.h', method: 'umap' as const, maxSteps: 300, seed: 5 };
    const phases = new Set<string>();
    const a = await runProjection(reader, req, { onProgress: (p) => phases.add(p.phase) });
    const b = await runProjection(reader, req);
    const c = await runProjection(reader, { ...req, seed: 6 });
    expect(a.result.xy).toHaveLength(600);
    expect(Array.from(a.result.xy)).toEqual(Array.from(b.result.xy));
    expect(Array.from(a.result.xy)).not.toEqual(Array.from(c.result.xy));
    expect([...phases]).toEqual(['reading', 'umap']);
    expect(a.result.umapInput).toEqual({ dims: 6, variance: 1 });
    const win = await reader.window('L0.fwd.h', 100, 110);
    const placed = a.umap!.transform(win, 10);
    expect(placed).toHaveLength(20);
    expect(placed.every(Number.isFinite)).toBe(true);
  });

  it('can be cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runProjection(stream(4), { stream: 'L0.fwd.h', method: 'pca' }, { signal: controller.signal })
    ).rejects.toThrow('The projection was cancelled.');
  });
});
