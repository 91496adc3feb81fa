import { describe, expect, it } from 'vitest';
import { lineDensity, paintDensity } from './lineDensity';

describe('line density', () => {
  it('rasterises each unit as a connected line, skipping the given units', () => {
    // 3 steps × 2 units; unit 0 goes 0 → 4 → 4, unit 1 is flat at 2 and skipped.
    const values = Float32Array.from([0, 2, 4, 2, 4, 2]);
    for (const cw of [4, 6]) {
      const width = 3 * cw;
      const counts = lineDensity(values, 3, 2, new Set([1]), cw, width, 5, 1, 0);
      const col = (x: number) => Array.from({ length: 5 }, (_, y) => counts[x * 5 + y]);
      // Every column of the line is covered once, and no pixel of unit 1's row y=2 is extra.
      const total = counts.reduce((s, c) => s + c, 0);
      expect(total).toBeGreaterThanOrEqual(5 + 1); // the 0→4 rise spans 5 rows, then flat
      expect(col(Math.floor(0.5 * cw))[0]).toBe(1);
      expect(col(Math.floor(2.5 * cw))[4]).toBe(1);
      expect(counts.every((c) => c <= 1)).toBe(true);
    }
  });
});

describe('line density, zoomed out', () => {
  it('plots each step as a point per pixel column', () => {
    const values = Float32Array.from([0, 4, 4]);
    const counts = lineDensity(values, 3, 1, new Set(), 1, 3, 5, 1, 0);
    // Column-major: x = 0 has the point at y = 0, x = 1 and x = 2 at y = 4.
    expect(Array.from(counts)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });
});

describe('line density, skipped units', () => {
  it('zoomed out, leaves the skipped units out exactly (NaN plots nowhere)', () => {
    // 2 steps × 3 units: unit 1 is skipped, unit 2 is NaN at step 1.
    const values = Float32Array.from([1, 3, 2, 4, 3, NaN]);
    const counts = lineDensity(values, 2, 3, new Set([1]), 1, 2, 5, 1, 0);
    expect(Array.from(counts)).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('density to pixels', () => {
  it('leaves empty pixels transparent; more lines are more opaque, capped at 0.85', () => {
    const counts = Uint16Array.from([0, 1, 2, 1000]);
    const out = new Uint8ClampedArray(4 * 4).fill(7);
    paintDensity(counts, [10, 20, 30], 0.1, out);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(out.subarray(4, 7))).toEqual([10, 20, 30]);
    const alpha = (i: number) => out[i * 4 + 3] / 255;
    expect(alpha(1)).toBeCloseTo(0.1, 2);
    expect(alpha(2)).toBeCloseTo(0.19, 2); // 1 − 0.9²
    expect(alpha(3)).toBeCloseTo(0.85, 2);
  });
});
