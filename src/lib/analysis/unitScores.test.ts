/**
 * Unit scores against scikit-learn's roc_auc_score and SciPy's pearsonr / spearmanr on the
 * decoded values (tests/fixtures/rank/make_rank_fixture.py): columns with one decode, with many
 * (ties across segments), constant, and unquantised; binary and numeric tracks, with gaps, one
 * or several documents.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prepareTarget, splitOfDocuments, type RankMetric } from './rankTarget';
import { buildUnitIndex, SumsBuilder, type StoredColumn } from './unitEntries';
import { targetSums, unitStats } from './unitScores';

interface Case {
  name: string;
  track: (number | null)[];
  documentStarts: number[];
  metric: RankMetric;
  shifts: number[];
  levels: number[];
  units: {
    column: {
      starts: number[];
      lo: (number | null)[];
      step: (number | null)[];
      codes: number[] | null;
      f32: number[] | null;
    };
    auc: number | null;
    r: number | null;
    spearman: number | null;
    part: (number | null)[];
    shift: (number | null)[];
    levels: number[];
  }[];
}
const { cases } = JSON.parse(readFileSync('tests/fixtures/rank/rank-cases.json', 'utf8')) as {
  cases: Case[];
};

const num = (v: number | null) => (v === null ? NaN : v);
function column(c: Case['units'][number]['column'], length: number): StoredColumn {
  return {
    length,
    starts: c.starts,
    lo: c.lo.map(num),
    step: c.step.map(num),
    codes: c.codes ? Uint8Array.from(c.codes) : null,
    f32: c.f32 ? Float32Array.from(c.f32) : null
  };
}
const close = (actual: number, expected: number | null) =>
  expected === null
    ? expect(Number.isNaN(actual)).toBe(true)
    : expect(actual).toBeCloseTo(expected, 9);

describe.each(cases)('$name', (c) => {
  const values = Float32Array.from(c.track, num);
  const target = prepareTarget(values, {
    name: c.name,
    documentStarts: c.documentStarts,
    metric: c.metric,
    shiftOffsets: c.shifts,
    depthLike: c.levels.length > 0
  });
  const builder = new SumsBuilder(target);
  const docPart = splitOfDocuments(values.length, c.documentStarts);
  const sums = targetSums(target);
  it.each(c.units.map((u, i) => ({ u, i })))('unit $i', ({ u }) => {
    const index = buildUnitIndex(column(u.column, values.length), docPart);
    const s = unitStats(builder.build(index), target, sums);
    if (target.binary) close(s.auc, u.auc);
    close(s.r, u.r);
    close(s.spearman, u.spearman);
    const [p0, p1] = u.part;
    const orient = (x: number | null, by: number | null) =>
      x === null || by === null
        ? null
        : c.metric === 'auc'
          ? by >= 0.5
            ? x
            : 1 - x
          : by >= 0
            ? x
            : -x;
    close(s.pick, p0 === null ? null : c.metric === 'auc' ? Math.max(p0, 1 - p0) : Math.abs(p0));
    close(s.heldout, orient(p1, p0));
    u.shift.forEach((v, k) => close(s.chance[k], v));
    u.levels.forEach((v, j) => close(s.levels[j], v));
  });
});
