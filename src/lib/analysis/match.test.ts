import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { constraintsFromPadding, findCandidates, noMatchReason, type Candidate } from './match';
import { compareMatches, rankMatches } from './matchScore';

interface FixtureCase {
  name: string;
  constrainLeft: boolean;
  constrainRight: boolean;
  docStarts: number[];
  maxCandidates: number;
  found: number;
  candidates: [number, number, number, number][];
  matches: {
    start: number;
    end: number;
    units: number[];
    intersect: number;
    union: number;
    k: number;
    sharpness: number;
  }[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/lstmvis/fixture.json', import.meta.url), 'utf8')
) as {
  steps: number;
  units: number;
  threshold: number;
  selected: number[];
  values: number[];
  cases: FixtureCase[];
};

/** [T, k] columns of `units` picked out of a full [T, U] matrix. */
function columns(values: Float32Array, U: number, units: number[]): Float32Array {
  const T = values.length / U;
  const out = new Float32Array(T * units.length);
  for (let t = 0; t < T; t++)
    units.forEach((u, j) => (out[t * units.length + j] = values[t * U + u]));
  return out;
}

/** Builds a [T, U] matrix from on/off strings, one per unit: '1' = 0.9, '0' = 0.1. */
function fromStrings(rows: string[]): { values: Float32Array; U: number } {
  const U = rows.length;
  const T = rows[0].length;
  const values = new Float32Array(T * U);
  rows.forEach((r, u) => [...r].forEach((ch, t) => (values[t * U + u] = ch === '1' ? 0.9 : 0.1)));
  return { values, U };
}

const rowsOf = (values: Float32Array, U: number) => (from: number, to: number) =>
  values.subarray(from * U, to * U);

describe('match against the numpy reference of LSTMVis (tests/fixtures/lstmvis)', () => {
  const values = Float32Array.from(fixture.values);
  const { units: U, selected, threshold } = fixture;
  const cols = columns(values, U, selected);
  for (const fc of fixture.cases) {
    it(`case ${fc.name}: same candidates, same ranking`, () => {
      const cons = { constrainLeft: fc.constrainLeft, constrainRight: fc.constrainRight };
      const scan = findCandidates(cols, selected.length, threshold, {
        ...cons,
        docStarts: fc.docStarts,
        maxCandidates: fc.maxCandidates
      });
      expect(scan.found).toBe(fc.found);
      expect(scan.candidates.map((c) => [c.start, c.end, c.k, c.sharpness])).toEqual(fc.candidates);
      const { matches, total } = rankMatches(
        scan.candidates,
        rowsOf(values, U),
        U,
        selected,
        threshold,
        { ...cons, limit: 10_000 }
      );
      expect(total).toBe(fc.candidates.length);
      expect(
        matches.map(({ start, end, units, intersect, union, k, sharpness }) => ({
          start,
          end,
          units,
          intersect,
          union,
          k,
          sharpness
        }))
      ).toEqual(fc.matches);
    });
  }
});

describe('findCandidates', () => {
  it('finds a planted run of all selected units and ranks it first', () => {
    const { values, U } = fromStrings(['0011110000110000', '0011110000100000', '0000000000000110']);
    const scan = findCandidates(columns(values, U, [0, 1]), 2, 0.5);
    expect(scan.candidates.map((c) => [c.start, c.end, c.k])).toEqual([
      [2, 6, 2],
      [10, 12, 1]
    ]);
    const { matches } = rankMatches(scan.candidates, rowsOf(values, U), U, [0, 1], 0.5);
    expect(matches[0]).toMatchObject({ start: 2, end: 6, units: [0, 1], intersect: 2, union: 2 });
    expect(matches[1]).toMatchObject({ start: 10, end: 12, units: [0], intersect: 1, union: 2 });
  });

  it('deduplicates a run found again at a lower level but keeps larger enclosing runs', () => {
    // count: 1 2 2 1 0 2 2 0 -> level 2: [1,3) and [5,7); level 1: [0,4) new, [5,7) again
    const cols = Float32Array.from([1, 0, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0]);
    const scan = findCandidates(cols, 2, 0.5, { constrainLeft: false });
    expect(scan.candidates.map((c) => [c.start, c.end, c.k])).toEqual([
      [1, 3, 2],
      [5, 7, 2],
      [0, 4, 1]
    ]);
  });

  it('orders candidates by sharpness of the edges', () => {
    // k = 2 runs: [1,3) after count 1 (sharpness 1), [5,7) after count 0 (sharpness 2)
    const cols = Float32Array.from([1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]);
    const scan = findCandidates(cols, 2, 0.5);
    expect(scan.candidates.slice(0, 2).map((c) => [c.start, c.sharpness])).toEqual([
      [5, 2],
      [1, 1]
    ]);
  });

  it('splits a run at a document start, with no border on that side', () => {
    const cols = Float32Array.from([0, 1, 1, 1, 1, 1, 0]);
    const scan = findCandidates(cols, 1, 0.5, { docStarts: [0, 3], constrainRight: true });
    expect(scan.candidates.map((c) => [c.start, c.end, c.hasLeft, c.hasRight])).toEqual([
      [1, 3, true, false],
      [3, 6, false, true]
    ]);
    const whole = findCandidates(cols, 1, 0.5);
    expect(whole.candidates.map((c) => [c.start, c.end])).toEqual([[1, 6]]);
  });

  it('takes only runs of exactly phraseLength steps when asked', () => {
    const cols = Float32Array.from([1, 1, 0, 1, 1, 1, 0, 1, 1]);
    const scan = findCandidates(cols, 1, 0.5, { phraseLength: 3 });
    expect(scan.candidates.map((c) => [c.start, c.end])).toEqual([[3, 6]]);
  });

  it('reports progress and can be cancelled', () => {
    const cols = new Float32Array(300_000).fill(1);
    const seen: number[] = [];
    findCandidates(cols, 1, 0.5, { onProgress: (done, total) => seen.push(done / total) });
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.at(-1)).toBe(1);
    const ac = new AbortController();
    ac.abort();
    expect(() => findCandidates(cols, 1, 0.5, { signal: ac.signal })).toThrow(/abort/i);
    const late = new AbortController();
    const onProgress = (done: number) => done > 100_000 && late.abort();
    expect(() => findCandidates(cols, 1, 0.5, { signal: late.signal, onProgress })).toThrow();
  });

  it('scans all 1M steps × 10 selected units, across a document start (speed: npm run bench)', () => {
    const T = 1_000_000;
    const k = 10;
    const cols = new Float32Array(T * k);
    let seed = 7;
    for (let i = 0; i < cols.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      cols[i] = seed / 2 ** 32 < 0.3 ? 0.8 : 0.1;
    }
    const scan = findCandidates(cols, k, 0.3, { docStarts: [0, 500_000] });
    expect(scan.steps).toBe(T);
    expect(scan.candidates.length).toBe(10_000);
    // Candidates come from past LSTMVis's 500,000-step fast-mode cut too, and never cross the start.
    expect(scan.candidates.some((c) => c.start >= 500_000)).toBe(true);
    expect(scan.candidates.every((c) => c.start >= 500_000 || c.end <= 500_000)).toBe(true);
  });
});

describe('ranking and reasons', () => {
  it('constrained borders exclude units that are already on before the run', () => {
    const { values, U } = fromStrings(['0011100', '0111100', '0011100']);
    const scan = findCandidates(columns(values, U, [0]), 1, 0.5);
    const left = rankMatches(scan.candidates, rowsOf(values, U), U, [0], 0.5);
    expect(left.matches[0].units).toEqual([0, 2]);
    const none = rankMatches(scan.candidates, rowsOf(values, U), U, [0], 0.5, {
      ...constraintsFromPadding(0, 0)
    });
    expect(none.matches[0].units).toEqual([0, 1, 2]);
    expect(none.matches[0].union).toBe(3);
  });

  it('ranks by intersection desc, union asc, length desc', () => {
    const m = (intersect: number, union: number, length: number) =>
      ({ intersect, union, length }) as Parameters<typeof compareMatches>[0];
    const list = [m(1, 2, 9), m(2, 5, 2), m(2, 3, 2), m(2, 3, 4)];
    expect(list.sort(compareMatches)).toEqual([m(2, 3, 4), m(2, 3, 2), m(2, 5, 2), m(1, 2, 9)]);
  });

  it('returns the top `limit` and the total', () => {
    const cols = Float32Array.from([1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1]);
    const scan = findCandidates(cols, 1, 0.5);
    const r = rankMatches(scan.candidates, rowsOf(cols, 1), 1, [0], 0.5, { limit: 2 });
    expect([r.matches.length, r.total]).toEqual([2, 4]);
  });

  it('rejects rows of the wrong size', () => {
    const c: Candidate = { start: 1, end: 3, k: 1, sharpness: 1, hasLeft: true, hasRight: true };
    expect(() => rankMatches([c], () => new Float32Array(2), 1, [0], 0.5)).toThrow(/3 rows/);
  });

  it('explains why nothing matched', () => {
    expect(noMatchReason(findCandidates(new Float32Array(0), 0, 0.5))).toMatch(
      /selection is empty/
    );
    const never = findCandidates(new Float32Array(20), 2, 0.5);
    expect(noMatchReason(never)).toMatch(/never ≥ θ/);
    const blips = findCandidates(Float32Array.from([1, 0, 1, 0, 1]), 1, 0.5);
    expect(noMatchReason(blips)).toMatch(/no run of ≥2 steps/);
    const split = findCandidates(Float32Array.from([0, 1, 1, 0]), 1, 0.5, { docStarts: [0, 2] });
    expect(noMatchReason(split)).toMatch(/within one document/);
    expect(noMatchReason(findCandidates(Float32Array.from([1, 1]), 1, 0.5))).toBeNull();
  });
});
