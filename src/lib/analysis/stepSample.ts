/**
 * Which steps a comparison reads. A recording of at most `max` steps is read whole; a longer
 * one through a seeded uniform sample of `max` distinct steps (partial Fisher–Yates on
 * xoroshiro128+ from pure-rand, so one seed gives the same steps everywhere), ascending.
 * The chance offset is drawn from the same seed. Pure code.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

function generator(seed: number) {
  const rng = xoroshiro128plus(seed | 0);
  for (let i = 0; i < 64; i++) rng.next(); // a state made from 32 bits is sparse at first
  return rng;
}

/** Ascending steps of 0..T-1: all of them, or a seeded sample of `max`. */
export function sampleSteps(T: number, max: number, seed: number): Int32Array {
  if (T <= max) return Int32Array.from({ length: T }, (_, t) => t);
  const all = Int32Array.from({ length: T }, (_, t) => t);
  const rng = generator(seed);
  for (let i = 0; i < max; i++) {
    const j = uniformInt(rng, i, T - 1);
    const v = all[i];
    all[i] = all[j];
    all[j] = v;
  }
  return all.slice(0, max).sort();
}

/** `m` of the sampled steps, evenly spaced through them (all when m ≥ their number). */
export function thinSteps(steps: Int32Array, m: number): Int32Array {
  const n = steps.length;
  if (m >= n) return steps;
  return Int32Array.from({ length: m }, (_, i) => steps[Math.floor((i * n) / m)]);
}

/**
 * The circular shift for the chance reference: B's steps moved by s, drawn uniformly from
 * [⌈T/10⌉, ⌊9T/10⌋] so the shifted stream is far from its own alignment.
 */
export function chanceShift(T: number, seed: number): number {
  if (T < 10) return Math.floor(T / 2);
  const rng = generator(seed ^ 0x5eed);
  return uniformInt(rng, Math.ceil(T / 10), Math.floor((9 * T) / 10));
}
