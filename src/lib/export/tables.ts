/** CSV exports: per-unit statistics of a window, match results, unit rankings. Pure code. */
import type { Match } from '../analysis/matchScore';
import { roundStored } from './precision';
import type { RankReport } from '../analysis/rankReport';

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
/** A unit ranking across streams: one row per unit, best first (empty cells where undefined). */
export function rankReportCsv(report: RankReport): string {
  const cell = (v: number | null) => (v === null ? '' : +v.toFixed(6));
  const rows: (string | number)[][] = [
    ['stream', 'unit', 'score', 'sign', 'heldout', 'auc', 'r', 'spearman']
  ];
  for (const u of report.units)
    rows.push([
      u.stream,
      u.unit,
      cell(u.score),
      u.sign,
      cell(u.heldout),
      cell(u.auc),
      cell(u.r),
      cell(u.spearman)
    ]);
  return csv(rows);
}
