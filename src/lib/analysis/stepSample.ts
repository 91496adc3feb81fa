/**
 * Which steps a unit × unit correlation is computed over. All of them while the work stays small;
 * for a big recording, a fixed random sample: `count` distinct steps drawn uniformly (Floyd's
 * algorithm on xoroshiro128+ seeded with STEP_SAMPLE_SEED), in ascending order — the same
 * recording always gives the same sample. Pure code.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

export const STEP_SAMPLE_SEED = 1;
/** Values held at once (4 bytes each): 64 MB. */
const MAX_VALUES = 16 * 2 ** 20;
/** Multiply-adds of the correlation product (~2 s in a browser worker). */
const MAX_PRODUCT = 2e9;
/** Fewer steps than this make r too noisy to cluster by: always take at least these. */
const MIN_STEPS = 4096;

/** How many steps to correlate `units` units over, of `total` recorded. */
export function profileSteps(units: number, total: number): number {
  const byMemory = Math.floor(MAX_VALUES / Math.max(1, units));
  const byWork = Math.floor(MAX_PRODUCT / Math.max(1, (units * units) / 2));
  return Math.min(total, Math.max(MIN_STEPS, Math.min(byMemory, byWork)));
}

/** `count` distinct steps of 0..total-1, ascending (all of them when count ≥ total). */
export function sampleSteps(total: number, count: number, seed = STEP_SAMPLE_SEED): Uint32Array {
  if (count >= total) return Uint32Array.from({ length: total }, (_, t) => t);
  const rng = xoroshiro128plus(seed | 0);
  for (let i = 0; i < 64; i++) rng.next();
  const chosen = new Uint8Array(total);
  // Floyd: for j in total-count..total-1 pick t in [0, j]; if taken, take j.
  for (let j = total - count; j < total; j++) {
    const t = uniformInt(rng, 0, j);
    chosen[chosen[t] ? j : t] = 1;
  }
  const out = new Uint32Array(count);
  for (let t = 0, i = 0; t < total; t++) if (chosen[t]) out[i++] = t;
  return out;
}

/** `m` of the sampled steps, evenly spaced through them (all when m ≥ their number). */
export function thinSteps(steps: Uint32Array, m: number): Uint32Array {
  const n = steps.length;
  if (m >= n) return steps;
  return Uint32Array.from({ length: m }, (_, i) => steps[Math.floor((i * n) / m)]);
}

/**
 * A circular shift for a chance reference: a stream's steps moved by s, drawn uniformly from
 * [⌈T/10⌉, ⌊9T/10⌋] so the shifted stream is far from its own alignment.
 */
export function chanceShift(T: number, seed: number): number {
  if (T < 10) return Math.floor(T / 2);
  const rng = xoroshiro128plus((seed ^ 0x5eed) | 0);
  for (let i = 0; i < 64; i++) rng.next(); // a state made from 32 bits is sparse at first
  return uniformInt(rng, Math.ceil(T / 10), Math.floor((9 * T) / 10));
}
