/**
 * Which units follow an annotation track: the Pearson correlation of every unit with a per-step
 * target over the whole recording (Karpathy et al. 2015 looked for "quote" and "line length"
 * cells this way). A categorical track becomes a 0/1 target for one category (point-biserial r).
 *
 * The data arrive in windows, so the statistics are merged window by window (Chan et al.'s
 * pairwise update): each window's means and co-moments are taken in two passes, then combined,
 * which stays exact where running sums of x², xy would cancel catastrophically over a million
 * steps. Steps where the target or the value is not finite are left out. Pure code.
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
    // Window statistics per unit (only steps where both are finite count).
    const n = new Float64Array(U);
    const sx = new Float64Array(U);
    const sy = new Float64Array(U);
    for (let t = 0; t < steps; t++) {
      const y = target[t];
      if (!Number.isFinite(y)) continue;
      sumRow(values, t * U, U, y, n, sx, sy);
    }
    const mx = sx.map((s, u) => (n[u] ? s / n[u] : 0));
    const my = sy.map((s, u) => (n[u] ? s / n[u] : 0));
    const cxx = new Float64Array(U);
    const cyy = new Float64Array(U);
    const cxy = new Float64Array(U);
    for (let t = 0; t < steps; t++) {
      const y = target[t];
      if (!Number.isFinite(y)) continue;
      deviationRow(values, t * U, U, y, mx, my, cxx, cyy, cxy);
    }
    for (let u = 0; u < U; u++) {
      const nb = n[u];
      if (!nb) continue;
      const na = this.n[u];
      const nn = na + nb;
      const dx = mx[u] - this.mx[u];
      const dy = my[u] - this.my[u];
      const w = (na * nb) / nn;
      this.sxx[u] += cxx[u] + dx * dx * w;
      this.syy[u] += cyy[u] + dy * dy * w;
      this.sxy[u] += cxy[u] + dx * dy * w;
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

// Hot loops in their own functions: V8 optimises them once (see match.ts countChunk).
function sumRow(
  values: Float32Array,
  base: number,
  U: number,
  y: number,
  n: Float64Array,
  sx: Float64Array,
  sy: Float64Array
) {
  for (let u = 0; u < U; u++) {
    const x = values[base + u];
    if (x - x !== 0) continue; // NaN or ±Infinity
    n[u]++;
    sx[u] += x;
    sy[u] += y;
  }
}

function deviationRow(
  values: Float32Array,
  base: number,
  U: number,
  y: number,
  mx: Float64Array,
  my: Float64Array,
  cxx: Float64Array,
  cyy: Float64Array,
  cxy: Float64Array
) {
  for (let u = 0; u < U; u++) {
    const x = values[base + u];
    if (x - x !== 0) continue;
    const dx = x - mx[u];
    const dy = y - my[u];
    cxx[u] += dx * dx;
    cyy[u] += dy * dy;
    cxy[u] += dx * dy;
  }
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
