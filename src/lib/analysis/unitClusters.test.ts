/**
 * Correlation and clustering against numpy/scipy on a committed fixture
 * (tests/fixtures/clusters/make_reference.py → reference.json): numpy.corrcoef, scipy linkage +
 * leaves_list + fcluster for average and complete linkage, kmeans2 from the same start centres.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { correlationAt, correlationMatrix, type CorrelationMatrix } from './correlation';
import { clusterUnits } from './unitClusters';
import { isPermutation } from './rowOrder';

interface Reference {
  units: number;
  steps: number;
  k: number;
  constant: number[];
  values: number[];
  r: (number | null)[][];
  trees: Record<'average' | 'complete', { order: number[]; labels: Record<string, number> }>;
  kmeans: { start: number[]; labels: Record<string, number> };
}
const ref = JSON.parse(readFileSync('tests/fixtures/clusters/reference.json', 'utf8')) as Reference;

/** The fixture's [steps, units] values as unit profiles ([units, steps]). */
function profiles() {
  const { units, steps } = ref;
  const values = new Float32Array(units * steps);
  for (let t = 0; t < steps; t++)
    for (let u = 0; u < units; u++) values[u * steps + t] = ref.values[t * units + u];
  return { units, steps, values };
}

/** Two labelings are the same partition (whatever the cluster numbers). */
function samePartition(a: Record<string, number>, b: Record<string, number>) {
  const ab = new Map<number, number>();
  const ba = new Map<number, number>();
  for (const u of Object.keys(a)) {
    if ((ab.get(a[u]) ?? b[u]) !== b[u] || (ba.get(b[u]) ?? a[u]) !== a[u]) return false;
    ab.set(a[u], b[u]);
    ba.set(b[u], a[u]);
  }
  return Object.keys(a).length === Object.keys(b).length;
}

const labelsOf = (labels: Int32Array) =>
  Object.fromEntries([...labels].map((c, u) => [String(u), c]).filter(([, c]) => c !== -1));

describe('correlation matrix', () => {
  const m = correlationMatrix(profiles());

  it('equals numpy.corrcoef, and is undefined (null, never NaN) for the constant unit', () => {
    let worst = 0;
    for (let i = 0; i < ref.units; i++)
      for (let j = 0; j < ref.units; j++) {
        const want = ref.r[i][j];
        const got = correlationAt(m, i, j);
        if (want === null) expect(got).toBeNull();
        else worst = Math.max(worst, Math.abs(got! - want));
      }
    expect(worst).toBeLessThan(1e-5);
    expect([...m.constant.keys()].filter((u) => m.constant[u])).toEqual(ref.constant);
    expect(m.r.every(Number.isFinite)).toBe(true);
  });

  it('reports progress and survives a single step and all-constant units', () => {
    const seen: number[] = [];
    correlationMatrix(profiles(), (f) => seen.push(f));
    expect(seen.at(-1)).toBe(1);
    const one = correlationMatrix({ units: 2, steps: 1, values: Float32Array.of(1, 2) });
    expect([correlationAt(one, 0, 1), correlationAt(one, 0, 0)]).toEqual([null, null]);
    const flat = correlationMatrix({ units: 3, steps: 4, values: new Float32Array(12).fill(7) });
    expect(clusterUnits(flat, 'average', 2).labels).toEqual(Int32Array.of(-1, -1, -1));
  });
});

describe('clusters', () => {
  const m: CorrelationMatrix = correlationMatrix(profiles());

  for (const method of ['average', 'complete'] as const)
    it(`${method} linkage: scipy's leaf order and its fcluster cut into k`, () => {
      const c = clusterUnits(m, method, ref.k);
      expect([...c.order]).toEqual(ref.trees[method].order);
      expect(samePartition(labelsOf(c.labels), ref.trees[method].labels)).toBe(true);
      expect(c.labels[ref.constant[0]]).toBe(-1);
      expect(c.clusters).toBe(ref.k);
    });

  it('k-means on correlation rows: scipy kmeans2 from the same start centres', () => {
    const c = clusterUnits(m, 'kmeans', ref.k, ref.kmeans.start);
    expect(samePartition(labelsOf(c.labels), ref.kmeans.labels)).toBe(true);
    expect(isPermutation(c.order, ref.units)).toBe(true);
    // Each cluster's units sit together, the constant unit last.
    const runs = [...c.order]
      .map((u) => c.labels[u])
      .filter((l, i, a) => i === 0 || l !== a[i - 1]);
    expect(runs).toEqual([0, 1, 2, 3, -1]);
  });

  it('k-means++ is seeded: the same clusters every run', () => {
    const a = clusterUnits(m, 'kmeans', 3);
    const b = clusterUnits(m, 'kmeans', 3);
    expect([...a.order]).toEqual([...b.order]);
    expect(a.clusters).toBe(3);
  });

  it('refuses a k that is not a whole number ≥ 1', () => {
    expect(() => clusterUnits(m, 'average', 0)).toThrow(/whole number ≥ 1/);
    expect(() => clusterUnits(m, 'average', 2.5)).toThrow(/whole number ≥ 1/);
  });
});
