/**
 * The diverging colour scale for unit values: ColorBrewer RdBu (colour-blind safe), blue for
 * negative, near-white at 0, red for positive. A 256-entry lookup table keeps canvas fills fast.
 */
import { interpolateRdBu } from 'd3';

export interface ColourScale {
  /** Values at the ends of the scale; 0 is always the centre. */
  extent: number;
  /** RGBA bytes, 256 entries. */
  lut: Uint8ClampedArray;
  /** Index into the LUT for a value. */
  index(v: number): number;
  css(v: number): string;
}

function parseRgb(s: string): [number, number, number] {
  const m = s.match(/\d+/g)!;
  return [+m[0], +m[1], +m[2]];
}

export function divergingScale(extent = 1): ColourScale {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i++) {
    // interpolateRdBu(0) is red, (1) is blue: flip so that positive values are red.
    const [r, g, b] = parseRgb(interpolateRdBu(1 - i / 255));
    lut.set([r, g, b, 255], i * 4);
  }
  const index = (v: number) => {
    const t = (v / extent + 1) / 2;
    return t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255);
  };
  return {
    extent,
    lut,
    index,
    css(v) {
      const i = index(v) * 4;
      return `rgb(${lut[i]}, ${lut[i + 1]}, ${lut[i + 2]})`;
    }
  };
}

/**
 * Fill an RGBA image of `units` rows × `steps` columns from a [steps, units] row-major window:
 * pixel (x = step, y = unit). NaN (no data) stays transparent.
 */
export function paintHeatmap(
  window: Float32Array,
  steps: number,
  units: number,
  scale: ColourScale,
  out: Uint8ClampedArray
): void {
  const { lut } = scale;
  for (let t = 0; t < steps; t++) {
    const row = t * units;
    for (let u = 0; u < units; u++) {
      const v = window[row + u];
      const p = (u * steps + t) * 4;
      if (Number.isNaN(v)) {
        out[p + 3] = 0;
        continue;
      }
      const i = scale.index(v) * 4;
      out[p] = lut[i];
      out[p + 1] = lut[i + 1];
      out[p + 2] = lut[i + 2];
      out[p + 3] = 255;
    }
  }
}
