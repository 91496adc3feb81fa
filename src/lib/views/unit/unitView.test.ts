import { describe, expect, it } from 'vitest';
import type { UnitProfile } from '../../analysis/unitProfile';
import { colourExtent } from './unitView';

const profile = (min: number, max: number) => ({ min, max }) as UnitProfile;

describe('colourExtent', () => {
  it('rounds the largest |value| up to two significant digits, as the legend prints it', () => {
    expect(colourExtent(profile(-3.496, 9.658))).toBe(9.7);
    expect(colourExtent(profile(-124.242, 4.043))).toBe(130);
    expect(colourExtent(profile(-0.0123, 0.004))).toBe(0.013);
    expect(colourExtent(profile(0, 1))).toBe(1);
    expect(colourExtent(profile(0, 0))).toBe(1);
  });
});
