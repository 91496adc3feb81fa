import { describe, expect, it } from 'vitest';
import { CATEGORICAL, OKABE_ITO, onShade, paletteStyle, withAlpha } from './palette';

describe('palette', () => {
  it('writes a colour with an alpha as rgba()', () => {
    expect(withAlpha(OKABE_ITO.orange, 0.22)).toBe('rgba(230, 159, 0, 0.22)');
    expect(withAlpha(OKABE_ITO.skyBlue, 0.16)).toBe('rgba(86, 180, 233, 0.16)');
  });

  it('shades a token by the share of selected units on, none when none is', () => {
    expect(onShade(0, 4)).toBeNull();
    expect(onShade(2, 0)).toBeNull();
    expect(onShade(4, 4)).toBe(withAlpha(OKABE_ITO.orange, 0.75));
  });

  it('gives the stylesheets every colour as a custom property, and the tracks all eight', () => {
    expect(paletteStyle).toContain('--oi-sky-blue: #56b4e9');
    expect(paletteStyle).toContain('--oi-vermillion: #d55e00');
    expect(paletteStyle.split(';')).toHaveLength(Object.keys(OKABE_ITO).length);
    expect(new Set(CATEGORICAL)).toEqual(new Set(Object.values(OKABE_ITO)));
  });
});
