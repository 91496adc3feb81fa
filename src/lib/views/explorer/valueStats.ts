/**
 * The value histogram of the window the select view shows, taken once per window: the line
 * plot's y range, the histogram under θ, the suggested θ and the out-of-range warning all read
 * it (each was a pass over every value, on every pan).
 */
import { valueHistogram, type ValueHistogram } from '../../analysis/threshold';

const memo = new WeakMap<Float32Array, ValueHistogram | null>();

export function valueStats(values: Float32Array): ValueHistogram | null {
  let h = memo.get(values);
  if (h === undefined) memo.set(values, (h = valueHistogram(values)));
  return h;
}
