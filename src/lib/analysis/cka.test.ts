/**
 * Linear CKA against NumPy (tests/fixtures/compare/make_compare_fixture.py, which checks its own
 * figure through the n × n Gram form too), and its invariances: an orthogonal transform or an
 * isotropic scale of either side leaves it unchanged, and a stream against itself is 1.
 */
import { describe, expect, it } from 'vitest';
import { ckaFromNorms, linearCka } from './cka';
import { compareCases } from '../../../tests/helpers/compareFixture';

/** A seeded stream of uniforms in [-1, 1) (mulberry32). */
function uniforms(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

function randomRows(n: number, p: number, seed: number): Float64Array {
  const u = uniforms(seed);
  return Float64Array.from({ length: n * p }, () => u());
}

/** A random p × p orthogonal matrix: Gram–Schmidt on random columns. */
function orthogonal(p: number, seed: number): Float64Array {
  const m = randomRows(p, p, seed);
  for (let j = 0; j < p; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < p; i++) dot += m[i * p + j] * m[i * p + k];
      for (let i = 0; i < p; i++) m[i * p + j] -= dot * m[i * p + k];
    }
    let norm = 0;
    for (let i = 0; i < p; i++) norm += m[i * p + j] ** 2;
    for (let i = 0; i < p; i++) m[i * p + j] /= Math.sqrt(norm);
  }
  return m;
}

function times(x: Float64Array, n: number, p: number, m: Float64Array, q: number): Float64Array {
  const out = new Float64Array(n * q);
  for (let t = 0; t < n; t++)
    for (let i = 0; i < p; i++)
      for (let j = 0; j < q; j++) out[t * q + j] += x[t * p + i] * m[i * q + j];
  return out;
}

describe('linear CKA', () => {
  it.each(compareCases().map((c) => [c.name, c] as const))('equals NumPy: %s', (_, c) => {
    const got = linearCka(c.x, c.p, c.y, c.q, c.n)!;
    expect(Math.abs(got - c.cka)).toBeLessThan(1e-9);
    expect(c.cka).toBeGreaterThan(0.05); // a figure that could have come out wrong
  });

  const n = 120;
  const p = 7;
  const x = randomRows(n, p, 1);
  // y: a nonlinear mix of x plus noise, so CKA(x, y) is well inside (0, 1)
  const u = uniforms(2);
  const y = Float64Array.from(
    { length: n * 5 },
    (_, i) => Math.tanh(x[(i % 5) + Math.floor(i / 5) * p] * 2) + 0.5 * u()
  );
  const base = linearCka(x, p, y, 5, n)!;

  it('is between 0 and 1 here and 1 for a stream against itself', () => {
    expect(base).toBeGreaterThan(0.1);
    expect(base).toBeLessThan(0.9);
    expect(linearCka(x, p, x, p, n)).toBeCloseTo(1, 12);
  });

  it('is invariant to an orthogonal transform of either side', () => {
    const xq = times(x, n, p, orthogonal(p, 3), p);
    expect(linearCka(xq, p, y, 5, n)).toBeCloseTo(base, 12);
    const yq = times(y, n, 5, orthogonal(5, 4), 5);
    expect(linearCka(x, p, yq, 5, n)).toBeCloseTo(base, 12);
    // X against XQ: the same representation rotated
    expect(linearCka(x, p, xq, p, n)).toBeCloseTo(1, 12);
  });

  it('is invariant to an isotropic scale and to a shift of either side', () => {
    expect(
      linearCka(
        x.map((v) => 37.5 * v),
        p,
        y,
        5,
        n
      )
    ).toBeCloseTo(base, 12);
    expect(
      linearCka(
        x,
        p,
        y.map((v) => 0.01 * v + 3),
        5,
        n
      )
    ).toBeCloseTo(base, 12);
    expect(
      linearCka(
        x,
        p,
        x.map((v) => -2 * v),
        p,
        n
      )
    ).toBeCloseTo(1, 12);
  });

  it('is not invariant to scaling one unit alone (not an isotropic scale)', () => {
    const skewed = x.map((v, i) => (i % p === 0 ? 20 * v : v));
    expect(Math.abs(linearCka(skewed, p, y, 5, n)! - base)).toBeGreaterThan(0.01);
  });

  it('is undefined for a constant stream, never NaN', () => {
    expect(linearCka(new Float64Array(n * 3).fill(0.5), 3, y, 5, n)).toBeNull();
    expect(ckaFromNorms(0, 0, 1)).toBeNull();
  });
});
