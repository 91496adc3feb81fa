/**
 * A ranking's report across every unit of every stream: units best first, each with its
 * held-out score; the pick made on the pick part and how it does on the held-out part; the
 * chance baseline (the best score any unit reaches against each shifted copy of the track: its
 * maximum and 95th percentile); base rate and warnings. Undefined figures are null, never NaN.
 * The CLI prints this object as JSON (snake_case there). Pure code.
 */
import type { BaseRate, HeldOutSplit, PreparedTarget, RankMetric } from './rankTarget';
import type { UnitStats } from './unitScores';

export interface RankedUnitScore {
  stream: string;
  unit: number;
  score: number | null;
  sign: number;
  auc: number | null;
  r: number | null;
  spearman: number | null;
  heldout: number | null;
  /** AUC of "value > k" per depth level (depth-like tracks) */
  levels?: (number | null)[];
}

export interface RankReport {
  track: string;
  metric: RankMetric;
  steps: number;
  baseRate: BaseRate | null;
  chance: { best: number | null; p95: number | null; shifts: number };
  heldoutPick: {
    stream: string;
    unit: number;
    scorePick: number;
    scoreHeldout: number | null;
  } | null;
  split: HeldOutSplit;
  /** depth-like tracks: the levels k of "value > k" */
  levels: number[];
  warnings: string[];
  units: RankedUnitScore[];
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** numpy.percentile's default (linear interpolation between order statistics). */
export function percentile(values: number[], q: number): number | null {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return null;
  const pos = (q / 100) * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Collects unit statistics stream by stream, then builds the report. */
export class RankCollector {
  private rows: RankedUnitScore[] = [];
  private chanceBest: Float64Array;
  private pick: { stream: string; unit: number; scorePick: number; heldout: number } | null = null;

  constructor(private target: PreparedTarget) {
    this.chanceBest = new Float64Array(target.shifted.length).fill(-Infinity);
  }

  add(stream: string, unit: number, s: UnitStats): void {
    const row: RankedUnitScore = {
      stream,
      unit,
      score: finite(s.score),
      sign: s.sign,
      auc: finite(s.auc),
      r: finite(s.r),
      spearman: finite(s.spearman),
      heldout: finite(s.heldout)
    };
    if (s.levels.length) row.levels = Array.from(s.levels, finite);
    this.rows.push(row);
    s.chance.forEach((c, k) => {
      if (c > this.chanceBest[k]) this.chanceBest[k] = c;
    });
    if (Number.isFinite(s.pick) && (!this.pick || s.pick > this.pick.scorePick))
      this.pick = { stream, unit, scorePick: s.pick, heldout: s.heldout };
  }

  report(): RankReport {
    const t = this.target;
    const best = Array.from(this.chanceBest).filter(Number.isFinite);
    const units = [...this.rows].sort(
      (a, b) => (b.score ?? -1) - (a.score ?? -1) // stable: stream order, then unit
    );
    const warnings = [...t.warnings];
    const top = units[0];
    if (top && top.heldout === null)
      warnings.push(
        'The held-out part has no positive (or no negative) steps: held-out scores are undefined. Record more text.'
      );
    return {
      track: t.name,
      metric: t.metric,
      steps: t.counted,
      baseRate: t.baseRate,
      chance: {
        best: best.length ? Math.max(...best) : null,
        p95: percentile(best, 95),
        shifts: t.shifted.length
      },
      heldoutPick: this.pick && {
        stream: this.pick.stream,
        unit: this.pick.unit,
        scorePick: this.pick.scorePick,
        scoreHeldout: finite(this.pick.heldout)
      },
      split: t.split,
      levels: t.levels.map((l) => l.k),
      warnings,
      units
    };
  }
}
