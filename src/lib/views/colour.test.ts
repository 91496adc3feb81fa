import { describe, expect, it } from 'vitest';
import { topUnitsByMagnitude } from '../analysis/topUnits';
import { divergingScale, paintHeatmap } from './colour';
import { visibleToken } from './format';

describe('diverging colour scale', () => {
  const s = divergingScale(1);
  it('is near-white at 0, red for positive and blue for negative values', () => {
    const [r0, g0, b0] = s.css(0).match(/\d+/g)!.map(Number);
    expect(Math.min(r0, g0, b0)).toBeGreaterThan(235);
    const [r1, , b1] = s.css(1).match(/\d+/g)!.map(Number);
    expect(r1).toBeGreaterThan(b1 + 50);
    const [rn, , bn] = s.css(-1).match(/\d+/g)!.map(Number);
    expect(bn).toBeGreaterThan(rn + 50);
  });
  it('clamps values outside the extent', () => {
    expect(s.index(5)).toBe(255);
    expect(s.index(-5)).toBe(0);
    expect(s.index(0)).toBe(128);
  });
  it('paints in the order of the window (a row per step, a column per unit), as index() says', () => {
    // 2 steps x 3 units, row-major by step
    const win = new Float32Array([1, 0, -1, -1, 0.3, NaN]);
    const out = new Uint8ClampedArray(2 * 3 * 4);
    paintHeatmap(win, 2, 3, s, out);
    const px = (step: number, unit: number) =>
      Array.from(out.subarray((step * 3 + unit) * 4, (step * 3 + unit) * 4 + 4));
    expect(px(0, 0)).toEqual(Array.from(s.lut.subarray(255 * 4, 256 * 4)));
    expect(px(1, 0)).toEqual(Array.from(s.lut.subarray(0, 4)));
    const i = s.index(0.3);
    expect(i).toBe(166); // 0.3 → (0.3 + 1) / 2 · 255 = 165.75
    expect(px(1, 1)).toEqual(Array.from(s.lut.subarray(i * 4, i * 4 + 4)));
    expect(px(1, 2)[3]).toBe(0);
  });
});

describe('top units', () => {
  it('orders by |value| and breaks ties by unit index', () => {
    expect(topUnitsByMagnitude([0.1, -0.9, 0.5, 0.9], 3)).toEqual([
      { unit: 1, value: -0.9 },
      { unit: 3, value: 0.9 },
      { unit: 2, value: 0.5 }
    ]);
  });
});

describe('visible whitespace', () => {
  it('shows spaces, newlines and tabs', () => {
    expect(visibleToken(' ')).toBe('·');
    expect(visibleToken('\n')).toBe('↵');
    expect(visibleToken('a b\tc')).toBe('a·b⇥c');
  });
});

import { robustExtent } from '../analysis/extent';
describe('colour extent', () => {
  it('is 1 for bounded values and a round number above the 97th percentile otherwise', () => {
    expect(robustExtent(Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i)))).toBe(1);
    const c = Float32Array.from({ length: 1000 }, (_, i) => (i % 100) * 0.07); // up to 6.93
    expect(robustExtent(c)).toBe(10);
    c[0] = 500; // one outlier does not set the scale
    expect(robustExtent(c)).toBe(10);
    expect(robustExtent(Float32Array.from([2.5, -2.9, 1]))).toBe(3);
  });
});
