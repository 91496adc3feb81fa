import { describe, expect, it } from 'vitest';
import { chanceShift, sampleSteps, thinSteps } from './stepSample';

describe('the steps a comparison reads', () => {
  it('reads a short recording whole', () => {
    expect(Array.from(sampleSteps(5, 10, 1))).toEqual([0, 1, 2, 3, 4]);
  });

  it('samples a long one: distinct, ascending, in range, the same for a seed, other for another', () => {
    const a = sampleSteps(100_000, 5_000, 1);
    expect(a.length).toBe(5_000);
    expect(new Set(a).size).toBe(5_000);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(a[0]).toBeGreaterThanOrEqual(0);
    expect(a[a.length - 1]).toBeLessThan(100_000);
    expect(Array.from(sampleSteps(100_000, 5_000, 1))).toEqual(Array.from(a));
    expect(Array.from(sampleSteps(100_000, 5_000, 2))).not.toEqual(Array.from(a));
    // uniform: about half the sample in each half of the recording
    const low = a.filter((t) => t < 50_000).length;
    expect(Math.abs(low - 2_500)).toBeLessThan(200);
  });

  it('thins evenly and keeps all when asked for more', () => {
    const s = Uint32Array.from([1, 3, 5, 7, 9, 11]);
    expect(Array.from(thinSteps(s, 3))).toEqual([1, 5, 9]);
    expect(thinSteps(s, 10)).toBe(s);
  });

  it('shifts by 10 % to 90 % of the recording', () => {
    for (const seed of [1, 2, 3, 99]) {
      const s = chanceShift(1000, seed);
      expect(s).toBeGreaterThanOrEqual(100);
      expect(s).toBeLessThanOrEqual(900);
    }
    expect(chanceShift(4, 1)).toBe(2);
  });
});

describe('the steps a projection reads', () => {
  it('all steps when they fit; else distinct, ascending, the same for the same seed', () => {
    expect(Array.from(sampleSteps(5, 10, 1))).toEqual([0, 1, 2, 3, 4]);
    const a = sampleSteps(100_000, 20_000, 1);
    expect(a).toHaveLength(20_000);
    expect(new Set(a).size).toBe(20_000);
    expect(a.every((t, i) => i === 0 || t > a[i - 1])).toBe(true);
    expect(a[a.length - 1]).toBeLessThan(100_000);
    expect(sampleSteps(100_000, 20_000, 1)).toEqual(a);
    expect(sampleSteps(100_000, 20_000, 2)).not.toEqual(a);
    // Spread over the whole range: each tenth holds about a tenth of the sample.
    for (let d = 0; d < 10; d++) {
      const n = a.filter((t) => Math.floor(t / 10_000) === d).length;
      expect(Math.abs(n - 2000)).toBeLessThan(200);
    }
  });
});
