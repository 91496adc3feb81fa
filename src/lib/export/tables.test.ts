import { describe, expect, it } from 'vitest';
import { matchesCsv, unitStatsCsv } from './tables';

describe('CSV exports', () => {
  it('unit statistics over a window', () => {
    // 4 steps × 2 units: unit 0 = 0, 1, 0, 1; unit 1 = 2 throughout.
    const csv = unitStatsCsv(Float32Array.from([0, 2, 1, 2, 0, 2, 1, 2]), 2, 0.5);
    expect(csv).toBe('unit,mean,sd,min,max,on_fraction\n0,0.5,0.5,0,1,0.5\n1,2,0,2,2,1\n');
  });

  it('with quantisation steps: min and max at the digits they justify, and the step', () => {
    const v = Float32Array.from([0.34901, 0.1, -0.98431, 0.2]);
    expect(unitStatsCsv(v, 2, 0.5, [2 / 255, 0])).toBe(
      'unit,mean,sd,min,max,on_fraction,step\n' +
        '0,-0.31765,0.66666,-0.984,0.349,0,0.0078\n' +
        '1,0.15,0.05,0.1,0.2,0,0\n'
    );
  });

  it('match rows quote text with commas, quotes and newlines', () => {
    const m = {
      start: 3,
      end: 6,
      length: 3,
      units: [1, 4],
      intersect: 1,
      union: 2,
      jaccard: 0.5,
      missing: 0,
      k: 1,
      sharpness: 1
    };
    expect(matchesCsv([m], () => 'a, "b"\n')).toBe(
      'rank,start,end,length,intersect,union,units,text\n1,3,6,3,1,2,1 4,"a, ""b""\n"\n'
    );
  });
});
