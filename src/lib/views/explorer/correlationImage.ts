/**
 * Pixels of a unit × unit correlation matrix in a row order: pixel (x = c, y = r) shows the r of
 * units order[r] and order[c] on the diverging scale from −1 to +1; undefined pairs (a constant
 * unit) are a neutral grey, which the legend names. Also where one cluster's rows end.
 */
import type { CorrelationMatrix } from '../../analysis/correlation';
import type { ColourScale } from '../colour';

/** Grey of undefined correlations (distinct from the scale's near-white 0). */
export const UNDEFINED_RGB = [140, 140, 140] as const;
export const UNDEFINED_CSS = `rgb(${UNDEFINED_RGB.join(', ')})`;

export function paintCorrelation(
  m: CorrelationMatrix,
  order: ArrayLike<number>,
  scale: ColourScale,
  out: Uint8ClampedArray
): void {
  const U = m.units;
  const lut = new Uint32Array(scale.lut.buffer, scale.lut.byteOffset, 256);
  const px = new Uint32Array(out.buffer, out.byteOffset, U * U);
  const grey = new Uint32Array(new Uint8ClampedArray([...UNDEFINED_RGB, 255]).buffer)[0];
  for (let r = 0; r < U; r++) {
    const a = order[r];
    for (let c = 0; c < U; c++) {
      const b = order[c];
      px[r * U + c] = m.constant[a] || m.constant[b] ? grey : lut[scale.index(m.r[a * U + b])];
    }
  }
}

/** Rows after which the cluster changes along the order (boundaries to draw). */
export function clusterBreaks(order: ArrayLike<number>, labels: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 1; r < order.length; r++) if (labels[order[r]] !== labels[order[r - 1]]) out.push(r);
  return out;
}
