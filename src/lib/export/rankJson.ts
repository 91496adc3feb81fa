/**
 * A ranking as JSON for files and scripts (the browser's export and `npm run analyze -- rank
 * --json` print the same object): snake_case keys, null where a figure is undefined. Pure code.
 */
import type { RankReport } from '../analysis/rankReport';

export function rankReportJson(report: RankReport, top = Infinity) {
  const b = report.baseRate;
  const p = report.heldoutPick;
  return {
    track: report.track,
    metric: report.metric,
    steps: report.steps,
    base_rate: b && {
      positive_steps: b.positiveSteps,
      positive_runs: b.positiveRuns,
      steps: b.steps
    },
    chance: report.chance,
    heldout_pick: p && {
      stream: p.stream,
      unit: p.unit,
      score_pick: p.scorePick,
      score_heldout: p.scoreHeldout
    },
    split: {
      by: report.split.by,
      pick_steps: report.split.pickSteps,
      heldout_steps: report.split.heldoutSteps
    },
    levels: report.levels,
    warnings: report.warnings,
    units: report.units.slice(0, top).map((u) => ({
      stream: u.stream,
      unit: u.unit,
      score: u.score,
      sign: u.sign,
      auc: u.auc,
      r: u.r,
      spearman: u.spearman,
      heldout: u.heldout,
      ...(u.levels ? { levels: u.levels } : {})
    }))
  };
}
