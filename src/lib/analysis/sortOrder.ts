/**
 * Sorting numbers by value in linear time: a float32's bits, with the sign handled, order like
 * the float itself, so an LSD radix sort on those 32-bit keys (two passes of 16 bits) gives the
 * exact order without a comparison callback. The rankers sort hundreds of thousands of values
 * per unit; `Array.prototype.sort` with a comparator costs ~20× more. Pure code.
 */

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** A key whose unsigned order is the float32 order of x (−0 and +0 tie; NaN sorts last). */
export function orderKey(x: number): number {
  if (x !== x) return 0xffffffff;
  F32[0] = x === 0 ? 0 : x;
  const b = U32[0];
  return b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/** Keys of many values at once. */
export function orderKeys(values: ArrayLike<number>, n = values.length): Uint32Array {
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = orderKey(values[i]);
  return keys;
}

/** Indices 0..n-1 ordered by key (stable: equal keys keep index order). */
export function argsortKeys(keys: Uint32Array, n = keys.length): Uint32Array {
  let order = new Uint32Array(n);
  let next = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const count = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((keys[order[i]] >>> shift) & 0xffff) + 1]++;
    for (let d = 1; d < 65537; d++) count[d] += count[d - 1];
    for (let i = 0; i < n; i++) {
      const o = order[i];
      next[count[(keys[o] >>> shift) & 0xffff]++] = o;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * Mid-ranks (1-based; ties share the mean of their ranks) of the finite values; NaN elsewhere.
 * `count` is how many values were finite.
 */
export function midRanks(values: ArrayLike<number>): { ranks: Float64Array; count: number } {
  const n = values.length;
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = orderKey(Math.fround(values[i]));
  const order = argsortKeys(keys);
  const ranks = new Float64Array(n).fill(NaN);
  let i = 0;
  while (i < n && keys[order[i]] !== 0xffffffff) {
    let j = i + 1;
    while (j < n && keys[order[j]] === keys[order[i]]) j++;
    const r = (i + 1 + j) / 2; // mean of ranks i+1..j
    for (let k = i; k < j; k++) ranks[order[k]] = r;
    i = j;
  }
  return { ranks, count: i };
}
