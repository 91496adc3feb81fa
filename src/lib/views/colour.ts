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
  const k = 127.5 / extent;
  const index = (v: number) => lutIndex(v, k);
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
 * Fill an RGBA image of `steps` rows × `units` columns from a [steps, units] row-major window:
 * pixel (x = unit, y = step), i.e. the window's own order, so the fill reads and writes in step
 * (it runs on every pan; transposing here cost 7× more). Views draw it with the axes swapped
 * (drawTransposed). NaN (no data) stays transparent.
 */
export function paintHeatmap(
  window: Float32Array,
  steps: number,
  units: number,
  scale: ColourScale,
  out: Uint8ClampedArray
): void {
  const lut = new Uint32Array(scale.lut.buffer, scale.lut.byteOffset, 256);
  const px = new Uint32Array(out.buffer, out.byteOffset, steps * units);
  const k = 127.5 / scale.extent;
  for (let i = 0; i < steps * units; i++) {
    const v = window[i];
    px[i] = v !== v ? 0 : lut[lutIndex(v, k)];
  }
}

/** LUT entry of v for a scale of extent 127.5 / k: 0 at -extent, 255 at +extent, rounded. */
function lutIndex(v: number, k: number): number {
  const f = v * k + 127.5;
  return f <= 0 ? 0 : f >= 255 ? 255 : (f + 0.5) | 0;
}
