/** Mean response per token against numpy's bincount (tests/fixtures/unit/make_unit_fixtures.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tokenResponse, type TokenMean } from './tokenResponse';

const fx = JSON.parse(
  readFileSync(new URL('../../../tests/fixtures/unit/tokenResponse.json', import.meta.url), 'utf8')
) as {
  values: number[];
  ids: number[];
  expected: { mean: number; steps: number; tokens: number; up: TokenMean[]; down: TokenMean[] };
};

function expectRows(got: TokenMean[], want: TokenMean[]) {
  expect(got.map((r) => [r.id, r.count, r.first])).toEqual(
    want.map((r) => [r.id, r.count, r.first])
  );
  got.forEach((r, i) => {
    expect(r.mean).toBeCloseTo(want[i].mean, 12);
    expect(r.se).toBeCloseTo(want[i].se, 12);
  });
}

describe('tokenResponse', () => {
  const values = Float32Array.from(fx.values);
  const ids = Int32Array.from(fx.ids);
  const res = tokenResponse(values, ids, { minCount: 5, top: 10 });

  it('matches numpy: overall mean, tokens counted, the ten up and the ten down', () => {
    expect(res.steps).toBe(fx.expected.steps);
    expect(res.tokens).toBe(fx.expected.tokens);
    expect(res.mean).toBeCloseTo(fx.expected.mean, 12);
    expectRows(res.up, fx.expected.up);
    expectRows(res.down, fx.expected.down);
  });

  it('finds the planted tokens first (3 pushes up, 4 down), never a rare one', () => {
    expect(res.up[0].id).toBe(3);
    expect(res.down[0].id).toBe(4);
    expect([...res.up, ...res.down].every((r) => r.count >= 5)).toBe(true);
  });

  it('a constant unit pushes nothing either way', () => {
    const r = tokenResponse(
      new Float32Array(20).fill(0.5),
      Int32Array.from({ length: 20 }, (_, t) => t % 2)
    );
    expect([r.up, r.down, r.mean]).toEqual([[], [], 0.5]);
  });
});
