/**
 * The comparison's unit statistics against NumPy/SciPy (tests/fixtures/compare): every unit
 * pair's r over all steps and within each part (pairStats + unitCorrelation), and the Hungarian
 * assignment on the pick part's |r| (scipy.optimize.linear_sum_assignment, maximize=True).
 */
import { describe, expect, it } from 'vitest';
import { compareCases } from '../../../tests/helpers/compareFixture';
import { centreColumns } from './crossProducts';
import { PairAccumulator } from './pairStats';
import { bestCounterparts, correlations } from './unitCorrelation';
import { assignUnits } from './unitMatching';
import { ckaFromNorms } from './cka';
import { sumSquares } from './crossProducts';

function expectClose(got: Float64Array, want: (number | null)[], tol: number) {
  expect(got.length).toBe(want.length);
  let worst = 0;
  want.forEach((w, i) => {
    if (w === null) expect(Number.isNaN(got[i])).toBe(true);
    else worst = Math.max(worst, Math.abs(got[i] - w));
  });
  expect(worst).toBeLessThan(tol);
}

describe.each(compareCases().map((c) => [c.name, c] as const))('%s', (_, c) => {
  const X = centreColumns(c.x, c.n, c.p);
  const Y = centreColumns(c.y, c.n, c.q);
  const acc = new PairAccumulator(X, c.p, Y, c.q, c.n, c.half);
  // in uneven blocks, as the worker runs it
  for (let r = 0; r < c.n; r += 37) acc.add(r, Math.min(c.n, r + 37));
  const s = acc.finish();

  it('r of every unit pair over all steps and within each part equals NumPy', () => {
    expectClose(correlations(s.sxy, s.vx, s.vy, s.n), c.r, 1e-10);
    const [pick, held] = s.parts;
    expect([pick.n, held.n]).toEqual([c.half, c.n - c.half]);
    expectClose(correlations(pick.sxy, pick.vx, pick.vy, pick.n), c.rPick, 1e-10);
    expectClose(correlations(held.sxy, held.vx, held.vy, held.n), c.rHeld, 1e-10);
  });

  it('CKA from the accumulated products equals NumPy', () => {
    expect(ckaFromNorms(sumSquares(s.sxy), s.gramXSq, s.gramYSq)).toBeCloseTo(c.cka, 10);
  });

  it('the assignment on the pick part equals SciPy linear_sum_assignment', () => {
    const rPick = correlations(s.parts[0].sxy, s.parts[0].vx, s.parts[0].vy, s.parts[0].n);
    const pairs = assignUnits(rPick, c.p, c.q);
    expect(pairs.length).toBe(Math.min(c.p, c.q));
    const score = pairs.reduce((t, [a, b]) => t + (Math.abs(rPick[a * c.q + b]) || 0), 0);
    expect(score).toBeCloseTo(c.pickScore, 10);
    // random data: the optimum is unique, so the pairs themselves agree
    const byA = (x: [number, number][]) => [...x].sort((u, v) => u[0] - v[0]);
    expect(pairs).toEqual(byA(c.pairsOnPick));
  });

  it('each unit’s best counterpart is its largest |r|', () => {
    const r = correlations(s.sxy, s.vx, s.vy, s.n);
    const { bestA, argA, bestB } = bestCounterparts(r, c.p, c.q);
    for (let i = 0; i < c.p; i++) {
      const row = c.r.slice(i * c.q, (i + 1) * c.q).map((v) => (v === null ? -1 : Math.abs(v)));
      const max = Math.max(...row);
      if (max < 0) expect(argA[i]).toBe(-1);
      else {
        expect(bestA[i]).toBeCloseTo(max, 10);
        expect(row[argA[i]]).toBeCloseTo(max, 10);
      }
    }
    for (let j = 0; j < c.q; j++) {
      const col = Array.from({ length: c.p }, (_, i) => c.r[i * c.q + j]);
      const max = Math.max(...col.map((v) => (v === null ? -1 : Math.abs(v))));
      expect(bestB[j]).toBeCloseTo(Math.max(0, max), 10);
    }
  });
});
