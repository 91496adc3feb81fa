import { describe, expect, it } from 'vitest';
import { saturationCsv } from './saturationCsv';

describe('saturationCsv', () => {
  it('one row per gate and unit: fractions and the steps they count', () => {
    const gate = {
      stream: 'L0.fwd.f',
      steps: 8,
      left: Float64Array.of(0.125, 0),
      right: Float64Array.of(0.5, 0.875)
    };
    expect(saturationCsv([{ layer: 'L0.fwd', gates: [gate] }])).toBe(
      'stream,unit,steps,shut_fraction,open_fraction,shut_steps,open_steps\n' +
        'L0.fwd.f,0,8,0.125,0.5,1,4\n' +
        'L0.fwd.f,1,8,0,0.875,0,7\n'
    );
  });
});
