import { describe, expect, it } from 'vitest';
import { correlationMatrix } from '../../analysis/correlation';
import { divergingScale } from '../colour';
import { clusterBreaks, paintCorrelation, UNDEFINED_RGB } from './correlationImage';

describe('correlation image', () => {
  // 3 units over 4 steps: unit 1 = −unit 0 (r = −1), unit 2 constant.
  const m = correlationMatrix({
    units: 3,
    steps: 4,
    values: Float32Array.of(0, 1, 2, 4, 0, -1, -2, -4, 5, 5, 5, 5)
  });
  const scale = divergingScale(1);
  const pixel = (img: Uint8ClampedArray, x: number, y: number) => [
    ...img.subarray((y * 3 + x) * 4, (y * 3 + x) * 4 + 3)
  ];
  const lut = (v: number) => [...scale.lut.subarray(scale.index(v) * 4, scale.index(v) * 4 + 3)];

  it('puts the r of units order[y] and order[x] at pixel (x, y); undefined pairs grey', () => {
    const img = new Uint8ClampedArray(9 * 4);
    paintCorrelation(m, [2, 1, 0], scale, img);
    expect(pixel(img, 1, 1)).toEqual(lut(1)); // unit 1 with itself
    expect(pixel(img, 2, 1)).toEqual(lut(-1)); // units 1 and 0
    expect(pixel(img, 1, 2)).toEqual(lut(-1));
    for (let i = 0; i < 3; i++) {
      expect(pixel(img, 0, i)).toEqual([...UNDEFINED_RGB]); // column of the constant unit
      expect(pixel(img, i, 0)).toEqual([...UNDEFINED_RGB]);
    }
  });

  it('finds where one cluster ends along the order', () => {
    expect(clusterBreaks([3, 0, 2, 1], [0, 1, 1, 2])).toEqual([1, 2]);
  });
});
