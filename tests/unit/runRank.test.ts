/** Ranking units by a track over a stored recording: the planted unit comes first, r as on the raw data. */
import { describe, expect, it } from 'vitest';
import { UnitCorrelation } from '../../src/lib/analysis/unitRanking';
import { RankError, runRank } from '../../src/lib/query/runRank';
import { memoryRecording } from '../../src/lib/store/memoryRecording';

const [T, U, CHUNK] = [20_000, 24, 2048];

function recording() {
  let seed = 9;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const target = Float32Array.from({ length: T }, (_, t) => (t % 50 < 12 ? 1 : 0));
  const values = new Float32Array(T * U);
  for (let t = 0; t < T; t++)
    for (let u = 0; u < U; u++)
      values[t * U + u] = u === 19 ? 0.9 * target[t] - 0.45 + 0.1 * rand() : rand() * 2 - 1;
  const { reader } = memoryRecording({
    steps: T,
    units: U,
    chunkSize: CHUNK,
    chunkValues: (_c, start, rows) => values.subarray(start * U, (start + rows) * U)
  });
  return { reader, values, target };
}

describe('ranking units by a track over a stored recording', () => {
  it('finds the unit that follows the track; r as on the stored values, with progress', async () => {
    const { reader, target } = recording();
    const seen: number[] = [];
    const res = await runRank(reader, 's', target, { onProgress: (d) => seen.push(d) });
    const best = Array.from(res.r).reduce(
      (b, r, u) => (Math.abs(r) > Math.abs(res.r[b]) ? u : b),
      0
    );
    expect(best).toBe(19);
    expect(res.r[19]).toBeGreaterThan(0.95);
    expect(res.steps).toBe(T);
    expect(seen.at(-1)).toBe(T);
    expect(seen.length).toBe(Math.ceil(T / 8192));
    // The same statistic on the decoded stream in one go.
    const acc = new UnitCorrelation(U);
    acc.add(await reader.window('s', 0, T), T, target);
    acc.result().forEach((r, u) => expect(res.r[u]).toBeCloseTo(r, 9));
  });

  it('refuses a track of another length, and can be cancelled', async () => {
    const { reader, target } = recording();
    await expect(runRank(reader, 's', target.subarray(1))).rejects.toThrow(RankError);
    await expect(runRank(reader, 's', target.subarray(1))).rejects.toThrow(/19,999 values/);
    const ac = new AbortController();
    const run = runRank(reader, 's', target, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
