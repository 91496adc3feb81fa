/** CSV exports: per-unit statistics of a window, match results, a unit ranking. Pure code. */
import type { Match } from '../analysis/matchScore';
import { roundStored } from './precision';

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (rows: (string | number)[][]) =>
  rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

/**
 * unit, mean, sd, min, max and the fraction of steps ≥ θ, over a [T, units] window. With each
 * unit's quantisation step (`steps`, 0: exact), min and max keep only the digits it justifies and
 * a last column gives the step.
 */
export function unitStatsCsv(
  values: Float32Array,
  units: number,
  threshold: number,
  steps: ArrayLike<number> | null = null
): string {
  const T = Math.floor(values.length / units);
  const rows: (string | number)[][] = [
    ['unit', 'mean', 'sd', 'min', 'max', 'on_fraction', ...(steps ? ['step'] : [])]
  ];
  for (let u = 0; u < units; u++) {
    let sum = 0;
    let sq = 0;
    let min = Infinity;
    let max = -Infinity;
    let on = 0;
    for (let t = 0; t < T; t++) {
      const v = values[t * units + u];
      sum += v;
      sq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v >= threshold) on++;
    }
    const mean = sum / T;
    const sd = Math.sqrt(Math.max(0, sq / T - mean * mean));
    const r = (x: number) => +x.toPrecision(6);
    if (!steps) rows.push([u, r(mean), r(sd), r(min), r(max), r(on / T)]);
    else {
      const s = steps[u];
      const q = (x: number) => roundStored(x, s);
      rows.push([u, r(mean), r(sd), q(min), q(max), r(on / T), +s.toPrecision(2)]);
    }
  }
  return csv(rows);
}

/** One row per match: rank, steps, length, |S∩A|, |S∪A|, units on, and its text. */
export function matchesCsv(matches: Match[], textOf: (m: Match) => string): string {
  return csv([
    ['rank', 'start', 'end', 'length', 'intersect', 'union', 'units', 'text'],
    ...matches.map((m, i) => [
      i + 1,
      m.start,
      m.end,
      m.length,
      m.intersect,
      m.union,
      m.units.join(' '),
      textOf(m)
    ])
  ]);
}

/** unit and its Pearson r with a track (empty where undefined), by unit. */
export function rankingCsv(r: ArrayLike<number>): string {
  const rows: (string | number)[][] = [['unit', 'r']];
  for (let u = 0; u < r.length; u++) rows.push([u, Number.isFinite(r[u]) ? +r[u].toFixed(6) : '']);
  return csv(rows);
}
