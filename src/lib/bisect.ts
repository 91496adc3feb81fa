/**
 * Binary search in an ascending array (pure; shared by tokenize/, store/, analysis/ and the views).
 */

/** How many elements are ≤ x, or < x when `inclusive` is false (d3's bisectRight / bisectLeft). */
export function bisect(sorted: ArrayLike<number>, x: number, inclusive = true): number {
  let lo = 0;
  let hi = sorted.length;
  // Two loops, so the hot one (≤: chunk and segment lookups) has a single comparison.
  if (inclusive)
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
  else
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
  return lo;
}

/**
 * Index of the last element ≤ x, -1 when there is none: given ascending starts (of chunks, lines,
 * tokens, documents), the span that holds x.
 */
export function lastAtOrBefore(sorted: ArrayLike<number>, x: number): number {
  return bisect(sorted, x) - 1;
}
