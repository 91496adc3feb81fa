/** The unit profile against numpy (tests/fixtures/unit/make_unit_fixtures.py): every count exact. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeColumn, mulberry32, type StoredColumn } from './columnRanks';
import { binner, pickDocuments, trackSplit, unitProfile } from './unitProfile';

interface Case {
  name: string;
  column: {
    length: number;
    codes: number[];
    starts: number[];
    lo: (number | null)[];
    step: (number | null)[];
    f32: (number | null)[] | null;
  };
  options: {
    bins: number;
    k: number;
    gap: number;
    bands: number;
    perBand: number;
    seed: number;
    docStarts: number[];
    split: number[];
  };
  // numpy's numbers, in the profile's own shape
  expected: Record<string, unknown> & { constant: boolean };
}

const cases: Case[] = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/unit/profiles.json', import.meta.url), 'utf8')
);
const nan = (x: number | null) => (x === null ? NaN : x);

function columnOf(c: Case['column']): StoredColumn {
  return {
    length: c.length,
    codes: Uint8Array.from(c.codes),
    starts: c.starts,
    lo: c.lo.map(nan),
    step: c.step.map(nan),
    f32: c.f32 ? Float32Array.from(c.f32, nan) : null
  };
}

describe('unitProfile against numpy', () => {
  for (const c of cases)
    it(c.name, () => {
      const o = c.options;
      const p = unitProfile(columnOf(c.column), { ...o, split: Uint8Array.from(o.split) });
      const e = c.expected;
      expect(p.steps).toBe(e.steps);
      expect(p.missing).toBe(e.missing);
      expect(p.constant).toBe(e.constant);
      expect(p.min).toBe(e.min);
      expect(p.max).toBe(e.max);
      expect(p.median).toBe(e.median);
      expect(p.mean).toBeCloseTo(e.mean as number, 12);
      expect(p.std).toBeCloseTo(e.std as number, 12);
      if (e.constant) {
        expect(p.overall).toEqual([e.steps]);
        expect([p.top, p.bottom, p.bands]).toEqual([[], [], []]);
        return;
      }
      expect(p.edges).toEqual(e.edges);
      expect(p.overall).toEqual(e.overall);
      expect(p.documents).toEqual(e.documents);
      expect(p.split).toEqual(e.split);
      expect(p.top).toEqual(e.top);
      expect(p.bottom).toEqual(e.bottom);
      expect(p.bands).toEqual(e.bands);
    });

  it('finds ties and spacing: no two extreme steps closer than the gap', () => {
    const c = cases[0];
    const p = unitProfile(columnOf(c.column), { gap: 20 });
    for (const list of [p.top, p.bottom])
      for (const a of list)
        for (const b of list) if (a !== b) expect(Math.abs(a.t - b.t)).toBeGreaterThanOrEqual(20);
    // The bursts all decode to one value per segment: the top is a run of ties, earliest first.
    expect(p.top.slice(0, 3).map((x) => x.value)).toEqual([9, 9, 9]);
  });

  it('the same seed draws the same samples; another seed others', () => {
    const col = columnOf(cases[0].column);
    const a = unitProfile(col, { seed: 5 }).bands;
    expect(unitProfile(col, { seed: 5 }).bands).toEqual(a);
    expect(unitProfile(col, { seed: 6 }).bands).not.toEqual(a);
    expect(a.every((b) => b.samples.every((s) => s.value >= b.lo && s.value <= b.hi))).toBe(true);
  });
});

describe('pieces', () => {
  it('decodes as the reader does (float32 of lo + code × step)', () => {
    const col = columnOf(cases[0].column);
    const v = decodeColumn(col);
    expect(v[0]).toBe(Math.fround(col.lo[0] + col.codes![0] * col.step[0]));
  });

  it('bins edge values as numpy does (0.3 falls below its float edge; the maximum in the last bin)', () => {
    const { bin, edges } = binner(0, 1, 10);
    expect(edges.at(-1)).toBe(1);
    expect([bin(0), bin(0.1), bin(0.3), bin(0.99), bin(1)]).toEqual([0, 1, 2, 9, 9]);
  });

  it('picks at most 12 documents, the largest when there are more', () => {
    // Document 1 is empty ([5, 5)).
    expect(pickDocuments([0, 5, 5, 9], 20)).toEqual([0, 2, 3]);
    const starts = Array.from({ length: 14 }, (_, d) => d * 10);
    starts[13] = 125; // the last is 5 steps long
    expect(pickDocuments(starts, 130)).toHaveLength(12);
    expect(pickDocuments(starts, 130)).not.toContain(13);
  });

  it('mulberry32 gives the fixture script the same draws (first values of seed 1)', () => {
    const r = mulberry32(1);
    const first = [r(), r(), r()];
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(first[0]).toBeCloseTo(0.6270739405881613, 15);
  });
});

describe('trackSplit', () => {
  const values = Float32Array.from([1, 5, 3, NaN, 2, 0, 4]);
  it('a numeric track splits above its median (2.5 here: numpy averages the middle two)', () => {
    const s = trackSplit({ name: 'depth', kind: 'numeric', values });
    expect(Array.from(s.split)).toEqual([0, 1, 1, 2, 0, 0, 1]);
    expect(s.label).toBe('depth > 2.5 (its median)');
  });
  it('a 0/1 track: its ones are inside; a category of a categorical track', () => {
    const bin = trackSplit({
      name: 'strings',
      kind: 'numeric',
      values: Float32Array.from([0, 1, NaN])
    });
    expect([Array.from(bin.split), bin.label]).toEqual([[0, 1, 2], 'inside “strings”']);
    const cat = {
      name: 'class',
      kind: 'categorical' as const,
      values,
      categories: ['a', 'b', 'c', 'd', 'e', 'f']
    };
    const s = trackSplit(cat, 3);
    expect([Array.from(s.split), s.label]).toEqual([[0, 0, 1, 2, 0, 0, 0], 'class is d']);
    expect(() => trackSplit(cat)).toThrow(/Choose a category/);
  });
});
