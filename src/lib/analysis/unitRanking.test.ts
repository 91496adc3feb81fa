/** Ranking units by a track: Pearson r merged window by window equals r computed in one go. */
import { describe, expect, it } from 'vitest';
import { rankByCorrelation, trackTarget, UnitCorrelation } from './unitRanking';

/** Textbook Pearson r over the pairs where both are finite (independent reference). */
function pearson(x: number[], y: number[]): number {
  const pairs = x
    .map((v, i) => [v, y[i]])
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const mx = pairs.reduce((s, [a]) => s + a, 0) / pairs.length;
  const my = pairs.reduce((s, [, b]) => s + b, 0) / pairs.length;
  let [c, a2, b2] = [0, 0, 0];
  for (const [a, b] of pairs) {
    c += (a - mx) * (b - my);
    a2 += (a - mx) ** 2;
    b2 += (b - my) ** 2;
  }
  return c / Math.sqrt(a2 * b2);
}

function data(T: number, U: number, seed = 3) {
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const y = Float32Array.from({ length: T }, () => (rand() < 0.3 ? 1 : 0));
  const values = new Float32Array(T * U);
  for (let t = 0; t < T; t++)
    for (let u = 0; u < U; u++)
      // unit 2 follows y closely, unit 4 against it, unit 0 is noise, unit 5 constant
      values[t * U + u] =
        u === 2
          ? y[t] * 0.8 + rand() * 0.2
          : u === 4
            ? -y[t] * 0.5 + rand() * 0.6
            : u === 5
              ? 0.25
              : rand() * 2 - 1;
  return { y, values };
}

describe('unit correlation with a track', () => {
  it('matches textbook Pearson r, whatever the windows; a constant unit has none', () => {
    const [T, U] = [1000, 6];
    const { y, values } = data(T, U);
    y[17] = NaN; // a step without a target value
    values[40 * U + 1] = NaN; // a missing value of one unit
    const whole = new UnitCorrelation(U);
    whole.add(values, T, y);
    const windows = new UnitCorrelation(U);
    for (const [a, b] of [
      [0, 7],
      [7, 300],
      [300, 301],
      [301, 1000]
    ])
      windows.add(values.subarray(a * U, b * U), b - a, y.subarray(a, b));
    for (let u = 0; u < U; u++) {
      const col = Array.from({ length: T }, (_, t) => values[t * U + u]);
      const ref = pearson(col, Array.from(y));
      if (u === 5) {
        expect(whole.result()[u]).toBeNaN();
        continue;
      }
      expect(whole.result()[u]).toBeCloseTo(ref, 10);
      expect(windows.result()[u]).toBeCloseTo(ref, 10);
    }
    expect(whole.n[1]).toBe(T - 2);
    expect(whole.n[0]).toBe(T - 1);
    const ranked = rankByCorrelation(whole.result());
    expect(ranked.map((r) => r.unit).slice(0, 2)).toEqual([2, 4]);
    expect(ranked[0].r).toBeGreaterThan(0.9);
    expect(ranked[1].r).toBeLessThan(-0.5);
    expect(ranked.some((r) => r.unit === 5)).toBe(false);
  });

  it('stays exact far from zero over many windows (no cancellation)', () => {
    const U = 2;
    const acc = new UnitCorrelation(U);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let w = 0; w < 200; w++) {
      const steps = 500;
      const v = new Float32Array(steps * U);
      const y = new Float32Array(steps);
      for (let t = 0; t < steps; t++) {
        const i = w * steps + t;
        y[t] = 1000 + Math.sin(i / 7);
        v[t * U] = 1000 + Math.fround(Math.sin(i / 7) * 0.5 + Math.cos(i / 3) * 0.1);
        v[t * U + 1] = Math.cos(i / 5);
        xs.push(v[t * U]);
        ys.push(y[t]);
      }
      acc.add(v, steps, y);
    }
    expect(acc.result()[0]).toBeCloseTo(pearson(xs, ys), 6);
    expect(acc.result()[0]).toBeGreaterThan(0.9);
  });

  it('turns a categorical track into "is this category", and asks for one', () => {
    const track = {
      name: 'character class',
      kind: 'categorical' as const,
      values: Float32Array.from([0, 2, NaN, 2]),
      categories: ['letter', 'digit', 'space']
    };
    expect(Array.from(trackTarget(track, 2))).toEqual([0, 1, NaN, 1]);
    expect(() => trackTarget(track)).toThrow(/category/);
    const numeric = { name: 'loss', kind: 'numeric' as const, values: Float32Array.from([1, 2]) };
    expect(trackTarget(numeric)).toBe(numeric.values);
  });

  it('refuses windows shorter than they claim', () => {
    expect(() => new UnitCorrelation(3).add(new Float32Array(5), 2, [1, 2])).toThrow(RangeError);
  });
});
