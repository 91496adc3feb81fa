import { describe, expect, it } from 'vitest';
import { histogram, normalize, suggestThreshold } from './threshold';

/** Seeded normal samples (Box–Muller over an LCG), so the test is reproducible. */
function normals(n: number, mean: number, sd: number, seed: number): number[] {
  let s = seed >>> 0;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return Array.from(
    { length: n },
    () => mean + sd * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())
  );
}

describe('normalize', () => {
  // two units, [T=4, 2]: unit 0 = 1, 2, 3, 4; unit 1 = 5, 5, NaN, 7
  const w = Float32Array.from([1, 5, 2, 5, 3, NaN, 4, 7]);

  it('raw is a copy', () => {
    const r = normalize(w, 2, 'raw');
    expect(Array.from(r)).toEqual(Array.from(w));
    expect(r).not.toBe(w);
  });

  it('zscore per unit, skipping NaN', () => {
    const z = normalize(w, 2, 'zscore');
    const sd = Math.sqrt(1.25);
    expect(z[0]).toBeCloseTo(-1.5 / sd, 6);
    expect(z[6]).toBeCloseTo(1.5 / sd, 6);
    expect(z[1]).toBeCloseTo(-2 / 3 / Math.sqrt(8 / 9), 5);
    expect(z[5]).toBeNaN();
    expect(Array.from(normalize(Float32Array.from([3, 3, 3]), 1, 'zscore'))).toEqual([0, 0, 0]);
  });

  it('percentile = rank / (n - 1), ties share the mean rank', () => {
    const p = normalize(w, 2, 'percentile');
    expect([p[0], p[2], p[4], p[6]]).toEqual([0, 1 / 3, 2 / 3, 1].map(Math.fround));
    expect([p[1], p[3], p[7]]).toEqual([0.25, 0.25, 1]);
    expect(p[5]).toBeNaN();
    expect(Array.from(normalize(Float32Array.from([9]), 1, 'percentile'))).toEqual([0.5]);
  });

  it('rejects an unknown mode', () => {
    expect(() => normalize(w, 2, 'log' as 'raw')).toThrow(/unknown normalisation/);
  });
});

describe('histogram', () => {
  it('bins over the given range, last edge inclusive, outside and NaN dropped', () => {
    const h = histogram([0, 0.1, 0.5, 0.99, 1, 1.5, -0.1, NaN], 4, [0, 1]);
    expect(Array.from(h)).toEqual([2, 0, 1, 2]);
  });

  it('defaults to the data extent', () => {
    expect(Array.from(histogram([2, 4, 4, 6], 2))).toEqual([1, 3]);
    expect(Array.from(histogram([3, 3], 3))).toEqual([2, 0, 0]);
    expect(Array.from(histogram([], 3))).toEqual([0, 0, 0]);
  });

  it('rejects a bad bin count', () => {
    expect(() => histogram([1], 0)).toThrow(/positive integer/);
  });
});

describe('suggestThreshold (Otsu)', () => {
  it('splits a bimodal sample between its modes', () => {
    const off = normals(6000, -0.6, 0.12, 1);
    const on = normals(2000, 0.7, 0.1, 2);
    const θ = suggestThreshold(Float32Array.from([...off, ...on]))!;
    expect(θ).toBeGreaterThan(-0.3);
    expect(θ).toBeLessThan(0.4);
    const wrong = off.filter((v) => v >= θ).length + on.filter((v) => v < θ).length;
    expect(wrong / 8000).toBeLessThan(0.002);
  });

  it('puts θ in the middle of an empty gap', () => {
    const θ = suggestThreshold([0, 0, 0, 1, 1, 1])!;
    expect(θ).toBeCloseTo(0.5, 2);
  });

  it('handles constant and empty data', () => {
    expect(suggestThreshold([0.4, 0.4])).toBe(0.4);
    expect(suggestThreshold([NaN])).toBeNull();
    expect(suggestThreshold([])).toBeNull();
  });
});
