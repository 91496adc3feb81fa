/** Line/column lookup for text offsets (binary search over line starts). */
import { lastAtOrBefore } from '../bisect';

export function lineStarts(text: string): Uint32Array {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return Uint32Array.from(starts);
}

/** 1-based line and column of an offset. */
export function lineCol(starts: Uint32Array, offset: number): { line: number; col: number } {
  const lo = Math.max(0, lastAtOrBefore(starts, offset));
  return { line: lo + 1, col: offset - starts[lo] + 1 };
}
