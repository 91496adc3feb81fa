import { describe, expect, it } from 'vitest';
import {
  explainSelection,
  onCounts,
  selectUnits,
  thresholdWarning,
  valueRange,
  type SelectQuery
} from './select';

/** [T, U] from one on/off string per unit: '1' = 0.9, '0' = 0.1, '.' = NaN. */
function grid(rows: string[]): Float32Array {
  const U = rows.length;
  const out = new Float32Array(rows[0].length * U);
  rows.forEach((r, u) =>
    [...r].forEach((ch, t) => (out[t * U + u] = ch === '1' ? 0.9 : ch === '.' ? NaN : 0.1))
  );
  return out;
}

const q = (brush: [number, number], padLeft = 1, padRight = 0, extra = {}): SelectQuery => ({
  brush,
  padLeft,
  padRight,
  threshold: 0.5,
  ...extra
});

//                      step: 0123456
const values = grid([
  '0011100', // 0: on over [2,5), off before
  '0111100', // 1: on over [2,5), but on before too
  '0011110', // 2: on over [2,5), and on after
  '0010100', // 3: off inside the brush
  '0011.00' //  4: NaN inside the brush counts as off
]);

describe('selectUnits', () => {
  it('selects units on over the brush and off in the padding', () => {
    expect(selectUnits(values, 5, 0, q([2, 5]))).toEqual([0, 2]);
    expect(selectUnits(values, 5, 0, q([2, 5], 1, 1))).toEqual([0]);
    expect(selectUnits(values, 5, 0, q([2, 5], 0, 0))).toEqual([0, 1, 2]);
  });

  it('works for a one-token brush', () => {
    expect(selectUnits(values, 5, 0, q([2, 3]))).toEqual([0, 2, 3, 4]);
    expect(selectUnits(values, 5, 0, q([1, 2]))).toEqual([1]);
  });

  it('uses absolute steps: the window starts at t0', () => {
    const window = values.subarray(1 * 5); // steps [1, 7)
    expect(selectUnits(window, 5, 1, q([2, 5], 1, 1))).toEqual([0]);
  });

  it('ignores padding outside the window', () => {
    const window = values.subarray(2 * 5); // steps [2, 7): the step before the brush is not here
    expect(selectUnits(window, 5, 2, q([2, 5], 3, 0))).toEqual([0, 1, 2]);
    // right padding [5, 10) is cut at the window's end, 7 (LSTMVis would select nothing)
    expect(selectUnits(values, 5, 0, q([4, 5], 0, 5))).toEqual([0, 1, 3]);
  });

  it('ignores padding across a document start', () => {
    expect(selectUnits(values, 5, 0, q([2, 5], 1, 1, { docStarts: [0, 2] }))).toEqual([0, 1]);
    expect(selectUnits(values, 5, 0, q([2, 5], 1, 2, { docStarts: [0, 5] }))).toEqual([0, 2]);
    expect(selectUnits(values, 5, 0, q([2, 5], 1, 2, { docStarts: [0, 6] }))).toEqual([0]);
  });

  it('includes values exactly at θ as on', () => {
    const v = Float32Array.from([0.1, 0.5, 0.5]);
    expect(selectUnits(v, 1, 0, { ...q([1, 3]), threshold: 0.5 })).toEqual([0]);
  });

  it('rejects a brush that is empty or outside the window', () => {
    expect(() => selectUnits(values, 5, 0, q([3, 3]))).toThrow(/at least one step/);
    expect(() => selectUnits(values, 5, 3, q([2, 4]))).toThrow(/outside the window/);
  });
});

describe('onCounts', () => {
  it('counts selected units on per step', () => {
    expect(Array.from(onCounts(values, 5, [0, 1, 2], 0.5))).toEqual([0, 1, 3, 3, 3, 1, 0]);
    expect(Array.from(onCounts(values, 5, [], 0.5))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('threshold range', () => {
  it('reports the data range, ignoring NaN', () => {
    expect(valueRange(Float32Array.from([NaN, -0.25, 2, 1]))).toEqual({ min: -0.25, max: 2 });
    expect(valueRange(new Float32Array(0))).toEqual({ min: NaN, max: NaN });
  });

  it('warns when θ is outside the range', () => {
    const r = { min: -0.5, max: 0.875 };
    expect(thresholdWarning(r, 0.95)).toMatch(/above every value .*0\.875/);
    expect(thresholdWarning(r, -1)).toMatch(/every unit is always on/);
    expect(thresholdWarning(r, 0.3)).toBeNull();
  });
});

describe('explainSelection', () => {
  it('is null when something is selected', () => {
    expect(explainSelection(values, 5, 0, q([2, 5]))).toBeNull();
  });

  it('says when no unit is on over the whole brush, and names the closest', () => {
    const msg = explainSelection(values, 5, 0, q([1, 6]));
    expect(msg).toMatch(/No unit is ≥ θ = 0\.5 at every one of the 5 brushed steps/);
    expect(msg).toMatch(/unit 1, is on at 4 of them/);
    expect(explainSelection(values, 5, 0, q([0, 1]))).toMatch(/at the brushed step\./);
  });

  it('says when the brushed units are all on in the padding', () => {
    const msg = explainSelection(values, 5, 0, q([3, 5], 1, 0));
    expect(msg).toMatch(/^3 units are ≥ θ at every one of the 2 brushed steps, but all of them/);
    expect(msg).toMatch(/1 step before, 0 steps after/);
  });

  it('reports a threshold above every value', () => {
    const msg = explainSelection(values, 5, 0, { ...q([2, 5]), threshold: 2 });
    expect(msg).toMatch(/θ = 2 is above every value in view \(the largest is 0\.9\)/);
  });

  it('reports a threshold below every value', () => {
    const msg = explainSelection(values, 5, 0, { ...q([2, 5]), threshold: -1 });
    expect(msg).toMatch(/also on in the padding.*every unit is always on/);
  });

  it('handles an empty window', () => {
    expect(explainSelection(new Float32Array(0), 0, 0, q([0, 1]))).toMatch(/no units/);
  });
});
