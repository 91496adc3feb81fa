/**
 * Which units follow an annotation track: the Pearson correlation of every unit with a per-step
 * target over the whole recording (Karpathy et al. 2015 looked for "quote" and "line length"
 * cells this way). A categorical track becomes a 0/1 target for one category (point-biserial r).
 *
 * The data arrive in windows, so the statistics are merged window by window (Chan et al.'s
 * pairwise update): each window's co-moments are summed in one pass around a shift near the mean,
 * then combined, which stays exact where running sums of x², xy over a million steps would cancel
 * catastrophically. Steps where the target or the value is not finite are left out. Pure code.
 */
import type { Track } from './tracks';

/** The values to correlate with: the track's numbers, or 1/0 for "is this category". */
export function trackTarget(track: Track, category?: number): Float32Array {
  if (track.kind === 'numeric') return track.values;
  if (category === undefined) throw new Error(`Choose a category of "${track.name}" to rank by.`);
  return track.values.map((v) => (Number.isFinite(v) ? (v === category ? 1 : 0) : NaN));
}

export class UnitCorrelation {
  /** per unit: steps counted, means, and sums of squared / cross deviations */
  readonly n: Float64Array;
  private mx: Float64Array;
  private my: Float64Array;
  private sxx: Float64Array;
  private syy: Float64Array;
  private sxy: Float64Array;

  constructor(readonly units: number) {
    [this.n, this.mx, this.my] = [
      new Float64Array(units),
      new Float64Array(units),
      new Float64Array(units)
    ];
    [this.sxx, this.syy, this.sxy] = [
      new Float64Array(units),
      new Float64Array(units),
      new Float64Array(units)
    ];
  }

  /** Add `steps` rows of values ([steps, units] row-major) with their targets. */
  add(values: Float32Array, steps: number, target: ArrayLike<number>): void {
    const U = this.units;
    if (values.length < steps * U || target.length < steps)
      throw new RangeError(`expected ${steps} steps of ${U} units and ${steps} targets`);
    // One pass over the window with shifted data (x − K, y − Ky; K near the mean keeps the
    // sums small), then the window's statistics are merged in (Chan et al.).
    const ky = firstFinite(target, steps);
    const K = new Float64Array(U);
    for (let u = 0; u < U; u++)
      K[u] = this.n[u] ? this.mx[u] : firstValue(values, steps, U, u, target);
    const sx = new Float64Array(U);
    const sxx = new Float64Array(U);
    const sxy = new Float64Array(U);
    // y sums are shared by the units; a unit's missing values (rare) are taken out of its copy.
    let [ny, sy, syy] = [0, 0, 0];
    const miss = { n: new Float64Array(U), sy: new Float64Array(U), syy: new Float64Array(U) };
    for (let t = 0; t < steps; t++) {
      const dy = target[t] - ky;
      if (dy - dy !== 0) continue; // no target here
      ny++;
      sy += dy;
      syy += dy * dy;
      if (!accumulateRow(values, t * U, U, dy, K, sx, sxx, sxy))
        markMissing(values, t * U, U, dy, miss);
    }
    for (let u = 0; u < U; u++) {
      const nb = ny - miss.n[u];
      if (!nb) continue;
      const [dys, dyys] = [sy - miss.sy[u], syy - miss.syy[u]];
      const mxb = K[u] + sx[u] / nb;
      const myb = ky + dys / nb;
      const cxx = sxx[u] - (sx[u] * sx[u]) / nb;
      const cyy = dyys - (dys * dys) / nb;
      const cxy = sxy[u] - (sx[u] * dys) / nb;
      const na = this.n[u];
      const nn = na + nb;
      const dx = mxb - this.mx[u];
      const dy = myb - this.my[u];
      const w = (na * nb) / nn;
      this.sxx[u] += cxx + dx * dx * w;
      this.syy[u] += cyy + dy * dy * w;
      this.sxy[u] += cxy + dx * dy * w;
      this.mx[u] += (dx * nb) / nn;
      this.my[u] += (dy * nb) / nn;
      this.n[u] = nn;
    }
  }

  /** Pearson r per unit; NaN where it is undefined (a constant unit or target, or no steps). */
  result(): Float64Array {
    return this.sxy.map((c, u) => {
      const d = Math.sqrt(this.sxx[u] * this.syy[u]);
      return d > 0 ? Math.max(-1, Math.min(1, c / d)) : NaN;
    });
  }
}

// Hot loop in its own function: V8 optimises it once (see match.ts countChunk).
/** Add one row; false if some value in it is not finite (those units are then fixed up). */
function accumulateRow(
  values: Float32Array,
  base: number,
  U: number,
  dy: number,
  K: Float64Array,
  sx: Float64Array,
  sxx: Float64Array,
  sxy: Float64Array
): boolean {
  let ok = true;
  for (let u = 0; u < U; u++) {
    const x = values[base + u];
    if (x - x !== 0) {
      ok = false; // NaN or ±Infinity
      continue;
    }
    const dx = x - K[u];
    sx[u] += dx;
    sxx[u] += dx * dx;
    sxy[u] += dx * dy;
  }
  return ok;
}

function markMissing(
  values: Float32Array,
  base: number,
  U: number,
  dy: number,
  miss: { n: Float64Array; sy: Float64Array; syy: Float64Array }
) {
  for (let u = 0; u < U; u++) {
    const x = values[base + u];
    if (x - x === 0) continue;
    miss.n[u]++;
    miss.sy[u] += dy;
    miss.syy[u] += dy * dy;
  }
}

function firstFinite(a: ArrayLike<number>, n: number): number {
  for (let i = 0; i < n; i++) if (Number.isFinite(a[i])) return a[i];
  return 0;
}

/** Unit u's first finite value at a step with a finite target (0 if none). */
function firstValue(
  values: Float32Array,
  steps: number,
  U: number,
  u: number,
  target: ArrayLike<number>
): number {
  for (let t = 0; t < steps; t++) {
    const x = values[t * U + u];
    if (Number.isFinite(x) && Number.isFinite(target[t])) return x;
  }
  return 0;
}

export interface RankedUnit {
  unit: number;
  r: number;
}

/** Units by |r|, largest first (ties by unit index); units with undefined r are left out. */
export function rankByCorrelation(r: ArrayLike<number>): RankedUnit[] {
  const out: RankedUnit[] = [];
  for (let u = 0; u < r.length; u++) if (Number.isFinite(r[u])) out.push({ unit: u, r: r[u] });
  return out.sort((a, b) => Math.abs(b.r) - Math.abs(a.r) || a.unit - b.unit);
}
