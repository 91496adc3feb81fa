/**
 * Orders of a stream's units as heatmap rows: `order[row] = unit` (a permutation of 0..units-1)
 * and its inverse `rowOf[unit] = row`. Every order here keeps all units, so a view that draws
 * rows in an order still shows each unit once, under its own number. Pure code.
 */

/** 0, 1, …, units − 1. */
export function identityOrder(units: number): Int32Array {
  return Int32Array.from({ length: units }, (_, u) => u);
}

/** Whether `order` holds each of 0..units-1 exactly once. */
export function isPermutation(order: ArrayLike<number>, units: number): boolean {
  if (order.length !== units) return false;
  const seen = new Uint8Array(units);
  for (let i = 0; i < units; i++) {
    const u = order[i];
    if (!Number.isInteger(u) || u < 0 || u >= units || seen[u]) return false;
    seen[u] = 1;
  }
  return true;
}

/** rowOf[unit] = the row the unit sits in. */
export function rowsOf(order: ArrayLike<number>): Int32Array {
  const rows = new Int32Array(order.length);
  for (let r = 0; r < order.length; r++) rows[order[r]] = r;
  return rows;
}

/** The given units first (in the given order, unknown or repeated ones skipped), then the rest. */
export function orderFirst(units: number, first: readonly number[]): Int32Array {
  const seen = new Uint8Array(units);
  const out: number[] = [];
  for (const u of first)
    if (Number.isInteger(u) && u >= 0 && u < units && !seen[u]) {
      seen[u] = 1;
      out.push(u);
    }
  for (let u = 0; u < units; u++) if (!seen[u]) out.push(u);
  return Int32Array.from(out);
}

/**
 * Units by score, highest first (ties and units without a score keep their number order; those
 * without one come after every scored unit).
 */
export function orderByScore(
  units: number,
  scores: readonly { unit: number; score: number | null }[]
): Int32Array {
  const score = new Float64Array(units).fill(-Infinity);
  for (const s of scores)
    if (s.unit >= 0 && s.unit < units && s.score !== null && Number.isFinite(s.score))
      score[s.unit] = s.score;
  return identityOrder(units).sort((a, b) => score[b] - score[a] || a - b);
}

/**
 * A [steps, units] row-major window with its units put in `order` (column c holds unit
 * order[c]), for views that draw units as they come.
 */
export function permuteUnits(
  values: Float32Array,
  steps: number,
  units: number,
  order: ArrayLike<number>
): Float32Array {
  const out = new Float32Array(steps * units);
  for (let t = 0; t < steps; t++) {
    const base = t * units;
    for (let c = 0; c < units; c++) out[base + c] = values[base + order[c]];
  }
  return out;
}
