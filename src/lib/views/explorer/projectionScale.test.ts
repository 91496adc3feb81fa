import { describe, expect, it } from 'vitest';
import { extentOf, pad } from './projectionScale';

describe('projection axes', () => {
  it('the extent of x or y of interleaved points, padded 4% a side', () => {
    const xy = Float32Array.of(0, -2, 10, 3, 5, 1);
    expect(extentOf(xy, 0)).toEqual([0, 10]);
    expect(extentOf(xy, 1)).toEqual([-2, 3]);
    expect(pad([0, 10])).toEqual([-0.4, 10.4]);
  });
  it('empty and constant coordinates still give a usable range', () => {
    expect(extentOf(new Float32Array(0), 0)).toEqual([0, 1]);
    expect(pad([0, 0])).toEqual([-1, 1]);
  });
});
