import { describe, expect, it } from 'vitest';
import { selectUnits } from './select';
import { proposeThreshold, shortThreshold } from './suggest';
import { normalize, otsuThreshold, valueHistogram } from './threshold';

/** A [T, units] window from per-unit columns. */
function windowOf(columns: number[][]): Float32Array {
  const T = columns[0].length;
  const out = new Float32Array(T * columns.length);
  columns.forEach((col, u) => col.forEach((v, t) => (out[t * columns.length + u] = v)));
  return out;
}

/** Independent reference: the most units selectUnits picks for any θ among many candidates. */
function bruteForceBest(
  values: Float32Array,
  units: number,
  t0: number,
  q: { brush: [number, number]; padLeft: number; padRight: number; docStarts?: number[] }
): number {
  const vs = [...new Set(Array.from(values).filter(Number.isFinite))].sort((a, b) => a - b);
  const candidates = [vs[0] - 1, ...vs, ...vs.slice(1).map((v, i) => (v + vs[i]) / 2)];
  let best = 0;
  for (const threshold of candidates)
    best = Math.max(best, selectUnits(values, units, t0, { ...q, threshold }).length);
  return best;
}

describe('proposeThreshold (the Suggest button)', () => {
  it('picks the θ that selects the most units, centred in their gap, and says so', () => {
    // t:        0    1    2    3    4    5    6    7       brush [3, 6), padding 1 each side
    const w = windowOf([
      [0.9, 0.9, 0.1, 0.5, 0.6, 0.7, 0.2, 0.9], // gap (0.2, 0.5]
      [0.0, 0.0, 0.3, 0.45, 0.5, 0.6, 0.1, 0.0], // gap (0.3, 0.45]
      [0.0, 0.0, 0.8, 0.95, 0.9, 0.92, 0.0, 0.0], // gap (0.8, 0.9]
      [0.0, 0.0, 0.0, 0.9, 0.1, 0.9, 0.0, 0.0] // off inside the brush: never selected
    ]);
    const q = { brush: [3, 6] as [number, number], padLeft: 1, padRight: 1 };
    const s = proposeThreshold(w, 4, 0, q)!;
    expect(s.method).toBe('separation');
    // Units 0 and 1 overlap in (0.3, 0.45]: centre 0.375, shown as 0.38.
    expect(s.threshold).toBe(0.38);
    expect(s.units).toEqual([0, 1]);
    expect(selectUnits(w, 4, 0, { ...q, threshold: s.threshold })).toEqual([0, 1]);
    expect(s.units.length).toBe(bruteForceBest(w, 4, 0, q));
    expect(s.explanation).toBe(
      'θ 0.38 selects 2 units (0, 1), the most any θ selects: θ is mid-way in the gap between ' +
        'their lowest brushed value (0.45) and their highest value in the padding (0.3).'
    );
  });

  it('of two θ ranges that select as many units, takes the wider gap', () => {
    // brush t = 1, padding t = 0 and 2: gaps (0.1, 0.2], (0.15, 0.25] overlap by 0.05;
    // (0.5, 0.9], (0.6, 1.0] overlap in (0.6, 0.9], width 0.3.
    const w = windowOf([
      [0.1, 0.2, 0],
      [0.15, 0.25, 0],
      [0.5, 0.9, 0],
      [0.6, 1.0, 0]
    ]);
    const q = { brush: [1, 2] as [number, number], padLeft: 1, padRight: 1 };
    const s = proposeThreshold(w, 4, 0, q)!;
    expect(s.units).toEqual([2, 3]);
    expect(s.threshold).toBe(0.75);
    expect(s.explanation).toContain('1 other choice of as many units had a narrower gap.');
  });

  it('an unbounded c-like unit (60–200) next to small ones: θ separates it, where Otsu does not', () => {
    // unit 0 like a cell state: 60–80 off, 150–200 on the brushed span; units 1–3 small values
    // that are as high in the padding as in the brush (no θ separates them).
    const c = [60, 70, 80, 150, 180, 200, 65, 72, 61, 79];
    const small = (k: number) => [0.2, 0.1, 0.5, 0.3, 0.4, 0.3, 0.6, -0.1, 0.0, k];
    const w = windowOf([c, small(0.1), small(-0.2), small(0.3)]);
    const q = { brush: [3, 6] as [number, number], padLeft: 1, padRight: 1 };
    const s = proposeThreshold(w, 4, 0, q)!;
    expect(s.units).toEqual([0]);
    // Gap (80, 150]: centre 115, the shortest number within a tenth of the gap of it is 120.
    expect(s.threshold).toBe(120);
    expect(s.threshold).toBeGreaterThan(80);
    expect(s.threshold).toBeLessThanOrEqual(150);
    expect(selectUnits(w, 4, 0, { ...q, threshold: s.threshold })).toEqual([0]);
    expect(s.units.length).toBe(bruteForceBest(w, 4, 0, q));
    expect(s.explanation).toContain('their lowest brushed value (150)');
    expect(s.explanation).toContain('highest value in the padding (80)');
    // The old Suggest (Otsu over every value in view) selects nothing here.
    const otsu = otsuThreshold(valueHistogram(w)!);
    expect(selectUnits(w, 4, 0, { ...q, threshold: otsu })).toEqual([]);
  });

  it('after z-score per unit, the same rule holds on the normalised values', () => {
    const c = [60, 70, 80, 150, 180, 200, 65, 72, 61, 79];
    const c2 = [-5, -4, -6, 9, 10, 12, -3, -5, -6, -4];
    const z = normalize(windowOf([c, c2]), 2, 'zscore');
    const q = { brush: [3, 6] as [number, number], padLeft: 2, padRight: 2 };
    const s = proposeThreshold(z, 2, 0, q)!;
    expect(s.units).toEqual([0, 1]);
    expect(selectUnits(z, 2, 0, { ...q, threshold: s.threshold })).toEqual([0, 1]);
  });

  it('matches a brute-force search on random windows (window offset, documents, NaN)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    for (let trial = 0; trial < 200; trial++) {
      const units = 1 + Math.floor(rand() * 6);
      const T = 6 + Math.floor(rand() * 10);
      const t0 = Math.floor(rand() * 50);
      const w = new Float32Array(T * units).map(() =>
        rand() < 0.03 ? NaN : Math.round(rand() * 40) / 10 - 2
      );
      const b0 = t0 + 1 + Math.floor(rand() * (T - 3));
      const b1 = b0 + 1 + Math.floor(rand() * Math.min(3, t0 + T - b0 - 1));
      const q = {
        brush: [b0, b1] as [number, number],
        padLeft: Math.floor(rand() * 3),
        padRight: Math.floor(rand() * 3),
        docStarts: rand() < 0.3 ? [0, b0 - 1] : undefined
      };
      const s = proposeThreshold(w, units, t0, q)!;
      const best = bruteForceBest(w, units, t0, q);
      if (best === 0) {
        expect(s.method, `trial ${trial}`).toBe('otsu');
        continue;
      }
      expect(s.method, `trial ${trial}`).toBe('separation');
      expect(s.units.length, `trial ${trial}`).toBe(best);
      expect(selectUnits(w, units, t0, { ...q, threshold: s.threshold }), `trial ${trial}`).toEqual(
        s.units
      );
    }
  });

  it('without padding every unit on at all brushed steps counts: θ is their lowest brushed value', () => {
    const w = windowOf([
      [0, 0.5, 0.7, 0],
      [0, 0.9, 0.8, 0],
      [0, 0.1, 0.9, 0]
    ]);
    const q = { brush: [1, 3] as [number, number], padLeft: 0, padRight: 0 };
    const s = proposeThreshold(w, 3, 0, q)!;
    expect(s.units).toEqual([0, 1, 2]);
    expect(s.threshold).toBeLessThanOrEqual(0.1);
    expect(s.threshold).toBeGreaterThan(0.09);
    expect(s.explanation).toContain('there is no padding');
  });

  it('falls back to Otsu, saying why: no brush, brush out of view, nothing separable', () => {
    const w = windowOf([
      [0, 1, 1, 1],
      [0, 1, 0, 1]
    ]);
    const otsu = +otsuThreshold(valueHistogram(w)!).toPrecision(3);
    const none = proposeThreshold(w, 2, 0, null)!;
    expect(none).toMatchObject({ method: 'otsu', threshold: otsu, units: [] });
    expect(none.explanation).toMatch(/^No span is brushed, so θ .* is Otsu's cut/);
    const away = proposeThreshold(w, 2, 10, { brush: [2, 3], padLeft: 1, padRight: 0 })!;
    expect(away.explanation).toMatch(/^The brushed span is out of view/);
    // Brush t = 2..3, padding t = 1: unit 0 is as high in the padding, unit 1 is off in the brush.
    const q = { brush: [2, 4] as [number, number], padLeft: 1, padRight: 0 };
    expect(selectUnits(w, 2, 0, { ...q, threshold: 0.5 })).toEqual([]);
    const stuck = proposeThreshold(w, 2, 0, q)!;
    expect(stuck.method).toBe('otsu');
    expect(stuck.explanation).toMatch(/^No θ selects a unit here/);
    expect(proposeThreshold(new Float32Array([NaN, NaN]), 2, 0, null)).toBeNull();
  });

  it('shortThreshold: the shortest number near the centre of (lo, hi]', () => {
    expect(shortThreshold(0.3, 0.45, 0.375)).toBe(0.38);
    expect(shortThreshold(80, 150, 115)).toBe(120);
    expect(shortThreshold(0.31, 1.7, 1.005)).toBe(1);
    expect(shortThreshold(-Infinity, 0.46, 0.46)).toBe(0.46);
    expect(shortThreshold(-Infinity, 0.1, 0.1)).toBe(0.1);
    const x = shortThreshold(1.0000001, 1.0000002, 1.00000015);
    expect(x > 1.0000001 && x <= 1.0000002).toBe(true);
  });
});
