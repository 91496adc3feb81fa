import { describe, expect, it } from 'vitest';
import { bisect, lastAtOrBefore } from './bisect';

/** The same answers by a linear scan. */
const countLinear = (a: ArrayLike<number>, x: number, inclusive: boolean) =>
  Array.from(a).filter((v) => v < x || (inclusive && v === x)).length;

describe('bisect', () => {
  it('counts the elements < x or ≤ x, with ties and out-of-range x', () => {
    const a = [0, 2, 2, 2, 5, 9];
    for (const x of [-1, 0, 1, 2, 3, 5, 8, 9, 10]) {
      expect(bisect(a, x), `≤ ${x}`).toBe(countLinear(a, x, true));
      expect(bisect(a, x, false), `< ${x}`).toBe(countLinear(a, x, false));
    }
  });

  it('works on typed arrays and empty arrays', () => {
    expect(bisect(Uint32Array.of(0, 10, 20), 10)).toBe(2);
    expect(bisect(Float32Array.of(-0.5, 0.25), 0.25, false)).toBe(1);
    expect(bisect([], 3)).toBe(0);
  });

  it('agrees with a linear scan on random sorted arrays', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 20;
    for (let n = 0; n < 40; n++) {
      const a = Float32Array.from({ length: n }, () => Math.floor(rand())).sort();
      for (let x = -1; x <= 21; x += 0.5) {
        expect(bisect(a, x)).toBe(countLinear(a, x, true));
        expect(bisect(a, x, false)).toBe(countLinear(a, x, false));
      }
    }
  });
});

describe('lastAtOrBefore', () => {
  it('finds the span that holds x, -1 before the first start', () => {
    const starts = Uint32Array.of(0, 4, 9);
    expect([0, 3, 4, 8, 9, 100].map((x) => lastAtOrBefore(starts, x))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(lastAtOrBefore([5, 7], 4)).toBe(-1);
    expect(lastAtOrBefore([], 4)).toBe(-1);
  });

  it('takes the last of equal starts (an empty span before it is skipped)', () => {
    expect(lastAtOrBefore([0, 3, 3, 6], 3)).toBe(2);
  });
});
