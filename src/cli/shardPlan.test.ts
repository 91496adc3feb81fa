import { describe, expect, it } from 'vitest';
import { chunkInside } from './zarrGrid';
import { sharedChunks, shardSlices } from './shardPlan';

/** Every step in exactly one slice, slices in order, every cut at a document start. */
function expectPartition(T: number, starts: number[], n: number) {
  const slices = shardSlices(T, starts, n);
  expect(slices).toHaveLength(n);
  expect(slices[0].from).toBe(0);
  expect(slices[n - 1].to).toBe(T);
  slices.forEach((s, k) => {
    expect(s.to).toBeGreaterThanOrEqual(s.from);
    if (k) expect(s.from).toBe(slices[k - 1].to);
    if (s.from > 0 && s.from < T) expect(starts).toContain(s.from);
  });
  return slices;
}

describe('shardSlices', () => {
  it('cuts at the document start nearest each k·T/N and lists each slice’s documents', () => {
    // Documents of 10, 30, 20, 40 steps; targets 25, 50, 75. 25 is as near 10 as 40 and 50 as
    // near 40 as 60: a tie goes to the earlier start. 75 is nearer 60 than the end (100).
    const slices = expectPartition(100, [0, 10, 40, 60], 4);
    expect(slices.map((s) => [s.from, s.to])).toEqual([
      [0, 10],
      [10, 40],
      [40, 60],
      [60, 100]
    ]);
    expect(slices.map((s) => [s.firstDocument, s.endDocument])).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4]
    ]);
    // Cuts move to the nearer start: documents of 40, 5, 5, 50 steps.
    expect(shardSlices(100, [0, 40, 45, 50], 2).map((s) => [s.from, s.to])).toEqual([
      [0, 50],
      [50, 100]
    ]);
  });

  it('leaves slices empty when there are fewer documents than shards, never splitting one', () => {
    const slices = expectPartition(50, [0], 3);
    expect(slices.filter((s) => s.to > s.from)).toHaveLength(1);
    const many = expectPartition(1000, [0, 100, 200, 300], 8);
    expect(many.filter((s) => s.to > s.from)).toHaveLength(4);
  });

  it('balances many equal documents exactly', () => {
    const starts = Array.from({ length: 12 }, (_, d) => d * 25);
    const slices = expectPartition(300, starts, 4);
    expect(slices.map((s) => s.to - s.from)).toEqual([75, 75, 75, 75]);
    expect(slices.map((s) => s.endDocument - s.firstDocument)).toEqual([3, 3, 3, 3]);
  });
});

describe('sharedChunks', () => {
  it('lists exactly the chunks no one slice holds whole, with the shards that hold rows of them', () => {
    for (const [T, R, starts, n] of [
      [100, 16, [0, 10, 40, 60], 4],
      [300, 25, Array.from({ length: 12 }, (_, d) => d * 25), 4],
      [300, 64, Array.from({ length: 12 }, (_, d) => d * 25), 5],
      [37, 100, [0, 5, 9, 30], 3]
    ] as [number, number, number[], number][]) {
      const slices = shardSlices(T, starts, n);
      const shared = sharedChunks(T, R, slices);
      // Brute force: a chunk is shared unless one slice holds it whole.
      for (let c = 0; c * R < T; c++) {
        const [lo, hi] = [c * R, Math.min(T, (c + 1) * R)];
        const holders = slices.flatMap((s, k) => (s.from < hi && s.to > lo ? [k] : []));
        const whole = slices.some((s) => chunkInside(c, { steps: T, chunkRows: R, ...s }));
        const entry = shared.find((x) => x.chunk === c);
        if (whole) expect(entry).toBeUndefined();
        else expect(entry?.shards).toEqual(holders);
      }
    }
  });
});
