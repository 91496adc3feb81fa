/**
 * Ranking every unit over a stored recording (query/rankAll.ts): the planted unit comes first
 * with its held-out score, chance stays near 0.5, progress reaches the end, and every refusal a
 * user can meet says what is wrong and what to do.
 */
import { describe, expect, it } from 'vitest';
import { RankInputError } from '../../src/lib/analysis/rankTarget';
import { rankAllUnits, rankManyTracks } from '../../src/lib/query/rankAll';
import { memoryRecording } from '../../src/lib/store/memoryRecording';

const [T, U, CHUNK] = [20_000, 24, 2048];

function recording(extra: Partial<Parameters<typeof memoryRecording>[0]> = {}) {
  let seed = 9;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  // Runs of 3 at random places (a periodic track would line up with its own shifts).
  const target = new Float32Array(T);
  for (let t = 0; t < T - 3; t += 20 + Math.floor(rand() * 60)) target.fill(1, t, t + 3);
  const values = new Float32Array(T * U);
  for (let t = 0; t < T; t++)
    for (let u = 0; u < U; u++)
      values[t * U + u] = u === 19 ? 0.6 * target[t] - 0.3 + 0.5 * rand() : rand() * 2 - 1;
  const made = memoryRecording({
    steps: T,
    units: U,
    chunkSize: CHUNK,
    range: null, // per-unit decode per chunk, as c streams are stored
    chunkValues: (_c, start, rows) => values.subarray(start * U, (start + rows) * U),
    ...extra
  });
  return { ...made, target };
}

describe('rankAllUnits', () => {
  it('finds the planted unit, held out on the second half, far above chance; progress ends at the total', async () => {
    const { reader, target } = recording();
    const seen: [number, number][] = [];
    const rep = await rankAllUnits(reader, target, {
      name: 'runs',
      onProgress: (d, t) => seen.push([d, t])
    });
    expect(rep.metric).toBe('auc');
    expect(rep.units).toHaveLength(U);
    expect(rep.units[0]).toMatchObject({ stream: 's', unit: 19, sign: 1 });
    expect(rep.units[0].score).toBeGreaterThan(0.85);
    expect(rep.units[0].heldout).toBeGreaterThan(0.85);
    expect(rep.heldoutPick).toMatchObject({ stream: 's', unit: 19 });
    expect(rep.split.by).toBe('halves');
    expect(rep.chance.best).toBeLessThan(0.56);
    expect(rep.chance.p95).toBeLessThanOrEqual(rep.chance.best!);
    const positives = target.reduce((n, v) => n + v, 0);
    expect(rep.baseRate).toEqual({
      positiveSteps: positives,
      positiveRuns: positives / 3,
      steps: T
    });
    expect(seen.at(-1)).toEqual([T * U, T * U]);
    // Numbers only, never NaN: undefined figures are null.
    expect(JSON.stringify(rep)).not.toMatch(/NaN/);
  });

  it('splits by documents when there are several', async () => {
    const { reader, target } = recording({ documentStarts: [0, 5000, 12000] });
    const rep = await rankAllUnits(reader, target, { name: 'x' });
    expect(rep.split).toEqual({ by: 'documents', pickSteps: 5000 + 8000, heldoutSteps: 7000 });
  });

  it('refuses what cannot be ranked, saying why', async () => {
    const { reader, target } = recording();
    const fail = (p: Promise<unknown>) => expect(p).rejects.toThrow(RankInputError);
    await fail(rankAllUnits(reader, target.subarray(5), { name: 'short' }));
    await expect(rankAllUnits(reader, target.subarray(5), { name: 'short' })).rejects.toThrow(
      /19,995 values but the recording 20,000 steps \(5 too few\)/
    );
    await expect(rankAllUnits(reader, new Float32Array(T), { name: 'never' })).rejects.toThrow(
      /"never" is 0 at every one of its 20,000 steps/
    );
    await expect(
      rankAllUnits(reader, target, { name: 'x', streams: ['L9.fwd.c'] })
    ).rejects.toThrow(/No stream L9.fwd.c in this recording. It has: s/);
    await expect(
      rankAllUnits(
        reader,
        Float32Array.from(target, (v, t) => v + (t % 3)),
        {
          name: 'n',
          metric: 'auc'
        }
      )
    ).rejects.toThrow(/AUC needs a binary/);
    const partial = recording({ status: 'recording', chunksDone: 3 });
    await expect(rankAllUnits(partial.reader, target, { name: 'x' })).rejects.toThrow(
      /still in progress \(6,144 of 20,000 steps\)/
    );
  });

  it('stops when cancelled', async () => {
    const { reader, target } = recording();
    const ctl = new AbortController();
    ctl.abort();
    await expect(rankAllUnits(reader, target, { name: 'x', signal: ctl.signal })).rejects.toThrow(
      /cancelled/
    );
  });

  it('warns when positives are few, and ranks several tracks in one read, skipping bad ones', async () => {
    const { reader, target } = recording();
    const rare = Float32Array.from(target, (_, t) => (t % 2000 === 0 ? 1 : 0));
    const skipped: string[] = [];
    const [a, b, c] = await rankManyTracks(
      reader,
      [
        { values: rare, options: { name: 'rare' } },
        { values: new Float32Array(T).fill(1), options: { name: 'always' } },
        { values: target, options: { name: 'runs' } }
      ],
      { skipBad: (name, why) => skipped.push(`${name}: ${why}`) }
    );
    expect(a!.warnings.join(' ')).toMatch(/Few examples: 10 positive steps in 10 runs/);
    expect(b).toBeNull();
    expect(skipped[0]).toMatch(/^always: The track "always" is 1 at every/);
    expect(c!.units[0].unit).toBe(19);
  });
});
