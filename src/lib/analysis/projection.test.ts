/**
 * PCA against sklearn.decomposition.PCA (tests/fixtures/projection, made by
 * make_pca_fixture.py): mean, components up to sign, explained variance ratio and the projected
 * rows. The one-unit stream (a 1-D strip), a constant stream (the seeded subsample: stepSample.test.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitPca, ProjectionError, projectRows } from './projection';

const fx = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/projection/pca.json', import.meta.url), 'utf8')
) as {
  rows: number;
  units: number;
  values: number[];
  mean: number[];
  components: number[][];
  explained: number[];
  projected: number[];
};

describe('fitPca', () => {
  const values = Float32Array.from(fx.values);
  const fit = fitPca(values, fx.rows, fx.units);

  it('matches sklearn: mean, components (up to sign), explained variance ratio', () => {
    expect(fit.dims).toBe(2);
    fit.mean.forEach((m, u) => expect(m).toBeCloseTo(fx.mean[u], 10));
    fit.explained.forEach((e, k) => expect(e).toBeCloseTo(fx.explained[k], 10));
    expect(fit.explained[0]).toBeGreaterThan(fit.explained[1]);
    for (let k = 0; k < 2; k++) {
      const sign = Math.sign(fit.components[k][0] * fx.components[k][0]);
      fit.components[k].forEach((v, u) => expect(sign * v).toBeCloseTo(fx.components[k][u], 8));
    }
  });

  it('projects rows as sklearn’s transform (up to each component’s sign)', () => {
    const xy = projectRows(fit, values, fx.rows);
    const signs = [0, 1].map((k) => Math.sign(fit.components[k][0] * fx.components[k][0]));
    let worst = 0;
    for (let i = 0; i < xy.length; i++)
      worst = Math.max(worst, Math.abs(signs[i % 2] * xy[i] - fx.projected[i]));
    expect(worst).toBeLessThan(1e-5); // float32 output
  });

  it('a stream of one unit: one component, a strip of the centred values', () => {
    const one = Float32Array.of(0.5, -0.25, 0.25, 1);
    const f = fitPca(one, 4, 1);
    expect(f.dims).toBe(1);
    expect(f.explained).toEqual([1]);
    expect(Array.from(f.components[0])).toEqual([1]);
    expect(Array.from(projectRows(f, one, 4))).toEqual([0.125, 0, -0.625, 0, -0.125, 0, 0.625, 0]);
  });

  it('refuses a constant stream and a single step, saying why', () => {
    expect(() => fitPca(new Float32Array(30).fill(0.3), 10, 3)).toThrow(ProjectionError);
    expect(() => fitPca(new Float32Array(30).fill(0.3), 10, 3)).toThrow(
      'Every unit of this stream is constant over these steps: there is no variance to project.'
    );
    expect(() => fitPca(new Float32Array(3), 1, 3)).toThrow(
      'A projection needs at least 2 steps; this one has 1.'
    );
  });
});
